"""Anonymity in the admin: the company's policy, read-only (HR changes it on its page,
audited), and the audit log without the events of anonymous ratings for those who do
not see raters' names (their actor is the rater, their values the answer) — the core's
audit admin narrowed by `hidden_audit_events` (the core cannot ask the appraisals)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jixiao.appraisals.access import hidden_audit_events
from jixiao.appraisals.models import AnonymityPolicy
from jixiao.core.admin import AuditEventAdmin as CoreAuditEventAdmin
from jixiao.core.admin import ReadOnlyAdmin
from jixiao.core.models import AuditEvent

admin.site.unregister(AuditEvent)


@admin.register(AuditEvent)
class AuditEventAdmin(CoreAuditEventAdmin):
    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).exclude(hidden_audit_events(request.user))


@admin.register(AnonymityPolicy)
class AnonymityPolicyAdmin(ReadOnlyAdmin):
    list_display = ("least_raters", "hr_sees_names", "updated_by", "updated_at")
    readonly_fields = list_display
