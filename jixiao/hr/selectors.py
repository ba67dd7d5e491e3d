"""What HR looks at (domain.md §5): a cycle's progress by stage and unit, overdue
work, each calibration group's distribution against its quotas with outliers
and ties, and the audit log, filtered."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from jixiao.appraisals.models import Appraisal, Cycle, Result, Stage
from jixiao.appraisals.models.results import Review
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.models import AuditEvent
from jixiao.hr.models import CalibrationChange
from jixiao.schemes.engine import engine_scheme

# The stage whose deadline an appraisal in this state is working towards.
STAGE_OF_STATE = {
    AppraisalState.TARGETS: Stage.TARGETS,
    AppraisalState.COLLECTING: Stage.COLLECTING,
    AppraisalState.SELF_REVIEW: Stage.SELF_REVIEW,
    AppraisalState.SUPERVISOR_REVIEW: Stage.SUPERVISOR_REVIEW,
    AppraisalState.SKIP_LEVEL_REVIEW: Stage.SKIP_LEVEL_REVIEW,
    AppraisalState.CALIBRATION: Stage.CALIBRATION,
}
PROGRESS_STATES: list[str] = [
    state for state in AppraisalState if state != AppraisalState.WITHDRAWN
]


@dataclass
class Progress:
    states: list[str]
    by_state: dict[str, int]
    units: list[tuple[str, list[int], int]]  # unit, counts per state, total
    total: int
    awaiting_review: int = 0  # calibrated results whose facts or ranks moved since


def _department(appraisal: Appraisal) -> str:
    """The department the appraisee belonged to when the cycle opened."""
    return str(appraisal.attributes.get("department") or appraisal.appraisee_name)


def cycle_progress(cycle: Cycle) -> Progress:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for appraisal in cycle.appraisals.exclude(state=AppraisalState.WITHDRAWN):
        rows[_department(appraisal)][appraisal.state] += 1
        overall[appraisal.state] += 1
    units = [
        (unit, [counts[state] for state in PROGRESS_STATES], sum(counts.values()))
        for unit, counts in sorted(rows.items())
    ]
    awaiting = (
        Result.objects.filter(appraisal__cycle=cycle, needs_review=True)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .count()
    )
    return Progress(PROGRESS_STATES, dict(overall), units, sum(overall.values()), awaiting)


@dataclass(frozen=True)
class Overdue:
    appraisal: Appraisal
    stage: str
    due: datetime.date
    days: int
    waiting_for: str


def _waiting_for(appraisal: Appraisal) -> str:
    employee = appraisal.employee
    state = appraisal.state
    if employee is None:
        return "HR"
    if state in (AppraisalState.TARGETS, AppraisalState.SELF_REVIEW):
        return str(employee.name)
    if state in (AppraisalState.COLLECTING, AppraisalState.SUPERVISOR_REVIEW):
        return str(employee.supervisor.name) if employee.supervisor else "HR"
    if state == AppraisalState.SKIP_LEVEL_REVIEW:
        boss = employee.supervisor.supervisor if employee.supervisor else None
        return str(boss.name) if boss else "HR"
    return "HR"


def cycle_overdue(cycle: Cycle, today: datetime.date) -> list[Overdue]:
    """Appraisals still in a stage whose deadline has passed, most overdue first."""
    deadlines = {deadline.stage: deadline.due for deadline in cycle.deadlines.all()}
    found = []
    appraisals = cycle.appraisals.select_related(
        "employee__supervisor__supervisor", "unit"
    ).exclude(state=AppraisalState.WITHDRAWN)
    for appraisal in appraisals:
        stage = STAGE_OF_STATE.get(AppraisalState(appraisal.state))
        due = deadlines.get(stage) if stage is not None else None
        if stage is None or due is None or due >= today:
            continue
        found.append(
            Overdue(
                appraisal, str(Stage(stage).label), due, (today - due).days, _waiting_for(appraisal)
            )
        )
    return sorted(found, key=lambda entry: (-entry.days, entry.appraisal.pk))


# -- calibration -----------------------------------------------------------------
@dataclass
class Member:
    result: Result
    outlier: list[str] = field(default_factory=list)
    changes: list[CalibrationChange] = field(default_factory=list)
    review: Review | None = None  # what moved since the calibration, when it awaits review


@dataclass
class Group:
    key: str  # "<scheme code> · <attribute>=<value>"
    scheme: str
    within: str
    value: str
    grades: list[str]
    quotas: list[float] | None
    counts: list[int]
    expected: list[float] | None
    members: list[Member]
    mean: float | None
    stdev: float | None

    @property
    def chart(self) -> dict[str, Any]:
        return {"labels": self.grades, "counts": self.counts, "expected": self.expected}


def _grades_of(engine: Any) -> tuple[list[str], list[float] | None, str | None]:
    if engine.distribution is not None:
        dist = engine.distribution
        return list(dist.grades), [float(q) for q in dist.quotas], dist.within
    grades: list[str] = []
    for row in engine.grades:
        if row.grade not in grades:
            grades.append(row.grade)
    within = engine.ranking.within if engine.ranking is not None else None
    return grades, None, within


def results_awaiting_review(cycle: Cycle) -> list[Result]:
    """The cycle's calibrated results awaiting the committee's review."""
    return list(
        Result.objects.filter(appraisal__cycle=cycle, needs_review=True)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .select_related("appraisal__employee", "appraisal__unit")
        .order_by("appraisal_id")
    )


def calibration_groups(cycle: Cycle) -> list[Group]:
    """One group per scheme version and distribution group (or ranking group)."""
    results = (
        Result.objects.filter(appraisal__cycle=cycle)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .select_related("appraisal__employee", "appraisal__unit", "scheme_version__scheme")
        .prefetch_related("calibration_changes__actor")
        .order_by("scheme_version__scheme__code", "rank", "pk")
    )
    buckets: dict[tuple[int, str], list[Result]] = defaultdict(list)
    layout: dict[int, tuple[list[str], list[float] | None, str | None]] = {}
    for result in results:
        version = result.scheme_version
        if version.pk not in layout:
            layout[version.pk] = _grades_of(engine_scheme(version))
        within = layout[version.pk][2]
        value = str(result.appraisal.attributes.get(within, "")) if within else ""
        buckets[(version.pk, value)].append(result)
    groups = [
        _group(members, *layout[version_id], value)
        for (version_id, value), members in sorted(
            buckets.items(), key=lambda kv: (kv[1][0].scheme_version.scheme.code, kv[0][1])
        )
    ]
    return groups


def _group(
    results: list[Result],
    grades: list[str],
    quotas: list[float] | None,
    within: str | None,
    value: str,
) -> Group:
    scheme = results[0].scheme_version.scheme.code
    grades = list(grades)
    for result in results:  # calibrated or unexpected grades still show
        if result.grade and result.grade not in grades:
            grades.append(result.grade)
    counts = Counter(result.grade for result in results)
    totals = [result.total for result in results if result.total is not None]
    mean = statistics.fmean(totals) if totals else None
    stdev = statistics.pstdev(totals) if len(totals) > 1 else None
    members = []
    for result in results:
        member = Member(
            result, changes=list(result.calibration_changes.all()), review=result.review()
        )
        if (
            stdev
            and mean is not None
            and result.total is not None
            and abs(result.total - mean) > 2 * stdev
        ):
            member.outlier.append("2σ")
        if result.band_grade and result.grade and result.band_grade != result.grade:
            member.outlier.append("band_grade")
        if "quota_tie" in result.flags:
            member.outlier.append("quota_tie")
        if result.errors:
            member.outlier.append("errors")
        members.append(member)
    expected = None
    if quotas is not None:
        expected = [round(len(results) * quota, 2) for quota in quotas]
        expected += [0.0] * (len(grades) - len(expected))
    key = f"{scheme} · {within}={value}" if within else scheme
    return Group(
        key=key,
        scheme=scheme,
        within=within or "",
        value=value,
        grades=grades,
        quotas=quotas,
        counts=[counts.get(grade, 0) for grade in grades],
        expected=expected,
        members=members,
        mean=mean,
        stdev=stdev,
    )


# -- audit log -------------------------------------------------------------------
def audit_events(
    *,
    actor: str = "",
    action: str = "",
    target: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log, newest first, filtered (text filters match parts, any case)."""
    events = AuditEvent.objects.select_related("actor")
    if actor:
        events = events.filter(
            Q(actor__username__icontains=actor) | Q(actor__display_name__icontains=actor)
        )
    if action:
        events = events.filter(action__icontains=action)
    if target:
        events = events.filter(
            Q(target_repr__icontains=target)
            | Q(target_type__icontains=target)
            | Q(target_id=target)
        )
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    return events.order_by("-created_at", "-id")


