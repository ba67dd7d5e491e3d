"""Population steps (scheme-language §9–§12): ranking, forced distribution,
normalisation across groups, pay, salary steps and contract outcomes.

Everything is columnar: one call handles every appraisee of a population at
once. Rows are appraisees; `groups` holds each row's group code (0..g-1, see
`group_codes`); per-group inputs are arrays indexed by group code. A NaN total
marks an appraisee with errors: it is not ranked, graded or paid. All
functions are pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jixiao.scoring.conditions import Condition
from jixiao.scoring.contracts import (  # the contract outcomes live in contracts.py
    PeriodOutcome as PeriodOutcome,
)
from jixiao.scoring.contracts import Trigger as Trigger
from jixiao.scoring.contracts import contract_outcomes as contract_outcomes
from jixiao.scoring.contracts import period_index as period_index
from jixiao.scoring.numbers import FloatArray, fmt, parse_number, round9, round9_scalar
from jixiao.scoring.wording import listed, say

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

_NONE = np.array(None, dtype=object)


def group_codes(keys: Sequence[object] | ObjArray) -> tuple[IntArray, list[object]]:
    """Factorise group keys (attribute values, `None` allowed) into codes 0..g-1.

    Returns the code of each row and the distinct keys in first-seen order, so
    `distinct[codes[i]] == keys[i]`. Keys compare as Python values (`1 == 1.0`).
    """
    values = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
    distinct = list(dict.fromkeys(values))
    index = {key: code for code, key in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
    return codes, distinct


@dataclass(frozen=True)
class _Runs:
    """The scored rows sorted by group, then total descending, cut into runs of equal totals."""

    rows: IntArray  # row index at each sorted position
    group: IntArray  # group code at each sorted position
    offsets: IntArray  # sorted position where each group starts (length g + 1)
    run_start: IntArray  # first sorted position of the run of each position
    run_end: IntArray  # one past the last sorted position of that run


def _n_groups(groups: IntArray, *per_group: FloatArray | None) -> int:
    n = int(groups.max()) + 1 if groups.size else 0
    return max([n, *(len(a) for a in per_group if a is not None)])


def _runs(totals: FloatArray, groups: IntArray, n_groups: int) -> _Runs:
    if totals.shape != groups.shape:
        raise ValueError(f"{totals.size} totals but {groups.size} group codes")
    rows = np.flatnonzero(~np.isnan(totals))
    t = round9(totals[rows])
    g = groups[rows]
    order = np.lexsort((-t, g))
    rows, t, g = rows[order], t[order], g[order]
    starts = np.ones(rows.size, dtype=bool)
    starts[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    start_positions = np.flatnonzero(starts)
    run_id = np.cumsum(starts) - 1
    ends = np.append(start_positions[1:], rows.size)
    counts = np.bincount(g, minlength=n_groups)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return _Runs(rows, g, offsets, start_positions[run_id], ends[run_id])


def rank_within(totals: FloatArray, groups: IntArray) -> tuple[IntArray, IntArray]:
    """Competition ranking per group, highest total first (§9).

    Equal totals (compared after rounding to 9 decimals) share the better rank
    and the next rank is skipped: 1, 2, 2, 4. NaN totals (appraisees with
    errors) are not ranked: their rank and ranked are 0, and they do not count
    in `ranked`, the number of ranked appraisees of the group.
    Returns (rank, ranked) per row.
    """
    totals, groups = np.asarray(totals, dtype=np.float64), np.asarray(groups, dtype=np.int64)
    runs = _runs(totals, groups, _n_groups(groups))
    rank, ranked = np.zeros(totals.size, np.int64), np.zeros(totals.size, np.int64)
    rank[runs.rows] = runs.run_start - runs.offsets[runs.group] + 1
    ranked[runs.rows] = np.diff(runs.offsets)[runs.group]
    return rank, ranked


def quota_counts(n: int, quotas: Sequence[float]) -> list[int]:
    """How many of `n` appraisees each grade takes: the largest remainder method (§10).

    Each grade gets floor(n × quota); the seats left go one each to the largest
    remainders (compared after rounding to 9 decimals). Remainder ties go to
    the grade nearest the middle of the list, then to the better grade (the
    lower index). The counts always add up to `n`. Quotas must be non-negative
    and add up to 1 (within 1e-6; they are rescaled to exactly 1).
    """
    if n < 0 or not quotas:
        raise ValueError("quota_counts needs n >= 0 and at least one quota")
    if any(q < 0 or not math.isfinite(q) for q in quotas):
        raise ValueError(f"quotas must be non-negative numbers, got {list(quotas)}")
    total = math.fsum(quotas)
    if abs(total - 1) > 1e-6:
        raise ValueError(f"quotas add up to {fmt(total * 100)}%, not 100%")
    exact = [round9_scalar(n * q / total) for q in quotas]
    counts = [math.floor(x) for x in exact]
    remainders = [round9_scalar(x - c) for x, c in zip(exact, counts, strict=True)]
    middle = (len(quotas) - 1) / 2
    order = sorted(range(len(quotas)), key=lambda i: (-remainders[i], abs(i - middle), i))
    for i in range(n - sum(counts)):
        counts[order[i % len(order)]] += 1
    return counts


def distribute(
    totals: FloatArray, groups: IntArray, labels: Sequence[str], quotas: Sequence[float]
) -> tuple[ObjArray, BoolArray]:
    """Forced distribution (§10) within each group.

    The counts come from `quota_counts` over the group's ranked (non-NaN)
    members, and grades are handed out in rank order. A run of equal totals
    (after rounding to 9 decimals) is never split: when a grade boundary falls
    inside it, the whole run takes the better grade (the grade of its first
    member) and the following grades lose the overflow, carrying on to later
    grades when one runs out; in other words every grade still ends where its
    nominal count ends unless a tied run pushes past it. The members of such a
    run are flagged `quota_tie`. Returns (grade label per row, None for NaN
    rows; quota_tie per row).
    """
    if not labels or len(labels) != len(quotas):
        raise ValueError(f"{len(labels)} grade labels but {len(quotas)} quotas")
    totals, groups = np.asarray(totals, dtype=np.float64), np.asarray(groups, dtype=np.int64)
    k = len(labels)
    runs = _runs(totals, groups, _n_groups(groups))
    distinct = np.unique(sizes := np.diff(runs.offsets))
    table = np.array([np.cumsum(quota_counts(int(s), quotas)) for s in distinct], np.int64)
    cumulative = table.reshape(-1, k)[np.searchsorted(distinct, sizes)]
    # Every group's grade ends as global sorted positions: non-decreasing across groups.
    bounds = (runs.offsets[:-1, None] + cumulative).ravel()
    before = np.searchsorted(bounds, runs.run_start, side="right")  # boundaries <= run start
    grade = before - runs.group * k
    inside = np.searchsorted(bounds, runs.run_end, side="left") - before
    out, tie = np.full(totals.size, None, dtype=object), np.zeros(totals.size, dtype=bool)
    out[runs.rows] = np.array(list(labels), dtype=object)[grade]
    tie[runs.rows] = inside > 0
    return out, tie


def normalize(
    totals: FloatArray,
    groups: IntArray,
    *,
    method: str = "mean_to_100",
    group_by: FloatArray | None = None,
    cap: str | float | None = None,
) -> tuple[FloatArray, FloatArray, list[str]]:
    """Normalisation across groups (§11).

    S1 = total × 100 / the mean total of its group (NaN rows are left out of
    the means and stay NaN). With `group_by` (the `by` input per group code),
    factor = by / the smallest by; with a cap (`"spread"`: (max S1 + min S1) /
    (2 × min S1) over every scored appraisee; or a number >= 1), every factor is
    replaced by its square root until the largest is within the cap.
    normalized = S1 × factor. Returns (normalized per row, factor per group,
    notes for the trace).

    Where the spec is silent: a group whose members all have errors needs no
    `by` value and gets factor NaN; a group mean <= 0 is an error (it would
    reverse the order); when min S1 is 0 (or less) the spread cap is infinite, so
    no cap applies (a note says so). Errors raise ValueError naming the group codes.
    """
    if method != "mean_to_100":
        raise ValueError(
            say("unknown normalisation method {method!r} (known: mean_to_100)", method=method)
        )
    totals, groups = np.asarray(totals, dtype=np.float64), np.asarray(groups, dtype=np.int64)
    n = _n_groups(groups, group_by)
    valid = ~np.isnan(totals)
    count = np.bincount(groups[valid], minlength=n)
    used = count > 0
    mean = np.full(n, np.nan)
    mean[used] = np.bincount(groups[valid], weights=totals[valid], minlength=n)[used] / count[used]
    bad = np.flatnonzero(used & ~(round9(mean) > 0))
    if bad.size:
        named = listed(say("group {group} (mean {mean})", group=g, mean=fmt(mean[g])) for g in bad)
        raise ValueError(
            say(
                "cannot normalise to 100: the mean total is not positive in {groups}",
                groups=named,
            )
        )
    s1 = totals * 100 / mean[groups]
    factor = np.where(used, 1.0, np.nan)
    if group_by is None or not used.any():
        return s1, factor, []
    by = np.full(n, np.nan)
    by[: len(group_by)] = group_by
    wrong = np.flatnonzero(used & ~(by > 0))
    if wrong.size:
        named = listed(say("group {group} ({by})", group=g, by=fmt(by[g])) for g in wrong)
        raise ValueError(
            say(
                "group factor: the `by` value is missing or not positive for {groups}",
                groups=named,
            )
        )
    factor = np.where(used, by / by[used].min(), np.nan)
    notes: list[str] = []
    limit = _cap(cap, s1[valid], notes)
    shown = ", ".join(fmt(f) for f in factor)
    times = 0
    # sqrt takes every factor to 1 (<= any cap) long before 200 times
    while limit is not None and round9_scalar(np.nanmax(factor)) > limit and times < 200:
        factor, times = np.sqrt(factor), times + 1
    if limit is None:
        notes.append(say("group factors {factors} (no cap)", factors=shown))
    elif times:
        after = ", ".join(fmt(f) for f in factor)
        notes.append(
            say(
                "group factors {factors} exceed cap {cap}: "
                "square root taken {times} time(s) -> {after}",
                factors=shown,
                cap=fmt(limit),
                times=times,
                after=after,
            )
        )
    else:
        notes.append(say("group factors {factors} within cap {cap}", factors=shown, cap=fmt(limit)))
    return s1 * factor[groups], factor, notes


def _cap(cap: str | float | None, s1: FloatArray, notes: list[str]) -> float | None:
    if cap is None:
        return None
    if isinstance(cap, str) and cap.strip() == "spread":
        high, low = float(s1.max()), float(s1.min())
        if round9_scalar(low) <= 0:
            notes.append(
                say("spread cap: the smallest S1 is {low}, so there is no cap", low=fmt(low))
            )
            return None
        value = round9_scalar((high + low) / (2 * low))
        notes.append(
            say(
                "cap = (max S1 + min S1) / (2 × min S1) = ({high} + {low}) / (2 × {low}) = {cap}",
                high=fmt(high),
                low=fmt(low),
                cap=fmt(value),
            )
        )
        return value
    value = round9_scalar(parse_number(cap))
    if value < 1:
        raise ValueError(
            say("group factor cap must be at least 1 (the smallest factor), got {cap!r}", cap=cap)
        )
    return value


def pay_shares(
    grades: ObjArray,
    groups: IntArray,
    coefficients: Mapping[str, float],
    pool: FloatArray,
    factor: FloatArray,
    no_bonus: BoolArray,
) -> FloatArray:
    """Pay from a pool (§12): pool × factor × coefficient(grade) / Σ coefficients.

    `pool` and `factor` are per group code. The sum runs over the group's
    members that take a share: graded and not flagged `no_bonus`. A no_bonus
    member gets 0; a row without a grade (None: errors) gets NaN. A grade
    missing from `coefficients` has coefficient 0. Where the spec is silent:
    a group where no one takes a share, or whose coefficients add up to 0, pays
    everyone 0; a NaN pool or factor gives NaN pay to the share-takers.
    """
    grades, groups = np.asarray(grades, dtype=object), np.asarray(groups, dtype=np.int64)
    pool, factor = np.asarray(pool, dtype=np.float64), np.asarray(factor, dtype=np.float64)
    n = _n_groups(groups, pool, factor)
    if len(pool) < n or len(factor) < n:
        raise ValueError(f"pool and factor need a value for each of the {n} groups")
    graded: BoolArray = np.not_equal(grades, _NONE)
    coefficient = np.zeros(grades.size)
    for label, value in coefficients.items():
        coefficient[np.equal(grades, label)] = value
    takes = graded & ~np.asarray(no_bonus, dtype=bool)
    total = np.bincount(groups[takes], weights=coefficient[takes], minlength=n)
    share = takes & (total[groups] != 0)
    pay, g = np.zeros(grades.size), groups[share]
    pay[share] = pool[g] * factor[g] * coefficient[share] / total[g]
    pay[~graded] = np.nan
    return pay


def salary_steps(
    totals: FloatArray,
    steps: Sequence[tuple[Condition, float]],
    current: FloatArray,
    low: FloatArray,
    high: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Salary steps (§12): step = the first row whose condition the total meets;
    new grade = clamp(current + step, min, max), a NaN bound meaning no bound.

    Where the spec is silent: a total that meets no row gets step 0; a NaN total
    gives NaN step and grade; a NaN current grade gives a NaN new grade but the
    step is still reported; when min > max, max wins. The clamp also lowers a
    current grade already above max (the table's max is the rule).
    """
    totals = np.asarray(totals, dtype=np.float64)
    step = np.zeros(totals.size)
    pending = np.ones(totals.size, dtype=bool)
    for condition, value in steps:
        hit = pending & condition.test(totals)
        step[hit] = value
        pending &= ~hit
    step[np.isnan(totals)] = np.nan
    new = np.asarray(current, dtype=np.float64) + step
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        new = np.where(new < low, low, new)
        new = np.where(new > high, high, new)
    return step, new
