"""Adjustments after the weighted subtotal (§7), applied in the order written:
bonus, penalty, add, deduct, coefficient, gate, points (v1.1). Each reports what it did."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from jixiao.scoring.facts import FactSet, InputList, Lists
from jixiao.scoring.items import input_lists, score_points
from jixiao.scoring.model import Adjustment
from jixiao.scoring.numbers import FloatArray, fmt, output_number, round9_scalar
from jixiao.scoring.rules.events import costs, explain_events
from jixiao.scoring.wording import joined, say

BoolArray = npt.NDArray[np.bool_]


@dataclass
class AdjustmentColumn:
    adjustment: Adjustment
    before: FloatArray
    after: FloatArray
    applied: BoolArray  # did something for this row
    explain: Callable[[int], str]
    details: Callable[[int], dict[str, Any]] | None = None  # points: its value and score


@dataclass
class AdjustmentState:
    """What the adjustments leave behind besides the running total."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    flags: dict[int, list[str]] = field(default_factory=dict)
    no_bonus: BoolArray | None = None
    cap_grade: dict[int, str] = field(default_factory=dict)
    lists: Mapping[str, InputList] = field(default_factory=dict)  # list inputs (v1.1 §3)

    def error(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)

    def flag(self, row: int, text: str) -> None:
        self.flags.setdefault(row, []).append(text)


def apply_adjustments(
    adjustments: tuple[Adjustment, ...],
    facts: FactSet,
    running: FloatArray,
    env: Mapping[str, FloatArray],
    state: AdjustmentState,
) -> tuple[FloatArray, list[AdjustmentColumn]]:
    n = facts.n
    state.no_bonus = np.zeros(n, dtype=bool)
    zeroed = np.zeros(n, dtype=bool)
    columns = []
    for adjustment in adjustments:
        before = running
        details = None
        if adjustment.kind == "points":
            after, applied, explain, details = _points(adjustment, facts, before, env, state)
        else:
            after, applied, explain = _APPLY[adjustment.kind](adjustment, facts, before, env, state)
        after = np.where(zeroed, 0.0, after)
        if adjustment.kind == "gate" and adjustment.effect == "zero":
            zeroed |= applied
        columns.append(AdjustmentColumn(adjustment, before, after, applied, explain, details))
        running = after
    return running, columns


Applied = tuple[FloatArray, BoolArray, Callable[[int], str]]


def _amounts(
    adjustment: Adjustment, facts: FactSet, before: FloatArray, env: object, state: AdjustmentState
) -> Applied:
    n = facts.n
    entered = facts.adjustments.get(adjustment.name) or Lists.empty()
    amounts = entered.numbers()
    if adjustment.each is not None:
        low, high = adjustment.each
        outside = (np.round(amounts, 9) < round9_scalar(low)) | (
            np.round(amounts, 9) > round9_scalar(high)
        )
        for index in np.flatnonzero(outside):
            state.error(
                int(entered.owner[index]),
                say(
                    "{adjustment}: {amount} is outside [{low}, {high}]",
                    adjustment=adjustment.name,
                    amount=fmt(float(amounts[index])),
                    low=fmt(low),
                    high=fmt(high),
                ),
            )
    total = np.bincount(entered.owner, weights=amounts, minlength=n).astype(np.float64)
    raw = total.copy()
    if adjustment.cap is not None:
        total = np.minimum(total, adjustment.cap)
    sign = 1.0 if adjustment.kind == "bonus" else -1.0
    after = before + sign * total
    applied = np.bincount(entered.owner, minlength=n) > 0

    def explain(row: int) -> str:
        listed = [fmt(float(a)) for a in entered.numbers_of(row)]
        text = " + ".join(listed) + (f" = {fmt(float(raw[row]))}" if len(listed) > 1 else "")
        if adjustment.cap is not None and raw[row] > adjustment.cap:
            text += say(", capped at {cap}", cap=fmt(adjustment.cap))
        return f"{'+' if sign > 0 else '−'}{text}"

    return after, applied, explain


def _events(
    adjustment: Adjustment, facts: FactSet, before: FloatArray, env: object, state: AdjustmentState
) -> Applied:
    assert adjustment.events is not None
    result = costs(adjustment.events, facts.events, facts.n)
    for row, message in result.errors.items():
        state.error(
            row, say("{adjustment}: {message}", adjustment=adjustment.name, message=message)
        )
    amount = result.total
    raw = amount.copy()
    if adjustment.cap is not None:
        amount = np.minimum(amount, adjustment.cap)
    sign = 1.0 if adjustment.kind == "add" else -1.0
    after = before + sign * amount
    after = np.where(result.zero, 0.0, after)
    applied = (amount > 0) | result.zero

    def explain(row: int) -> str:
        parts = joined(explain_events(adjustment.events, facts.events, row))  # type: ignore[arg-type]
        if result.zero[row]:
            return say("{events} → total 0", events=parts)
        capped = (
            say(", capped at {cap}", cap=fmt(adjustment.cap))
            if adjustment.cap is not None and raw[row] > adjustment.cap
            else ""
        )
        return f"{parts}{capped} → {'+' if sign > 0 else '−'}{fmt(float(amount[row]))}"

    return after, applied, explain


