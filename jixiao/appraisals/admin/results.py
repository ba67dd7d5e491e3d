"""Results in the admin: read-only, with every item's trace."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.access import results_visible_to, sees_rater_names
from jixiao.appraisals.anonymity import result_shown_to
from jixiao.appraisals.models import Result
from jixiao.core.admin import VisibleToAdmin


@admin.register(Result)
class ResultAdmin(VisibleToAdmin):
    list_display = ("appraisal", "total", "grade", "rank", "ranked", "has_errors", "frozen_at")
    list_filter = ("appraisal__cycle", "grade", "needs_review")
    search_fields = ("appraisal__employee__name", "appraisal__employee__number")
    fields = (
        "appraisal",
        "scheme_version",
        "subtotal",
        "adjustments_table",
        "total",
        "rank",
        "ranked",
        "grade",
        "band_grade",
        "calibrated",
        "needs_review",
        "flags",
        "outcomes",
        "errors",
        "items_table",
        "warnings",
        "computed_at",
        "frozen_at",
        "facts_digest",
        "facts",
    )
    readonly_fields = fields

    def visible_to(self, user: Any) -> QuerySet[Result]:
        return results_visible_to(user)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is not None:
            found.reader = request.user  # the traces as the reader may read them
        return found

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The facts (every rating as the engine read it) only to those who see raters."""
        fields = super().get_fields(request, obj)
        return fields if sees_rater_names(request.user) else [f for f in fields if f != "facts"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("errors"), boolean=True)
    def has_errors(self, obj: Result) -> bool:
        return bool(obj.errors)

    @admin.display(description=_("items"))
    def items_table(self, obj: Result) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    item["name"],
                    "—" if item["value"] is None else item["value"],
                    item["score"],
                    item["weight"],
                    item["contribution"],
                    item["trace"],
                )
                for item in result_shown_to(getattr(obj, "reader", None), obj).get("items", [])
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("item"),
            _("value"),
            _("score"),
            _("weight"),
            _("contribution"),
            _("trace"),
        )
        return format_html("<table>{}{}</table>", head, rows)

    @admin.display(description=_("adjustments"))
    def adjustments_table(self, obj: Result) -> SafeString:
        shown = obj.shown().get("adjustments", [])
        if not shown:
            return SafeString("—")
        return format_html_join("", "<div>{}: {}</div>", ((a["name"], a["trace"]) for a in shown))
