"""Schemes in the admin. HR pastes a scheme document; the engine checks it before
anything is saved, and its problems come back on the form. Saved versions are
never edited: a change is a new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, run_service
from jixiao.schemes.models import Scheme, SchemeAssignment, SchemeItem, SchemeVersion
from jixiao.schemes.services import (
    SchemeInvalid,
    scheme_assign,
    scheme_check,
    scheme_save,
    scheme_set_active,
    scheme_unassign,
)


def warnings_html(warnings: list[dict[str, Any]]) -> SafeString:
    if not warnings:
        return SafeString("—")
    return format_html_join(
        "", "<div>{}: {}</div>", ((w.get("path") or "", w["message"]) for w in warnings)
    )


class VersionInline(ReadOnlyInline):
    model = SchemeVersion
    fields = ("number", "comment", "created_by", "created_at")
    readonly_fields = fields
    ordering = ("-number",)


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "period", "current_number", "is_active")
    list_filter = ("period", "is_active")
    search_fields = ("code", "name")
    inlines = [VersionInline]
    actions = ["retire", "activate"]

    @admin.display(description=_("current version"))
    def current_number(self, obj: Scheme) -> int | None:
        version = obj.current_version
        return version.number if version else None

    @admin.action(description=_("Retire the selected schemes"))
    def retire(self, request: HttpRequest, queryset: QuerySet[Scheme]) -> None:
        for scheme in queryset:
            run_service(
                request,
                self,
                lambda s=scheme: scheme_set_active(scheme=s, actor=request.user, is_active=False),
            )

    @admin.action(description=_("Bring the selected schemes back"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Scheme]) -> None:
        for scheme in queryset:
            run_service(
                request,
                self,
                lambda s=scheme: scheme_set_active(scheme=s, actor=request.user, is_active=True),
            )


class VersionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A scheme document (YAML or JSON), checked by the engine as the form is validated."""

    class Meta:
        model = SchemeVersion
        fields = ("text", "comment")
        widgets = {
            "text": forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "vLargeTextField"})
        }

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        try:
            scheme_check(text)
        except SchemeInvalid as exc:
            raise forms.ValidationError([str(problem) for problem in exc.problems]) from None
        return text


class ItemInline(ReadOnlyInline):
    model = SchemeItem
    fields = ("code", "section", "rule", "weight", "full", "source", "indicator")
    readonly_fields = fields
    show_change_link = False


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ServiceAdmin):
    form = VersionForm
    list_display = ("scheme", "number", "comment", "created_by", "created_at")
    list_filter = ("scheme",)
    search_fields = ("scheme__code", "scheme__name", "comment")
    inlines = [ItemInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change is a new version

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("text", "comment")
        return ("scheme", "number", "comment", "created_by", "created_at", "shown_warnings", "text")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("scheme", "number", "comment", "created_by", "created_at", "shown_warnings", "text")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [ItemInline] if obj else []

    @admin.display(description=_("warnings"))
    def shown_warnings(self, obj: SchemeVersion) -> SafeString:
        return warnings_html(obj.warnings)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> SchemeVersion:
        version = scheme_save(
            actor=request.user, text=data["text"], comment=data.get("comment", "")
        )
        if version.warnings:
            self.message_user(
                request,
                _("Saved with %(count)s warnings; see them on the version.")
                % {"count": len(version.warnings)},
                messages.WARNING,
            )
        return version


@admin.register(SchemeAssignment)
class SchemeAssignmentAdmin(ServiceAdmin):
    list_display = ("scheme", "position", "unit", "scope")
    list_filter = ("scope", "scheme")
    fields = ("scheme", "position", "unit", "scope")
    deletable = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> SchemeAssignment:
        return scheme_assign(actor=request.user, **data)

    def delete_model(self, request: HttpRequest, obj: SchemeAssignment) -> None:
        scheme_unassign(assignment=obj, actor=request.user, reason=str(_("removed in the admin")))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SchemeAssignment]) -> None:
        for assignment in queryset:
            self.delete_model(request, assignment)


@admin.register(SchemeItem)
class SchemeItemAdmin(ReadOnlyAdmin):
    """Every item of every version: which schemes measure an indicator, who is the source."""

    list_display = ("version", "code", "section", "rule", "weight", "source", "indicator")
    list_filter = ("rule", "source")
    search_fields = ("code", "name", "version__scheme__code", "indicator__code")