def _coefficient(
    adjustment: Adjustment, facts: FactSet, before: FloatArray, env: object, state: AdjustmentState
) -> Applied:
    n = facts.n
    assert adjustment.by is not None
    column = facts.inputs.get(adjustment.by)
    if column is None:
        column = np.full(n, None, dtype=object)
    values = adjustment.values
    raw_values = column.tolist()
    typed = list(zip(map(type, raw_values), raw_values, strict=True))
    # each distinct value (of its type) looked up once
    seen = {key: values.get(_key(key[1]), np.nan) for key in dict.fromkeys(typed)}
    factor = np.fromiter(map(seen.__getitem__, typed), dtype=np.float64, count=len(typed))
    keys = ", ".join(values)
    for row in np.flatnonzero(np.isnan(factor)):
        raw = column[row]
        if raw is None:
            message = say(
                "{adjustment}: {input} is missing, not one of {keys}",
                adjustment=adjustment.name,
                input=adjustment.by,
                keys=keys,
            )
        else:
            message = say(
                "{adjustment}: {input} is {value!r}, not one of {keys}",
                adjustment=adjustment.name,
                input=adjustment.by,
                value=raw,
                keys=keys,
            )
        state.error(int(row), message)
    after = before * factor
    applied = ~np.isnan(factor) & (factor != 1)

    def explain(row: int) -> str:
        return say(
            "{input} = {value}: × {factor}",
            input=adjustment.by,
            value=column[row],
            factor=fmt(float(factor[row])),
        )

    return after, applied, explain


def _points(
    adjustment: Adjustment,
    facts: FactSet,
    before: FloatArray,
    env: Mapping[str, FloatArray],
    state: AdjustmentState,
) -> tuple[FloatArray, BoolArray, Callable[[int], str], Callable[[int], dict[str, Any]]]:
    """A points line (v1.1 §7): its score added to the running total, negative taking off."""
    assert adjustment.item is not None
    line = score_points(adjustment.item, facts, env, state.lists)
    for row, message in line.errors.items():
        state.error(
            row, say("{adjustment}: {message}", adjustment=adjustment.name, message=message)
        )
    points = np.nan_to_num(line.score)
    applied = np.ones(facts.n, dtype=bool)
    if line.errors:
        applied[list(line.errors)] = False

    def details(row: int) -> dict[str, Any]:
        value = float(line.data.value[row])
        return {
            "value": None if np.isnan(value) else output_number(value),
            "score": output_number(float(points[row])),
        }

    return before + points, applied, line.trace, details


def _key(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _gate(
    adjustment: Adjustment,
    facts: FactSet,
    before: FloatArray,
    env: Mapping[str, FloatArray],
    state: AdjustmentState,
) -> Applied:
    assert adjustment.when is not None
    absent = {name: np.full(facts.n, np.nan) for name in adjustment.when.names - env.keys()}
    lists = input_lists(state.lists)  # list inputs in aggregates (v1.1 §4)
    found = adjustment.when.evaluate({**env, **absent}, facts.n, lists)  # as for one appraisee
    for bad, message in found.errors.items():
        state.error(
            bad, say("{adjustment}: {message}", adjustment=adjustment.name, message=message)
        )
    holds = np.nan_to_num(found.values) != 0
    after = before
    effect, value = adjustment.effect, adjustment.effect_value
    if effect == "zero":
        after = np.where(holds, 0.0, before)
    for row in np.flatnonzero(holds):
        if effect == "no_bonus":
            assert state.no_bonus is not None
            state.no_bonus[row] = True
            state.flag(int(row), "no_bonus")
        elif effect == "cap_grade":
            state.cap_grade[int(row)] = value
        elif effect == "flag":
            state.flag(int(row), value)
        else:
            state.flag(int(row), f"zero: {adjustment.name}")

    def explain(row: int) -> str:
        when = adjustment.when.text  # type: ignore[union-attr]
        if not holds[row]:
            return say("{condition}: does not hold", condition=when)
        if effect == "zero":
            what = say("total 0")
        elif effect == "no_bonus":
            what = say("no bonus (score stands)")
        elif effect == "cap_grade":
            what = say("grade at most {grade}", grade=value)
        else:
            what = say("flag: {flag}", flag=value)
        return say("{condition}: holds → {effect}", condition=when, effect=what)

    return after, holds, explain


_APPLY: dict[str, Callable[..., Applied]] = {
    "bonus": _amounts,
    "penalty": _amounts,
    "add": _events,
    "deduct": _events,
    "coefficient": _coefficient,
    "gate": _gate,
}
