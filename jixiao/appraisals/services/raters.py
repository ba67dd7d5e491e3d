"""Assigning the raters of a 360 (domain.md §3a): HR or the appraisee's manager
assigns peers, subordinates, internal customers and external raters one by one
or by a rule; the appraisee may propose peers, which the manager approves. Only
assigned raters may rate in those roles (`access.can_rate`). Each assignment is
audited; its audit event invites the rater (jixiao.notices.events)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.appraisals.access import SELF_ROLES, SKIP_LEVEL_ROLES, SUPERVISOR_ROLES, relations
from jixiao.appraisals.models import Appraisal, AssignmentState, RaterAssignment
from jixiao.appraisals.workflow import APPRAISEE, HR, SUPERVISOR
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.organization.models import Employee, Unit, UnitKind
from jixiao.schemes.engine import engine_scheme

BY_STANDING = SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES


def assignable_roles(appraisal: Appraisal) -> list[str]:
    """The rater roles of the appraisal's form that are assigned (not self or managers)."""
    if appraisal.scheme_version is None:
        return []
    scheme = engine_scheme(appraisal.scheme_version)
    found: list[str] = []
    for raters in [scheme.raters, *(item.raters for item in scheme.items)]:
        for role in getattr(raters, "types", ()) or ():
            if role not in BY_STANDING and role not in found:
                found.append(role)
    return found


def _may_assign(actor: Any, appraisal: Appraisal) -> None:
    if not relations(actor, appraisal) & {HR, SUPERVISOR}:
        raise NotAllowed(_("only HR and the appraisee's manager assign raters"))


def _check(appraisal: Appraisal, rater: User, role: str) -> None:
    if role not in assignable_roles(appraisal):
        raise ServiceError(
            _("the form of %(appraisal)s has no rater role %(role)s")
            % {"appraisal": appraisal, "role": role}
        )
    if appraisal.employee is not None and appraisal.employee.user_id == rater.pk:
        raise ServiceError(_("an appraisee does not rate themselves in this role"))
    if not rater.is_active:
        raise ServiceError(_("the login %(username)s is disabled") % {"username": rater.username})


def rater_assign(
    *, appraisal: Appraisal, actor: Any, raters: Iterable[User], role: str, rule: str = ""
) -> list[RaterAssignment]:
    """Assign raters in a role (an existing one is kept; a proposed one approved)."""
    _may_assign(actor, appraisal)
    done = []
    with transaction.atomic():
        for rater in raters:
            _check(appraisal, rater, role)
            found, created = RaterAssignment.objects.get_or_create(
                appraisal=appraisal, rater=rater, role=role,
                defaults={"assigned_by": actor, "state": AssignmentState.ASSIGNED},
            )  # fmt: skip
            if not created and found.state == AssignmentState.ASSIGNED:
                continue
            if not created:
                found.state, found.assigned_by = AssignmentState.ASSIGNED, actor
                found.save(update_fields=["state", "assigned_by", "updated_at"])
            audit_record(
                actor=actor,
                action="rater.assigned",
                target=found,
                after={"role": role, "rater": rater.pk, "rule": rule},
            )
            done.append(found)
    return done


def rater_remove(*, assignment: RaterAssignment, actor: Any, reason: str = "") -> None:
    """Withdraw an assignment (or decline a proposal); a rating already given stays."""
    _may_assign(actor, assignment.appraisal)
    with transaction.atomic():
        assignment.state = AssignmentState.DECLINED
        assignment.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="rater.removed", target=assignment, reason=reason)


