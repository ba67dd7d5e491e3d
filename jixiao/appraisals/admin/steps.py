"""Target-change requests, appeals, interviews and improvement plans in the admin:
read-only (the pages change them through the services), filtered by who may see them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.access import (
    appeals_visible_to,
    improvement_plans_visible_to,
    interviews_visible_to,
    target_change_requests_visible_to,
)
from jixiao.appraisals.admin.downloads import download_link
from jixiao.appraisals.models import Appeal, ImprovementPlan, Interview, TargetChangeRequest
from jixiao.core.admin import VisibleToAdmin


class ReadOnlyVisibleAdmin(VisibleToAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TargetChangeRequest)
class TargetChangeRequestAdmin(ReadOnlyVisibleAdmin):
    list_display = ("appraisal", "item", "target", "challenge", "state", "requested_by")
    list_filter = ("state",)

    def visible_to(self, user: Any) -> Any:
        return target_change_requests_visible_to(user)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyVisibleAdmin):
    list_display = ("appraisal", "item", "state", "received_at", "decide_by", "answer_by")
    list_filter = ("state",)
    exclude = ("evidence",)  # shown as a link to its download, not to MEDIA_ROOT
    readonly_fields = ("evidence_download",)

    @admin.display(description=_("evidence"))
    def evidence_download(self, obj: Appeal) -> str:
        return download_link(obj.evidence, "portal:appeal_evidence", obj.pk)

    def visible_to(self, user: Any) -> Any:
        return appeals_visible_to(user)


@admin.register(Interview)
class InterviewAdmin(ReadOnlyVisibleAdmin):
    list_display = ("appraisal", "held_on", "recorded_by", "acknowledged_at")

    def visible_to(self, user: Any) -> Any:
        return interviews_visible_to(user)


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ReadOnlyVisibleAdmin):
    list_display = ("appraisal", "review_on", "recorded_by")

    def visible_to(self, user: Any) -> Any:
        return improvement_plans_visible_to(user)
