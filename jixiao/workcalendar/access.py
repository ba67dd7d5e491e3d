"""Who may see and correct the working calendar: everyone signed in reads it
(deadlines are counted with it); HR corrects it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.core import roles
from jixiao.workcalendar.models import CalendarCorrection


def can_correct_calendar(user: Any) -> bool:
    return roles.is_hr(user)


def corrections_visible_to(user: Any) -> QuerySet[CalendarCorrection]:
    if roles.is_active_user(user):
        return CalendarCorrection.objects.all()
    return CalendarCorrection.objects.none()
