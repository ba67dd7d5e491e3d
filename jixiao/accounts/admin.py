"""User accounts in the admin: created and changed through the account services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.models import User
from jixiao.accounts.services import user_create, user_set_roles, user_update
from jixiao.core.admin import RoleAdmin, ServiceAdmin


class UserCreationForm(auth_forms.UserCreationForm):  # type: ignore[type-arg]
    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email", "is_hr", "is_auditor")


class UserChangeForm(auth_forms.UserChangeForm):  # type: ignore[type-arg]
    reason = forms.CharField(label=_("reason for the change"), required=False)

    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = (  # type: ignore[assignment]
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_hr",
            "is_auditor",
        )


@admin.register(User)
class JixiaoUserAdmin(ServiceAdmin, UserAdmin):  # type: ignore[type-arg]
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "display_name", "email", "is_hr", "is_auditor", "is_active")
    list_filter = ("is_hr", "is_auditor", "is_active")
    search_fields = ("username", "display_name", "email")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("username", "last_login", "date_joined") if obj else ()

    fieldsets = (
        (None, {"fields": ("username", "password", "display_name", "first_name", "last_name")}),
        (_("contact"), {"fields": ("email",)}),
        (_("roles"), {"fields": ("is_active", "is_hr", "is_auditor")}),
        (_("history"), {"fields": ("last_login", "date_joined")}),
        (_("change"), {"fields": ("reason",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "email",
                    "is_hr",
                    "is_auditor",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return RoleAdmin.has_module_permission(self, request)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> User:
        assert isinstance(request.user, User)
        return user_create(
            actor=request.user,
            username=data["username"],
            password=data.get("password1"),
            display_name=data.get("display_name", ""),
            email=data.get("email", ""),
            is_hr=data.get("is_hr", False),
            is_auditor=data.get("is_auditor", False),
        )

    def update(self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str) -> User:
        assert isinstance(request.user, User)
        roles = {k: changes.pop(k) for k in ("is_hr", "is_auditor", "is_active") if k in changes}
        changes.pop("username", None)
        user = user_update(user=obj, actor=request.user, reason=reason, **changes)
        if roles:
            user = user_set_roles(user=user, actor=request.user, reason=reason, **roles)
        return user
