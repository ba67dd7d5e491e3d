"""The strategy in the admin, read-only: it changes on the strategy pages."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import ReadOnlyAdmin
from jixiao.strategy.models import (
    AhpAnswer,
    AhpSession,
    Cause,
    Duty,
    Objective,
    SuccessFactor,
    TierPolicy,
)


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "perspective")
    list_filter = ("perspective",)


@admin.register(SuccessFactor)
class SuccessFactorAdmin(ReadOnlyAdmin):
    list_display = ("name", "objective")


@admin.register(Cause)
class CauseAdmin(ReadOnlyAdmin):
    list_display = ("text", "bone", "candidate", "indicator", "factor")


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin):
    list_display = ("position", "order", "duty", "standard")


@admin.register(TierPolicy)
class TierPolicyAdmin(ReadOnlyAdmin):
    list_display = ("tier", "max_items", "min_weight", "min_gap", "kpi_share", "max_work_goals")


@admin.register(AhpSession)
class AhpSessionAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "section", "aggregate", "trim", "applied_version", "created_at")


@admin.register(AhpAnswer)
class AhpAnswerAdmin(ReadOnlyAdmin):
    list_display = ("session", "expert", "answered_at")
