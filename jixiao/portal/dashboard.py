"""What each role's home page shows besides the work waiting (`notices.waiting`): an
employee's current cycle with its next step, last result and history; a manager's
team by state; a data owner's items and how far their figures are entered; a
committee member's calibrations due; a provider contact's contract months. Each
part is read in a constant number of queries, whatever the size of the company.

Charts are inline SVG drawn from the numbers here (no script, no network)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import own_results_visible_to, owned_sources, results_visible_to
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Result, Stage, StageDeadline
from jixiao.appraisals.scoring import items_info
from jixiao.appraisals.selectors import cycle_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.organization.access import subordinates
from jixiao.organization.models import Employee
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring.numbers import fmt

A = AppraisalState
RUNNING = (CycleState.TARGETS, CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION)
# the steps of an appraisal, as its holder follows them (the stepper of the home page)
STEPS = (A.TARGETS, A.COLLECTING, A.SELF_REVIEW, A.SUPERVISOR_REVIEW, A.CALIBRATION, A.PUBLISHED)
STEP_LABELS = {  # a step as a stage's name (签订目标, not the state's 待签订目标)
    A.TARGETS: Stage.TARGETS.label,
    A.COLLECTING: Stage.COLLECTING.label,
    A.SELF_REVIEW: Stage.SELF_REVIEW.label,
    A.SUPERVISOR_REVIEW: Stage.SUPERVISOR_REVIEW.label,
    A.CALIBRATION: Stage.CALIBRATION.label,
    A.PUBLISHED: A.PUBLISHED.label,
}
STEP_OF: dict[str, str] = {
    A.SKIP_LEVEL_REVIEW: A.SUPERVISOR_REVIEW,
    A.APPEALED: A.PUBLISHED,
    A.CLOSED: A.PUBLISHED,
}
STAGE_OF: dict[str, str] = {  # the deadline that applies to an appraisal in a state
    A.TARGETS: "targets",
    A.COLLECTING: "collecting",
    A.SELF_REVIEW: "self_review",
    A.SUPERVISOR_REVIEW: "supervisor_review",
    A.SKIP_LEVEL_REVIEW: "skip_level_review",
    A.CALIBRATION: "calibration",
    A.PUBLISHED: "interview",
}
# a state of a team member's appraisal where the manager acts, and the work list for it
MANAGER_ACTS: dict[str, str] = {
    A.TARGETS: "targets_to_set",
    A.SUPERVISOR_REVIEW: "ratings",
    A.SKIP_LEVEL_REVIEW: "ratings",
    A.PUBLISHED: "interviews",
}
TEAM_ORDER = [s for s in A.values if s != A.WITHDRAWN]
HISTORY = 12  # cycles on the history chart
MONTHS = 12  # a provider's contract months shown


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# -- an employee's current cycle ------------------------------------------------------
@dataclass
class NextStep:
    appraisal: Appraisal
    text: str
    url: str
    acts: bool  # the person acts (a button), or waits for someone else
    due: datetime.date | None
    steps: list[tuple[str, str]]  # (label, "done" | "current" | "")
    progress: int

    @property
    def overdue(self) -> bool:
        return self.acts and self.due is not None and timezone.localdate() > self.due


def next_step(appraisal: Appraisal | None, provider: bool = False) -> NextStep | None:
    """What the holder of `appraisal` (or a provider's contact) does next, with the
    deadline of its stage: one query."""
    if appraisal is None or appraisal.state == A.WITHDRAWN:
        return None
    state = appraisal.state
    pk = appraisal.pk
    due = (
        StageDeadline.objects.filter(cycle_id=appraisal.cycle_id, stage=STAGE_OF.get(state, ""))
        .values_list("due", flat=True)
        .first()
    )
    url, acts = reverse("portal:appraisal_detail", args=[pk]), False
    if state == A.TARGETS and appraisal.targets_set_at is None:
        text = _("Your manager sets your targets.")
        if provider:
            text = _("The company sets the provider's targets.")
    elif state == A.TARGETS:
        text, acts = _("Read and acknowledge the targets signed for you."), True
        if provider:
            text = _("Read and acknowledge the targets the company signed.")
        url = reverse("portal:appraisal_targets", args=[pk])
    elif state == A.COLLECTING:
        text = _("Targets agreed: the facts of the period are being collected.")
        url = reverse("portal:appraisal_events", args=[pk])
    elif state == A.SELF_REVIEW:
        text, acts = _("Give your self-assessment and submit it."), True
        url = reverse("portal:appraisal_ratings", args=[pk])
    elif state in (A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW):
        text = _("The company is rating.") if provider else _("Your managers are rating.")
    elif state == A.CALIBRATION:
        text = _("The committee is calibrating the results; they are published after it.")
        due = None
    elif state == A.PUBLISHED:
        url, acts = reverse("portal:appraisal_result", args=[pk]), True
        deadline = appraisal.cycle.appeal_deadline
        text = _("The result is published: read it.")
        if deadline is not None and deadline >= timezone.localdate():
            text = _("The result is published: read it, and appeal by %(date)s if it is wrong.") % {
                "date": deadline.isoformat()
            }
        due = None
    elif state == A.APPEALED:
        text, url = _("The appeal is being handled."), reverse("portal:appeal_list")
        due = None
    else:
        text, due = _("The cycle is closed."), None
        url = reverse("portal:appraisal_result", args=[pk])
    shown = STEPS if _self_rated(appraisal) else tuple(s for s in STEPS if s != A.SELF_REVIEW)
    current = STEP_OF.get(state, state)
    index = shown.index(current) if current in shown else len(shown) - 1
    done = state in (A.PUBLISHED, A.APPEALED, A.CLOSED)
    steps = [
        (str(STEP_LABELS[step]), "done" if n < index or done else "current" if n == index else "")
        for n, step in enumerate(shown)
    ]
    progress = 100 if done else percent(index, len(shown) - 1)
    return NextStep(appraisal, text, url, acts, due, steps, progress)


def _self_rated(appraisal: Appraisal) -> bool:
    """Whether the appraisal's form asks for a self-assessment (a 自评 step)."""
    version = (
        SchemeVersion.objects.select_related("scheme")
        .only("digest", "text", "number", "scheme__code")
        .get(pk=appraisal.scheme_version_id)
    )
    scheme = engine_scheme(version)
    for item in scheme.items:
        raters = item.raters or scheme.raters
        if item.rule.takes_ratings() and raters is not None and "self" in raters.types:
            return True
    return False


# -- a line chart of totals ------------------------------------------------------------
@dataclass
class Point:
    x: float
    y: float
    label: str
    value: str
    title: str


@dataclass
class LineChart:
    points: list[Point]
    width: int = 360
    height: int = 150
    top: float = 100.0
    grid: list[tuple[float, str]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def line_chart(rows: list[tuple[str, float, str]]) -> LineChart | None:
    """(label, value, title) oldest first → an SVG chart's points, on a 0–100 (or
    larger) scale; None below two points (a line needs two)."""
    if len(rows) < 2:
        return None
    top = max(100.0, *(value for _label, value, _title in rows))
    left, right, upper, lower = 34.0, 12.0, 18.0, 24.0
    pad = 22.0  # the first and last points' labels inside the frame
    width, height = 360, 150
    span_x = (width - left - right - 2 * pad) / (len(rows) - 1)
    span_y = height - upper - lower

    def y(value: float) -> float:
        return upper + span_y * (1 - value / top)

    points = [
        Point(left + pad + n * span_x, y(value), label, fmt(round(value, 1)), title)
        for n, (label, value, title) in enumerate(rows)
    ]
    grid = [(y(top * share), fmt(round(top * share))) for share in (0, 0.5, 1)]
    return LineChart(points, width, height, top, grid)


def own_results(user: Any) -> list[Result]:
    """The person's own results they may read, newest first, with their cycles (a
    row a cycle; the home page's appraisals and history chart both read them): one
    query of the person's rows."""
    return list(
        own_results_visible_to(user)
        .select_related("appraisal__cycle")
        .only(
            "appraisal_id",
            "total",
            "grade",
            "frozen_at",
            "appraisal__cycle__period",
            "appraisal__cycle__name",
            "appraisal__cycle__start",
        )
        .order_by("-appraisal__cycle__start", "-appraisal_id")
    )


def history_chart(results: list[Result]) -> LineChart | None:
    """The totals of the person's last published results (`own_results`), oldest first."""
    rows = [r for r in results if r.total is not None and r.frozen_at is not None][:HISTORY]
    return line_chart(
        [
            (
                r.appraisal.cycle.period,
                r.total,
                f"{r.appraisal.cycle.name}: {fmt(r.total)} {r.grade}",
            )
            for r in reversed(rows)
            if r.total is not None
        ]
    )


# -- a manager's team -------------------------------------------------------------------
@dataclass
class TeamState:
    state: str
    label: str
    count: int
    percent: int
    url: str
    action: str = ""  # the work list where the manager acts on these
    action_url: str = ""


@dataclass
class TeamCycle:
    cycle: Cycle
    total: int
    done: int
    states: list[TeamState]

    @property
    def progress(self) -> int:
        return percent(self.done, self.total)


def team_by_state(me: Employee, waiting: dict[str, int]) -> list[TeamCycle]:
    """The appraisals of everyone below `me` in the running and published cycles,
    counted by state, newest cycle first (two queries); `waiting`: the manager's own
    work by kind, so a state links to the work list where they act."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Appraisal.objects.filter(
            employee__in=subordinates(me), cycle__state__in=[*RUNNING, CycleState.PUBLISHED]
        )
        .exclude(state=A.WITHDRAWN)
        .values("cycle_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["cycle_id"]][row["state"]] = int(row["n"])
    cycles = Cycle.objects.filter(pk__in=list(counts)).order_by("-start", "-pk")[:2]
    team = reverse("portal:team")
    found = []
    for cycle in cycles:
        by_state = counts[cycle.pk]
        total = sum(by_state.values())
        states: list[TeamState] = []
        for state in TEAM_ORDER:
            n = by_state.get(state, 0)
            if not n:
                continue
            entry = TeamState(
                state,
                str(A(state).label),
                n,
                percent(n, total),
                f"{team}?cycle={cycle.pk}&state={state}",
            )
            kind = MANAGER_ACTS.get(state)
            if kind and waiting.get(kind):
                entry.action = kind
                entry.action_url = reverse("portal:waiting_list", args=[kind])
            states.append(entry)
        done = sum(by_state.get(s, 0) for s in (A.CALIBRATION, A.PUBLISHED, A.APPEALED, A.CLOSED))
        found.append(TeamCycle(cycle, total, done, states))
    return found


# -- a data owner's items ---------------------------------------------------------------
@dataclass
class DataItem:
    cycle: Cycle
    name: str
    source: str
    keys: list[str]
    total: int
    entered: int
    url: str

    @property
    def progress(self) -> int:
        return percent(self.entered, self.total)


def data_items(user: Any, me: Employee) -> list[DataItem]:
    """For each running cycle, each item whose figures the owner enters: how many
    appraisals it has and how many have every figure (queries by cycle and scheme
    version, never by appraisee)."""
    sources = owned_sources(me)
    if not sources:
        return []
    found: list[DataItem] = []
    page = reverse("portal:data_owner")
    for cycle in cycle_list(visible_to=user).filter(state__in=RUNNING)[:3]:
        # only the scheme versions taking an item from the owner's sources are counted,
        # and all their appraisals are the owner's to see (`appraisals_visible_to`):
        # read as the cycle's, without the DISTINCT of every way of seeing one
        appraisals = Appraisal.objects.filter(cycle=cycle).exclude(state=A.WITHDRAWN)
        sizes = dict(
            appraisals.filter(scheme_version__items__source__in=sources)
            .values("scheme_version")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
            .values_list("scheme_version", "n")
        )
        versions = (
            SchemeVersion.objects.filter(pk__in=list(sizes))
            .select_related("scheme")
            .prefetch_related("items")  # items_info reads them: one query, not one a version
            .order_by("scheme__code")
        )
        items = [
            (version, info)
            for version in versions
            for info in items_info(version)
            if info.source in sources and not info.rater_roles
        ]
        if not items:
            continue
        entered: dict[tuple[int, str, str], int] = {}
        for fact in (
            Fact.objects.filter(  # the counted versions' appraisals, not the cycle's
                appraisal__in=appraisals.filter(scheme_version__in=list(sizes)),
                item__in={info.code for _v, info in items},
            )
            .values("appraisal__scheme_version", "item", "key")
            .annotate(n=Count("appraisal", distinct=True))
            .order_by()
        ):
            key = (fact["appraisal__scheme_version"], fact["item"], fact["key"])
            entered[key] = int(fact["n"])
        rows: dict[str, DataItem] = {}  # an item on several forms: one row, summed
        for version, info in items:
            keys = list(info.inputs) or [""]
            done = min(entered.get((version.pk, info.code, key), 0) for key in keys)
            row = rows.get(info.name)
            if row is None:
                url = f"{page}?cycle={cycle.pk}&item={version.pk}-{info.code}"
                rows[info.name] = DataItem(cycle, info.name, info.source, keys, 0, 0, url)
                row = rows[info.name]
            row.total += sizes[version.pk]
            row.entered += done
        found += sorted(rows.values(), key=lambda row: (row.progress, row.name))
    return found


# -- a committee member's calibrations ---------------------------------------------------
@dataclass
class Calibration:
    cycle: Cycle
    appraisals: int
    to_review: int
    due: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and timezone.localdate() > self.due


def calibrations_due(user: Any) -> list[Calibration]:
    """The cycles in calibration whose committee the user sits on: three queries."""
    cycles = list(
        Cycle.objects.filter(committee=user, state=CycleState.CALIBRATION).order_by("-start")
    )
    if not cycles:
        return []
    counts: dict[int, tuple[int, int]] = {
        row["cycle_id"]: (int(row["n"]), int(row["review"]))
        for row in Appraisal.objects.filter(cycle__in=cycles)
        .exclude(state=A.WITHDRAWN)
        .values("cycle_id")
        .annotate(n=Count("pk"), review=Count("pk", filter=Q(result__needs_review=True)))
        .order_by()
    }
    due = dict(
        StageDeadline.objects.filter(cycle__in=cycles, stage="calibration").values_list(
            "cycle_id", "due"
        )
    )
    return [
        Calibration(
            cycle,
            *counts.get(cycle.pk, (0, 0)),
            due.get(cycle.pk),
        )
        for cycle in cycles
    ]


# -- a provider's contract months ---------------------------------------------------------
@dataclass
class ContractMonth:
    appraisal_id: int
    cycle: str
    period: str
    total: float | None
    grade: str
    adaptation: bool
    withheld: float  # the share of the month's fee withheld, 0–1
    met: int
    failed: int
    triggers: list[str]

    @property
    def withheld_text(self) -> str:
        return f"{self.withheld * 100:g}%"


@dataclass
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: str
    note: str
    bad: bool


def contract_months(user: Any, me: Employee) -> list[ContractMonth]:
    """The provider's published months, oldest first: one query."""
    if not me.unit.is_provider:
        return []
    rows = list(
        results_visible_to(user)
        .filter(appraisal__unit=me.unit)
        .select_related("appraisal__cycle")
        .only(
            "appraisal__cycle__name",
            "appraisal__cycle__period",
            "appraisal__cycle__start",
            "total",
            "grade",
            "outcomes",
            "data",
        )
        .order_by("-appraisal__cycle__start")[:MONTHS]
    )[::-1]
    months = []
    for row in rows:
        outcomes = row.outcomes or {}
        items = (row.data or {}).get("items", [])
        met = sum(1 for item in items if item.get("met") is True)
        failed = sum(1 for item in items if item.get("met") is False)
        months.append(
            ContractMonth(
                row.appraisal_id,
                row.appraisal.cycle.name,
                row.appraisal.cycle.period,
                row.total,
                row.grade,
                bool(outcomes.get("reference_period")),
                float(outcomes.get("fee_deduction") or 0),
                met,
                int(outcomes.get("failed_items", failed) or 0),
                [str(t) for t in outcomes.get("triggers") or []],
            )
        )
    return months


def contract_chart(months: list[ContractMonth]) -> dict[str, Any] | None:
    """Bars of the monthly totals (0–100), each with the fee withheld and the KPIs
    failed written under it; a bar with a withholding or a trigger is marked."""
    if not months:
        return None
    width, height, left, upper, lower = 360, 170, 30.0, 14.0, 40.0
    span = (width - left - 8) / len(months)
    bar = min(44.0, span * 0.6)
    top = max(100.0, *(m.total or 0 for m in months))
    scale = (height - upper - lower) / top
    bars = []
    for n, month in enumerate(months):
        value = month.total or 0
        bars.append(
            Bar(
                left + n * span + (span - bar) / 2,
                height - lower - value * scale,
                value * scale,
                month.period,
                fmt(round(value, 1)) if month.total is not None else "—",
                month.withheld_text,
                bool(month.withheld or month.triggers),
            )
        )
    grid = [
        (height - lower - top * share * scale, fmt(round(top * share))) for share in (0, 0.5, 1)
    ]
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "bar": bar,
        "grid": grid,
        "base": height - lower,
        "left": left,
    }
