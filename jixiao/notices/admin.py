"""Notices in the admin: each person's own, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from jixiao.core.admin import ReadOnlyAdmin, ServiceAdmin, VisibleToAdmin
from jixiao.notices import services
from jixiao.notices.access import notices_visible_to
from jixiao.notices.models import Notice, NoticePreference, RobotMessage, UnitRobot


@admin.register(Notice)
class NoticeAdmin(VisibleToAdmin):
    list_display = ("recipient", "text", "due", "created_at", "read_at")

    def visible_to(self, user: Any) -> Any:
        return notices_visible_to(user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RobotMessageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RobotMessage
    fields = ("created_at", "text", "sent_at", "attempts", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    ordering = ("-created_at",)


@admin.register(UnitRobot)
class UnitRobotAdmin(ServiceAdmin):
    """HR configures each unit's DingTalk or WeCom group robot; sent messages below."""

    list_display = ("__str__", "unit", "platform", "is_active")
    list_filter = ("platform", "is_active")
    search_fields = ("name", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    fields = ("unit", "platform", "name", "url", "secret", "is_active", "reason")
    inlines = [RobotMessageInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "secret":  # never shown back; empty keeps it (robot_update)
            kwargs["widget"] = forms.PasswordInput(render_value=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> UnitRobot:
        return services.robot_create(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> UnitRobot:
        return services.robot_update(robot=obj, actor=request.user, reason=reason, **changes)


@admin.register(RobotMessage)
class RobotMessageAdmin(ReadOnlyAdmin):
    list_display = ("robot", "text", "created_at", "sent_at", "attempts", "error")
    list_filter = ("robot",)


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ReadOnlyAdmin):
    """Each person sets their own on the notices page; HR reads them here."""

    list_display = ("user", "email", "muted")
    search_fields = ("user__username", "user__display_name")
