"""Setting up a cycle while it is a draft: period, schemes, population, deadlines,
committee, group inputs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.access import can_manage_cycles
from jixiao.appraisals.models import (
    Cycle,
    CycleScheme,
    GroupInput,
    PopulationKind,
    PopulationRule,
    StageDeadline,
)
from jixiao.appraisals.periods import period_bounds
from jixiao.appraisals.services.results import results_recompute
from jixiao.appraisals.workflow import CycleState
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.services import audited_create, audited_update
from jixiao.organization.models import Employee, Position, Unit
from jixiao.schemes.models import Scheme

CYCLE_FIELDS = ("name", "period_kind", "period", "appraisal_date", "appeal_window_days")
DRAFT_ONLY_FIELDS = ("period_kind", "period", "appraisal_date")


def require_hr(actor: Any) -> None:
    if not can_manage_cycles(actor):
        raise NotAllowed(_("only HR may manage cycles"))


def require_draft(cycle: Cycle) -> None:
    if cycle.state != CycleState.DRAFT:
        raise ServiceError(_("this can only be changed while the cycle is a draft"))


def _bounds(period_kind: str, period: str) -> tuple[datetime.date, datetime.date]:
    try:
        return period_bounds(period_kind, period)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None


def cycle_create(
    *,
    actor: Any,
    code: str,
    name: str,
    period_kind: str,
    period: str,
    appraisal_date: datetime.date | None = None,
    appeal_window_days: int = 5,
) -> Cycle:
    """A new cycle, as a draft. The appraisal date defaults to the period's last day."""
    require_hr(actor)
    start, end = _bounds(period_kind, period)
    return audited_create(
        Cycle,
        actor=actor,
        action="cycle.created",
        code=code,
        name=name,
        period_kind=period_kind,
        period=period,
        start=start,
        end=end,
        appraisal_date=appraisal_date or end,
        appeal_window_days=appeal_window_days,
    )


def cycle_update(*, cycle: Cycle, actor: Any, reason: str = "", **changes: Any) -> Cycle:
    require_hr(actor)
    if set(changes) & set(DRAFT_ONLY_FIELDS):
        require_draft(cycle)
    if "period" in changes or "period_kind" in changes:
        kind = changes.get("period_kind", cycle.period_kind)
        cycle.start, cycle.end = _bounds(kind, changes.get("period", cycle.period))
    return audited_update(
        cycle,
        actor=actor,
        action="cycle.updated",
        changes=changes,
        allowed=CYCLE_FIELDS,
        reason=reason,
    )


def cycle_add_scheme(*, cycle: Cycle, scheme: Scheme, actor: Any) -> CycleScheme:
    require_hr(actor)
    require_draft(cycle)
    if not scheme.is_active:
        raise ServiceError(_("the scheme %(code)s is retired") % {"code": scheme.code})
    if CycleScheme.objects.filter(cycle=cycle, scheme=scheme).exists():
        raise ServiceError(_("the cycle already uses %(code)s") % {"code": scheme.code})
    return audited_create(
        CycleScheme, actor=actor, action="cycle.scheme_added", cycle=cycle, scheme=scheme
    )


def cycle_remove_scheme(*, cycle: Cycle, scheme: Scheme, actor: Any) -> None:
    require_hr(actor)
    require_draft(cycle)
    with transaction.atomic():
        link = CycleScheme.objects.filter(cycle=cycle, scheme=scheme).first()
        if link is None:
            return
        audit_record(
            actor=actor, action="cycle.scheme_removed", target=cycle, before={"scheme": scheme.code}
        )
        link.delete()


def population_rule_add(
    *,
    cycle: Cycle,
    actor: Any,
    kind: str,
    unit: Unit | None = None,
    position: Position | None = None,
    tier: str = "",
    employee: Employee | None = None,
    include_subunits: bool = True,
) -> PopulationRule:
    """Add who is appraised: a unit's people, a position's holders, a tier, one
    person, or a unit or provider itself."""
    require_hr(actor)
    require_draft(cycle)
    if kind not in PopulationKind.values:
        raise ServiceError(_("unknown kind of population rule: %(kind)s") % {"kind": kind})
    return audited_create(
        PopulationRule,
        actor=actor,
        action="cycle.population_rule_added",
        cycle=cycle,
        kind=kind,
        unit=unit,
        position=position,
        tier=tier,
        employee=employee,
        include_subunits=include_subunits,
    )


def population_rule_remove(*, rule: PopulationRule, actor: Any) -> None:
    require_hr(actor)
    require_draft(rule.cycle)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="cycle.population_rule_removed",
            target=rule.cycle,
            before=snapshot(rule),
        )
        rule.delete()


def cycle_set_deadline(
    *, cycle: Cycle, actor: Any, stage: str, due: datetime.date
) -> StageDeadline:
    require_hr(actor)
    with transaction.atomic():
        deadline = StageDeadline.objects.filter(cycle=cycle, stage=stage).first()
        if deadline is None:
            return audited_create(
                StageDeadline,
                actor=actor,
                action="cycle.deadline_set",
                cycle=cycle,
                stage=stage,
                due=due,
            )
        return audited_update(
            deadline,
            actor=actor,
            action="cycle.deadline_set",
            changes={"due": due},
            allowed=("due",),
        )


def cycle_set_committee(*, cycle: Cycle, actor: Any, members: Iterable[Any]) -> Cycle:
    """Name the committee (考评委员会) of a cycle: they see its results and calibrate."""
    require_hr(actor)
    members = list(members)
    with transaction.atomic():
        before = sorted(cycle.committee.values_list("username", flat=True))
        cycle.committee.set(members)
        after = sorted(user.username for user in members)
        if before != after:
            audit_record(
                actor=actor,
                action="cycle.committee_set",
                target=cycle,
                before={"committee": before},
                after={"committee": after},
            )
    return cycle


def group_input_set(
    *, cycle: Cycle, actor: Any, attribute: str, value: str, key: str, amount: float
) -> GroupInput:
    """Set an input shared by a group (a pay pool per level); results follow."""
    require_hr(actor)
    with transaction.atomic():
        entry = GroupInput.objects.filter(
            cycle=cycle, attribute=attribute, value=value, key=key
        ).first()
        if entry is None:
            entry = audited_create(
                GroupInput,
                actor=actor,
                action="cycle.group_input_set",
                cycle=cycle,
                attribute=attribute,
                value=value,
                key=key,
                amount=amount,
            )
        else:
            audited_update(
                entry,
                actor=actor,
                action="cycle.group_input_set",
                changes={"amount": amount},
                allowed=("amount",),
            )
        results_recompute(cycle=cycle, actor=actor)
    return entry
