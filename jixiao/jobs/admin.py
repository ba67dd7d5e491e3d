"""Background jobs in the admin: HR and the auditor read them; only jobs change them."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import ReadOnlyAdmin
from jixiao.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "kind",
        "target_type",
        "target_id",
        "state",
        "stage",
        "done",
        "total",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("state", "kind")
    search_fields = ("kind", "target_id")
