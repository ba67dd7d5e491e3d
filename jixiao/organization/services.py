"""Organisation services: units, positions, employees, absences, user links.

Each is keyword-only, told who acts, checks that the actor may, and writes its
audit event in the same transaction as the change.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.accounts.services import user_create
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.services import audited_create, audited_update
from jixiao.organization.access import can_manage_organization
from jixiao.organization.models import (
    Absence,
    AbsenceKind,
    Employee,
    EmployeeStatus,
    Position,
    Unit,
    UnitKind,
)
from jixiao.organization.selectors import unit_ancestors

UNIT_FIELDS = ("name", "kind", "parent", "is_active", "contract_start")
POSITION_FIELDS = (
    "title",
    "unit",
    "tier",
    "family",
    "responsibilities",
    "authorities",
    "work_standards",
    "salary_grade_min",
    "salary_grade_max",
    "default_scheme",
    "is_active",
)
EMPLOYEE_FIELDS = (
    "name",
    "unit",
    "position",
    "supervisor",
    "hire_date",
    "leave_date",
    "status",
    "is_data_owner",
)
ABSENCE_FIELDS = ("kind", "start", "end", "note")


def _require_hr(actor: Any) -> None:
    if not can_manage_organization(actor):
        raise NotAllowed(_("only HR may change the organisation"))


# -- units -------------------------------------------------------------------
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    contract_start: datetime.date | None = None,
) -> Unit:
    _require_hr(actor)
    if contract_start is not None and kind != UnitKind.PROVIDER:
        raise ServiceError(_("only an external provider has a contract start"))
    return audited_create(
        Unit,
        actor=actor,
        action="unit.created",
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        contract_start=contract_start,
    )


def unit_update(*, unit: Unit, actor: Any, reason: str = "", **changes: Any) -> Unit:
    """Rename, re-parent (never under itself), change the kind, or deactivate a unit."""
    _require_hr(actor)
    parent = changes.get("parent")
    if parent is not None and (parent.pk == unit.pk or unit in unit_ancestors(parent)):
        raise ServiceError(_("a unit cannot be moved below itself"))
    kind = changes.get("kind", unit.kind)
    if changes.get("contract_start", unit.contract_start) is not None and kind != UnitKind.PROVIDER:
        raise ServiceError(_("only an external provider has a contract start"))
    return audited_update(
        unit,
        actor=actor,
        action="unit.updated",
        changes=changes,
        allowed=UNIT_FIELDS,
        reason=reason,
    )


# -- positions -----------------------------------------------------------------
def position_create(*, actor: Any, code: str, title: str, unit: Unit, **fields: Any) -> Position:
    _require_hr(actor)
    unknown = sorted(set(fields) - set(POSITION_FIELDS))
    if unknown:
        raise TypeError(f"position_create() got unexpected fields: {', '.join(unknown)}")
    return audited_create(
        Position,
        actor=actor,
        action="position.created",
        code=code,
        title=title,
        unit=unit,
        **fields,
    )


def position_update(
    *, position: Position, actor: Any, reason: str = "", **changes: Any
) -> Position:
    _require_hr(actor)
    return audited_update(
        position,
        actor=actor,
        action="position.updated",
        changes=changes,
        allowed=POSITION_FIELDS,
        reason=reason,
    )


# -- employees -----------------------------------------------------------------
def employee_create(
    *,
    actor: Any,
    number: str,
    name: str,
    unit: Unit,
    hire_date: datetime.date,
    **fields: Any,
) -> Employee:
    """Add an employee (工号 `number`). Optional: position, supervisor, leave_date, status."""
    _require_hr(actor)
    unknown = sorted(set(fields) - set(EMPLOYEE_FIELDS))
    if unknown:
        raise TypeError(f"employee_create() got unexpected fields: {', '.join(unknown)}")
    return audited_create(
        Employee,
        actor=actor,
        action="employee.created",
        number=number,
        name=name,
        unit=unit,
        hire_date=hire_date,
        **fields,
    )


def _supervises(candidate: Employee, employee: Employee) -> bool:
    """Whether `employee` is `candidate` or above it in the supervisor chain."""
    seen: set[int] = set()
    current: Employee | None = candidate
    while current is not None and current.pk not in seen:
        if current.pk == employee.pk:
            return True
        seen.add(current.pk)
        current = current.supervisor
    return False


def employee_update(
    *, employee: Employee, actor: Any, reason: str = "", **changes: Any
) -> Employee:
    _require_hr(actor)
    supervisor = changes.get("supervisor")
    if supervisor is not None and _supervises(supervisor, employee):
        raise ServiceError(_("an employee cannot report to themselves or to their own reports"))
    return audited_update(
        employee,
        actor=actor,
        action="employee.updated",
        changes=changes,
        allowed=EMPLOYEE_FIELDS,
        reason=reason,
    )


def employee_leave(
    *, employee: Employee, actor: Any, leave_date: datetime.date, reason: str = ""
) -> Employee:
    """Record that an employee leaves (离职) on `leave_date`."""
    _require_hr(actor)
    return audited_update(
        employee,
        actor=actor,
        action="employee.left",
        changes={"leave_date": leave_date, "status": EmployeeStatus.LEFT},
        allowed=EMPLOYEE_FIELDS,
        reason=reason,
    )


def employee_link_user(*, employee: Employee, user: Any, actor: Any) -> Employee:
    """Link a user account to an employee; an account links to at most one employee."""
    _require_hr(actor)
    if user is not None:
        taken = Employee.objects.filter(user=user).exclude(pk=employee.pk).first()
        if taken is not None:
            raise ServiceError(
                _("this account is already linked to %(employee)s") % {"employee": taken}
            )
    with transaction.atomic():
        before = snapshot(employee, ["user"])
        employee.user = user
        employee.save(update_fields=["user", "updated_at"])
        audit_record(
            actor=actor,
            action="employee.user_linked",
            target=employee,
            before=before,
            after=snapshot(employee, ["user"]),
        )
    return employee


# -- absences ------------------------------------------------------------------
def absence_record(
    *,
    actor: Any,
    employee: Employee,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    note: str = "",
) -> Absence:
    """Record a leave or an absence (they decide eligibility, domain.md §3.1)."""
    _require_hr(actor)
    if kind not in AbsenceKind.values:
        raise ServiceError(_("unknown kind of absence: %(kind)s") % {"kind": kind})
    return audited_create(
        Absence,
        actor=actor,
        action="absence.recorded",
        employee=employee,
        kind=kind,
        start=start,
        end=end,
        note=note,
    )


def absence_update(*, absence: Absence, actor: Any, reason: str = "", **changes: Any) -> Absence:
    _require_hr(actor)
    return audited_update(
        absence,
        actor=actor,
        action="absence.updated",
        changes=changes,
        allowed=ABSENCE_FIELDS,
        reason=reason,
    )


def absence_delete(*, absence: Absence, actor: Any, reason: str) -> None:
    """Remove an absence recorded by mistake; the audit log keeps what it was."""
    _require_hr(actor)
    if not reason.strip():
        raise ServiceError(_("removing an absence needs a reason"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="absence.deleted",
            target=absence,
            before=snapshot(absence),
            reason=reason,
        )
        absence.delete()


def employee_login_create(*, employee: Employee, actor: Any, email: str = "") -> Any:
    """Give an employee a login: the user name is the 工号, the display name the
    employee's name; no password until the person sets one from the invitation
    (`user_send_password_link`). Refused when the employee already has one."""
    _require_hr(actor)
    if employee.user_id is not None:
        raise ServiceError(
            _("%(employee)s already has a login: %(username)s")
            % {"employee": employee, "username": employee.user}
        )
    username = str(employee.number)
    if User.objects.filter(username=username).exists():
        raise ServiceError(
            _("the login name %(username)s is taken: link that account instead")
            % {"username": username}
        )
    with transaction.atomic():
        user = user_create(actor=actor, username=username, display_name=employee.name, email=email)
        employee_link_user(employee=employee, user=user, actor=actor)
    return user
