"""A score run's results as columns, without traces: what the CSV, the table and a
workbook show (item scores, subtotal, total, rank, grade, outcomes, flags, errors).

`ScoreRun.result(row)` builds one appraisee's full result with every trace;
these columns hold the same numbers and words for everyone at once and cost
no trace at all. Numbers stay numbers here (NaN where the result has null);
`shown()` turns a column into the text `fmt(output_number(x))` gives, with
each distinct number formatted once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from jixiao.scoring.numbers import FloatArray, fmt, output_number
from jixiao.scoring.wording import render

if TYPE_CHECKING:
    from jixiao.scoring.engine import ScoreRun


@dataclass
class Summary:
    """One run's results, column by column (row i is appraisee i)."""

    period: str | None
    ids: list[str]
    names: list[str | None]
    codes: list[str]  # the scored items, in the scheme's order
    scores: dict[str, FloatArray]  # NaN where the item has an error
    ok: np.ndarray  # the appraisee has no error
    subtotal: FloatArray  # NaN where not ok
    total: FloatArray
    rank: np.ndarray  # 0 where not ranked
    ranked: np.ndarray
    grade: list[str | None]
    band_grade: list[str | None]
    normalized: FloatArray | None
    flags: list[list[str]]
    outcomes: list[dict[str, Any]]  # as result(row)["outcomes"]
    errors: list[list[str]]  # in the current language
    outcome_names: list[str]  # the population's outcomes (pay, salary, ...)
    outcome_numbers: dict[str, FloatArray]  # NaN where not ok
    contract: bool  # contract or label outcomes too (per appraisee)

    @property
    def n(self) -> int:
        return len(self.ids)


def summarize(run: ScoreRun) -> Summary:
    """The run's results without traces; errors in the current language."""
    n = run.n
    ok = np.ones(n, dtype=bool)
    if run.errors:
        ok[list(run.errors)] = False
    graded = run.graded
    scores = {}
    for column in run.items:
        score = np.array(column.score, dtype=np.float64)
        if column.errors:
            score[list(column.errors)] = np.nan
        scores[column.item.code] = score
    flags: list[list[str]] = [[] for _ in range(n)]
    for row, found in run.flags.items():
        flags[row] = list(found)
    for row in np.flatnonzero(graded.quota_tie).tolist():
        flags[row] = [*flags[row], "quota_tie"]
    errors: list[list[str]] = [[] for _ in range(n)]
    for row, messages in run.errors.items():
        errors[row] = [render(message) for message in messages]
    return Summary(
        period=run.period,
        ids=run.facts.ids,
        names=run.facts.names,
        codes=[column.item.code for column in run.items],
        scores=scores,
        ok=ok,
        subtotal=np.where(ok, run.subtotal, np.nan),
        total=np.where(ok, run.total, np.nan),
        rank=np.where(ok, graded.rank, 0),
        ranked=np.where(ok, graded.ranked, 0),
        grade=_where(ok, graded.grade),
        band_grade=_where(ok, graded.band_grade),
        normalized=None if graded.normalized is None else np.where(ok, graded.normalized, np.nan),
        flags=flags,
        outcomes=_outcomes(run, ok),
        errors=errors,
        outcome_names=list(graded.outcomes),
        outcome_numbers={
            name: np.where(ok, values, np.nan) for name, values in graded.outcomes.items()
        },
        contract=bool(run.contract) or bool(graded.labels),  # outcomes said one at a time
    )


def _where(ok: np.ndarray, values: Any) -> list[Any]:
    return [
        value if good else None for value, good in zip(values.tolist(), ok.tolist(), strict=True)
    ]


def _outcomes(run: ScoreRun, ok: np.ndarray) -> list[dict[str, Any]]:
    names = list(run.graded.outcomes)
    columns = [numbers(np.where(ok, run.graded.outcomes[name], np.nan)) for name in names]
    rows: list[dict[str, Any]] = [
        dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)
    ]
    if not names:
        rows = [{} for _ in range(run.n)]
    for name, column in run.graded.labels.items():  # label outcomes (§12, v1.1)
        for row, label in enumerate(_where(ok, column.label)):
            rows[row] = {**rows[row], name: label}
    for row, contract in run.contract.items():
        rows[row] = {**rows[row], **contract}
    return rows


def numbers(values: FloatArray) -> list[float | int | None]:
    """`output_number` of each value (None for NaN), each distinct value once."""
    distinct, inverse = np.unique(values, return_inverse=True)
    said = [output_number(value) for value in distinct.tolist()]
    return [said[index] for index in inverse.tolist()]


def _text(value: float) -> str:
    """fmt(output_number(value)) for a finite value (tests/scoring/test_summary.py).

    `f"{value:.4f}"` rounds the exact binary value half to even, as `round(value, 4)`
    does, so it prints the same digits without rounding first."""
    text = f"{value:.4f}"
    if text.startswith(("0.000", "-0.000")) and text[-1] != "0":
        return fmt(output_number(value))  # small numbers keep more digits
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def shown(values: FloatArray, change: Callable[[str], str] | None = None) -> list[str]:
    """Each value as results print it (`fmt(output_number(x))`); "" for NaN; each
    distinct text passed through `change` once when given."""
    distinct, inverse = np.unique(values, return_inverse=True)
    said = [_text(value) if math.isfinite(value) else "" for value in distinct.tolist()]
    if change is not None:
        said = [change(text) for text in said]
    return np.array(said, dtype=object)[inverse].tolist()  # type: ignore[no-any-return]


def outcome_texts(summary: Summary, rows: slice) -> list[str]:
    """`outcome_text` of each appraisee's outcomes, a column at a time where the
    outcomes are the population's numbers (contract outcomes: one at a time)."""
    found = summary.outcomes[rows]
    names = summary.outcome_names
    if summary.contract or not names:
        return [outcome_text(outcomes) for outcomes in found]
    columns = [shown(summary.outcome_numbers[name][rows], _labelled(name)) for name in names]
    return ["; ".join(filter(None, parts)) for parts in zip(*columns, strict=True)]


def _labelled(name: str) -> Callable[[str], str]:
    return lambda text: f"{name} {text}" if text else ""


def whole(values: np.ndarray) -> list[str]:
    """Counts (rank, ranked) as text; "" for 0 (not ranked)."""
    return ["" if value == 0 else str(value) for value in values.tolist()]


def outcome_text(outcomes: dict[str, Any]) -> str:
    """`pay 1200; salary_step 1; triggers: warning` — a result's outcomes on one line."""
    parts = []
    for key, value in outcomes.items():
        if isinstance(value, dict):  # trigger_periods: each listed trigger's periods
            shown = [f"{name} ({', '.join(map(str, found))})" for name, found in value.items()]
            parts.append(f"{key}: {', '.join(shown)}")
        elif isinstance(value, list):
            if value:
                parts.append(f"{key}: {', '.join(map(str, value))}")
        elif isinstance(value, bool):
            if value:
                parts.append(key)
        elif value is not None:
            parts.append(f"{key} {number_text(value)}")
    return "; ".join(parts)


def number_text(value: Any) -> str:
    return "" if value is None else fmt(value) if isinstance(value, int | float) else str(value)
