"""HR's calendar corrections in the admin: read-only; HR corrects on the calendar page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jixiao.core.admin import VisibleToAdmin
from jixiao.workcalendar.access import corrections_visible_to
from jixiao.workcalendar.models import CalendarCorrection


@admin.register(CalendarCorrection)
class CalendarCorrectionAdmin(VisibleToAdmin):
    list_display = ("date", "is_workday", "reason", "recorded_by")

    def visible_to(self, user: Any) -> Any:
        return corrections_visible_to(user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
