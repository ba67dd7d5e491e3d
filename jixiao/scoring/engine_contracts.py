"""Contract outcomes over several scored periods (§12), and the words that
explain the outcomes of one result: each label outcome and each listed trigger.

`series_contracts(scheme, runs)` evaluates every trigger's condition or sum in
each period, columnar over that period's appraisees, then walks each
appraisee's series (contracts.py) and writes its outcomes into `run.contract`
and the explanations of its listed triggers into `run.explained`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from jixiao.scoring.contracts import Trigger, contract_outcomes
from jixiao.scoring.facts import floats
from jixiao.scoring.grading import LabelColumn
from jixiao.scoring.numbers import FloatArray, fmt, output_number
from jixiao.scoring.wording import listed, message_of, say

if TYPE_CHECKING:
    from jixiao.scoring.engine import ScoreRun
    from jixiao.scoring.model import Scheme


def failed_items(run: ScoreRun) -> FloatArray:
    """How many items each appraisee did not meet (`met` false), as numbers."""
    failed = np.zeros(run.n)
    for column in run.items:
        failed += np.asarray(column.met) == 0
    return failed


def trigger_values(trigger: Trigger, run: ScoreRun, failed: FloatArray) -> FloatArray:
    """One period's number for a trigger, everyone at once: 1/0 for a condition
    (`failed_items` or `when`), the value of `sum`; NaN where it cannot be said
    (the error is added to the appraisee's result)."""
    expression = trigger.expression
    if expression is None:
        assert trigger.failed_items is not None
        return trigger.failed_items.test(failed).astype(np.float64)
    facts, n = run.facts, run.n
    env: dict[str, FloatArray] = {"total": run.total, "failed_items": failed}
    env.update({name: floats(column) for name, column in facts.inputs.items()})
    env.update({name: events.count for name, events in facts.events.items()})
    own = facts.items.get(trigger.item) if trigger.item else None
    if own is not None:
        env.update({name: floats(column) for name, column in own.inputs.items()})
        env.update({name: events.count for name, events in own.events.items()})
    names = {name: env.get(name, np.zeros(n)) for name in expression.names}
    names = {
        name: np.nan_to_num(np.asarray(v, dtype=np.float64), nan=0.0) for name, v in names.items()
    }
    if "total" in names:
        names["total"] = np.asarray(run.total, dtype=np.float64)
    found = expression.evaluate(names, n)
    for row, problem in found.errors.items():
        if run.ok(row):
            run.errors.setdefault(row, []).append(
                say("contract clause {name}: {problem}", name=trigger.name, problem=problem)
            )
    values = np.asarray(found.values, dtype=np.float64)
    if trigger.sum is None:
        values = np.where(np.isnan(values), np.nan, (values != 0).astype(np.float64))
    return values


def series_contracts(scheme: Scheme, runs: list[ScoreRun]) -> None:
    contract = scheme.outcomes.contract
    assert contract is not None
    failed_of = [failed_items(run) for run in runs]
    columns = [
        {t.name: trigger_values(t, run, failed_of[i]) for t in contract.triggers}
        for i, run in enumerate(runs)
    ]
    series: dict[str, list[tuple[int, int]]] = {}
    for index, run in enumerate(runs):
        for row, appraisee in enumerate(run.facts.ids):
            series.setdefault(appraisee, []).append((index, row))
    for places in series.values():
        _one(contract, runs, places, failed_of, columns)


def _one(
    contract: Any,
    runs: list[ScoreRun],
    places: list[tuple[int, int]],
    failed_of: list[FloatArray],
    columns: list[dict[str, FloatArray]],
) -> None:
    periods, totals, failed, since = [], [], [], None
    values: dict[str, list[float | None]] = {t.name: [] for t in contract.triggers}
    for index, row in places:
        run = runs[index]
        periods.append(run.period or "")
        ok = run.ok(row)
        totals.append(float(run.total[row]) if ok else None)
        failed.append(int(failed_of[index][row]) if ok else None)
        for name, column in columns[index].items():
            values[name].append(float(column[row]) if ok else None)
        raw_since = run.facts.attribute("since")[row]
        since = since or (None if raw_since is None else str(raw_since))
    try:
        outcomes = contract_outcomes(
            periods,
            since,
            totals,
            failed,
            contract.fee_deduction,
            contract.reference_periods,
            contract.triggers,
            values,
        )
    except ValueError as exc:
        for index, row in places:
            runs[index].errors.setdefault(row, []).append(
                say("contract: {problem}", problem=message_of(exc))
            )
        return
    triggers = {t.name: t for t in contract.triggers}
    for (index, row), outcome, failures in zip(places, outcomes, failed, strict=True):
        found: dict[str, Any] = {
            "fee_deduction": output_number(outcome.fee_deduction),
            "reference_period": outcome.reference,
            "failed_items": failures,
            "triggers": list(outcome.triggers),
        }
        if outcome.triggers:
            found["trigger_periods"] = {
                name: [periods[p] for p in outcome.because[name]] for name in outcome.triggers
            }
            runs[index].explained[row] = {  # said when the result is shown, in its language
                name: partial(_why, triggers[name], outcome.because[name], periods, values[name])
                for name in outcome.triggers
            }
        runs[index].contract[row] = found


def _condition(trigger: Trigger) -> str:
    if trigger.when is not None:
        return trigger.when.text
    assert trigger.failed_items is not None
    return say("items not met {condition}", condition=trigger.failed_items.describe())


def _why(
    trigger: Trigger, because: Sequence[int], periods: list[str], values: list[float | None]
) -> str:
    """Why a trigger is listed: the periods whose facts made it hold."""
    shown = listed([periods[p] for p in because], say(", "))
    if trigger.window == "sum":
        assert trigger.sum is not None and trigger.reaches is not None
        terms = listed(
            [
                say("{value} in {period}", value=fmt(values[p] or 0.0), period=periods[p])
                for p in because
            ],
            " + ",
        )
        reached = sum(values[p] or 0.0 for p in because)
        return say(
            "{name}: {expression} summed over the periods: {terms} = {sum} ≥ {reaches}",
            name=trigger.name,
            expression=trigger.sum.text,
            terms=terms,
            sum=fmt(reached),
            reaches=fmt(trigger.reaches),
        )
    if trigger.window == "periods":
        return say(
            "{name}: {condition} held in {count} period(s) in all: {periods}",
            name=trigger.name,
            condition=_condition(trigger),
            count=len(because),
            periods=shown,
        )
    return say(
        "{name}: {condition} held in {count} period(s) in a row: {periods}",
        name=trigger.name,
        condition=_condition(trigger),
        count=len(because),
        periods=shown,
    )


_BY = {
    "total": lambda: say("total"),
    "normalized": lambda: say("normalized total"),
    "grade": lambda: say("grade"),
}


def label_trace(column: LabelColumn, row: int) -> str:
    """Why a label outcome is what it is, for one appraisee (§12, v1.1)."""
    outcome = column.outcome
    value = column.value[row]
    index = int(column.row[row])
    by = _BY[outcome.by]()
    if outcome.by == "grade":
        if index < 0:
            return say(
                "{by} {value}: not in the table, no {name}", by=by, value=value, name=outcome.name
            )
        return say("{by} {value} → {label}", by=by, value=value, label=column.label[row])
    shown = fmt(float(value))
    if index < 0:
        return say("{by} {value} matched no row: no {name}", by=by, value=shown, name=outcome.name)
    condition, label = outcome.rows[index]
    return say(
        "{by} {value} matched {condition} → {label}",
        by=by,
        value=shown,
        condition=condition.describe(),
        label=label,
    )
