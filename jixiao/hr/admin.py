"""Calibration changes in the admin: read-only (they are made on the calibration
page, through `result_calibrate`, and never edited)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import ReadOnlyAdmin
from jixiao.hr.models import CalibrationChange


@admin.register(CalibrationChange)
class CalibrationChangeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "result", "field", "kind", "before", "after", "actor", "reason")
    list_filter = ("field", "kind")
    search_fields = ("reason", "before", "after")
    readonly_fields = [field.name for field in CalibrationChange._meta.fields]
