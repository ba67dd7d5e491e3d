"""Fairness analytics (domain.md §3a, issue 16): how each rater rates compared with
the others who rated the same people, how far calibration moved each unit, and how
each unit's grades compare with the quotas over the last cycles.

Leniency of a rater (宽严度): for every (appraisal, item) that the rater and at
least one other (non-self) rater both rated, the rater's value minus the mean of
the others', divided by the spread (population standard deviation) of all the
cycle's ratings of that item — so items on 0–10 and 0–100 scales weigh alike. The
rater's leniency is the mean of those standardised differences (> 0 lenient,
< 0 severe); its z-score compares it with every rater's leniency in the cycle
((leniency − mean) / standard deviation over raters). `people` is the number of
appraisees behind it. Spread: the standard deviation of the rater's own values
over the people they rated, per item scale (0 means everyone got the same score).
Self-rating gap: per appraisee and item, self minus the mean of the others.

The statistics are defined once (`stats_from_sums`) on sums per rater and item;
for a cycle the sums come from SQL (`cycle_rater_stats`, constant queries, memory
by raters × items, not by ratings), for the hand-computed tests from rows.

Calibration drift: per unit, the calibrated total minus the computed one and the
grades calibration changed. Quota drift: per unit and grade, the share of the
unit's people with that grade in each of the last cycles of the same kind against
the share the quotas expect; a unit is drifting on a grade when it is at least
ten points above (or below) the quota in every one of those cycles.

Only ratings stored as numbers count (a level name such as 优 does not); the
statistics are computed from values, never from names or order of entry. The
analytics are for HR; units under five people are shown to nobody else.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Max, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from jixiao.appraisals.access import SELF_ROLES
from jixiao.appraisals.models import Appraisal, Cycle, Rating, Result
from jixiao.appraisals.workflow import AppraisalState

SMALL_GROUP = 5  # units with fewer people are shown to HR only
T = TypeVar("T")


@dataclass(frozen=True)
class RatingRow:
    appraisal: int
    item: str
    role: str
    rater: int
    value: float


@dataclass(frozen=True)
class RaterStats:
    rater: int
    people: int
    compared: int  # how many (appraisal, item) pairs had other raters to compare with
    leniency: float | None
    z: float | None
    spread: float | None


@dataclass(frozen=True)
class SelfGap:
    appraisal: int
    item: str
    self_value: float
    others: float
    gap: float


@dataclass(frozen=True)
class UnitDrift:
    unit: int | None
    people: int
    calibrated: int
    mean_change: float | None  # mean (calibrated total − computed total) over calibrated ones
    raised: int
    lowered: int
    grade_changes: int


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


def _sd(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


@dataclass
class _Sums:
    """A rater's numeric (non-self) ratings of one item: how many, their sum and sum
    of squares; of those in a pair with other raters, how many and the sum of their
    differences from the others' mean."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0
    paired: int = 0
    differences: float = 0.0


def _population_sd(n: int, total: float, squares: float) -> float:
    """The population standard deviation from a count, a sum and a sum of squares (0
    where the values are all the same, up to rounding)."""
    if n < 2:
        return 0.0
    mean = total / n
    variance = squares / n - mean * mean
    if variance <= 1e-12 * max(1.0, mean * mean):
        return 0.0
    return math.sqrt(variance)


