"""Fairness analytics (domain.md §3a, issue 16): how each rater rates compared with
the others who rated the same people, and how far calibration moved each unit.

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

Ratings given as level names (优/良 …) count only where they are numbers; the
statistics are computed from values, never from names or order of entry, and the
analytics are for HR (units under five people are not shown to anyone else).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from jixiao.appraisals.models import Rating, Result

SMALL_GROUP = 5  # units with fewer people are shown to HR only


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


def rater_stats(rows: Iterable[RatingRow]) -> list[RaterStats]:
    """Leniency, its z-score, people and spread for each rater (see the module's text)."""
    rows = [row for row in rows if row.role != "self"]
    by_pair: dict[tuple[int, str], list[RatingRow]] = defaultdict(list)
    by_item: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_pair[(row.appraisal, row.item)].append(row)
        by_item[row.item].append(row.value)
    item_sd = {item: _sd(values) for item, values in by_item.items()}
    differences: dict[int, list[float]] = defaultdict(list)
    for (_appraisal, item), pair in by_pair.items():
        if len(pair) < 2 or item_sd[item] == 0:
            continue
        for row in pair:
            others = [other.value for other in pair if other is not row]
            differences[row.rater].append((row.value - _mean(others)) / item_sd[item])
    people: dict[int, set[int]] = defaultdict(set)
    own: dict[tuple[int, str], list[float]] = defaultdict(list)
    for row in rows:
        people[row.rater].add(row.appraisal)
        own[(row.rater, row.item)].append(row.value)
    leniency = {rater: _mean(values) for rater, values in differences.items()}
    spread_of_raters = _sd(list(leniency.values()))
    centre = _mean(leniency.values()) if leniency else 0.0
    stats = []
    for rater in sorted(people):
        spreads = [
            _sd(values) / item_sd[item]
            for (who, item), values in own.items()
            if who == rater and len(values) >= 2 and item_sd[item] > 0
        ]
        value = leniency.get(rater)
        z = None
        if value is not None and spread_of_raters > 0 and len(leniency) >= 3:
            z = (value - centre) / spread_of_raters
        stats.append(
            RaterStats(
                rater=rater,
                people=len(people[rater]),
                compared=len(differences.get(rater, [])),
                leniency=value,
                z=z,
                spread=_mean(spreads) if spreads else None,
            )
        )
    return stats


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


def unit_drift(results: QuerySet[Result]) -> list[UnitDrift]:
    """How calibration moved each unit's totals and grades (units by appraisal's unit)."""
    per_unit: dict[int | None, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for then, now, total, grade, calibrated in results.values_list(
        "appraisal__unit_id", "appraisal__employee__unit_id", "total", "grade", "calibrated"
    ).iterator(chunk_size=5000):
        per_unit[then if then is not None else now].append((total, grade, calibrated))
    drifts = []
    for unit, rows in per_unit.items():
        changes: list[float] = []
        grade_changes = calibrated_count = 0
        for total, grade, calibrated in rows:
            if not calibrated:
                continue
            calibrated_count += 1
            new_total = _number(calibrated.get("total"))
            if new_total is not None and total is not None:
                changes.append(new_total - total)
            new_grade = calibrated.get("grade")
            if new_grade and new_grade != grade:
                grade_changes += 1
        drifts.append(
            UnitDrift(
                unit=unit,
                people=len(rows),
                calibrated=calibrated_count,
                mean_change=_mean(changes) if changes else None,
                raised=sum(1 for change in changes if change > 0),
                lowered=sum(1 for change in changes if change < 0),
                grade_changes=grade_changes,
            )
        )
    return sorted(drifts, key=lambda d: (d.unit is None, d.unit or 0))
