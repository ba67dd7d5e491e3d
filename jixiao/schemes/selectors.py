"""Reads of schemes and the resolution of which scheme applies to whom."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from jixiao.core.errors import NotFound
from jixiao.organization.models import Employee, Unit
from jixiao.organization.selectors import unit_ancestors
from jixiao.schemes.access import schemes_visible_to
from jixiao.schemes.models import AssignmentScope, Scheme, SchemeAssignment


def scheme_list(*, visible_to: Any, active: bool | None = None) -> QuerySet[Scheme]:
    schemes = schemes_visible_to(visible_to)
    if active is not None:
        schemes = schemes.filter(is_active=active)
    return schemes.order_by("code")


def scheme_get(*, visible_to: Any, code: str) -> Scheme:
    found = scheme_list(visible_to=visible_to).filter(code=code).first()
    if found is None:
        raise NotFound("scheme")
    return found


def scheme_for_employee(employee: Employee, among: Collection[Scheme]) -> Scheme | None:
    """The scheme that applies to an employee, chosen from `among` (a cycle's schemes).

    In order: a scheme assigned to the employee's position; the position's
    default scheme; a scheme assigned to the people of the employee's unit, or
    of the nearest unit above it.
    """
    ids = {scheme.pk for scheme in among}
    by_id = {scheme.pk: scheme for scheme in among}
    position = employee.position
    if position is not None:
        assigned = SchemeAssignment.objects.filter(position=position, scheme_id__in=ids).first()
        if assigned is not None:
            return by_id[assigned.scheme_id]
        if position.default_scheme_id in ids:
            return by_id[position.default_scheme_id]
    for unit in [employee.unit, *unit_ancestors(employee.unit)]:
        assigned = SchemeAssignment.objects.filter(
            unit=unit, scope=AssignmentScope.MEMBERS, scheme_id__in=ids
        ).first()
        if assigned is not None:
            return by_id[assigned.scheme_id]
    return None


def scheme_for_unit(unit: Unit, among: Collection[Scheme]) -> Scheme | None:
    """The scheme that appraises a unit or provider itself, chosen from `among`."""
    ids = {scheme.pk for scheme in among}
    assigned = SchemeAssignment.objects.filter(
        unit=unit, scope=AssignmentScope.UNIT, scheme_id__in=ids
    ).first()
    return None if assigned is None else next(s for s in among if s.pk == assigned.scheme_id)
