"""Combining the ratings of several raters (§6), for all appraisees at once.

Per rater type: level names become points, the ratings of the type are
averaged after trimming (`trim: {peer: 1}` drops the highest and the lowest
when at least 3 exist), then the types are combined by weight with the
`missing` policy — or `final: [...]` takes the first type present.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from jixiao.scoring.describe import rater_name
from jixiao.scoring.facts import IntArray, Lists, ObjArray
from jixiao.scoring.model import Raters
from jixiao.scoring.numbers import FloatArray, fmt
from jixiao.scoring.rules.base import Rated
from jixiao.scoring.wording import joined, say

Points = Callable[[ObjArray], tuple[FloatArray, dict[int, str]]]


@dataclass
class TypeMean:
    mean: FloatArray  # NaN where the type has no rating
    count: IntArray
    kept: IntArray  # how many ratings were averaged (after trimming)
    errors: dict[int, str]


def type_mean(lists: Lists, n: int, points: Points, trim: int) -> TypeMean:
    values, bad = points(lists.values)
    errors: dict[int, str] = {}
    for index, message in bad.items():
        errors.setdefault(int(lists.owner[index]), message)
    count = np.bincount(lists.owner, minlength=n).astype(np.int64)
    owner = lists.owner  # the ratings kept: all but the trimmed
    if trim > 0 and len(values):
        order = np.lexsort((values, lists.owner))
        owner_sorted = lists.owner[order]
        starts = np.searchsorted(owner_sorted, owner_sorted, side="left")
        position = np.arange(len(order)) - starts
        size = count[owner_sorted]
        trimmed = (size >= 2 * trim + 1) & ((position < trim) | (position >= size - trim))
        keep = np.ones(len(values), dtype=bool)
        keep[order[trimmed]] = False
        owner, values = owner[keep], values[keep]
    kept = np.bincount(owner, minlength=n).astype(np.int64)
    total = np.bincount(owner, weights=values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(kept > 0, total / np.maximum(kept, 1), np.nan)
    return TypeMean(mean, count, kept, errors)


def combine(ratings: Mapping[str, Lists], raters: Raters | None, n: int, points: Points) -> Rated:
    """Combine one item's ratings into points per appraisee."""
    raters = raters or Raters()
    errors: dict[int, str] = {}
    unknown = [t for t in ratings if raters.types and t not in raters.types]
    for rater in unknown:
        for row in np.unique(ratings[rater].owner):
            errors.setdefault(
                int(row),
                say(
                    "rating by {rater!r}, who is not one of {raters}",
                    rater=rater,
                    raters=", ".join(raters.types),
                ),
            )
    types = raters.types or tuple(ratings)
    means = {
        t: type_mean(ratings.get(t, Lists.empty()), n, points, int(raters.trim.get(t, 0)))
        for t in types
    }
    for found in means.values():
        for row, message in found.errors.items():
            errors.setdefault(row, message)
    if raters.final:
        result = np.full(n, np.nan)
        for t in reversed(raters.final):
            result = np.where(np.isnan(means[t].mean), result, means[t].mean)
    else:
        result = _weighted(means, raters, n, errors)
    for row in errors:
        result[row] = np.nan
    return Rated(result, errors, Explained(means, raters, result, ratings))


@dataclass(frozen=True)
class Explained:
    """One item's combined ratings, said for one row (`explain`); its parts are kept
    for the traces of many rows at once (jixiao/scoring/trace_templates.py)."""

    means: Mapping[str, TypeMean]
    raters: Raters
    result: FloatArray
    ratings: Mapping[str, Lists]

    def __call__(self, row: int) -> str:
        return explain(self.means, self.raters, row, self.result, self.ratings)


def _weighted(
    means: Mapping[str, TypeMean], raters: Raters, n: int, errors: dict[int, str]
) -> FloatArray:
    weights = raters.weights or {t: 1.0 for t in means}
    total = np.zeros(n)
    present_weight = np.zeros(n)
    all_weight = sum(weights.values())
    any_rating = np.zeros(n, dtype=bool)
    present_of = {rater: ~np.isnan(found.mean) for rater, found in means.items()}
    for present in present_of.values():
        any_rating |= present
    for rater, weight in weights.items():
        mean = means[rater].mean
        present = present_of[rater]
        total += np.where(present, mean * weight, 0.0)
        present_weight += np.where(present, weight, 0.0)
        if raters.missing == "error" and weight > 0:
            absent = (~present).nonzero()[0]
            message = say("no {rater} rating", rater=rater) if len(absent) else ""
            for row in absent:
                errors.setdefault(int(row), message)
    with np.errstate(invalid="ignore", divide="ignore"):
        if raters.missing == "zero":
            result = total / all_weight if all_weight else np.full(n, np.nan)
        else:
            result = np.where(present_weight > 0, total / present_weight, np.nan)
    reference = (any_rating & (present_weight == 0)).nonzero()[0]
    message = say("only ratings that do not count (weight 0)") if len(reference) else ""
    for row in reference:
        errors.setdefault(int(row), message)
    result = np.where(any_rating, result, np.nan)
    return result


def _shown(raw: list[object], mean: float) -> str:
    """`4` -> `4 = 80`; `[90, 85, 88, 70]` -> `90, 85, 88, 70`."""
    values = ", ".join(fmt(v) if isinstance(v, int | float) else str(v) for v in raw)
    if len(raw) == 1:
        return values if values == fmt(mean) else f"{values} = {fmt(mean)}"
    return values


def explain(
    means: Mapping[str, TypeMean],
    raters: Raters,
    row: int,
    result: FloatArray,
    ratings: Mapping[str, Lists],
) -> str:
    parts = []
    for rater, found in means.items():
        if np.isnan(found.mean[row]):
            continue
        raw = ratings[rater].of(row) if rater in ratings else []
        detail = _shown(raw, float(found.mean[row]))
        if found.count[row] > 1:
            dropped = int(found.count[row] - found.kept[row])
            mean = fmt(float(found.mean[row]))
            if dropped:
                detail += say(" → trimmed {dropped}, mean {mean}", dropped=dropped, mean=mean)
            else:
                detail += say(" → mean {mean}", mean=mean)
        parts.append(f"{rater_name(rater)} {detail}")
    text = joined(parts)
    if raters.final:
        chosen = next((t for t in raters.final if not np.isnan(means[t].mean[row])), None)
        if len(parts) == 1:
            return f"{text} → {fmt(float(result[row]))}"
        return say(
            "{ratings} → {rater} counts (final): {score}",
            ratings=text,
            rater=rater_name(chosen) if chosen is not None else chosen,
            score=fmt(float(result[row])),
        )
    weights = raters.weights or {t: 1.0 for t in means}
    used = {t: w for t, w in weights.items() if not np.isnan(means[t].mean[row]) and w > 0}
    if raters.missing == "zero":
        used = {t: w for t, w in weights.items() if w > 0}
    if len(means) == 1 or (len(used) == 1 and sum(used.values()) == sum(weights.values())):
        return f"{text} → {fmt(float(result[row]))}"
    base = sum(used.values())
    terms = " + ".join(
        f"{fmt(w / base)} × {fmt(_mean_or_zero(means[t], row))}" for t, w in used.items()
    )
    note = "" if base == sum(weights.values()) else say(" (weights of absent raters redistributed)")
    return f"{text} → {terms} = {fmt(float(result[row]))}{note}"


def _mean_or_zero(found: TypeMean, row: int) -> float:
    value = float(found.mean[row])
    return 0.0 if np.isnan(value) else value
