"""Facts in bulk, for the data systems that feed them (and for people with a token)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from jixiao.api.services import FactRow, facts_upsert
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS
from jixiao.api.v1.schemas import FactsIn, FactsOut

router = Router(tags=["facts"])


@router.post(
    "/facts/bulk",
    response={200: FactsOut, **ERRORS},
    summary="Record many facts at once, all or nothing, each row with an idempotency key",
    description=(
        "The whole batch is checked first; if any row is wrong nothing is recorded and the"
        " answer (422, code `invalid_rows`) lists every problem by row. A row whose"
        " idempotency key was sent before with the same content records nothing and is"
        " reported `unchanged`. Each group of appraisals touched is recomputed once."
    ),
)
def facts_bulk(request: HttpRequest, body: FactsIn) -> dict[str, Any]:
    rows = [FactRow(**row.dict()) for row in body.rows]
    outcomes = facts_upsert(principal=principal(request), rows=rows)
    return {
        "recorded": outcomes.count("recorded"),
        "changed": outcomes.count("changed"),
        "unchanged": outcomes.count("unchanged"),
        "rows": [
            {"row": index, "idempotency_key": row.idempotency_key, "outcome": outcome}
            for index, (row, outcome) in enumerate(zip(rows, outcomes, strict=True))
        ],
    }
