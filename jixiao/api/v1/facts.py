"""Facts in bulk, for the data systems that feed them (and for people with a token)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jixiao.api.services.facts import FactRow, facts_upload
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS
from jixiao.api.v1.jobs import JobOut, job_accepted
from jixiao.api.v1.schemas import FactsIn

router = Router(tags=["facts"])


@router.post(
    "/facts/bulk",
    response={202: JobOut, **ERRORS},
    summary="Record many facts at once, all or nothing, each row with an idempotency key",
    description=(
        "The whole batch is checked at once; if any row is wrong nothing is recorded and"
        " the answer (422, code `invalid_rows`) lists every problem by row. An accepted"
        " batch is answered 202 with the job that records it (`Location: /api/v1/jobs/{id}`;"
        " follow it with `GET /jobs/{id}`: when it is `done`, its `outcome` counts the rows"
        " `recorded`, `changed` and `unchanged`). The job writes the whole batch or, should"
        " the facts have changed since the check so that a row is now refused, nothing (the"
        " job is `failed` with each row's problem in `errors`). A row whose idempotency key"
        " was sent before with the same content records nothing and is counted `unchanged`."
        " The same batch sent again while its job is queued or running gets the same job."
        " Each group of appraisals touched is recomputed once; a group much of which the"
        " batch changed is recomputed by its group's job, shared with the batches that come"
        " before it runs (until then its results say 排名更新中)."
    ),
)
def facts_bulk(request: HttpRequest, response: HttpResponse, body: FactsIn) -> Any:
    rows = [FactRow(**row.dict()) for row in body.rows]
    job = facts_upload(principal=principal(request), rows=rows)
    return job_accepted(request, response, job)
