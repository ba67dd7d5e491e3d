"""HR's corrections of the working calendar, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.services import audited_update
from jixiao.workcalendar.access import can_correct_calendar
from jixiao.workcalendar.models import CalendarCorrection


def _require_hr(actor: Any) -> None:
    if not can_correct_calendar(actor):
        raise NotAllowed(_("only HR may correct the working calendar"))


def calendar_correction_set(
    *, date: datetime.date, is_workday: bool, reason: str, actor: Any
) -> CalendarCorrection:
    """Declare a day a working day or a day off, overriding the published calendar."""
    _require_hr(actor)
    if not reason.strip():
        raise ServiceError(_("a calendar correction needs a reason"))
    with transaction.atomic():
        found = CalendarCorrection.objects.select_for_update().filter(date=date).first()
        if found is None:
            correction = CalendarCorrection(
                date=date, is_workday=is_workday, reason=reason, recorded_by=actor
            )
            correction.full_clean()
            correction.save()
            audit_record(
                actor=actor,
                action="calendar_correction.set",
                target=correction,
                after=snapshot(correction),
                reason=reason,
            )
            return correction
        return audited_update(
            found,
            actor=actor,
            action="calendar_correction.changed",
            changes={"is_workday": is_workday, "reason": reason, "recorded_by": actor},
            allowed=("is_workday", "reason", "recorded_by"),
            reason=reason,
        )


def calendar_correction_remove(*, correction: CalendarCorrection, actor: Any, reason: str) -> None:
    """Withdraw a correction: the published calendar applies to that day again."""
    _require_hr(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="calendar_correction.removed",
            target=correction,
            before=snapshot(correction),
            reason=reason,
        )
        correction.delete()
