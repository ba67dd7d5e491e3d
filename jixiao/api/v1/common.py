"""What every router uses: the documented error answers, paging, and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field as F
from ninja import Path, Query, Schema

from jixiao.api.access import Principal
from jixiao.api.v1.schemas import MAX_ID, ErrorBody
from jixiao.core.errors import NotAllowed

T = TypeVar("T")

# Every operation may answer with these, in the error body's shape.
ERRORS: dict[int, Any] = {status: ErrorBody for status in (400, 401, 403, 404, 409, 413, 422, 500)}
MAX_LIMIT = 500


class Paging(Schema):
    limit: int = F(50, ge=1, le=MAX_LIMIT, description="how many items, at most 500")
    offset: int = F(0, ge=0, le=10_000_000, description="how many to skip")


PagingQuery = Query[Paging]
# An id in a path: a positive integer the databases can hold.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def page(
    rows: QuerySet[Any] | Sequence[Any], paging: Paging, serialize: Callable[[Any], T]
) -> dict[str, Any]:
    """One page of `rows`, counted, each row serialized."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    chunk = rows[paging.offset : paging.offset + paging.limit]
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [serialize(row) for row in chunk],
    }


def require_person(principal: Principal) -> None:
    """Writes other than facts are made by people, not by service tokens."""
    if principal.service is not None:
        raise NotAllowed(_("a service token may only record facts"))
