"""Cycles, appraisals and results, each as the caller's role allows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from jixiao.api.access import (
    appraisals_in_scope,
    cycles_in_scope,
    events_in_scope,
    facts_in_scope,
    ratings_in_scope,
    results_in_scope,
)
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, IdPath, PagingQuery, page, require_person
from jixiao.api.v1.jobs import JobOut, job_accepted
from jixiao.api.v1.schemas import (
    AppraisalDetailOut,
    AppraisalOut,
    CycleOut,
    Page,
    ResultOut,
    TransitionIn,
)
from jixiao.appraisals.access import anonymity_policy
from jixiao.appraisals.anonymity import result_shown_to, wording_shown_to
from jixiao.appraisals.models import AnonymityPolicy, Appraisal, Cycle, Result
from jixiao.appraisals.outcome_labels import result_outcomes
from jixiao.appraisals.services import cycle_transition
from jixiao.appraisals.services.cycles import require_hr
from jixiao.appraisals.workflow import CycleState, check_transition
from jixiao.core.errors import NotFound, ServiceError
from jixiao.jobs.services import job_enqueue
from jixiao.organization.models import Unit
from jixiao.organization.selectors import unit_descendant_ids, unit_list

router = Router(tags=["cycles and appraisals"])


def cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {
        "code": cycle.code,
        "name": cycle.name,
        "period_kind": cycle.period_kind,
        "period": cycle.period,
        "start": cycle.start,
        "end": cycle.end,
        "appraisal_date": cycle.appraisal_date,
        "state": cycle.state,
        "schemes": sorted(link.scheme.code for link in cycle.cycle_schemes.all()),
        "appeal_deadline": cycle.appeal_deadline,
    }


def appraisal_out(appraisal: Appraisal) -> dict[str, Any]:
    return {
        "id": appraisal.pk,
        "cycle": appraisal.cycle.code,
        "appraisee": appraisal.appraisee_id,
        "name": appraisal.appraisee_name,
        "employee": appraisal.employee.number if appraisal.employee else None,
        "unit": appraisal.unit.code if appraisal.unit else None,
        "scheme": appraisal.scheme_version.scheme.code,
        "scheme_version": appraisal.scheme_version.number,
        "state": appraisal.state,
        "attributes": {str(k): str(v) for k, v in appraisal.attributes.items()},
        "targets_signed_at": appraisal.targets_signed_at,
    }


def result_out(
    result: Result, reader: Any = None, policy: AnonymityPolicy | None = None
) -> dict[str, Any]:
    """A result as `reader` may read it: anonymous ratings only combined in its traces
    (`jixiao.appraisals.anonymity`), unless the company's policy lets them see names."""
    appraisal = result.appraisal
    return {
        "appraisal": appraisal.pk,
        "cycle": appraisal.cycle.code,
        "appraisee": appraisal.appraisee_id,
        "name": appraisal.appraisee_name,
        "total": result.total,
        "subtotal": result.subtotal,
        "grade": result.grade,
        "rank": result.rank,
        "ranked": result.ranked,
        "outcomes": result_outcomes(result),
        "errors": [str(error) for error in result.errors],
        "computed_at": result.computed_at,
        "published": result.frozen,
        "data": result_shown_to(reader, result, "en", policy),
        "wording": wording_shown_to(reader, result, policy),
    }


# -- lookups --------------------------------------------------------------------
def _cycles(request: HttpRequest) -> QuerySet[Cycle]:
    return cycles_in_scope(principal(request)).prefetch_related("cycle_schemes__scheme")


def _cycle(request: HttpRequest, code: str) -> Cycle:
    found = _cycles(request).filter(code=code).first()
    if found is None:
        raise NotFound("cycle")
    return found


def _unit(request: HttpRequest, code: str) -> Unit:
    found = unit_list(visible_to=principal(request).user).filter(code=code).first()
    if found is None:
        raise NotFound("unit")
    return found


def _appraisals(request: HttpRequest) -> QuerySet[Appraisal]:
    return appraisals_in_scope(principal(request)).select_related(
        "cycle", "employee", "unit", "scheme_version__scheme"
    )


def _filtered(
    request: HttpRequest,
    rows: QuerySet[Any],
    prefix: str,
    cycle: str | None,
    unit: str | None,
    employee: str | None = None,
) -> QuerySet[Any]:
    if cycle is not None:
        rows = rows.filter(**{f"{prefix}cycle": _cycle(request, cycle)})
    if unit is not None:
        below = unit_descendant_ids(_unit(request, unit))
        rows = rows.filter(
            Q(**{f"{prefix}employee__unit_id__in": below}) | Q(**{f"{prefix}unit_id__in": below})
        )
    if employee is not None:
        rows = rows.filter(**{f"{prefix}employee__number": employee})
    return rows


# -- cycles -------------------------------------------------------------------------
@router.get("/cycles", response={200: Page[CycleOut], **ERRORS}, summary="List cycles")
def cycles_list(
    request: HttpRequest, paging: PagingQuery, state: str | None = None
) -> dict[str, Any]:
    cycles = _cycles(request)
    if state is not None:
        cycles = cycles.filter(state=state)
    return page(cycles.order_by("-start", "code"), paging, cycle_out)


