"""Scoring a population: `score(scheme, facts)` for one period and
`score_periods(scheme, facts_file)` for several (contracts, §12).

One code path for one appraisee or a hundred thousand: everything is
columnar, and `ScoreRun.result(row)` renders one appraisee's result (with
every trace) only when it is asked for — in the language current then
(`with language("zh"): run.result(row)`, see wording.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

import numpy as np

from jixiao.scoring.adjustments import AdjustmentColumn, AdjustmentState, apply_adjustments
from jixiao.scoring.engine_contracts import label_trace, series_contracts
from jixiao.scoring.facts import FactSet
from jixiao.scoring.facts_io import FactsFile
from jixiao.scoring.grading import Graded, grade_population
from jixiao.scoring.history import history_errors
from jixiao.scoring.items import ItemColumn, appraisee_lists, numeric_inputs, score_items
from jixiao.scoring.model import Scheme
from jixiao.scoring.numbers import FloatArray, fmt, output_number
from jixiao.scoring.weights import effective_weights
from jixiao.scoring.wording import render, say


@dataclass
class ScoreRun:
    """The results of one scheme over one period's population."""

    scheme: Scheme
    facts: FactSet
    items: list[ItemColumn]
    subtotal: FloatArray
    carried: FloatArray
    adjustments: list[AdjustmentColumn]
    total: FloatArray
    graded: Graded
    errors: dict[int, list[str]]
    flags: dict[int, list[str]]
    warnings: list[str]
    contract: dict[int, dict[str, Any]] = field(default_factory=dict)
    explained: dict[int, dict[str, Callable[[], str]]] = field(default_factory=dict)  # triggers

    @property
    def n(self) -> int:
        return self.facts.n

    @property
    def period(self) -> str | None:
        return self.facts.period

    def ok(self, row: int) -> bool:
        return row not in self.errors

    def result(self, row: int) -> dict[str, Any]:
        """One appraisee's result, as the JSON output shows it (§14), with its traces,
        adjustment names and errors in the current language."""
        ok = self.ok(row)
        facts = self.facts
        attributes = {k: v[row] for k, v in facts.attributes.items() if v[row] is not None}
        graded = self.graded
        outcomes: dict[str, Any] = {}
        for name, values in graded.outcomes.items():
            outcomes[name] = output_number(float(values[row])) if ok else None
        for name, column in graded.labels.items():
            outcomes[name] = column.label[row] if ok else None
        outcomes.update(self.contract.get(row, {}))
        flags = list(self.flags.get(row, []))
        if graded.quota_tie[row]:
            flags.append("quota_tie")
        shown = {
            "appraisee": facts.ids[row],
            "name": facts.names[row],
            "attributes": attributes,
            "items": [self._item(column, row) for column in self.items],
            "subtotal": output_number(float(self.subtotal[row])) if ok else None,
            "adjustments": self._adjustments(row),
            "total": output_number(float(self.total[row])) if ok else None,
            "rank": int(graded.rank[row]) if ok and graded.rank[row] else None,
            "ranked": int(graded.ranked[row]) if ok and graded.ranked[row] else None,
            "grade": graded.grade[row] if ok else None,
            "band_grade": graded.band_grade[row] if ok else None,
            "normalized": (
                output_number(float(graded.normalized[row]))
                if ok and graded.normalized is not None
                else None
            ),
            "flags": flags,
            "outcomes": outcomes,
            "errors": [render(message) for message in self.errors.get(row, [])],
        }
        explained = self.outcome_traces(row) if ok else {}
        if explained:  # only where a label outcome or a listed trigger has something to say
            errors = shown.pop("errors")
            shown["outcome_traces"] = explained
            shown["errors"] = errors
        return shown

    def outcome_traces(self, row: int) -> dict[str, str]:
        """Why each label outcome is what it is and why each listed trigger is
        listed (the periods behind it), in the current language (§12, v1.1)."""
        found = {name: label_trace(column, row) for name, column in self.graded.labels.items()}
        for name, why in self.explained.get(row, {}).items():
            found[name] = why()
        return found

    def words(self, row: int) -> dict[str, Any]:
        """Only the words of one appraisee's result, in the current language: each
        item's trace, each adjustment's name and trace, the errors — in the order
        `result(row)` gives them. For a caller that keeps a result in two languages
        without building it twice."""
        return {
            "items": [column.trace(row) for column in self.items],
            "adjustments": [
                {"name": shown["name"], "trace": shown["trace"]} for shown in self._adjustments(row)
            ],
            "errors": [render(message) for message in self.errors.get(row, [])],
        }

    def words_of(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        """The words of these appraisees' results, as `words(row)` gives each."""
        return [self.words(row) for row in rows]

    def results(self) -> list[dict[str, Any]]:
        return self.results_of(range(self.n))

    def results_of(self, rows: Sequence[int]) -> list[dict[str, Any]]:
        """The results of these appraisees, as `result(row)` gives each."""
        return [self.result(row) for row in rows]

    def _item(self, column: ItemColumn, row: int) -> dict[str, Any]:
        failed = row in column.errors
        data = column.data
        raw = data.raw_value[row]
        if data.value_source == "measure" or not isinstance(raw, str):
            value: Any = output_number(float(data.value[row]))
        else:
            value = raw
        met = column.met[row]
        return {
            "code": column.item.code,
            "name": column.item.name,
            "value": value,
            "score": None if failed else output_number(float(column.score[row])),
            "full": output_number(column.item.full),
            "weight": output_number(column.weight),
            "contribution": None if failed else output_number(float(column.contribution[row])),
            "met": None if met < 0 else bool(met),
            "trace": column.trace(row),
        }

    def _adjustments(self, row: int) -> list[dict[str, Any]]:
        shown = []
        if self.carried[row] > 0:
            shown.append(
                {
                    "name": str(say("overflow carried from items")),
                    "kind": "carry",
                    "amount": output_number(-float(self.carried[row])),
                    "before": output_number(float(self.subtotal[row])),
                    "after": output_number(float(self.subtotal[row] - self.carried[row])),
                    "trace": str(
                        say(
                            "points below item floors: −{carried}",
                            carried=fmt(float(self.carried[row])),
                        )
                    ),
                }
            )
        for column in self.adjustments:
            if not column.applied[row]:
                continue
            before, after = float(column.before[row]), float(column.after[row])
            shown.append(
                {
                    "name": column.adjustment.name,
                    "kind": column.adjustment.kind,
                    "amount": output_number(after - before),
                    "before": output_number(before),
                    "after": output_number(after),
                    "trace": str(column.explain(row)),
                    **(column.details(row) if column.details is not None else {}),
                }
            )
        return shown

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.code,
            "period": self.period,
            "warnings": [render(warning) for warning in self.warnings],
            "results": self.results(),
        }


