"""Reads of the organisation, always on behalf of someone (`visible_to`)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.core.errors import NotFound, ServiceError
from jixiao.organization.access import employees_visible_to, units_visible_to
from jixiao.organization.models import Employee, Unit, UnitKind


def unit_list(*, visible_to: Any, include_providers: bool = True) -> QuerySet[Unit]:
    units = units_visible_to(visible_to)
    if not include_providers:
        units = units.exclude(kind=UnitKind.PROVIDER)
    return units.order_by("code")


def unit_descendant_ids(unit: Unit) -> set[int]:
    """The unit and every unit below it."""
    found = {unit.pk}
    frontier = {unit.pk}
    while frontier:
        frontier = (
            set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def unit_ancestors(unit: Unit) -> list[Unit]:
    """From the unit's parent up to the root."""
    chain: list[Unit] = []
    seen = {unit.pk}
    current = unit.parent
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def unit_department(unit: Unit) -> Unit:
    """The department a unit belongs to (itself when it is one, or when none is above it)."""
    if unit.kind in (UnitKind.DEPARTMENT, UnitKind.PROVIDER):
        return unit
    for ancestor in unit_ancestors(unit):
        if ancestor.kind == UnitKind.DEPARTMENT:
            return ancestor
    return unit


def employee_list(
    *,
    visible_to: Any,
    unit: Unit | None = None,
    employed_on: datetime.date | None = None,
) -> QuerySet[Employee]:
    employees = employees_visible_to(visible_to).select_related("unit", "position", "supervisor")
    if unit is not None:
        employees = employees.filter(unit_id__in=unit_descendant_ids(unit))
    if employed_on is not None:
        employees = employees.filter(hire_date__lte=employed_on).filter(
            Q(leave_date__isnull=True) | Q(leave_date__gte=employed_on)
        )
    return employees.order_by("number")


def employee_get(*, visible_to: Any, pk: int) -> Employee:
    """One employee, or `NotFound` — also when the person may not see them."""
    found = employee_list(visible_to=visible_to).filter(pk=pk).first()
    if found is None:
        raise NotFound("employee")
    return found


def users_named(text: str | list[str]) -> list[Any]:
    """The active logins a person typed, by login name or 工号, in the order given
    (words separated by spaces, commas or 、), each once; any word that names no
    active login is refused, all of them named in one message."""
    words = text if isinstance(text, list) else re.split(r"[\s,，、;；]+", text)
    wanted = list(dict.fromkeys(word.strip() for word in words if word and word.strip()))
    by_login = {
        user.username: user for user in User.objects.filter(username__in=wanted, is_active=True)
    }
    by_number = {
        employee.number: employee.user
        for employee in Employee.objects.filter(
            number__in=wanted, user__isnull=False, user__is_active=True
        ).select_related("user")
    }
    found: dict[int, Any] = {}
    unknown: list[str] = []
    for word in wanted:
        user = by_login.get(word) or by_number.get(word)
        if user is None:
            unknown.append(word)
        else:
            found.setdefault(user.pk, user)
    if unknown:
        raise ServiceError(
            _("no active login or employee number %(names)s") % {"names": "、".join(unknown)}
        )
    return list(found.values())
