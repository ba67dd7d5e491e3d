"""One appraisal's life: adding one late, moving it through the stages, signing
its targets."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import can_move_appraisal
from jixiao.appraisals.models import Appraisal, Cycle, CycleScheme
from jixiao.appraisals.services.cycles import require_hr
from jixiao.appraisals.services.lifecycle import appraisee_attributes
from jixiao.appraisals.services.results import appraisal_recompute
from jixiao.appraisals.workflow import (
    SCORING_CYCLE_STATES,
    SYSTEM,
    AppraisalState,
    CycleState,
    check_transition,
    movers,
)
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.organization.models import Employee, Unit
from jixiao.schemes.models import Scheme
from jixiao.schemes.selectors import scheme_for_employee, scheme_for_unit


def appraisal_add(
    *,
    cycle: Cycle,
    actor: Any,
    reason: str,
    employee: Employee | None = None,
    unit: Unit | None = None,
    scheme: Scheme | None = None,
) -> Appraisal:
    """Add one appraisee to an open cycle (someone forgotten, or included late), with a
    reason. The database refuses a second appraisal of the same appraisee in a cycle."""
    require_hr(actor)
    if CycleState(cycle.state) not in SCORING_CYCLE_STATES:
        raise ServiceError(_("appraisees can be added only to an open cycle before publication"))
    if not reason.strip():
        raise ServiceError(_("adding an appraisee to an open cycle needs a reason"))
    links = {
        link.scheme_id: link.version
        for link in CycleScheme.objects.filter(cycle=cycle, version__isnull=False)
        if link.version is not None
    }
    schemes = list(Scheme.objects.filter(pk__in=links))
    if scheme is None:
        scheme = (
            scheme_for_employee(employee, schemes)
            if employee is not None
            else scheme_for_unit(unit, schemes)  # type: ignore[arg-type]
        )
    if scheme is None or scheme.pk not in links:
        raise ServiceError(_("no scheme of the cycle applies to this appraisee"))
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(
                cycle=cycle,
                employee=employee,
                unit=unit,
                scheme_version=links[scheme.pk],
                state=AppraisalState.TARGETS,
                attributes=appraisee_attributes(
                    employee=employee, unit=unit, period_kind=cycle.period_kind
                ),
            )
            audit_record(
                actor=actor,
                action="appraisal.added",
                target=appraisal,
                after=snapshot(appraisal),
                reason=reason,
            )
            appraisal_recompute(appraisal=appraisal, actor=actor)
    except IntegrityError:
        raise ServiceError(_("this appraisee already has an appraisal in the cycle")) from None
    return appraisal


def appraisal_transition(
    *, appraisal: Appraisal, actor: Any, to: AppraisalState, reason: str = ""
) -> Appraisal:
    """Move an appraisal along the transition table, if the actor's standing allows it:
    the appraisee signs targets and submits the self-assessment, the supervisor and
    the skip-level manager finish their reviews, HR can make any move."""
    to = AppraisalState(to)
    appraisal.refresh_from_db(fields=["state"])
    current = AppraisalState(appraisal.state)
    check_transition(current, to)
    if SYSTEM in movers(current, to):
        raise NotAllowed(_("publication and closing happen for the whole cycle"))
    if not can_move_appraisal(actor, appraisal, to):
        raise NotAllowed(_("you may not make this move"))
    if to == AppraisalState.WITHDRAWN and not reason.strip():
        raise ServiceError(_("withdrawing an appraisal needs a reason"))
    with transaction.atomic():
        appraisal.state = to
        fields = ["state", "updated_at"]
        if current == AppraisalState.TARGETS and to == AppraisalState.COLLECTING:
            appraisal.targets_signed_at = timezone.now()
            appraisal.targets_signed_by = actor
            fields += ["targets_signed_at", "targets_signed_by"]
        appraisal.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="appraisal.moved",
            target=appraisal,
            before={"state": current},
            after={"state": to},
            reason=reason,
        )
        if to == AppraisalState.WITHDRAWN:  # the group changed: ranks and quotas follow
            appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return appraisal


def appraisal_sign_targets(*, appraisal: Appraisal, actor: Any) -> Appraisal:
    """The appraisee acknowledges the targets (签订目标); collecting starts."""
    return appraisal_transition(appraisal=appraisal, actor=actor, to=AppraisalState.COLLECTING)
