"""The indicator dictionary (KPI指标库), published to everyone."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router

from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, PagingQuery, page
from jixiao.api.v1.schemas import IndicatorOut, Page
from jixiao.core.errors import NotFound
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.selectors import indicator_list

router = Router(tags=["dictionary"])


def indicator_out(version: IndicatorVersion) -> dict[str, Any]:
    return {
        "code": version.indicator.code,
        "version": version.number,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "name": version.name,
        "definition": version.definition,
        "purpose": version.purpose,
        "data_source": version.data_source,
        "formula": version.formula,
        "statistical_period": version.statistical_period,
        "unit": version.unit,
        "perspective": version.perspective,
        "dimension": version.dimension,
        "category": version.category,
        "polarity": version.polarity,
        "incomplete": version.incomplete,
    }


@router.get(
    "/indicators",
    response={200: Page[IndicatorOut], **ERRORS},
    summary="The dictionary: each indicator's version in force",
)
def indicators_list(
    request: HttpRequest,
    paging: PagingQuery,
    on: datetime.date | None = None,
    incomplete: bool | None = None,
) -> dict[str, Any]:
    versions = indicator_list(visible_to=principal(request).user, on=on, incomplete=incomplete)
    return page(versions, paging, indicator_out)


@router.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS}, summary="One indicator")
def indicators_get(
    request: HttpRequest, code: str, on: datetime.date | None = None
) -> dict[str, Any]:
    for version in indicator_list(visible_to=principal(request).user, on=on):
        if version.indicator.code == code:
            return indicator_out(version)
    raise NotFound("indicator")
