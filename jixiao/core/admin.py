"""Admin foundations. HR works in the Django admin until the custom pages exist:
HR changes, the auditor reads, and every save goes through the app's services,
so it is validated and audited like any other change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import ServiceError
from jixiao.core.models import AuditEvent
from jixiao.core.roles import is_active_user, is_hr, reads_everything


class RoleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """HR may add and change; the auditor may look; nobody deletes unless allowed."""

    deletable = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return reads_everything(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_everything(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_hr(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_hr(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletable and is_hr(request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if is_hr(request.user) else {}


class VisibleToAdmin(RoleAdmin):
    """Read-only for everyone signed in, filtered by the app's access function
    (`visible_to(user)` returns the query set a person may see); HR changes."""

    def visible_to(self, user: Any) -> Any:
        raise NotImplementedError

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_active_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_active_user(request.user)

    def get_queryset(self, request: HttpRequest) -> Any:
        visible = self.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


class ReadOnlyAdmin(RoleAdmin):
    """Objects only services create: visible, never edited here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form with the reason for a change, which the audit log keeps."""

    reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("kept in the audit log with the values before and after"),
    )


class ServiceAdmin(RoleAdmin):
    """Saves through the app's services: `create` gets the cleaned form data, `update`
    the object as stored, the changed fields and the reason. A refusal of a service
    comes back as a message, and nothing is saved."""

    form: Any = ReasonForm

    def create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> models.Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            changes = {name: data[name] for name in form.changed_data if name in data}
            saved = self.update(request, stored, changes, form.cleaned_data.get("reason", ""))
        else:
            saved = self.create(request, data)
        obj.__dict__.update(saved.__dict__)  # the admin goes on with the saved object

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Related objects are changed through their own services, not here."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _service_message(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def _service_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def run_service(request: HttpRequest, modeladmin: admin.ModelAdmin, call: Any) -> Any:  # type: ignore[type-arg]
    """Run a service from an admin action; a refusal becomes an error message."""
    try:
        return call()
    except (ServiceError, ValidationError) as exc:
        modeladmin.message_user(request, _service_message(exc), messages.ERROR)
        return None


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_active_user(request.user)  # the parent page decided who sees it

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target_repr", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_repr", "target_id", "reason")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
