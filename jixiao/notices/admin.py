"""Notices in the admin: each person's own, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jixiao.core.admin import VisibleToAdmin
from jixiao.notices.access import notices_visible_to
from jixiao.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(VisibleToAdmin):
    list_display = ("recipient", "text", "due", "created_at", "read_at")

    def visible_to(self, user: Any) -> Any:
        return notices_visible_to(user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
