"""What waits for a person (domain.md §5): targets to set and sign, ratings to give,
facts to record, target changes and appeals to answer, interviews — each with its
deadline. Computed from the state of the running cycles, never stored."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.access import (
    appeals_visible_to,
    appraisals_visible_to,
    can_decide_appeal,
    owned_sources,
    relations,
    target_change_requests_visible_to,
)
from jixiao.appraisals.models import Appraisal, Fact, Result, Stage, StageDeadline
from jixiao.appraisals.scoring import items_info, lowest_grade
from jixiao.appraisals.workflow import (
    APPRAISEE,
    OPEN_APPEAL_STATES,
    SKIP_LEVEL,
    SUPERVISOR,
    AppraisalState,
    ChangeRequestState,
    CycleState,
)
from jixiao.core import roles
from jixiao.organization.access import employee_of

A = AppraisalState

KINDS: dict[str, Promise] = {
    "targets_to_set": _("Targets to set and sign"),
    "targets_to_acknowledge": _("Targets to acknowledge"),
    "target_changes": _("Target changes to answer"),
    "self_assessment": _("Self-assessments to give"),
    "ratings": _("Ratings to give"),
    "facts": _("Facts to record"),
    "appeals": _("Appeals to answer"),
    "interviews": _("Interviews to hold"),
    "improvement_plans": _("Improvement plans to write"),
    "interviews_to_acknowledge": _("Interviews to acknowledge"),
}
NO_FACTS_RULES = frozenset({"deduct", "add"})  # events: nothing to record unless it happens


@dataclass(frozen=True)
class Waiting:
    kind: str
    key: str
    subject: str
    url: str
    due: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and timezone.localdate() > self.due

    @property
    def title(self) -> str:
        return str(KINDS[self.kind])


@dataclass(frozen=True)
class WaitingGroup:
    kind: str
    title: str
    entries: list[Waiting]

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def next_due(self) -> datetime.date | None:
        return min((e.due for e in self.entries if e.due is not None), default=None)

    @property
    def overdue(self) -> int:
        return sum(1 for entry in self.entries if entry.overdue)


def _deadlines(appraisals: Iterable[Appraisal]) -> dict[tuple[int, str], datetime.date]:
    cycles = {appraisal.cycle_id for appraisal in appraisals}
    rows = StageDeadline.objects.filter(cycle_id__in=cycles)
    return {(row.cycle_id, row.stage): row.due for row in rows}


def _entry(kind: str, appraisal: Appraisal, view: str, due: datetime.date | None) -> Waiting:
    return Waiting(
        kind=kind,
        key=f"{kind}:{appraisal.pk}",
        subject=str(appraisal),
        url=reverse(view, args=[appraisal.pk]),
        due=due,
    )


def _appraisal_work(user: Any) -> list[Waiting]:
    """Work on the appraisals the person stands in a relation to."""
    found: list[Waiting] = []
    running = (
        appraisals_visible_to(user)
        .exclude(cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .select_related("cycle", "employee__supervisor", "unit", "scheme_version")
        .prefetch_related("cycle__committee")
    )
    appraisals = [a for a in running if a.employee_id is not None]
    due = _deadlines(appraisals)
    for appraisal in appraisals:
        standing = relations(user, appraisal) - {"hr", "committee"}
        if not standing:
            continue
        found.extend(_work_for(appraisal, standing, due))
    return found


def _work_for(
    appraisal: Appraisal, standing: set[str], due: dict[tuple[int, str], datetime.date]
) -> list[Waiting]:
    state, cycle = appraisal.state, appraisal.cycle_id
    found: list[Waiting] = []

    def add(kind: str, view: str, stage: str) -> None:
        found.append(_entry(kind, appraisal, view, due.get((cycle, stage))))

    if state == A.TARGETS and SUPERVISOR in standing and appraisal.targets_set_at is None:
        add("targets_to_set", "portal:appraisal_targets", Stage.TARGETS)
    if state == A.TARGETS and APPRAISEE in standing and appraisal.targets_set_at is not None:
        add("targets_to_acknowledge", "portal:appraisal_targets", Stage.TARGETS)
    if state == A.SELF_REVIEW and APPRAISEE in standing:
        add("self_assessment", "portal:appraisal_ratings", Stage.SELF_REVIEW)
    if state == A.SUPERVISOR_REVIEW and SUPERVISOR in standing:
        add("ratings", "portal:appraisal_ratings", Stage.SUPERVISOR_REVIEW)
    if state == A.SKIP_LEVEL_REVIEW and SKIP_LEVEL in standing:
        add("ratings", "portal:appraisal_ratings", Stage.SKIP_LEVEL_REVIEW)
    if state in (A.PUBLISHED, A.APPEALED, A.CLOSED):
        found.extend(_after_publication(appraisal, standing, due))
    return found


def _after_publication(
    appraisal: Appraisal, standing: set[str], due: dict[tuple[int, str], datetime.date]
) -> list[Waiting]:
    found: list[Waiting] = []
    interview = getattr(appraisal, "interview", None)
    deadline = due.get((appraisal.cycle_id, Stage.INTERVIEW))
    if SUPERVISOR in standing and interview is None:
        found.append(_entry("interviews", appraisal, "portal:appraisal_interview", deadline))
    if SUPERVISOR in standing and _needs_plan(appraisal):
        found.append(_entry("improvement_plans", appraisal, "portal:appraisal_interview", deadline))
    if APPRAISEE in standing and interview is not None and interview.acknowledged_at is None:
        view = "portal:appraisal_interview"
        found.append(_entry("interviews_to_acknowledge", appraisal, view, deadline))
    return found


def _needs_plan(appraisal: Appraisal) -> bool:
    if hasattr(appraisal, "improvement_plan"):
        return False
    result = Result.objects.filter(appraisal=appraisal).first()
    if result is None or not result.grade:
        return False
    return result.grade == lowest_grade(appraisal.scheme_version)


def _target_changes(user: Any) -> list[Waiting]:
    found = []
    pending = target_change_requests_visible_to(user).filter(state=ChangeRequestState.PENDING)
    for request in pending.select_related("appraisal__cycle", "appraisal__employee__supervisor"):
        standing = relations(user, request.appraisal)
        if request.requested_by_id == user.pk:
            continue
        if not (standing & {SUPERVISOR, SKIP_LEVEL}) and not roles.is_hr(user):
            continue
        found.append(
            Waiting(
                kind="target_changes",
                key=f"target_changes:{request.pk}",
                subject=f"{request.appraisal} · {request.item}",
                url=reverse("portal:appraisal_targets", args=[request.appraisal_id]),
                due=None,
            )
        )
    return found


def _appeals(user: Any) -> list[Waiting]:
    found = []
    open_appeals = appeals_visible_to(user).filter(state__in=OPEN_APPEAL_STATES)
    for appeal in open_appeals.select_related("appraisal__cycle", "appraisal__employee"):
        if not can_decide_appeal(user, appeal):
            continue
        due = appeal.decide_by if appeal.state == "received" else appeal.answer_by
        found.append(
            Waiting(
                kind="appeals",
                key=f"appeals:{appeal.pk}:{appeal.state}",
                subject=str(appeal),
                url=reverse("portal:appeal_detail", args=[appeal.pk]),
                due=due,
            )
        )
    return found


def _facts(user: Any) -> list[Waiting]:
    """Data owners: the appraisals of running cycles that still lack a figure of one of
    the items whose source is their department."""
    me = employee_of(user)
    if me is None:
        return []
    sources = owned_sources(me)
    if not sources:
        return []
    collecting = [A.TARGETS, A.COLLECTING, A.SELF_REVIEW, A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW]
    appraisals = (
        Appraisal.objects.filter(state__in=collecting, scheme_version__items__source__in=sources)
        .exclude(cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .select_related("cycle", "employee", "unit", "scheme_version__scheme")
        .distinct()
    )
    found: list[Waiting] = []
    due = _deadlines(appraisals)
    codes_by_version: dict[int, set[str]] = {}
    for appraisal in appraisals:
        codes = codes_by_version.get(appraisal.scheme_version_id)
        if codes is None:
            codes = {
                info.code
                for info in items_info(appraisal.scheme_version)
                if info.source in sources
                and info.rule not in NO_FACTS_RULES
                and not info.rater_roles
            }
            codes_by_version[appraisal.scheme_version_id] = codes
        recorded = set(
            Fact.objects.filter(appraisal=appraisal, item__in=codes)
            .filter(Q(kind="value") | Q(kind="score") | Q(kind="input"))
            .values_list("item", flat=True)
        )
        if codes - recorded:
            found.append(
                Waiting(
                    kind="facts",
                    key=f"facts:{appraisal.pk}",
                    subject=str(appraisal),
                    url=reverse("portal:data_owner") + f"?cycle={appraisal.cycle_id}",
                    due=due.get((appraisal.cycle_id, Stage.COLLECTING)),
                )
            )
    return found


def waiting_for(user: Any) -> list[WaitingGroup]:
    """Everything waiting for `user`, grouped by kind, each group by deadline."""
    if not roles.is_active_user(user):
        return []
    entries = _appraisal_work(user) + _target_changes(user) + _appeals(user) + _facts(user)
    groups = []
    for kind, title in KINDS.items():
        mine = [entry for entry in entries if entry.kind == kind]
        if mine:
            mine.sort(key=lambda e: (e.due is None, e.due or datetime.date.max, e.subject))
            groups.append(WaitingGroup(kind=kind, title=str(title), entries=mine))
    return groups
