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
        [shown] = self.results_of([row])
        return shown

    def shown(self, row: int, items: Any) -> dict[str, Any]:
        """`result(row)` with `items` in the place of its items (the JSON writer gives
        their text, made for many rows at once from `item_fields`)."""
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
            "items": items,
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
        """The results of these appraisees, as `result(row)` gives each: each item's
        fields made for all the rows at once (`item_fields`)."""
        rows = list(rows)
        items: list[list[dict[str, Any]]] = [[] for _ in rows]
        for column in self.items:
            code, name = column.item.code, column.item.name
            full, weight = output_number(column.item.full), output_number(column.weight)
            fields = zip(rows, items, *self.item_fields(column, rows), strict=True)
            for row, listed, value, score, contribution, met in fields:
                listed.append(
                    {
                        "code": code,
                        "name": name,
                        "value": value,
                        "score": score,
                        "full": full,
                        "weight": weight,
                        "contribution": contribution,
                        "met": met,
                        "trace": column.trace(row),
                    }
                )
        return [self.shown(row, listed) for row, listed in zip(rows, items, strict=True)]

    @staticmethod
    def item_fields(column: ItemColumn, rows: Sequence[int]) -> tuple[list[Any], ...]:
        """An item's value, score, contribution and met for these rows, as results show
        them (the columns of its result; each distinct number rounded once)."""
        at = np.asarray(rows, dtype=np.int64)
        data = column.data
        values = _outputs(data.value[at])
        if data.value_source != "measure":
            raw = data.raw_value[at].tolist()
            values = [
                given if isinstance(given, str) else value
                for given, value in zip(raw, values, strict=True)
            ]
        scores = _outputs(column.score[at])
        contributions = _outputs(column.contribution[at])
        if column.errors:
            for index, row in enumerate(at.tolist()):
                if row in column.errors:
                    scores[index] = contributions[index] = None
        met = [None if flag < 0 else flag != 0 for flag in column.met[at].tolist()]
        return values, scores, contributions, met

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


def _outputs(values: FloatArray) -> list[Any]:
    """`[output_number(value) for value in values]`, each distinct value rounded once."""
    if len(values) < 64:
        return [output_number(value) for value in values.tolist()]
    distinct, where = np.unique(values, return_inverse=True)
    shown = [output_number(value) for value in distinct.tolist()]
    return [shown[index] for index in where.tolist()]


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
