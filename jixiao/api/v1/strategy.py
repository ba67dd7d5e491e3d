"""The strategy, read by HR and the auditor (personal tokens or the web session):
the map (objectives and their cause → effect links), the coverage report, and a
position's duties with the indicators that measure them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, require_person
from jixiao.core import roles
from jixiao.core.errors import NotAllowed, NotFound
from jixiao.indicators.models import Indicator
from jixiao.indicators.selectors import indicator_current_version
from jixiao.organization.models import Position
from jixiao.strategy.models import Objective
from jixiao.strategy.selectors import CascadeNode, cascade, coverage

router = Router(tags=["strategy"])


class ObjectiveOut(Schema):
    code: str
    name: str
    perspective: str
    description: str
    indicators: list[str]
    factors: list[str]


class LinkOut(Schema):
    cause: str
    effect: str


class MapOut(Schema):
    objectives: list[ObjectiveOut]
    links: list[LinkOut]


class Named(Schema):
    code: str
    name: str


class ItemOutside(Schema):
    position: str
    item: str


class DutyRef(Schema):
    position: str
    order: int
    duty: str


class CoverageOut(Schema):
    green: bool
    objectives_without_indicators: list[Named]
    factors_without_indicators: list[Named]
    company_indicators_not_cascaded: list[Named]
    indicators_serving_nothing: list[Named]
    items_outside_the_cascade: list[ItemOutside]
    duties_unmeasured: list[DutyRef]
    items_no_duty_calls_for: list[ItemOutside]


class DutyOut(Schema):
    order: int
    duty: str
    standard: str
    authority: str
    indicators: list[str]
    items: list[str] = Field(
        default_factory=list, description="codes of the form's items that measure it directly"
    )


class DutiesOut(Schema):
    position: str
    title: str
    duties: list[DutyOut]


class CascadeOut(Schema):
    code: str
    name: str
    objectives: list[str]
    positions: list[str]
    children: list[CascadeOut]


CascadeOut.model_rebuild()


def _node(node: CascadeNode) -> dict[str, Any]:
    return {
        "code": node.indicator.code,
        "name": node.name,
        "objectives": node.objectives,
        "positions": node.positions,
        "children": [_node(child) for child in node.children],
    }


def _name(indicator: Indicator) -> str:
    current = indicator_current_version(indicator)
    return current.name if current is not None else ""


def _reader(request: HttpRequest) -> None:
    """HR and the auditor, in person."""
    caller = principal(request)
    require_person(caller)
    if not roles.reads_everything(caller.user):
        raise NotAllowed(_("only HR and the auditor read the strategy"))


@router.get("/strategy/map", response={200: MapOut, **ERRORS}, summary="The strategy map")
def strategy_map(request: HttpRequest) -> dict[str, Any]:
    _reader(request)
    objectives = list(
        Objective.objects.prefetch_related("causes", "indicators", "factors").order_by(
            "perspective", "code"
        )
    )
    return {
        "objectives": [
            {
                "code": o.code,
                "name": o.name,
                "perspective": o.perspective,
                "description": o.description,
                "indicators": sorted(i.code for i in o.indicators.all()),
                "factors": [f.name for f in o.factors.all()],
            }
            for o in objectives
        ],
        "links": sorted(
            ({"cause": o.code, "effect": e.code} for o in objectives for e in o.causes.all()),
            key=lambda link: (link["cause"], link["effect"]),
        ),
    }


@router.get(
    "/strategy/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="The coverage report: what serves the strategy, and what does not",
)
def strategy_coverage(request: HttpRequest) -> dict[str, Any]:
    _reader(request)
    report = coverage()
    return {
        "green": report.green,
        "objectives_without_indicators": [
            {"code": o.code, "name": o.name} for o in report.objectives_without_indicators
        ],
        "factors_without_indicators": [
            {"code": f.objective.code, "name": f.name} for f in report.factors_without_indicators
        ],
        "company_indicators_not_cascaded": [
            {"code": i.code, "name": _name(i)} for i in report.company_indicators_not_cascaded
        ],
        "indicators_serving_nothing": [
            {"code": i.code, "name": _name(i)} for i in report.indicators_serving_nothing
        ],
        "items_outside_the_cascade": [
            {"position": position, "item": item}
            for position, item in report.items_outside_the_cascade
        ],
        "duties_unmeasured": [
            {"position": d.position.code, "order": d.order, "duty": d.duty}
            for d in report.duties_unmeasured
        ],
        "items_no_duty_calls_for": [
            {"position": position, "item": item}
            for position, item in report.items_no_duty_calls_for
        ],
    }


@router.get(
    "/positions/{code}/duties",
    response={200: DutiesOut, **ERRORS},
    summary="A position's duties and the indicators that measure them",
)
def position_duties(request: HttpRequest, code: str) -> dict[str, Any]:
    _reader(request)
    position = Position.objects.filter(code=code).first()
    if position is None:
        raise NotFound("position")
    duties = position.duties.prefetch_related("indicators")
    return {
        "position": position.code,
        "title": position.title,
        "duties": [
            {
                "order": d.order,
                "duty": d.duty,
                "standard": d.standard,
                "authority": d.authority,
                "indicators": sorted(i.code for i in d.indicators.all()),
                "items": list(d.items or []),
            }
            for d in duties
        ],
    }


@router.get(
    "/strategy/cascade",
    response={200: list[CascadeOut], **ERRORS},
    summary="The cascade: company indicators and those under them, with what they serve",
)
def strategy_cascade(request: HttpRequest) -> list[dict[str, Any]]:
    _reader(request)
    return [_node(root) for root in cascade()]
