"""Appraisals and their facts in the admin. Facts are recorded through the fact
services, so every change is audited and the results follow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals import services
from jixiao.appraisals.access import ANONYMOUS_ROLES, appraisals_visible_to, ratings_visible_to
from jixiao.appraisals.admin.downloads import download_link
from jixiao.appraisals.models import AdjustmentEntry, Appraisal, Event, Fact, Rating
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.admin import ReadOnlyInline, ServiceAdmin, VisibleToAdmin, run_service


class FactInline(ReadOnlyInline):
    model = Fact
    fields = ("item", "kind", "key", "value", "recorded_by", "updated_at")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("occurred_on", "item", "name", "count", "size", "description", "evidence_download")

    @admin.display(description=_("evidence"))
    def evidence_download(self, obj: Event) -> str:
        return download_link(obj.evidence, "portal:event_evidence", obj.pk)


def _named_ratings(ratings: Any, request: HttpRequest) -> Any:
    """The ratings the admin lists: those the person may read, without the anonymous
    roles' (peers, subordinates, customers). Where the policy lets HR read names,
    they are read on the appraisal's ratings page, where each reading is audited."""
    visible = ratings.filter(pk__in=ratings_visible_to(request.user))
    return visible.exclude(role__in=ANONYMOUS_ROLES)


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ("item", "role", "rater", "value", "rated_at")

    def get_queryset(self, request: HttpRequest) -> Any:  # anonymous ratings: never here
        return _named_ratings(super().get_queryset(request), request)


class AdjustmentInline(ReadOnlyInline):
    model = AdjustmentEntry
    fields = ("name", "amount", "reason", "recorded_by")


# The move HR makes with "next stage": the first forward move of the table.
NEXT = {
    AppraisalState.TARGETS: AppraisalState.COLLECTING,
    AppraisalState.COLLECTING: AppraisalState.SELF_REVIEW,
    AppraisalState.SELF_REVIEW: AppraisalState.SUPERVISOR_REVIEW,
    AppraisalState.SUPERVISOR_REVIEW: AppraisalState.SKIP_LEVEL_REVIEW,
    AppraisalState.SKIP_LEVEL_REVIEW: AppraisalState.CALIBRATION,
}


@admin.register(Appraisal)
class AppraisalAdmin(VisibleToAdmin):
    """Read-only: appraisals are created by opening a cycle and moved by the actions."""

    list_display = ("appraisee", "cycle", "scheme_version", "state", "total", "grade", "rank")
    list_filter = ("cycle", "state", "scheme_version__scheme")
    search_fields = ("employee__number", "employee__name", "unit__name")
    readonly_fields = (
        "cycle",
        "employee",
        "unit",
        "scheme_version",
        "state",
        "attributes",
        "targets_signed_at",
        "targets_signed_by",
    )
    fields = readonly_fields
    inlines = [FactInline, EventInline, RatingInline, AdjustmentInline]
    actions = ["advance", "to_calibration"]

    def visible_to(self, user: Any) -> QuerySet[Appraisal]:
        return appraisals_visible_to(user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("employee", "unit", "cycle", "scheme_version__scheme", "result")
        )

    @admin.display(description=_("appraisee"))
    def appraisee(self, obj: Appraisal) -> str:
        return f"{obj.appraisee_name} ({obj.appraisee_id})"

    @admin.display(description=_("total"))
    def total(self, obj: Appraisal) -> float | None:
        result = getattr(obj, "result", None)
        return result.total if result else None

    @admin.display(description=_("grade"))
    def grade(self, obj: Appraisal) -> str:
        result = getattr(obj, "result", None)
        return result.grade if result else ""

    @admin.display(description=_("rank"))
    def rank(self, obj: Appraisal) -> int | None:
        result = getattr(obj, "result", None)
        return result.rank if result else None

    def _move(self, request: HttpRequest, appraisal: Appraisal, to: AppraisalState) -> Any:
        return run_service(
            request,
            self,
            lambda: services.appraisal_transition(appraisal=appraisal, actor=request.user, to=to),
        )

    @admin.action(description=_("Move the selected appraisals to their next stage"))
    def advance(self, request: HttpRequest, queryset: QuerySet[Appraisal]) -> None:
        moved = 0
        for appraisal in queryset:
            target = NEXT.get(AppraisalState(appraisal.state))
            if target is not None and self._move(request, appraisal, target) is not None:
                moved += 1
        self.message_user(request, _("%(count)s moved") % {"count": moved}, messages.SUCCESS)

    @admin.action(description=_("Move the selected appraisals on to calibration"))
    def to_calibration(self, request: HttpRequest, queryset: QuerySet[Appraisal]) -> None:
        moved = 0
        for appraisal in queryset:
            while AppraisalState(appraisal.state) in NEXT:
                if self._move(request, appraisal, NEXT[AppraisalState(appraisal.state)]) is None:
                    break
            moved += appraisal.state == AppraisalState.CALIBRATION
        self.message_user(request, _("%(count)s moved") % {"count": moved}, messages.SUCCESS)


