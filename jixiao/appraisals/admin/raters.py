"""Rater assignments in the admin, read-only and for HR only: who rates whom in a
360 is not shown to anyone else (the raters page says counts to managers)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.appraisals.models import RaterAssignment, SurveyDeadline
from jixiao.core.admin import ReadOnlyAdmin


@admin.register(RaterAssignment)
class RaterAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("appraisal", "role", "rater", "state", "answered_at")
    list_filter = ("role", "state")


@admin.register(SurveyDeadline)
class SurveyDeadlineAdmin(ReadOnlyAdmin):
    """Set on the cycle's 360 survey page (audited there); read here."""

    list_display = ("cycle", "role", "due")
    list_filter = ("role",)