@router.get("/cycles/{code}", response={200: CycleOut, **ERRORS}, summary="One cycle")
def cycles_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return cycle_out(_cycle(request, code))


# The moves that are background jobs: answered 202 with the job (GET /jobs/{id}).
MOVE_JOBS = {
    CycleState.TARGETS: "cycle_open",
    CycleState.PUBLISHED: "cycle_publish",
    CycleState.CLOSED: "cycle_close",
}


@router.post(
    "/cycles/{code}/transition",
    response={200: CycleOut, 202: JobOut, **ERRORS},
    summary="Move a cycle to another stage (HR): open, collect, review, calibrate, publish, close",
    description=(
        "Opening, publication and closing are background jobs: the answer is 202 with the"
        " job and its address (`Location`, `links.self`); follow it until `state` is"
        " `done` or `failed`. The other moves answer 200 with the cycle."
    ),
)
def cycles_transition(
    request: HttpRequest, response: HttpResponse, code: str, body: TransitionIn
) -> Any:
    require_person(principal(request))
    cycle = _cycle(request, code)
    if body.to not in CycleState.values:
        raise ServiceError(
            _("unknown stage %(stage)s") % {"stage": body.to}, details=CycleState.values
        )
    to = CycleState(body.to)
    kind = MOVE_JOBS.get(to)
    if kind is not None and not (to == CycleState.TARGETS and cycle.state != CycleState.DRAFT):
        actor = principal(request).user
        require_hr(actor)
        check_transition(CycleState(cycle.state), to)  # refused at once: 409
        job = job_enqueue(kind=kind, target=cycle, actor=actor)
        return job_accepted(request, response, job)
    moved = cycle_transition(
        cycle=cycle, actor=principal(request).user, to=CycleState(body.to), reason=body.reason
    )
    return cycle_out(_cycle(request, moved.code))


# -- appraisals ---------------------------------------------------------------------------
@router.get(
    "/appraisals",
    response={200: Page[AppraisalOut], **ERRORS},
    summary="List the appraisals the caller may see",
)
def appraisals_list(
    request: HttpRequest,
    paging: PagingQuery,
    cycle: str | None = None,
    unit: str | None = None,
    employee: str | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    appraisals = _filtered(request, _appraisals(request), "", cycle, unit, employee)
    if state is not None:
        appraisals = appraisals.filter(state=state)
    return page(appraisals.order_by("cycle__code", "pk"), paging, appraisal_out)


@router.get(
    "/appraisals/{appraisal_id}",
    response={200: AppraisalDetailOut, **ERRORS},
    summary="One appraisal, with its facts",
)
def appraisals_get(request: HttpRequest, appraisal_id: IdPath) -> dict[str, Any]:
    caller = principal(request)
    appraisal = _appraisals(request).filter(pk=appraisal_id).first()
    if appraisal is None:
        raise NotFound("appraisal")
    return {
        **appraisal_out(appraisal),
        "facts": [
            {
                "item": fact.item,
                "kind": fact.kind,
                "key": fact.key,
                "value": fact.value,
                "source": fact.source,
                "note": fact.note,
            }
            for fact in facts_in_scope(caller, appraisal).order_by("item", "kind", "key")
        ],
        "events": [
            {
                "item": event.item,
                "name": event.name,
                "occurred_on": event.occurred_on,
                "count": event.count,
                "size": event.size,
                "description": event.description,
                "source": event.source,
            }
            for event in events_in_scope(caller, appraisal).order_by("occurred_on", "pk")
        ],
        "ratings": [
            {"item": rating.item, "role": rating.role, "value": rating.value}
            for rating in ratings_in_scope(caller, appraisal).order_by("item", "role", "pk")
        ],
    }


# -- results -----------------------------------------------------------------------------
def _results(request: HttpRequest) -> QuerySet[Result]:
    return results_in_scope(principal(request)).select_related(
        "appraisal__cycle", "appraisal__employee", "appraisal__unit", "scheme_version__scheme"
    )


@router.get(
    "/results",
    response={200: Page[ResultOut], **ERRORS},
    summary="List the results the caller may see",
)
def results_list(
    request: HttpRequest,
    paging: PagingQuery,
    cycle: str | None = None,
    unit: str | None = None,
    employee: str | None = None,
) -> dict[str, Any]:
    results = _filtered(request, _results(request), "appraisal__", cycle, unit, employee)
    reader, policy = principal(request).user, anonymity_policy()  # the policy read once
    return page(
        results.order_by("appraisal__cycle__code", "appraisal_id"),
        paging,
        lambda result: result_out(result, reader, policy),
    )


@router.get(
    "/appraisals/{appraisal_id}/result",
    response={200: ResultOut, **ERRORS},
    summary="The result of one appraisal",
)
def appraisals_result(request: HttpRequest, appraisal_id: IdPath) -> dict[str, Any]:
    result = _results(request).filter(appraisal_id=appraisal_id).first()
    if result is None:
        raise NotFound("result")
    return result_out(result, principal(request).user)