class FactForm(forms.ModelForm):  # type: ignore[type-arg]
    reason = forms.CharField(label=_("reason for the change"), required=False)
    value = forms.CharField(label=_("value"), help_text=_("a number or a word"))

    class Meta:
        model = Fact
        fields = ("appraisal", "item", "kind", "key", "value", "source", "note")

    def clean_value(self) -> Any:
        text = self.cleaned_data["value"].strip()
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and "." not in text else number


@admin.register(Fact)
class FactAdmin(ServiceAdmin):
    form = FactForm
    list_display = ("appraisal", "item", "kind", "key", "value", "source", "recorded_by")
    list_filter = ("kind", "source", "appraisal__cycle")
    search_fields = ("appraisal__employee__name", "appraisal__employee__number", "item", "key")
    autocomplete_fields = ("appraisal",)
    fields = ("appraisal", "item", "kind", "key", "value", "source", "note", "reason")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("appraisal", "item", "kind", "key") if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Fact:
        return services.fact_record(actor=request.user, **data)

    def update(self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str) -> Fact:
        return services.fact_record(
            appraisal=obj.appraisal,
            actor=request.user,
            kind=obj.kind,
            item=obj.item,
            key=obj.key,
            value=changes.get("value", obj.value),
            source=changes.get("source", obj.source),
            note=changes.get("note", obj.note),
            reason=reason,
        )


@admin.register(Event)
class EventAdmin(ServiceAdmin):
    list_display = ("occurred_on", "appraisal", "item", "name", "count", "size", "recorded_by")
    list_filter = ("name", "appraisal__cycle")
    search_fields = ("appraisal__employee__name", "item", "description")
    autocomplete_fields = ("appraisal",)
    date_hierarchy = "occurred_on"
    fields = (
        "appraisal",
        "item",
        "name",
        "occurred_on",
        "count",
        "size",
        "description",
        "evidence",
        "source",
    )

    readonly_fields = ("evidence_download",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A recorded event's file is a link to its download, not to MEDIA_ROOT."""
        fields = super().get_fields(request, obj)
        if obj is None:
            return [name for name in fields if name != "evidence_download"]
        return [
            "evidence_download" if name == "evidence" else name
            for name in fields
            if name != "evidence_download"
        ]

    @admin.display(description=_("evidence"))
    def evidence_download(self, obj: Event) -> str:
        return download_link(obj.evidence, "portal:event_evidence", obj.pk)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Event:
        return services.event_record(actor=request.user, **data)


class RatingForm(FactForm):
    class Meta:
        model = Rating
        fields = ("appraisal", "item", "role", "rater", "value", "comment")


@admin.register(Rating)
class RatingAdmin(ServiceAdmin):
    form = RatingForm
    list_display = ("appraisal", "item", "role", "rater", "value", "rated_at")
    list_filter = ("role", "appraisal__cycle")
    search_fields = ("appraisal__employee__name", "item")
    autocomplete_fields = ("appraisal", "rater")
    fields = ("appraisal", "item", "role", "rater", "value", "comment", "reason")

    def get_queryset(self, request: HttpRequest) -> Any:  # anonymous ratings: never here
        return _named_ratings(super().get_queryset(request), request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("appraisal", "item", "role", "rater") if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Rating:
        return services.rating_record(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> Rating:
        return services.rating_record(
            appraisal=obj.appraisal,
            actor=request.user,
            item=obj.item,
            role=obj.role,
            rater=obj.rater,
            value=changes.get("value", obj.value),
            comment=changes.get("comment", obj.comment),
            reason=reason,
        )


@admin.register(AdjustmentEntry)
class AdjustmentEntryAdmin(ServiceAdmin):
    list_display = ("appraisal", "name", "amount", "reason", "recorded_by")
    list_filter = ("appraisal__cycle",)
    search_fields = ("appraisal__employee__name", "name", "reason")
    autocomplete_fields = ("appraisal",)
    fields = ("appraisal", "name", "amount", "reason")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = dict(form.cleaned_data)
        saved = services.adjustment_record(actor=request.user, **data)
        obj.__dict__.update(saved.__dict__)
