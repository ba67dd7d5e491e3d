"""Cycles in the admin: created and set up through the cycle services, moved
through their stages by admin actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals import services
from jixiao.appraisals.models import (
    Cycle,
    CycleScheme,
    Eligibility,
    GroupInput,
    PopulationRule,
    StageDeadline,
)
from jixiao.appraisals.workflow import TRANSITIONS, CycleState
from jixiao.core.admin import ReadOnlyInline, ServiceAdmin, run_service


class CycleSchemeInline(ReadOnlyInline):
    model = CycleScheme
    fields = ("scheme", "version")
    show_change_link = False


class PopulationRuleInline(ReadOnlyInline):
    model = PopulationRule
    fields = ("kind", "unit", "include_subunits", "position", "tier", "employee")


class DeadlineInline(ReadOnlyInline):
    model = StageDeadline
    fields = ("stage", "due")


class GroupInputInline(ReadOnlyInline):
    model = GroupInput
    fields = ("attribute", "value", "key", "amount")


FORWARD = {
    CycleState.DRAFT: CycleState.TARGETS,
    CycleState.TARGETS: CycleState.COLLECTING,
    CycleState.COLLECTING: CycleState.REVIEW,
    CycleState.REVIEW: CycleState.CALIBRATION,
    CycleState.CALIBRATION: CycleState.PUBLISHED,
    CycleState.PUBLISHED: CycleState.CLOSED,
}
assert all(target in TRANSITIONS[CycleState][state] for state, target in FORWARD.items())


@admin.register(Cycle)
class CycleAdmin(ServiceAdmin):
    list_display = ("code", "name", "period", "state", "opened_at", "published_at")
    list_filter = ("state", "period_kind")
    search_fields = ("code", "name")
    fields = (
        "code",
        "name",
        "period_kind",
        "period",
        "appraisal_date",
        "appeal_window_days",
        "committee",
        "state",
        "start",
        "end",
        "opened_at",
        "published_at",
        "appeal_deadline",
        "closed_at",
        "reason",
    )
    filter_horizontal = ("committee",)
    inlines = [CycleSchemeInline, PopulationRuleInline, DeadlineInline, GroupInputInline]
    actions = ["check_eligibility", "advance", "recompute"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        shown = ("state", "start", "end", "opened_at", "published_at", "appeal_deadline")
        return (*shown, "closed_at", "code") if obj else (*shown, "closed_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("code", "name", "period_kind", "period", "appraisal_date", "appeal_window_days")
        return self.fields

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Cycle:
        return services.cycle_create(actor=request.user, **data)

    def update(self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str) -> Cycle:
        committee = changes.pop("committee", None)
        cycle = services.cycle_update(cycle=obj, actor=request.user, reason=reason, **changes)
        if committee is not None:
            services.cycle_set_committee(cycle=cycle, actor=request.user, members=committee)
        return cycle

    @admin.action(description=_("Check eligibility of the selected draft cycles"))
    def check_eligibility(self, request: HttpRequest, queryset: QuerySet[Cycle]) -> None:
        for cycle in queryset:
            found = run_service(
                request,
                self,
                lambda c=cycle: services.cycle_eligibility_compute(cycle=c, actor=request.user),
            )
            if found is not None:
                excluded = sum(1 for entry in found if not entry.eligible)
                self.message_user(
                    request,
                    _("%(cycle)s: %(count)s candidates, %(excluded)s excluded")
                    % {"cycle": cycle, "count": len(found), "excluded": excluded},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Move the selected cycles to their next stage"))
    def advance(self, request: HttpRequest, queryset: QuerySet[Cycle]) -> None:
        for cycle in queryset:
            target = FORWARD.get(CycleState(cycle.state))
            if target is None:
                continue
            moved = run_service(
                request,
                self,
                lambda c=cycle, t=target: services.cycle_transition(
                    cycle=c, actor=request.user, to=t
                ),
            )
            if moved is not None:
                self.message_user(
                    request, f"{cycle}: {CycleState(moved.state).label}", messages.SUCCESS
                )

    @admin.action(description=_("Recompute the results of the selected cycles"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[Cycle]) -> None:
        for cycle in queryset:
            changed = run_service(
                request,
                self,
                lambda c=cycle: services.results_recompute(cycle=c, actor=request.user),
            )
            if changed is not None:
                self.message_user(
                    request,
                    _("%(cycle)s: %(count)s results changed") % {"cycle": cycle, "count": changed},
                )


@admin.register(CycleScheme)
class CycleSchemeAdmin(ServiceAdmin):
    list_display = ("cycle", "scheme", "version")
    list_filter = ("cycle",)
    fields = ("cycle", "scheme")
    deletable = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> CycleScheme:
        return services.cycle_add_scheme(actor=request.user, **data)

    def delete_model(self, request: HttpRequest, obj: CycleScheme) -> None:
        services.cycle_remove_scheme(cycle=obj.cycle, scheme=obj.scheme, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CycleScheme]) -> None:
        for link in queryset:
            self.delete_model(request, link)


@admin.register(PopulationRule)
class PopulationRuleAdmin(ServiceAdmin):
    list_display = ("cycle", "kind", "unit", "position", "tier", "employee")
    list_filter = ("cycle", "kind")
    fields = ("cycle", "kind", "unit", "include_subunits", "position", "tier", "employee")
    autocomplete_fields = ("unit", "position", "employee")
    deletable = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request: HttpRequest, data: dict[str, Any]) -> PopulationRule:
        return services.population_rule_add(actor=request.user, **data)

    def delete_model(self, request: HttpRequest, obj: PopulationRule) -> None:
        services.population_rule_remove(rule=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PopulationRule]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)


@admin.register(StageDeadline)
class StageDeadlineAdmin(ServiceAdmin):
    list_display = ("cycle", "stage", "due")
    list_filter = ("cycle", "stage")
    fields = ("cycle", "stage", "due")

    def create(self, request: HttpRequest, data: dict[str, Any]) -> StageDeadline:
        return services.cycle_set_deadline(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> StageDeadline:
        return services.cycle_set_deadline(
            cycle=obj.cycle, actor=request.user, stage=obj.stage, due=changes.get("due", obj.due)
        )


@admin.register(GroupInput)
class GroupInputAdmin(ServiceAdmin):
    list_display = ("cycle", "attribute", "value", "key", "amount")
    list_filter = ("cycle",)
    fields = ("cycle", "attribute", "value", "key", "amount")

    def create(self, request: HttpRequest, data: dict[str, Any]) -> GroupInput:
        return services.group_input_set(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> GroupInput:
        return services.group_input_set(
            cycle=obj.cycle,
            actor=request.user,
            attribute=obj.attribute,
            value=obj.value,
            key=obj.key,
            amount=changes.get("amount", obj.amount),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("cycle", "attribute", "value", "key") if obj else ()


@admin.register(Eligibility)
class EligibilityAdmin(ServiceAdmin):
    list_display = ("cycle", "employee", "unit", "scheme", "excluded", "decision", "shown_reasons")
    list_filter = ("cycle", "excluded", "decision")
    search_fields = ("employee__number", "employee__name", "unit__name")
    fields = (
        "cycle",
        "employee",
        "unit",
        "scheme",
        "excluded",
        "shown_reasons",
        "decision",
        "decision_reason",
        "decided_by",
        "decided_at",
    )
    readonly_fields = (
        "cycle",
        "employee",
        "unit",
        "scheme",
        "excluded",
        "shown_reasons",
        "decided_by",
        "decided_at",
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # candidates come from the population rules

    @admin.display(description=_("reasons"))
    def shown_reasons(self, obj: Eligibility) -> str:
        return "; ".join(reason["reason"] for reason in obj.reasons) or "—"

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> Eligibility:
        return services.eligibility_override(
            eligibility=obj,
            actor=request.user,
            decision=changes.get("decision", obj.decision),
            reason=changes.get("decision_reason", obj.decision_reason),
        )