# -- unit comparison and trends (domain.md §5) -------------------------------------
@dataclass(frozen=True)
class UnitSpread:
    """The totals of one department in a cycle, as a box plot draws them."""

    unit: str
    count: int
    mean: float
    low: float
    q1: float
    median: float
    q3: float
    high: float


def unit_spreads(cycle: Cycle) -> list[UnitSpread]:
    """Per department, the spread of the stored (calibrated) totals: quartiles by linear
    interpolation between the sorted totals (Excel's QUARTILE.INC); departments by
    median, best first. People only (a provider's contract is scored on its own
    terms); results without a total (errors, facts missing) are left out."""
    totals: dict[str, list[float]] = defaultdict(list)
    for result in _people_totals(appraisal__cycle=cycle):
        totals[_department(result.appraisal)].append(float(result.total or 0))
    spreads = []
    for unit, values in totals.items():
        values.sort()
        q1, median, q3 = (_quantile(values, share) for share in (0.25, 0.5, 0.75))
        spreads.append(
            UnitSpread(
                unit, len(values), statistics.fmean(values), values[0], q1, median, q3, values[-1]
            )
        )
    return sorted(spreads, key=lambda spread: (-spread.median, spread.unit))


def _people_totals(**where: Any) -> QuerySet[Result]:
    """The results with a total of the people (not providers) still appraised."""
    return (
        Result.objects.filter(appraisal__employee__isnull=False, total__isnull=False, **where)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .select_related("appraisal")
    )


