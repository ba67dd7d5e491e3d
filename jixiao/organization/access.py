"""Who may see and change what in the organisation (domain.md §1).

One small function per kind of object; each condition on its own line.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from jixiao.core import roles
from jixiao.core.request_cache import request_cached
from jixiao.organization.models import Employee, Position, Unit


def employee_of(user: Any) -> Employee | None:
    """The employee a user account is linked to, if any."""
    if not roles.is_active_user(user):
        return None
    # once per web request (a page asks about ten times; the record's unit with it)
    return request_cached(
        ("employee_of", user.pk),
        lambda: Employee.objects.filter(user=user).select_related("unit").first(),
    )


def subordinate_ids(employee: Employee) -> set[int]:
    """Everyone below `employee` in the supervisor tree (direct and indirect reports),
    in one query however deep and wide the tree (a recursive query; UNION stops at a
    cycle)."""
    with connection.cursor() as cursor:
        cursor.execute(_BELOW, [employee.pk])
        return {row[0] for row in cursor.fetchall()}


def subordinates(employee: Employee) -> RawSQL:
    """The same people as `subordinate_ids`, as a subquery for `field__in=` (a
    manager of thousands puts no list of thousands of ids into each query)."""
    return RawSQL(_BELOW, [employee.pk])


_TABLE = Employee._meta.db_table
_BELOW = (
    f'WITH RECURSIVE below(id) AS (SELECT id FROM "{_TABLE}" WHERE supervisor_id = %s'
    f' UNION SELECT e.id FROM "{_TABLE}" e JOIN below b ON e.supervisor_id = b.id)'
    " SELECT id FROM below"
)


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
    visible |= Q(pk__in=subordinates(me))  # one's reports, direct and indirect
    return Employee.objects.filter(visible)