def stats_from_sums(sums: dict[tuple[int, str], _Sums], people: dict[int, int]) -> list[RaterStats]:
    """Leniency, z-score, people and spread of each rater from their sums per item
    (the one place the statistics are defined; the sums come from SQL on a cycle,
    or from rows in `rater_stats`)."""
    items: dict[str, _Sums] = defaultdict(_Sums)
    for (_rater, item), own in sums.items():
        found = items[item]
        found.n += own.n
        found.total += own.total
        found.squares += own.squares
    item_sd = {item: _population_sd(s.n, s.total, s.squares) for item, s in items.items()}
    standardised: dict[int, float] = defaultdict(float)
    compared: dict[int, int] = defaultdict(int)
    spreads: dict[int, list[float]] = defaultdict(list)
    for (rater, item), own in sums.items():
        sd = item_sd[item]
        if sd == 0:
            continue
        if own.paired:
            standardised[rater] += own.differences / sd
            compared[rater] += own.paired
        if own.n >= 2:
            spreads[rater].append(_population_sd(own.n, own.total, own.squares) / sd)
    leniency = {rater: standardised[rater] / n for rater, n in compared.items() if n}
    spread_of_raters = _sd(list(leniency.values()))
    centre = _mean(leniency.values()) if leniency else 0.0
    stats = []
    for rater in sorted(people):
        value = leniency.get(rater)
        z = None
        if value is not None and spread_of_raters > 0 and len(leniency) >= 3:
            z = (value - centre) / spread_of_raters
        spread = spreads.get(rater)
        stats.append(
            RaterStats(
                rater=rater,
                people=people[rater],
                compared=compared.get(rater, 0),
                leniency=value,
                z=z,
                spread=_mean(spread) if spread else None,
            )
        )
    return stats


def rater_stats(rows: Iterable[RatingRow]) -> list[RaterStats]:
    """Leniency, its z-score, people and spread for each rater (see the module's text),
    from rating rows (the hand-computed tests; a cycle's page uses `cycle_rater_stats`,
    the same statistics from SQL sums)."""
    rows = [row for row in rows if row.role not in SELF_ROLES]
    by_pair: dict[tuple[int, str], list[RatingRow]] = defaultdict(list)
    for row in rows:
        by_pair[(row.appraisal, row.item)].append(row)
    sums: dict[tuple[int, str], _Sums] = defaultdict(_Sums)
    people: dict[int, set[int]] = defaultdict(set)
    for pair in by_pair.values():
        total = sum(row.value for row in pair)
        for row in pair:
            own = sums[(row.rater, row.item)]
            own.n += 1
            own.total += row.value
            own.squares += row.value * row.value
            if len(pair) >= 2:
                own.paired += 1
                own.differences += row.value - (total - row.value) / (len(pair) - 1)
            people[row.rater].add(row.appraisal)
    return stats_from_sums(dict(sums), {rater: len(seen) for rater, seen in people.items()})


def self_gaps(rows: Iterable[RatingRow]) -> list[SelfGap]:
    """Self rating minus the others' mean, per appraisee and item that has both."""
    by_pair: dict[tuple[int, str], list[RatingRow]] = defaultdict(list)
    for row in rows:
        by_pair[(row.appraisal, row.item)].append(row)
    gaps = []
    for (appraisal, item), pair in sorted(by_pair.items()):
        mine = [row.value for row in pair if row.role == "self"]
        others = [row.value for row in pair if row.role != "self"]
        if mine and others:
            mean = _mean(others)
            gaps.append(SelfGap(appraisal, item, mine[0], mean, mine[0] - mean))
    return gaps


def rating_rows(ratings: QuerySet[Rating]) -> list[RatingRow]:
    """The numeric ratings of a query set, read as values (no model objects)."""
    rows = []
    for appraisal, item, role, rater, value in ratings.values_list(
        "appraisal_id", "item", "role", "rater_id", "value"
    ).iterator(chunk_size=5000):
        number = _number(value)
        if number is not None:
            rows.append(RatingRow(appraisal, item, role, rater, number))
    return rows


def _numeric(column: str) -> str:
    """SQL for a JSON rating's number (NULL for a level name, true/false or text)."""
    if connection.vendor == "postgresql":
        return (
            f"CASE WHEN jsonb_typeof({column}) = 'number'"
            f" THEN ({column} #>> '{{}}')::double precision END"
        )
    return (
        f"CASE WHEN json_type({column}) IN ('integer', 'real')"
        f" THEN CAST(json_extract({column}, '$') AS REAL) END"
    )


