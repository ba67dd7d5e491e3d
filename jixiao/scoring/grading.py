"""What happens across the population once totals are known: normalisation
(§11), ranking (§9), grades (§8), forced distribution (§10), pay and salary
outcomes (§12). Columnar over everyone at once."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from jixiao.scoring.facts import FactSet, IntArray, ObjArray, floats
from jixiao.scoring.model import GradeRow, LabelOutcome, PayOutcome, Scheme
from jixiao.scoring.numbers import FloatArray, round9
from jixiao.scoring.population import (
    distribute,
    group_codes,
    normalize,
    pay_shares,
    rank_within,
    salary_steps,
)
from jixiao.scoring.wording import message_of, say

EVERYONE = "all"  # without `within`, everyone is the group all=all (`groups: {all: {all: ...}}`)


@dataclass
class LabelColumn:
    """One label outcome over everyone: the label (None: no row matched) and the
    index of the row of the table that gave it (-1: none), for its trace."""

    outcome: LabelOutcome
    label: ObjArray
    row: IntArray
    value: FloatArray | ObjArray  # what the table read: the total, normalized or grade


@dataclass
class Graded:
    rank: IntArray
    ranked: IntArray
    grade: ObjArray
    band_grade: ObjArray
    normalized: FloatArray | None
    quota_tie: np.ndarray
    outcomes: dict[str, FloatArray] = field(default_factory=dict)
    labels: dict[str, LabelColumn] = field(default_factory=dict)  # label outcomes (§12)
    errors: dict[int, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def grade_population(
    scheme: Scheme,
    facts: FactSet,
    total: FloatArray,
    no_bonus: np.ndarray,
    cap_grade: dict[int, str],
) -> Graded:
    n = facts.n
    errors: dict[int, list[str]] = {}
    notes: list[str] = []
    normalized = None
    if scheme.normalize is not None:
        normalized = _normalize(scheme, facts, total, errors, notes)
    ranking = scheme.ranking
    by = (
        normalized
        if ranking is not None and ranking.by == "normalized" and normalized is not None
        else total
    )
    ranked_total = np.where(_has_error(errors, n), np.nan, by)
    groups, _ = group_codes(
        facts.attribute(ranking.within) if ranking and ranking.within else [None] * n
    )
    rank, ranked = rank_within(ranked_total, groups)
    band_grade = _band_grades(scheme.grades, ranked_total, rank, ranked)
    grade = band_grade.copy()
    quota_tie = np.zeros(n, dtype=bool)
    if scheme.distribution is not None:
        dist = scheme.distribution
        within = facts.attribute(dist.within) if dist.within else [None] * n
        dist_groups, _ = group_codes(within)
        grade, quota_tie = distribute(ranked_total, dist_groups, dist.grades, dist.quotas)
    order = [row.grade for row in scheme.grades]
    if scheme.distribution is not None:
        order = list(scheme.distribution.grades)
    for row, cap in cap_grade.items():
        _cap(grade, band_grade, row, cap, order, [g.grade for g in scheme.grades])
    graded = Graded(
        rank, ranked, grade, band_grade, normalized, quota_tie, errors=errors, notes=notes
    )
    _outcomes(scheme, facts, ranked_total, no_bonus, graded)
    return graded


def _has_error(errors: dict[int, list[str]], n: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if errors:
        mask[list(errors)] = True
    return mask


def _band_grades(
    rows: tuple[GradeRow, ...], total: FloatArray, rank: IntArray, ranked: IntArray
) -> ObjArray:
    grade = np.full(len(total), None, dtype=object)
    if not rows:
        return grade
    open_ = ~np.isnan(total)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = round9(np.where(ranked > 0, rank / np.maximum(ranked, 1), np.inf))
    rounded = round9(total)  # once for every row (§5)
    for row in rows:
        hit = open_ & row.condition.test_rounded(rounded)
        if row.top is not None:
            hit &= share <= round(row.top, 9)
        grade[hit] = row.grade
        open_ &= ~hit
    return grade


def _cap(
    grade: ObjArray, band: ObjArray, row: int, cap: str, order: list[str], band_order: list[str]
) -> None:
    """cap_grade: the grade can be no better than `cap` (in whichever list holds it)."""
    for labels, target in ((order, grade), (band_order, band)):
        if (
            cap in labels
            and target[row] in labels
            and labels.index(target[row]) < labels.index(cap)
        ):
            target[row] = cap


def _normalize(
    scheme: Scheme,
    facts: FactSet,
    total: FloatArray,
    errors: dict[int, list[str]],
    notes: list[str],
) -> FloatArray | None:
    spec = scheme.normalize
    assert spec is not None
    groups, keys = group_codes(facts.attribute(spec.within))
    group_by = None
    if spec.by is not None:
        inputs = facts.groups.get(spec.within, {})
        group_by = np.array([_number(inputs.get(str(key), {}).get(spec.by)) for key in keys])
    try:
        normalized, _, found_notes = normalize(
            total, groups, method=spec.method, group_by=group_by, cap=spec.cap
        )
    except ValueError as exc:
        message = say("normalisation: {problem}", problem=message_of(exc))
        for row in range(facts.n):
            errors.setdefault(row, []).append(message)
        return None
    notes.extend(found_notes)
    return normalized


def _number(raw: object) -> float:
    return float(floats(np.array([raw], dtype=object))[0])


def _outcomes(
    scheme: Scheme, facts: FactSet, total: FloatArray, no_bonus: np.ndarray, graded: Graded
) -> None:
    n = facts.n
    pay = scheme.outcomes.pay
    if pay is not None:
        within = facts.attribute(pay.within) if pay.within else [EVERYONE] * n
        inputs = facts.groups.get(pay.within or EVERYONE, {})
        amounts, problems = pay_column(pay, within, inputs, graded.grade, no_bonus)
        for at, messages in problems.items():
            graded.errors.setdefault(at, []).extend(messages)
        graded.outcomes["pay"] = amounts
    salary = scheme.outcomes.salary
    if salary is not None:

        def column(name: str | None) -> FloatArray:
            if name is None:
                return np.full(n, np.nan)
            return floats(facts.inputs.get(name, np.full(n, None, dtype=object)))

        current = column(salary.current)
        lacking = np.flatnonzero(np.isnan(current) & ~np.isnan(total))
        if len(lacking):
            message = say("salary: no input {input!r}", input=salary.current)
            for row in lacking:
                graded.errors.setdefault(int(row), []).append(message)
        step, new = salary_steps(
            total, salary.steps, current, column(salary.min), column(salary.max)
        )
        graded.outcomes["salary_step"] = step
        graded.outcomes["salary_grade"] = new
    for outcome in scheme.outcomes.labels:
        graded.labels[outcome.name] = label_column(outcome, total, graded)


def pay_column(
    pay: PayOutcome,
    within: Sequence[object] | ObjArray,
    inputs: Mapping[str, Mapping[str, object]],
    grades: ObjArray,
    no_bonus: np.ndarray,
) -> tuple[FloatArray, dict[int, list[str]]]:
    """Pay from a pool (§12) for everyone: each row's group key (`within`), the
    group inputs of that attribute by key, each row's grade (None: errors) and
    no_bonus flag. The pay column and the errors by row. Also used by the
    application to pay by the grades in force after a calibration."""
    groups, keys = group_codes(within)
    pool = np.array([_number(inputs.get(str(k), {}).get(pay.pool)) for k in keys])
    factor = np.ones(len(keys))
    errors: dict[int, list[str]] = {}
    if pay.factor is not None:
        env = {}
        for name in pay.factor.names:
            env[name] = np.array([_number(inputs.get(str(k), {}).get(name)) for k in keys])
        found = pay.factor.evaluate(env, len(keys), None)
        factor = found.values
        for index, problem in found.errors.items():
            message = say("pay factor of {group}: {problem}", group=keys[index], problem=problem)
            for row in np.flatnonzero(groups == index):
                errors.setdefault(int(row), []).append(message)
    for index, key in enumerate(keys):
        if np.isnan(pool[index]):
            message = say(
                "pay: no group input {input!r} for {within}={group}",
                input=pay.pool,
                within=pay.within or EVERYONE,
                group=key,
            )
            for row in np.flatnonzero(groups == index):
                errors.setdefault(int(row), []).append(message)
    amounts = pay_shares(grades, groups, pay.coefficients, pool, factor, no_bonus)
    return amounts, errors


def label_column(outcome: LabelOutcome, total: FloatArray, graded: Graded) -> LabelColumn:
    """A label outcome (§12, v1.1): the first row the total (or normalized total)
    meets, or the grade's entry; None where nothing matches or nothing is graded."""
    n = len(total)
    label = np.full(n, None, dtype=object)
    row = np.full(n, -1, dtype=np.int64)
    if outcome.by == "grade":
        for index, (grade, text) in enumerate(outcome.grades.items()):
            hit = np.equal(graded.grade, grade)
            label[hit], row[hit] = text, index
        return LabelColumn(outcome, label, row, graded.grade)
    values = total
    if outcome.by == "normalized":
        values = graded.normalized if graded.normalized is not None else np.full(n, np.nan)
        values = np.where(np.isnan(total), np.nan, values)
    open_ = ~np.isnan(values)
    rounded = round9(values)  # once for every row (§5)
    for index, (condition, text) in enumerate(outcome.rows):
        hit = open_ & condition.test_rounded(rounded)
        label[hit], row[hit] = text, index
        open_ &= ~hit
    return LabelColumn(outcome, label, row, values)


def label_of(
    outcome: LabelOutcome, *, total: float | None, normalized: float | None, grade: str | None
) -> str | None:
    """One appraisee's label outcome from its (calibrated) total, normalized total or
    grade, as `label_column` gives it: the application's calibration follows it."""
    if outcome.by == "grade":
        return outcome.grades.get(grade) if grade else None
    value = normalized if outcome.by == "normalized" else total
    if value is None or math.isnan(value):
        return None
    return next((label for condition, label in outcome.rows if condition.holds(value)), None)
