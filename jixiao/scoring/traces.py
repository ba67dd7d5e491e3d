"""Traces for many appraisees at once (issue 17): what the JSON and the workbook print.

An item's trace (`ItemColumn.trace`, the rules' `explain`) is a function of what the
row's facts and results are: the value, the band or the steps found, the events, the
ratings. Most appraisees share these with many others (the same number of late
deliveries, the same level, the same ratings), so one pass per item over the rows makes
each row's key from the columns its rule type's trace reads, and the trace of each
distinct key is said once, by the same `trace(row)` a single result uses (one code path
for the words) and handed to every row with that key. A row with an error, a rule type
not listed here, an item with a `default`, or a list input is said one row at a time.

    prepare(run, rows)   # then run.result(row) / run.words(row) use the traces made
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from jixiao.scoring.facts import FactSet, IntArray, Lists
from jixiao.scoring.items import ItemColumn
from jixiao.scoring.trace_templates import fill
from jixiao.scoring.wording import current_language

if TYPE_CHECKING:
    from jixiao.scoring.engine import ScoreRun

Columns = list[list[Any]]


def prepare(run: ScoreRun, rows: Sequence[int]) -> None:
    """Make the item traces of these rows in the current language; `trace(row)` then
    returns them (a later `prepare` replaces them)."""
    language = current_language()
    for column in run.items:
        column.said = {}  # said afresh
        column.said = dict(zip(rows, item_traces(column, run.facts, rows), strict=True))
        column.said_in = language


def item_traces(column: ItemColumn, facts: FactSet, rows: Sequence[int]) -> list[str]:
    """`[column.trace(row) for row in rows]`: by the rule type's templates for all the
    rows at once (trace_templates.py), and the rows they leave each distinct trace
    said once."""
    made = fill(column, rows)
    if made is None:
        return keyed_traces(column, facts, rows)
    left = [row for row, text in zip(rows, made, strict=True) if text is None]
    if left:
        said = iter(keyed_traces(column, facts, left))
        return [next(said) if text is None else text for text in made]
    return made  # type: ignore[return-value]


def keyed_traces(column: ItemColumn, facts: FactSet, rows: Sequence[int]) -> list[str]:
    """`[column.trace(row) for row in rows]`, each distinct trace said once."""
    keys = trace_keys(column, facts, np.asarray(rows, dtype=np.int64))
    if keys is None:
        return [column.trace(row) for row in rows]
    errors = column.errors
    said: dict[Hashable, str] = {}
    out = []
    for row, key in zip(rows, keys, strict=True):
        if row in errors:
            out.append(column.trace(row))
            continue
        text = said.get(key)
        if text is None:
            text = said[key] = column.trace(row)
        out.append(text)
    return out


def trace_keys(column: ItemColumn, facts: FactSet, rows: IntArray) -> list[Hashable] | None:
    """Each row's key: equal keys give equal traces. None: said one row at a time."""
    data = column.data
    if getattr(data.lists, "inputs", None):
        return None  # list inputs are shown with their numbers
    find = _KINDS.get(column.item.rule.kind)
    if find is None:
        return None
    try:
        parts = find(column, facts, rows)
    except (KeyError, TypeError, IndexError, AttributeError):
        return None  # a rule that keeps its details otherwise: one row at a time
    if parts is None:
        return None
    raw = data.raw_value[rows].tolist()
    common = [
        _bits(data.value, rows),
        list(zip(map(type, raw), raw, strict=True)),
        column.met[rows].tolist(),
    ]
    return list(zip(*common, *parts, strict=True))


def _bits(values: Any, rows: IntArray) -> list[Any]:
    """Numbers as their bits (NaN equals NaN; 0 and -0 differ, as they may print)."""
    found = np.asarray(values)[rows]
    if found.dtype.kind == "f":
        return found.astype(np.float64).view(np.int64).tolist()  # type: ignore[no-any-return]
    return found.tolist()  # type: ignore[no-any-return]


def _rated(column: ItemColumn, facts: FactSet, rows: IntArray) -> list[Any] | None:
    """The ratings each row has, by rater type (what the raters' trace shows)."""
    if column.data.rated is None:
        return [None] * len(rows)
    if column.item.default:
        return None  # the default's ratings are not the facts'
    own = facts.items.get(column.item.code)
    if own is None:
        return None
    ratings = own.ratings
    typed: Columns = []
    for lists in ratings.values():
        of = lists.of
        typed.append(
            [tuple(zip(map(type, got := of(row)), got, strict=True)) for row in rows.tolist()]
        )
    return list(zip(*typed, _bits(column.data.rated.points, rows), strict=True))


def _events(column: ItemColumn, rows: IntArray) -> Columns:
    parts: Columns = []
    for events in column.data.events.values():
        parts += [
            _bits(events.count, rows),
            _bits(events.amount, rows),
            events.listed[rows].tolist(),
            _sizes(events.sizes, rows),
        ]
    return parts


def _sizes(sizes: Lists, rows: IntArray) -> list[tuple[float, ...]]:
    """Each row's sizes as the numbers a trace reads of them (`numbers_of`)."""
    order, bounds, _ = sizes._index
    last = len(bounds) - 1
    spans = [(bounds[row], bounds[row + 1]) if 0 <= row < last else (0, 0) for row in rows.tolist()]
    first = min((low for low, high in spans if high > low), default=0)
    end = max((high for _, high in spans), default=0)
    numbers = sizes.numbers()[order[first:end]].tolist()  # only these rows' sizes
    return [tuple(numbers[low - first : high - first]) if high > low else () for low, high in spans]


def _bands(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns:
    scored = column.scored
    return [_bits(scored.detail["band"], rows), _bits(scored.score, rows)]


def _levels(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns | None:
    scored = column.scored
    rated = _rated(column, facts, rows)
    if rated is None:
        return None
    return [_bits(scored.detail["has_value"], rows), _bits(scored.score, rows), rated]


def _steps(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns:
    detail = column.scored.detail
    return [_bits(detail[name], rows) for name in ("down", "up", "raw")]


def _interpolate(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns:
    scored = column.scored
    return [*(_bits(x, rows) for x in scored.detail["xs"]), _bits(scored.score, rows)]


def _direct(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns | None:
    scored = column.scored
    rated = _rated(column, facts, rows)
    if rated is None:
        return None
    return [_bits(scored.detail["from_score"], rows), _bits(scored.score, rows), rated]


def _counted(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns:
    scored = column.scored
    carry = [None] * len(rows) if scored.carry is None else _bits(scored.carry, rows)
    return [*_events(column, rows), carry, _bits(scored.score, rows)]


def _formula(column: ItemColumn, facts: FactSet, rows: IntArray) -> Columns | None:
    rule: Any = column.item.rule
    names = sorted(rule.formula.names)
    if set(names) & set(column.data.lists):
        return None  # sum/mean/count of an event's occurrences
    env = column.data.env
    used = [_bits(env[name], rows) for name in names if name in env]
    return [*used, _bits(column.scored.detail["raw"], rows)]


_KINDS: dict[str, Callable[[ItemColumn, FactSet, IntArray], Columns | None]] = {
    "bands": _bands,
    "levels": _levels,
    "steps": _steps,
    "interpolate": _interpolate,
    "direct": _direct,
    "deduct": _counted,
    "add": _counted,
    "formula": _formula,
}
