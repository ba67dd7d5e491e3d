"""Calibration (domain.md §3.5) and publication with it.

A calibration changes a result's total or grade with a written reason; the
engine's own output (`Result.data`) stays as it was computed, so the change is
visible as before → after. A later recomputation (a fact changed during
calibration) would write the engine's values again, so publication re-applies
the latest change of each field as it freezes the results.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.models.results import CALIBRATED_FLAG
from jixiao.appraisals.services import cycle_publish
from jixiao.appraisals.workflow import CycleState
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.hr.access import can_calibrate
from jixiao.hr.models import CalibratedField, CalibrationChange

__all__ = ["CALIBRATED_FLAG", "cycle_publish_calibrated", "result_calibrate"]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def result_calibrate(
    *,
    result: Result,
    actor: Any,
    reason: str,
    total: float | None = None,
    grade: str | None = None,
) -> list[CalibrationChange]:
    """Change the total and/or the grade of one result during calibration."""
    cycle = result.appraisal.cycle
    if not can_calibrate(actor, cycle):
        raise NotAllowed(_("only HR and the cycle's committee may calibrate"))
    if cycle.state != CycleState.CALIBRATION:
        raise ServiceError(_("results can be calibrated only while the cycle is in calibration"))
    if result.frozen:
        raise ServiceError(_("this result is published and frozen"))
    if not reason.strip():
        raise ServiceError(_("a calibration needs a written reason"))
    if grade is not None:
        grade = grade.strip()
        if not grade:
            raise ServiceError(_("a grade cannot be empty"))
    if total is not None and total < 0:
        raise ServiceError(_("a total cannot be negative"))
    wanted = {CalibratedField.TOTAL: total, CalibratedField.GRADE: grade}
    changes: list[CalibrationChange] = []
    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=result.pk)
        for field, value in wanted.items():
            if value is None or getattr(result, field) == value:
                continue
            before = getattr(result, field)
            setattr(result, field, value)
            changes.append(
                CalibrationChange.objects.create(
                    result=result,
                    field=field,
                    before=_shown(before),
                    after=_shown(value),
                    reason=reason,
                    actor=actor,
                )
            )
            audit_record(
                actor=actor,
                action="result.calibrated",
                target=result,
                before={field: before},
                after={field: value},
                reason=reason,
            )
        if not changes:
            raise ServiceError(_("nothing changed: give a different total or grade"))
        if CALIBRATED_FLAG not in result.flags:
            result.flags = [*result.flags, CALIBRATED_FLAG]
        result.save(update_fields=["total", "grade", "flags"])
    return changes


def cycle_publish_calibrated(*, cycle: Cycle, actor: Any) -> Cycle:
    """Publish (公示) a cycle with its calibrations in force.

    Publication recomputes every result first; where that replaced a calibrated
    value (a fact changed after the calibration), the latest calibrated value is
    put back in the same transaction, so what is frozen is what was calibrated.
    """
    with transaction.atomic():
        published = cycle_publish(cycle=cycle, actor=actor)
        _reapply(published)
    return published


def _reapply(cycle: Cycle) -> None:
    latest: dict[tuple[int, str], CalibrationChange] = {}
    for change in CalibrationChange.objects.filter(result__appraisal__cycle=cycle).order_by(
        "created_at", "pk"
    ):
        latest[(change.result_id, change.field)] = change
    for (result_id, field), change in latest.items():
        value: Any = float(change.after) if field == CalibratedField.TOTAL else change.after
        result = Result.objects.get(pk=result_id)
        if getattr(result, field) == value and CALIBRATED_FLAG in result.flags:
            continue
        setattr(result, field, value)
        if CALIBRATED_FLAG not in result.flags:
            result.flags = [*result.flags, CALIBRATED_FLAG]
        result.save(update_fields=[field, "flags"])