def score(scheme: Scheme, facts: FactSet) -> ScoreRun:
    """Score one period's population against a scheme."""
    n = facts.n
    weights = effective_weights(scheme, facts.period)
    warnings = [str(w) for w in scheme.warnings] + _unknown_items(scheme, facts)
    inputs = numeric_inputs(facts)
    lists = appraisee_lists(scheme, facts)  # list inputs, history among them (v1.1 §3, §15)
    items = score_items(scheme, facts, weights, inputs, lists)
    errors = history_errors(scheme.history, lists, facts, scheme.period)
    for column in items:
        for row, message in column.errors.items():
            errors.setdefault(row, []).append(
                say("item {item}: {message}", item=column.item.code, message=message)
            )
    subtotal = np.zeros(n)
    carried = np.zeros(n)
    for column in items:
        subtotal = subtotal + column.contribution
        if column.scored.carry is not None:
            carried += np.nan_to_num(column.scored.carry) / column.item.full * column.weight
    env = dict(inputs)
    env.update({name: events.count for name, events in facts.events.items()})
    state = AdjustmentState(lists=lists)
    total, adjustments = apply_adjustments(
        scheme.adjustments, facts, subtotal - carried, env, state
    )
    if scheme.total_min is not None:
        total = np.maximum(total, scheme.total_min)
    if scheme.total_max is not None:
        total = np.minimum(total, scheme.total_max)
    for row, messages in state.errors.items():
        errors.setdefault(row, []).extend(messages)
    failed = np.zeros(n, dtype=bool)
    if errors:
        failed[list(errors)] = True
    total = np.where(failed, np.nan, total)
    assert state.no_bonus is not None
    graded = grade_population(scheme, facts, total, state.no_bonus, state.cap_grade)
    for row, messages in graded.errors.items():
        errors.setdefault(row, []).extend(messages)
    warnings.extend(graded.notes)
    return ScoreRun(
        scheme=scheme,
        facts=facts,
        items=items,
        subtotal=subtotal,
        carried=carried,
        adjustments=adjustments,
        total=total,
        graded=graded,
        errors=errors,
        flags=state.flags,
        warnings=warnings,
    )


def _unknown_items(scheme: Scheme, facts: FactSet) -> list[str]:
    codes = [item.code for item in scheme.items]
    notes = []
    for code in facts.items:
        if code not in codes:
            near = get_close_matches(code, codes, n=1)
            if near:
                notes.append(
                    say(
                        "facts for item {item!r}, which the scheme does not have, are ignored;"
                        " did you mean {near!r}?",
                        item=code,
                        near=near[0],
                    )
                )
            else:
                notes.append(
                    say(
                        "facts for item {item!r}, which the scheme does not have, are ignored",
                        item=code,
                    )
                )
    return notes


def score_periods(scheme: Scheme, facts_file: FactsFile) -> list[ScoreRun]:
    """Score every period of a facts file; contract outcomes run over the series."""
    runs = [score(scheme, facts) for facts in facts_file.periods]
    if scheme.outcomes.contract is not None:
        series_contracts(scheme, runs)
    return runs
