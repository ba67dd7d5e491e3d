"""Reads of cycles, appraisals and results, always on behalf of someone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.appraisals.access import (
    appraisals_visible_to,
    cycles_visible_to,
    eligibilities_visible_to,
    results_visible_to,
)
from jixiao.appraisals.models import Appeal, Appraisal, Cycle, Eligibility, PopulationKind, Result
from jixiao.appraisals.workflow import OPEN_APPEAL_STATES, AppealState
from jixiao.core.errors import NotFound
from jixiao.organization.models import Employee, Unit
from jixiao.organization.selectors import unit_descendant_ids


def cycle_list(*, visible_to: Any, state: str | None = None) -> QuerySet[Cycle]:
    cycles = cycles_visible_to(visible_to)
    if state is not None:
        cycles = cycles.filter(state=state)
    return cycles.order_by("-start", "code")


def cycle_get(*, visible_to: Any, pk: int) -> Cycle:
    found = cycle_list(visible_to=visible_to).filter(pk=pk).first()
    if found is None:
        raise NotFound("cycle")
    return found


def appraisal_list(
    *, visible_to: Any, cycle: Cycle | None = None, state: str | None = None
) -> QuerySet[Appraisal]:
    appraisals = appraisals_visible_to(visible_to).select_related(
        "cycle", "employee", "unit", "scheme_version__scheme"
    )
    if cycle is not None:
        appraisals = appraisals.filter(cycle=cycle)
    if state is not None:
        appraisals = appraisals.filter(state=state)
    return appraisals.order_by("cycle", "pk")


def appraisal_get(*, visible_to: Any, pk: int) -> Appraisal:
    """One appraisal, or `NotFound` — also when the person may not see it."""
    found = appraisal_list(visible_to=visible_to).filter(pk=pk).first()
    if found is None:
        raise NotFound("appraisal")
    return found


def result_list(*, visible_to: Any, cycle: Cycle | None = None) -> QuerySet[Result]:
    results = results_visible_to(visible_to).select_related("appraisal__cycle")
    if cycle is not None:
        results = results.filter(appraisal__cycle=cycle)
    return results.order_by("appraisal__cycle", "rank", "appraisal")


def result_get(*, visible_to: Any, appraisal: Appraisal) -> Result:
    found = result_list(visible_to=visible_to).filter(appraisal=appraisal).first()
    if found is None:
        raise NotFound("result")
    return found


def appeals_overdue(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """The overdue ones of these appeals, in SQL (`Appeal.overdue` row by row): past the
    day to accept or reject and still received, or past the day to answer and open."""
    today = timezone.localdate()
    late = Q(state=AppealState.RECEIVED, decide_by__lt=today)
    late |= Q(state__in=OPEN_APPEAL_STATES, answer_by__lt=today)
    return appeals.filter(late)


def eligibility_list(*, visible_to: Any, cycle: Cycle) -> QuerySet[Eligibility]:
    return (
        eligibilities_visible_to(visible_to)
        .filter(cycle=cycle)
        .select_related("employee", "unit")
        .order_by("employee", "unit")
    )


def cycle_candidates(cycle: Cycle) -> tuple[list[Employee], list[Unit]]:
    """Everyone the cycle's population rules name, employed at some time in the period,
    and the units or providers appraised themselves."""
    people = Q(pk__in=[])
    units: dict[int, Unit] = {}
    for rule in cycle.population_rules.select_related("unit", "position", "employee"):
        if rule.kind == PopulationKind.UNIT:
            assert rule.unit is not None
            ids = unit_descendant_ids(rule.unit) if rule.include_subunits else {rule.unit.pk}
            people |= Q(unit_id__in=ids)
        elif rule.kind == PopulationKind.POSITION:
            people |= Q(position=rule.position)
        elif rule.kind == PopulationKind.TIER:
            people |= Q(position__tier=rule.tier)
        elif rule.kind == PopulationKind.EMPLOYEE:
            people |= Q(pk=rule.employee_id)
        elif rule.kind == PopulationKind.PROVIDER:
            assert rule.unit is not None
            units[rule.unit.pk] = rule.unit
    employees = (
        Employee.objects.filter(people)
        .filter(hire_date__lte=cycle.end)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gte=cycle.start))
        .select_related("unit", "position")
        .order_by("number")
    )
    return list(employees), sorted(units.values(), key=lambda unit: unit.code)
