"""Excel imports in the admin: read only (imports are made through the services)."""

from __future__ import annotations

from django.contrib import admin

from jixiao.core.admin import ReadOnlyAdmin
from jixiao.spreadsheets.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "kind", "file_name", "cycle", "added", "changed", "actor")
    list_filter = ("kind",)
    search_fields = ("file_name", "sha256")
