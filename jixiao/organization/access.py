"""Who may see and change what in the organisation (domain.md §1).

One small function per kind of object; each condition on its own line.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jixiao.core import roles
from jixiao.organization.models import Employee, Position, Unit


def employee_of(user: Any) -> Employee | None:
    """The employee a user account is linked to, if any."""
    if not roles.is_active_user(user):
        return None
    return Employee.objects.filter(user=user).first()


def subordinate_ids(employee: Employee) -> set[int]:
    """Everyone below `employee` in the supervisor tree (direct and indirect reports)."""
    found: set[int] = set()
    frontier = {employee.pk}
    while frontier:
        below = set(
            Employee.objects.filter(supervisor_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = below - found
        found |= frontier
    return found


def can_manage_organization(user: Any) -> bool:
    return roles.is_hr(user)


def units_visible_to(user: Any) -> QuerySet[Unit]:
    if roles.is_active_user(user):
        return Unit.objects.all()  # the organisation chart is public inside the company
    return Unit.objects.none()


def positions_visible_to(user: Any) -> QuerySet[Position]:
    if roles.is_active_user(user):
        return Position.objects.all()  # duties and standards are published to everyone
    return Position.objects.none()


def employees_visible_to(user: Any) -> QuerySet[Employee]:
    if roles.reads_everything(user):
        return Employee.objects.all()
    me = employee_of(user)
    if me is None:
        return Employee.objects.none()
    visible = Q(pk=me.pk)  # oneself
    visible |= Q(pk__in=subordinate_ids(me))  # one's reports, direct and indirect
    return Employee.objects.filter(visible)
