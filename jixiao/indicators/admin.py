"""The indicator dictionary in the admin. Entries are versioned: HR adds a version
(a new entry, or a change taking effect on a date); versions are never edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.questions import QUESTION_FIELDS
from jixiao.indicators.selectors import indicator_current_version
from jixiao.indicators.services import CONTENT_FIELDS, indicator_save


class VersionInline(ReadOnlyInline):
    model = IndicatorVersion
    fk_name = "indicator"
    fields = ("number", "name", "effective_from", "effective_to", "incomplete")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "current_name", "current_incomplete")
    search_fields = ("code", "versions__name")
    inlines = [VersionInline]

    @admin.display(description=_("official name"))
    def current_name(self, obj: Indicator) -> str:
        version = indicator_current_version(obj)
        return version.name if version else ""

    @admin.display(description=_("incomplete"), boolean=True)
    def current_incomplete(self, obj: Indicator) -> bool | None:
        version = indicator_current_version(obj)
        return version.incomplete if version else None


class VersionForm(forms.ModelForm):  # type: ignore[type-arg]
    code = forms.CharField(label=_("code"), max_length=40, help_text=_("e.g. X-F-01"))
    reason = forms.CharField(label=_("reason for the change"), required=False)

    class Meta:
        model = IndicatorVersion
        fields = ("effective_from", *CONTENT_FIELDS)


@admin.register(IndicatorVersion)
class IndicatorVersionAdmin(ServiceAdmin):
    form = VersionForm
    list_display = (
        "indicator",
        "number",
        "name",
        "perspective",
        "category",
        "effective_from",
        "effective_to",
        "incomplete",
    )
    list_filter = ("incomplete", "perspective", "dimension", "category", "polarity")
    search_fields = ("indicator__code", "name", "definition")
    fieldsets = (
        (None, {"fields": ("code", "effective_from")}),
        (_("the ten questions"), {"fields": QUESTION_FIELDS}),
        (
            _("classification"),
            {
                "fields": (
                    "perspective",
                    "dimension",
                    "category",
                    "polarity",
                    "quantitative",
                    "controllable",
                    "operational",
                    "parent",
                )
            },
        ),
        (_("change"), {"fields": ("reason",)}),
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change is a new version

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.fieldsets
        return (
            (None, {"fields": ("indicator", "number", "effective_from", "effective_to")}),
            (_("the ten questions"), {"fields": QUESTION_FIELDS}),
            (_("completeness"), {"fields": ("incomplete", "missing", "created_by")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [field.name for field in IndicatorVersion._meta.fields]

    def create(self, request: HttpRequest, data: dict[str, Any]) -> IndicatorVersion:
        return indicator_save(actor=request.user, **data)
