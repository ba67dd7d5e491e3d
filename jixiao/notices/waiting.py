"""What waits for a person (domain.md §5): targets to set and sign, ratings to give,
facts to record, target changes and appeals to answer, interviews — each with its
deadline. Computed from the state of the running cycles, never stored."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.access import (
    _personal,
    appeals_decidable_by,
    appeals_visible_to,
    appraisals_related_to,
    owned_sources,
    relations_by_appraisal,
    target_change_requests_visible_to,
)
from jixiao.appraisals.models import Appraisal, Stage, StageDeadline, TargetChangeRequest
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
from jixiao.schemes.models import SchemeVersion

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
PUBLISHED_STATES = (A.PUBLISHED, A.APPEALED, A.CLOSED)
# the appraisals that may hold work for someone (`_work_for` decides whose): in a state
# that asks for targets or ratings, or published with its interview or plan still open
MAY_WAIT = Q(state__in=[A.TARGETS, A.SELF_REVIEW, A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW]) | (
    Q(state__in=PUBLISHED_STATES)
    & (
        Q(interview__isnull=True)
        | Q(interview__acknowledged_at__isnull=True)
        | Q(improvement_plan__isnull=True)
    )
)
SHOWN = 10  # entries of a group listed on the home page
NO_FACTS_RULES = frozenset({"deduct", "add"})  # events: nothing to record unless it happens


@dataclass(frozen=True)
class Waiting:
    kind: str
    key: str
    subject: str
    url: str
    due: datetime.date | None
    words: str = ""  # what the entry is found by: name, 工号, department, cycle

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
    def shown(self) -> list[Waiting]:
        """The first entries, by deadline: what a home page lists (the rest, a click away)."""
        return self.entries[:SHOWN]

    @property
    def next_due(self) -> datetime.date | None:
        return min((e.due for e in self.entries if e.due is not None), default=None)

    @property
    def overdue(self) -> int:
        return sum(1 for entry in self.entries if entry.overdue)


def _deadlines(appraisals: Iterable[Appraisal | _Row]) -> dict[tuple[int, str], datetime.date]:
    cycles = {appraisal.cycle_id for appraisal in appraisals}
    if not cycles:
        return {}
    rows = StageDeadline.objects.filter(cycle_id__in=cycles)
    return {(row.cycle_id, row.stage): row.due for row in rows}


def _words(appraisal: Appraisal) -> str:
    """What a person may search an entry by: name, 工号, department, cycle."""
    appraisee = appraisal.employee or appraisal.unit
    number = getattr(appraisee, "number", "") or getattr(appraisee, "code", "")
    department = (appraisal.attributes or {}).get("department", "")
    return _words_of(appraisal.appraisee_name, number, department, str(appraisal.cycle))


def _words_of(name: str, number: str, department: Any, cycle: str) -> str:
    return f"{name} {number} {department or ''} {cycle}"


@functools.cache
def _url_pattern(view: str, prefix: str) -> str:
    return reverse(view, args=[PLACEHOLDER])  # under `prefix` (the script's)


def _url(view: str, pk: int) -> str:
    """reverse(view, args=[pk]), the pattern reversed once (hundreds of entries)."""
    return _url_pattern(view, get_script_prefix()).replace(str(PLACEHOLDER), str(pk), 1)


PLACEHOLDER = 987654321


@dataclass(frozen=True)
class _Row:
    """What `_work_for` reads of an appraisal, as plain values (hundreds of rows on a
    manager's home: no model objects, and the appraisee's managers joined in)."""

    pk: int
    cycle_id: int
    cycle: str
    employee_id: int
    name: str
    number: str
    supervisor_id: int | None
    skip_level_id: int | None
    department: Any
    state: str
    scheme_version_id: int
    targets_set_at: Any
    interview_pk: int | None
    interview_acknowledged_at: Any
    plan_pk: int | None
    result_grade: str | None

    def __str__(self) -> str:  # as Appraisal.__str__
        return f"{self.name} · {self.cycle}"


ROW_FIELDS = (
    "pk",
    "cycle_id",
    "cycle__name",
    "employee_id",
    "employee__name",
    "employee__number",
    "employee__supervisor_id",
    "employee__supervisor__supervisor_id",
    "attributes__department",
    "state",
    "scheme_version_id",
    "targets_set_at",
    "interview__pk",
    "interview__acknowledged_at",
    "improvement_plan__pk",
    "result__grade",
)


def _appraisal_work(user: Any) -> list[Waiting]:
    """Work on the appraisals the person stands in a relation to (appraisee, supervisor,
    skip-level: `relations()` without HR and the committee, whose work is elsewhere), in
    a constant number of queries whatever the size of their team, read as values."""
    me = employee_of(user)
    if me is None:
        return []
    running = (
        appraisals_related_to(user)  # all of them within appraisals_visible_to(user)
        .exclude(cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .filter(MAY_WAIT, employee__isnull=False)
        .values_list(*ROW_FIELDS)
    )
    rows = [_Row(*values) for values in running]
    due = _deadlines(rows)
    lowest = _lowest_grades(rows)
    found: list[Waiting] = []
    for row in rows:
        standing = _personal(me.pk, row.employee_id, row.supervisor_id, row.skip_level_id)
        if standing:
            found.extend(_work_for(row, standing, due, lowest))
    return found


def _lowest_grades(appraisals: Iterable[_Row]) -> dict[int, str | None]:
    """By scheme version: its lowest grade (once per version, not per appraisal)."""
    versions = {a.scheme_version_id for a in appraisals if a.state in PUBLISHED_STATES}
    if not versions:
        return {}
    rows = SchemeVersion.objects.filter(pk__in=versions).select_related("scheme")
    return {version.pk: lowest_grade(version) for version in rows}


def _work_for(
    appraisal: _Row,
    standing: set[str],
    due: dict[tuple[int, str], datetime.date],
    lowest: dict[int, str | None],
) -> list[Waiting]:
    state, cycle = appraisal.state, appraisal.cycle_id
    found: list[Waiting] = []

    def add(kind: str, view: str, stage: str) -> None:
        found.append(_row_entry(kind, appraisal, view, due.get((cycle, stage))))

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
    if state in PUBLISHED_STATES:
        found.extend(_after_publication(appraisal, standing, due, lowest))
    return found


def _row_entry(kind: str, row: _Row, view: str, due: datetime.date | None) -> Waiting:
    return Waiting(
        kind=kind,
        key=f"{kind}:{row.pk}",
        subject=str(row),
        url=_url(view, row.pk),
        due=due,
        words=_words_of(row.name, row.number, row.department, row.cycle),
    )


def _after_publication(
    appraisal: _Row,
    standing: set[str],
    due: dict[tuple[int, str], datetime.date],
    lowest: dict[int, str | None],
) -> list[Waiting]:
    found: list[Waiting] = []
    held = appraisal.interview_pk is not None
    acknowledged = appraisal.interview_acknowledged_at is not None
    deadline = due.get((appraisal.cycle_id, Stage.INTERVIEW))
    view = "portal:appraisal_interview"
    if SUPERVISOR in standing and not held:
        found.append(_row_entry("interviews", appraisal, view, deadline))
    if SUPERVISOR in standing and _needs_plan(appraisal, lowest):
        found.append(_row_entry("improvement_plans", appraisal, view, deadline))
    if APPRAISEE in standing and held and not acknowledged:
        found.append(_row_entry("interviews_to_acknowledge", appraisal, view, deadline))
    return found


def _needs_plan(appraisal: _Row, lowest: dict[int, str | None]) -> bool:
    if appraisal.plan_pk is not None:
        return False
    grade = appraisal.result_grade
    if not grade:
        return False
    return bool(grade == lowest.get(appraisal.scheme_version_id))


def _target_changes(user: Any) -> list[Waiting]:
    found = []
    if roles.is_hr(user):
        pending = target_change_requests_visible_to(user)
    else:  # the appraisee and the managers above them: a part of what they may see
        related = appraisals_related_to(user).values("pk")
        pending = TargetChangeRequest.objects.filter(appraisal__in=related)
    requests = list(
        pending.filter(state=ChangeRequestState.PENDING).select_related(
            "appraisal__cycle", "appraisal__employee", "appraisal__unit"
        )
    )
    standing_by_appraisal = relations_by_appraisal(user, [r.appraisal for r in requests])
    for request in requests:
        standing = standing_by_appraisal[request.appraisal_id]
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
                words=_words(request.appraisal),
            )
        )
    return found


def _appeals(user: Any) -> list[Waiting]:
    found = []
    open_appeals = list(
        appeals_visible_to(user)
        .filter(state__in=OPEN_APPEAL_STATES)
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit")
    )
    decidable = appeals_decidable_by(user, open_appeals)
    for appeal in open_appeals:
        if appeal.pk not in decidable:
            continue
        due = appeal.decide_by if appeal.state == "received" else appeal.answer_by
        found.append(
            Waiting(
                kind="appeals",
                key=f"appeals:{appeal.pk}:{appeal.state}",
                subject=str(appeal),
                url=reverse("portal:appeal_detail", args=[appeal.pk]),
                due=due,
                words=_words(appeal.appraisal),
            )
        )
    return found


RECORDED_KINDS = ("value", "score", "input")


def _facts(user: Any) -> list[Waiting]:
    """Data owners: the appraisals of running cycles that still lack a figure of one of
    the items whose source is their department (a query per scheme version, whatever
    the number of appraisals)."""
    me = employee_of(user)
    if me is None:
        return []
    sources = owned_sources(me)
    if not sources:
        return []
    collecting = [A.TARGETS, A.COLLECTING, A.SELF_REVIEW, A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW]
    candidates = Appraisal.objects.filter(state__in=collecting).exclude(
        cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED]
    )
    versions = SchemeVersion.objects.filter(
        pk__in=candidates.filter(scheme_version__items__source__in=sources).values("scheme_version")
    ).select_related("scheme")
    found: list[Waiting] = []
    missing: list[Appraisal] = []
    for version in versions:
        codes = {
            info.code
            for info in items_info(version)
            if info.source in sources and info.rule not in NO_FACTS_RULES and not info.rater_roles
        }
        if not codes:
            continue
        recorded = Count(
            "facts__item",
            filter=Q(facts__item__in=codes, facts__kind__in=RECORDED_KINDS),
            distinct=True,
        )
        missing.extend(
            candidates.filter(scheme_version=version)
            .annotate(recorded=recorded)
            .filter(recorded__lt=len(codes))
            .select_related("cycle", "employee", "unit")
            .order_by("cycle__start", "pk")
        )
    due = _deadlines(missing)
    for appraisal in missing:
        found.append(
            Waiting(
                kind="facts",
                key=f"facts:{appraisal.pk}",
                subject=str(appraisal),
                url=reverse("portal:data_owner") + f"?cycle={appraisal.cycle_id}",
                due=due.get((appraisal.cycle_id, Stage.COLLECTING)),
                words=_words(appraisal),
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
