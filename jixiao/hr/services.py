"""Calibration (domain.md §3.5): a decision on top of the computed result.

A calibration changes a result's total or grade with a written reason. The
decision is kept on the result (`Result.calibrated`, with the computed values
and facts it was decided on, `Result.calibrated_on`) and is what every page,
export and the API show; the engine's own output (`Result.data`) stays as
computed, so the change is visible as before → after. A recomputation never
replaces a calibrated value: when the facts or the computed total, grade or
rank move afterwards, the result awaits review (`Result.needs_review`), and
publication waits until the committee confirms the calibration
(`result_review_confirm`) or changes it (`result_calibrate`), each with a reason.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.models.results import CALIBRATED_FLAG
from jixiao.appraisals.services import cycle_publish, outcomes_in_force_store
from jixiao.appraisals.workflow import CycleState
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.hr.access import can_calibrate
from jixiao.hr.models import CalibratedField, CalibrationChange, CalibrationKind

__all__ = [
    "CALIBRATED_FLAG",
    "cycle_publish_calibrated",
    "result_calibrate",
    "result_review_confirm",
]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _locked(result: Result) -> Result:
    return (
        Result.objects.select_for_update(of=("self",))
        .select_related("appraisal__cycle")
        .get(pk=result.pk)
    )


def _check_decision(result: Result, actor: Any, reason: str, *, confirming: bool = False) -> None:
    """Who may decide, and when: in calibration, before publication; after it only a
    result that awaits review (an upheld appeal moved what it was decided on)."""
    cycle = result.appraisal.cycle
    if not can_calibrate(actor, cycle):
        raise NotAllowed(_("only HR and the cycle's committee may calibrate"))
    if confirming and not result.needs_review:
        raise ServiceError(_("this result does not await review"))
    reviewing_published = result.needs_review and cycle.state == CycleState.PUBLISHED
    if result.frozen and not reviewing_published:
        raise ServiceError(_("this result is published and frozen"))
    if cycle.state != CycleState.CALIBRATION and not reviewing_published:
        raise ServiceError(_("results can be calibrated only while the cycle is in calibration"))
    if not reason.strip():
        raise ServiceError(_("a calibration needs a written reason"))


def _decision(result: Result) -> dict[str, Any]:
    """A result's calibration for the audit log: the values in force and the computed
    values they were decided on."""
    then = result.calibrated_on or {}
    return {
        "calibrated": dict(result.calibrated or {}),
        "computed_then": {name: then.get(name) for name in ("total", "grade", "rank")},
        "computed": result.computed(),
        "needs_review": result.needs_review,
    }


def result_calibrate(
    *,
    result: Result,
    actor: Any,
    reason: str,
    total: float | None = None,
    grade: str | None = None,
) -> list[CalibrationChange]:
    """Change the total and/or the grade of one result during calibration (or, for a
    result awaiting review, decide it anew). The decision is taken on the computed
    values as they are now, and a review it answers is closed."""
    if grade is not None:
        grade = grade.strip()
        if not grade:
            raise ServiceError(_("a grade cannot be empty"))
    if total is not None and total < 0:
        raise ServiceError(_("a total cannot be negative"))
    wanted = {CalibratedField.TOTAL: total, CalibratedField.GRADE: grade}
    changes: list[CalibrationChange] = []
    with transaction.atomic():
        result = _locked(result)
        _check_decision(result, actor, reason)
        before = _decision(result)
        computed = result.computed()
        calibrated = dict(result.calibrated or {})
        for field, value in wanted.items():
            if value is None or getattr(result, field) == value:
                continue
            was = getattr(result, field)
            setattr(result, field, value)
            calibrated[str(field)] = value
            changes.append(
                CalibrationChange.objects.create(
                    result=result,
                    field=field,
                    before=_shown(was),
                    after=_shown(value),
                    computed=_shown(computed[str(field)]),
                    reason=reason,
                    actor=actor,
                )
            )
            audit_record(
                actor=actor,
                action="result.calibrated",
                target=result,
                before={field: was},
                after={field: value},
                reason=reason,
            )
        if not changes:
            raise ServiceError(
                _("nothing changed: give a different total or grade")
                if not result.needs_review
                else _(
                    "nothing changed: give a different total or grade, or confirm the"
                    " calibration as it is"
                )
            )
        _decide(result, calibrated)
        outcomes_in_force_store(  # the pool's shares follow the grade in force
            cycle_id=result.appraisal.cycle_id,
            version_id=result.scheme_version_id,
            actor=actor,
            reason=reason,
        )
        if before["needs_review"]:
            audit_record(
                actor=actor,
                action="result.review_changed",
                target=result,
                before=before,
                after=_decision(result),
                reason=reason,
            )
    return changes


def result_review_confirm(*, result: Result, actor: Any, reason: str) -> list[CalibrationChange]:
    """The committee keeps the calibration of a result awaiting review, with a reason:
    the calibrated total and grade stay, now decided on the computed values and facts
    as they are. One confirmation row per calibrated field, and an audit event
    `result.review_confirmed` with the computed values before → after."""
    with transaction.atomic():
        result = _locked(result)
        _check_decision(result, actor, reason, confirming=True)
        before = _decision(result)
        computed = result.computed()
        confirmed = [
            CalibrationChange.objects.create(
                result=result,
                field=field,
                kind=CalibrationKind.CONFIRMED,
                before=_shown(value),
                after=_shown(value),
                computed=_shown(computed.get(field)),
                reason=reason,
                actor=actor,
            )
            for field, value in result.calibrated.items()
        ]
        _decide(result, dict(result.calibrated))
        audit_record(
            actor=actor,
            action="result.review_confirmed",
            target=result,
            before=before,
            after=_decision(result),
            reason=reason,
        )
    return confirmed


def _decide(result: Result, calibrated: dict[str, Any]) -> None:
    """Store a decision: the values in force, decided on what is computed now."""
    result.calibrated = calibrated
    result.calibrated_on = result.basis()
    result.needs_review = False
    if CALIBRATED_FLAG not in result.flags:
        result.flags = [*result.flags, CALIBRATED_FLAG]
    result.save(
        update_fields=["total", "grade", "flags", "calibrated", "calibrated_on", "needs_review"]
    )


def cycle_publish_calibrated(*, cycle: Cycle, actor: Any) -> Cycle:
    """Publish (公示) a cycle with its calibrations in force. The stored total and
    grade already are the committee's decisions (no recomputation replaces them), so
    this is `cycle_publish`, which waits until no result awaits review."""
    return cycle_publish(cycle=cycle, actor=actor)