def rater_propose(
    *, appraisal: Appraisal, actor: Any, raters: Iterable[User]
) -> list[RaterAssignment]:
    """The appraisee proposes peers; the manager approves them with `rater_assign`."""
    if APPRAISEE not in relations(actor, appraisal):
        raise NotAllowed(_("only the appraisee proposes peers"))
    proposed = []
    with transaction.atomic():
        for rater in raters:
            _check(appraisal, rater, "peer")
            found, created = RaterAssignment.objects.get_or_create(
                appraisal=appraisal, rater=rater, role="peer",
                defaults={"state": AssignmentState.PROPOSED},
            )  # fmt: skip
            if created:
                audit_record(
                    actor=actor, action="rater.proposed", target=found, after={"rater": rater.pk}
                )
                proposed.append(found)
    return proposed


def _colleagues(appraisal: Appraisal) -> list[User]:
    if appraisal.employee is None:
        return []
    unit = appraisal.employee.unit_id
    rows = (
        Employee.objects.filter(unit_id=unit, user__isnull=False, user__is_active=True)
        .exclude(pk=appraisal.employee.pk)
        .select_related("user")
        .order_by("number")
    )
    return [row.user for row in rows if row.user is not None]


def _heads(units: Sequence[Unit]) -> list[User]:
    """The head of each unit: its people whose supervisor is outside the unit."""
    ids = [unit.pk for unit in units]
    heads = (
        Employee.objects.filter(unit_id__in=ids, user__isnull=False, user__is_active=True)
        .select_related("user", "supervisor")
        .order_by("number")
    )
    return [
        row.user
        for row in heads
        if row.user is not None
        and (row.supervisor is None or row.supervisor.unit_id != row.unit_id)
    ]


def raters_by_rule(
    *,
    appraisals: Sequence[Appraisal],
    actor: Any,
    rule: str,
    count: int = 0,
    units: Sequence[Unit] = (),
    seed: int = 0,
) -> int:
    """Assign by a rule, for many appraisals at once (all or nothing):

    - `same_unit`: every colleague of the appraisee's unit, as peers;
    - `random`: `count` of them chosen at random (the same choice for the same seed);
    - `subordinates`: the appraisee's direct reports, as subordinates;
    - `customers`: the heads of `units` (the departments the unit serves), as customers —
      a head is a person of the unit whose supervisor is outside it;
    - `other_departments`: the heads of every other department, as customers (the
      department satisfaction survey, 部门满意度: each answer one rating of the
      manager's satisfaction item; the form's `raters.trim` trims them, once).
    Returns how many assignments were made."""
    made = 0
    with transaction.atomic():
        for appraisal in appraisals:
            if rule == "same_unit":
                chosen, role = _colleagues(appraisal), "peer"
            elif rule == "random":
                pool = _colleagues(appraisal)
                chosen = random.Random(f"{seed}:{appraisal.pk}").sample(pool, min(count, len(pool)))
                role = "peer"
            elif rule == "subordinates":
                rows = Employee.objects.filter(
                    supervisor_id=appraisal.employee_id, user__isnull=False
                ).select_related("user")
                chosen, role = [row.user for row in rows if row.user is not None], "subordinate"
            elif rule == "customers":
                chosen, role = _heads(units), "customer"
            elif rule == "other_departments":  # 部门满意度: every other department's head
                others = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True)
                if appraisal.employee is not None:
                    others = others.exclude(pk=appraisal.employee.unit_id)
                chosen, role = _heads(list(others)), "customer"
            else:
                raise ServiceError(_("unknown rule: %(rule)s") % {"rule": rule})
            made += len(
                rater_assign(appraisal=appraisal, actor=actor, raters=chosen, role=role, rule=rule)
            )
    return made


def assignments_progress(appraisal: Appraisal) -> dict[str, tuple[int, int]]:
    """Per role: (answered, assigned) — counts only, which anyone may see."""
    progress: dict[str, list[int]] = {}
    for role, answered in RaterAssignment.objects.filter(
        appraisal=appraisal, state=AssignmentState.ASSIGNED
    ).values_list("role", "answered_at"):
        counts = progress.setdefault(role, [0, 0])
        counts[1] += 1
        counts[0] += answered is not None
    return {role: (done, total) for role, (done, total) in progress.items()}