def _numeric_ratings(cycle_id: int) -> tuple[str, list[Any]]:
    """A SQL table expression of the cycle's numeric ratings: appraisal, item, role,
    rater, v."""
    rating, appraisal = Rating._meta.db_table, Appraisal._meta.db_table
    sql = (
        f"SELECT r.appraisal_id, r.item, r.role, r.rater_id, {_numeric('r.value')} AS v"
        f" FROM {rating} r JOIN {appraisal} a ON a.id = r.appraisal_id WHERE a.cycle_id = %s"
    )
    return sql, [cycle_id]


def _self_list() -> tuple[str, list[str]]:
    roles = sorted(SELF_ROLES)
    return ", ".join(["%s"] * len(roles)), roles


def cycle_rater_stats(cycle_id: int) -> list[RaterStats]:
    """`rater_stats` of a cycle's ratings, summed in SQL (two queries, one row per
    rater and item: the memory does not grow with the number of ratings)."""
    ratings, params = _numeric_ratings(cycle_id)
    selves, self_params = _self_list()
    numeric = (
        f"WITH n AS (SELECT * FROM ({ratings}) x WHERE v IS NOT NULL AND role NOT IN ({selves}))"
    )
    sums_sql = (
        f"{numeric}, w AS (SELECT rater_id, item, v,"
        " SUM(v) OVER (PARTITION BY appraisal_id, item) AS s,"
        " COUNT(*) OVER (PARTITION BY appraisal_id, item) AS c FROM n)"
        " SELECT rater_id, item, COUNT(*), SUM(v), SUM(v * v),"
        " SUM(CASE WHEN c >= 2 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c >= 2 THEN v - (s - v) / (c - 1) ELSE 0 END)"
        " FROM w GROUP BY rater_id, item"
    )
    people_sql = f"{numeric} SELECT rater_id, COUNT(DISTINCT appraisal_id) FROM n GROUP BY rater_id"
    sums: dict[tuple[int, str], _Sums] = {}
    people: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sums_sql, [*params, *self_params])
        for rater, item, n, total, squares, paired, differences in cursor.fetchall():
            sums[(rater, item)] = _Sums(
                int(n), float(total), float(squares), int(paired), float(differences or 0)
            )
        cursor.execute(people_sql, [*params, *self_params])
        people = {rater: int(count) for rater, count in cursor.fetchall()}
    return stats_from_sums(sums, people)


STATS_KEPT = 600  # seconds a cycle's rater statistics are kept while its ratings stand


def _kept(what: str, cycle_id: int, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache while the cycle's ratings stand (the same count,
    the same latest change and newest row): one small aggregate query to know."""
    state = Rating.objects.filter(appraisal__cycle_id=cycle_id).aggregate(
        n=Count("pk"), last=Max("updated_at"), top=Max("pk")
    )
    last = state["last"].isoformat() if state["last"] else ""
    key = f"jixiao:fairness:{what}:{cycle_id}:{state['n']}:{state['top']}:{last}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, STATS_KEPT)
    return found


def cycle_rater_stats_kept(cycle_id: int) -> list[RaterStats]:
    """`cycle_rater_stats`, kept while the cycle's ratings stand: the calibration page
    shows them at every visit, and ratings rarely change in calibration."""
    return _kept("raters", cycle_id, lambda: cycle_rater_stats(cycle_id))


@dataclass(frozen=True)
class AppraiseeGap:
    appraisal: int
    gap: float  # mean over the items rated both ways of (self − the others' mean)
    items: int


def cycle_self_gaps_kept(cycle_id: int, *, limit: int = 20) -> list[AppraiseeGap]:
    """`cycle_self_gaps`, kept while the cycle's ratings stand."""
    return _kept(f"gaps{limit}", cycle_id, lambda: cycle_self_gaps(cycle_id, limit=limit))


