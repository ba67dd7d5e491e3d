"""The performance interview (绩效面谈) after publication, acknowledged by the
appraisee, and the improvement plan (绩效改进计划) for a low grade, which the next
cycle shows again."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import can_acknowledge_interview, can_record_interview
from jixiao.appraisals.models import Appraisal, ImprovementPlan, Interview
from jixiao.appraisals.workflow import CycleState
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError

INTERVIEW_FIELDS = ("held_on", "summary", "to_improve", "next_goals")
PLAN_FIELDS = ("goals", "actions", "review_on")


def _require_published(appraisal: Appraisal) -> None:
    appraisal.cycle.refresh_from_db(fields=["state"])
    if appraisal.cycle.state not in (CycleState.PUBLISHED, CycleState.CLOSED):
        raise ServiceError(_("the interview follows the publication of the results"))


def interview_record(
    *,
    appraisal: Appraisal,
    actor: Any,
    held_on: datetime.date,
    summary: str,
    to_improve: str = "",
    next_goals: str = "",
) -> Interview:
    """Record (or correct) the interview; a correction asks the appraisee again."""
    if not can_record_interview(actor, appraisal):
        raise NotAllowed(_("only the direct supervisor records the interview"))
    _require_published(appraisal)
    if not summary.strip():
        raise ServiceError(_("the interview needs a summary"))
    values = {
        "held_on": held_on,
        "summary": summary,
        "to_improve": to_improve,
        "next_goals": next_goals,
    }
    with transaction.atomic():
        interview = Interview.objects.select_for_update().filter(appraisal=appraisal).first()
        if interview is None:
            interview = Interview(appraisal=appraisal, recorded_by=actor, **values)
            interview.full_clean()
            interview.save()
            audit_record(
                actor=actor,
                action="interview.recorded",
                target=interview,
                after=snapshot(interview),
            )
            return interview
        before = snapshot(interview, INTERVIEW_FIELDS)
        for name, value in values.items():
            setattr(interview, name, value)
        after = snapshot(interview, INTERVIEW_FIELDS)
        if before == after:
            return interview
        interview.recorded_by = actor
        interview.acknowledged_at = None
        interview.acknowledged_by = None
        interview.full_clean()
        interview.save()
        audit_record(
            actor=actor, action="interview.changed", target=interview, before=before, after=after
        )
    return interview


def interview_acknowledge(*, interview: Interview, actor: Any) -> Interview:
    if not can_acknowledge_interview(actor, interview.appraisal):
        raise NotAllowed(_("only the appraisee acknowledges the interview"))
    if interview.acknowledged_at is not None:
        return interview
    with transaction.atomic():
        interview.acknowledged_at = timezone.now()
        interview.acknowledged_by = actor
        interview.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        audit_record(
            actor=actor,
            action="interview.acknowledged",
            target=interview,
            after={"acknowledged_at": interview.acknowledged_at.isoformat()},
        )
    return interview


def improvement_plan_record(
    *, appraisal: Appraisal, actor: Any, goals: str, actions: str, review_on: datetime.date
) -> ImprovementPlan:
    """Record (or correct) the improvement plan; the appraisee's next cycle shows it."""
    if not can_record_interview(actor, appraisal):
        raise NotAllowed(_("only the direct supervisor records the improvement plan"))
    _require_published(appraisal)
    if not goals.strip() or not actions.strip():
        raise ServiceError(_("an improvement plan needs goals and actions"))
    values = {"goals": goals, "actions": actions, "review_on": review_on}
    with transaction.atomic():
        plan = ImprovementPlan.objects.select_for_update().filter(appraisal=appraisal).first()
        if plan is None:
            plan = ImprovementPlan(appraisal=appraisal, recorded_by=actor, **values)
            plan.full_clean()
            plan.save()
            audit_record(
                actor=actor, action="improvement_plan.recorded", target=plan, after=snapshot(plan)
            )
            return plan
        before = snapshot(plan, PLAN_FIELDS)
        for name, value in values.items():
            setattr(plan, name, value)
        after = snapshot(plan, PLAN_FIELDS)
        if before != after:
            plan.recorded_by = actor
            plan.full_clean()
            plan.save()
            audit_record(
                actor=actor,
                action="improvement_plan.changed",
                target=plan,
                before=before,
                after=after,
            )
    return plan
