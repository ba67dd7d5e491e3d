"""Talent reviews in the admin, read-only: they change on the talent review page."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import ReadOnlyAdmin
from jixiao.talent.models import Placement, TalentReview


@admin.register(TalentReview)
class TalentReviewAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "low_below", "high_from", "created_at", "created_by")


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("appraisal", "performance", "potential", "moved", "reason")
    list_filter = ("performance", "potential", "moved")