def cycle_self_gaps(cycle_id: int, *, limit: int = 20) -> list[AppraiseeGap]:
    """The `limit` appraisees of a cycle whose self-ratings differ most from the
    others' (`self_gaps` averaged over their items), from one SQL query."""
    ratings, params = _numeric_ratings(cycle_id)
    selves, self_params = _self_list()
    sql = (
        f"WITH n AS (SELECT * FROM ({ratings}) x WHERE v IS NOT NULL),"
        f" p AS (SELECT appraisal_id, item,"
        f" MAX(CASE WHEN role IN ({selves}) THEN v END) AS mine,"
        f" AVG(CASE WHEN role NOT IN ({selves}) THEN v END) AS others"
        " FROM n GROUP BY appraisal_id, item)"
        " SELECT appraisal_id, AVG(mine - others) AS gap, COUNT(*) FROM p"
        " WHERE mine IS NOT NULL AND others IS NOT NULL GROUP BY appraisal_id"
        " ORDER BY ABS(AVG(mine - others)) DESC, appraisal_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *self_params, *self_params, limit])
        return [
            AppraiseeGap(appraisal, float(gap), int(items))
            for appraisal, gap, items in cursor.fetchall()
        ]


def unit_drift(results: QuerySet[Result]) -> list[UnitDrift]:
    """How calibration moved each unit's totals and grades: the calibrated total minus
    the total the engine computed, and the grades changed (units by the appraisal's
    unit, or the employee's). One aggregate query."""
    changed = Q(calibrated_total__isnull=False, computed_total__isnull=False)
    rows = (
        results.annotate(
            unit_key=Coalesce("appraisal__unit_id", "appraisal__employee__unit_id"),
            computed_total=Cast(KT("data__total"), FloatField()),
            calibrated_total=Cast(KT("calibrated__total"), FloatField()),
            computed_grade=Coalesce(KT("data__grade"), Value(""), output_field=TextField()),
            calibrated_grade=Coalesce(KT("calibrated__grade"), Value(""), output_field=TextField()),
        )
        .values("unit_key")
        .annotate(
            people=Count("pk"),
            calibrated_count=Count("pk", filter=~Q(calibrated={})),
            mean_change=Avg(F("calibrated_total") - F("computed_total"), filter=changed),
            raised=Count("pk", filter=changed & Q(calibrated_total__gt=F("computed_total"))),
            lowered=Count("pk", filter=changed & Q(calibrated_total__lt=F("computed_total"))),
            grade_changes=Count(
                "pk",
                filter=~Q(calibrated_grade="") & ~Q(calibrated_grade=F("computed_grade")),
            ),
        )
        .order_by()
    )
    drifts = [
        UnitDrift(
            unit=row["unit_key"],
            people=row["people"],
            calibrated=row["calibrated_count"],
            mean_change=float(row["mean_change"]) if row["mean_change"] is not None else None,
            raised=row["raised"],
            lowered=row["lowered"],
            grade_changes=row["grade_changes"],
        )
        for row in rows
    ]
    return sorted(drifts, key=lambda d: (d.unit is None, d.unit or 0))


# Quota drift: a unit's share of a grade against what the quotas expect, cycle by cycle.
DRIFT_CYCLES = 4  # the cycles compared: this one and the three before it of its kind
DRIFT_POINTS = 0.10  # a share this far from the quota (10 points) in every cycle: drifting


@dataclass(frozen=True)
class GradeShare:
    grade: str
    shares: tuple[float | None, ...]  # per cycle, oldest first (None: nobody that cycle)
    expected: tuple[float | None, ...]  # the quotas' share per cycle
    direction: int  # +1 above the quota in every cycle, −1 below, 0 neither


@dataclass(frozen=True)
class QuotaDrift:
    unit: int
    people: tuple[int, ...]  # per cycle, the unit's people under a forced distribution
    grades: tuple[GradeShare, ...]

    @property
    def smallest(self) -> int:
        return min((n for n in self.people if n), default=0)

    @property
    def small(self) -> bool:
        return self.smallest < SMALL_GROUP

    @property
    def drifting(self) -> list[GradeShare]:
        return [grade for grade in self.grades if grade.direction]

    @property
    def largest_gap(self) -> float:
        gaps = [
            abs(share - expected)
            for grade in self.grades
            for share, expected in zip(grade.shares, grade.expected, strict=True)
            if share is not None and expected is not None
        ]
        return max(gaps, default=0.0)


def drift_cycles(cycle: Cycle, *, last: int = DRIFT_CYCLES) -> list[Cycle]:
    """The cycle and the ones before it of the same kind of period, oldest first."""
    found = Cycle.objects.filter(period_kind=cycle.period_kind, start__lte=cycle.start)
    return list(reversed(found.order_by("-start", "-pk")[:last]))


def quota_drift(cycles: list[Cycle]) -> list[QuotaDrift]:
    """For each unit, the share of each grade in each cycle against the share the
    quotas expect (people only, under a scheme with a forced distribution; a unit
    under two schemes expects their quotas weighted by its people under each). One
    aggregate query for the counts, one for the schemes' quotas."""
    from jixiao.schemes.engine import engine_scheme
    from jixiao.schemes.models import SchemeVersion

    index = {cycle.pk: n for n, cycle in enumerate(cycles)}
    rows = list(
        Result.objects.filter(appraisal__cycle__in=list(index), appraisal__employee__isnull=False)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .values("appraisal__cycle_id", "appraisal__employee__unit_id", "scheme_version_id", "grade")
        .annotate(n=Count("pk"))
        .values_list(  # tuples: thousands of rows (unit × grade × cycle) at 10,000 people
            "appraisal__cycle_id", "appraisal__employee__unit_id", "scheme_version_id", "grade", "n"
        )
        .order_by()
    )
    versions = SchemeVersion.objects.filter(pk__in={row[2] for row in rows}).select_related(
        "scheme"
    )
    quotas: dict[int, dict[str, float]] = {}
    order: list[str] = []
    for version in versions:
        distribution = engine_scheme(version).distribution
        if distribution is None:
            continue
        quotas[version.pk] = {
            grade: float(quota)
            for grade, quota in zip(distribution.grades, distribution.quotas, strict=False)
        }
        order += [grade for grade in distribution.grades if grade not in order]
    width = len(cycles)
    people: dict[int, list[int]] = defaultdict(lambda: [0] * width)
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * width)
    expected: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0] * width)
    known = set(order)
    for cycle_id, unit, version_id, given, n in rows:
        version_quotas = quotas.get(version_id)
        if version_quotas is None or unit is None:
            continue
        at = index[cycle_id]
        people[unit][at] += n
        if given:
            counts[(unit, given)][at] += n
            if given not in known:
                known.add(given)
                order.append(given)
        for grade, quota in version_quotas.items():
            expected[(unit, grade)][at] += n * quota
    drifts = []
    for unit, sizes in people.items():
        grades = []
        for grade in order:
            if (unit, grade) not in counts and (unit, grade) not in expected:
                continue
            had = counts.get((unit, grade), [0] * width)
            wanted = expected.get((unit, grade))  # None: a grade no quota names
            shares = tuple(had[at] / sizes[at] if sizes[at] else None for at in range(width))
            meant = tuple(
                wanted[at] / sizes[at] if sizes[at] and wanted is not None else None
                for at in range(width)
            )
            gaps = [
                share - quota
                for share, quota in zip(shares, meant, strict=True)
                if share is not None and quota is not None
            ]
            direction = 0
            if len(gaps) >= 2 and all(gap >= DRIFT_POINTS - 1e-9 for gap in gaps):
                direction = 1
            elif len(gaps) >= 2 and all(gap <= -DRIFT_POINTS + 1e-9 for gap in gaps):
                direction = -1
            grades.append(GradeShare(grade, shares, meant, direction))
        drifts.append(QuotaDrift(unit=unit, people=tuple(sizes), grades=tuple(grades)))
    return sorted(drifts, key=lambda d: (-len(d.drifting), -d.largest_gap, d.unit))
