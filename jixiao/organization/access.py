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
    in one query however deep and wide the tree (a recursive query that stops at a
    cycle), read once per web request."""
    few = _first_below(employee)
    if len(few) <= _AS_ARRAY_AT_MOST:
        return set(few)  # all of them
    return set(request_cached(("subordinate_ids", employee.pk), lambda: _read_below(employee)))


def subordinates(employee: Employee) -> RawSQL:
    """The same people as `subordinate_ids`, as a subquery for `field__in=` (a
    manager of thousands puts no list of thousands of ids into each query).

    On PostgreSQL, up to 2,000 people below, the subquery is their ids read once per
    request, as one array: the planner guesses a recursive query at over a million
    rows where a manager of 609 reports has 827 below them, and planned every query
    that used it for millions (issue 11: the team page of 10,000 108 → 48 ms); an
    array's length it knows. Above that the guess is near enough, and an array of
    10,000 ids in each query would cost more than it saves (the head of the company):
    the read stops at the 2,001st."""
    if connection.vendor == "postgresql":
        few = _first_below(employee)
        if len(few) <= _AS_ARRAY_AT_MOST:
            return RawSQL("SELECT unnest(%s::bigint[])", [list(few)])
    return RawSQL(_BELOW, [employee.pk])


_AS_ARRAY_AT_MOST = 2000


def _first_below(employee: Employee) -> tuple[int, ...]:
    """The first 2,001 below `employee` (all of them if fewer), once per request."""
    return request_cached(
        ("subordinates", employee.pk), lambda: _read_below(employee, _AS_ARRAY_AT_MOST + 1)
    )


def _read_below(employee: Employee, limit: int | None = None) -> tuple[int, ...]:
    """The ids below `employee` (at most `limit` of them), sorted here: an ORDER BY on
    the planner's guess of a million rows costs PostgreSQL a JIT compilation (~6 ms)."""
    query = _BELOW_POSTGRESQL if connection.vendor == "postgresql" else _BELOW
    params: list[int] = [employee.pk]
    if limit is not None:
        query += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return tuple(sorted({row[0] for row in cursor.fetchall()}))


_TABLE = Employee._meta.db_table
_BELOW = (
    f'WITH RECURSIVE below(id) AS (SELECT id FROM "{_TABLE}" WHERE supervisor_id = %s'
    f' UNION SELECT e.id FROM "{_TABLE}" e JOIN below b ON e.supervisor_id = b.id)'
    " SELECT id FROM below"
)
# the same on PostgreSQL, which sizes UNION's hash table by its guess of a million rows
# (~6 ms of 10 for 827 below): UNION ALL, and CYCLE stops at a cycle instead
_BELOW_POSTGRESQL = (
    f'WITH RECURSIVE below(id) AS (SELECT id FROM "{_TABLE}" WHERE supervisor_id = %s'
    f' UNION ALL SELECT e.id FROM "{_TABLE}" e JOIN below b ON e.supervisor_id = b.id)'
    " CYCLE id SET looped USING path SELECT id FROM below WHERE NOT looped"
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