def _quantile(ordered: list[float], share: float) -> float:
    position = (len(ordered) - 1) * share
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class Trend:
    """Mean totals per department over the cycles of one kind of period, oldest first."""

    cycles: list[Cycle]
    lines: dict[str, list[float | None]]  # department → mean per cycle (None: not there)
    overall: list[float | None]

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "labels": [cycle.name for cycle in self.cycles],
            "lines": [{"label": unit, "data": data} for unit, data in self.lines.items()],
            "overall": self.overall,
        }


def unit_trend(cycle: Cycle, *, last: int = 12) -> Trend:
    """The mean total of each department in this cycle and the `last` − 1 cycles of the
    same kind of period before it (monthly with monthly, annual with annual)."""
    cycles = list(
        Cycle.objects.filter(period_kind=cycle.period_kind, start__lte=cycle.start)
        .exclude(state__in=["draft", "cancelled"])
        .order_by("-start")[:last]
    )[::-1]
    if cycle not in cycles:
        cycles = [*cycles[1:], cycle] if len(cycles) >= last else [*cycles, cycle]
    sums: dict[tuple[str, int], list[float]] = defaultdict(list)
    everyone: dict[int, list[float]] = defaultdict(list)
    for result in _people_totals(appraisal__cycle__in=cycles):
        total = float(result.total or 0)
        sums[(_department(result.appraisal), result.appraisal.cycle_id)].append(total)
        everyone[result.appraisal.cycle_id].append(total)
    units = sorted({unit for unit, _cycle in sums})
    lines = {
        unit: [
            round(statistics.fmean(sums[(unit, c.pk)]), 2) if sums.get((unit, c.pk)) else None
            for c in cycles
        ]
        for unit in units
    }
    overall = [
        round(statistics.fmean(everyone[c.pk]), 2) if everyone.get(c.pk) else None for c in cycles
    ]
    return Trend(cycles, lines, overall)
