"""Reading the CSV long format in bulk (`appraisee,item,kind,key,value`, §14).

The file is read by the csv module in one go and cut into its columns; the
rows are grouped by what they say (kind, item, key), and each group becomes
a column over the appraisees at once, its numbers converted once (each
distinct text once). The result is the FactSet that `FactsBuilder` would
build from the same rows one at a time — the same rows, values, order of
names and of appraisees — but without a Python call per row.

Any problem in the file (a row of the wrong width, an unknown kind, a fact
given twice, a word where a number must be, ...) makes `read_bulk` return
None: the careful row-by-row reader (facts_io.facts_from_csv) then reads the
file again and names every problem with its line. A valid file is read here.
ADR 0006 says why numpy and the csv module suffice.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from jixiao.scoring.facts import (
    Events,
    FactSet,
    IntArray,
    ItemFacts,
    Lists,
    ObjArray,
    _to_float,
    fact_column,
)
from jixiao.scoring.numbers import FloatArray

T = TypeVar("T")
KINDS = ("attribute", "input", "value", "event", "rating", "score", "adjustment")


class _Refused(Exception):
    """The file needs the careful reader (it has a problem to name)."""


def csv_value(text: str) -> object:
    """A CSV cell as a fact: an int, a float or the text (stripped)."""
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        return stripped
    return (
        int(number)
        if number.is_integer() and "." not in stripped and "e" not in stripped.lower()
        else number
    )


def _values(texts: Sequence[str]) -> tuple[list[object], FloatArray]:
    """The facts of CSV cells and their numbers, each distinct text converted once."""
    seen = {text: csv_value(text) for text in set(texts)}
    numbers = {text: _to_float(value) for text, value in seen.items()}
    values = list(map(seen.__getitem__, texts))
    return values, np.fromiter(map(numbers.__getitem__, texts), np.float64, len(texts))


def _objects(values: list[object]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _column(n: int, rows: IntArray, values: list[object], numbers: FloatArray) -> ObjArray:
    """One fact per appraisee: None (and NaN) where the appraisee has none."""
    if rows.size and np.bincount(rows, minlength=n).max() > 1:
        raise _Refused  # given twice
    out = np.full(n, None, dtype=object)
    out[rows] = _objects(values)
    filled = np.full(n, np.nan)
    filled[rows] = numbers
    return fact_column(out, filled)


def _lists(rows: IntArray, values: list[object], numbers: FloatArray) -> Lists:
    return Lists(rows.astype(np.int64), fact_column(_objects(values), numbers))


@dataclass
class _Group:
    """The rows of one (kind, item, key), in file order."""

    kind: str
    item: str
    key: str
    positions: IntArray  # indexes into the body, in file order


@dataclass
class _Item:
    first: tuple[int, int]  # (0, line) of its first fact; (1, line) when it has only events
    facts: ItemFacts = field(default_factory=ItemFacts)
    inputs: list[tuple[int, str, ObjArray]] = field(default_factory=list)
    events: list[tuple[int, str, Events]] = field(default_factory=list)
    ratings: list[tuple[int, str, Lists]] = field(default_factory=list)


def read_bulk(text: str, period: str | None) -> FactSet | None:
    """One period's facts from the CSV long format, or None when the file has a problem
    (the caller's careful reader names it). The header is checked by the caller."""
    collecting = gc.isenabled()
    gc.disable()  # millions of cells, none of them in a cycle: no collection while reading
    try:
        return _read(text, period)
    except _Refused:
        return None
    finally:
        if collecting:
            gc.enable()


def _read(text: str, period: str | None) -> FactSet:
    coded = _coded(text)
    if coded is None:
        raise _Refused
    if not coded.rows:
        return _empty(period)
    (who, who_names), (item_code, item_names), (kind_code, kind_names), (key_code, key_names) = (
        coded.column(index) for index in range(4)
    )
    kind_names = [kind.strip() for kind in kind_names]
    group_kind = [i for i, kind in enumerate(kind_names) if kind == "group"]
    facts_mask = ~np.isin(kind_code, group_kind) if group_kind else None
    owner, ids, first_line = _appraisees(who, who_names, facts_mask)
    if "" in ids:
        raise _Refused  # the appraisee column is empty
    combined = (kind_code * len(item_names) + item_code) * len(key_names) + key_code
    distinct, inverse = np.unique(combined, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.flatnonzero(np.diff(inverse[order])) + 1
    grouped: dict[tuple[str, str, str], _Group] = {}
    for code, members in zip(distinct.tolist(), np.split(order, bounds), strict=True):
        rest, key_index = divmod(code, len(key_names))
        kind_index, item_index = divmod(rest, len(item_names))
        kind, item, key = kind_names[kind_index], item_names[item_index], key_names[key_index]
        if kind == "group":
            continue
        if kind == "attribute" or (kind == "input" and not item):
            item = ""
        if kind in ("value", "score"):
            key = ""
        if kind == "adjustment":
            item, key = "", item or key
        found = grouped.get((kind, item, key))
        if found is None:
            grouped[(kind, item, key)] = _Group(kind, item, key, members)
        else:  # the same column under another item or key: merged in file order
            found.positions = np.sort(np.concatenate([found.positions, members]))
    grouped = dict(sorted(grouped.items(), key=lambda pair: int(pair[1].positions[0])))
    groups = []
    if facts_mask is not None:
        for position in np.flatnonzero(~facts_mask).tolist():
            item = item_names[item_code[position]]
            groups.append((item, key_names[key_code[position]], coded.values[position]))
    return _build(period, ids, first_line, grouped, owner, coded.values, groups)


class _Coded:
    """The body's first four columns as codes (0..k-1, in order of first appearance) with
    their distinct texts, and the value column as text: read a piece at a time."""

    def __init__(self) -> None:
        self.index: list[dict[str, int]] = [{}, {}, {}, {}]
        self.codes: list[list[IntArray]] = [[], [], [], []]
        self.parts: list[ObjArray] = []
        self.rows = 0

    def add(self, columns: Sequence[list[str]]) -> None:
        for number in range(4):
            cells, index = columns[number], self.index[number]
            for text in dict.fromkeys(cells):  # each distinct text of the piece once
                if text not in index:
                    index[text] = len(index)
            self.codes[number].append(np.fromiter(map(index.__getitem__, cells), np.int64))
        self.parts.append(_objects(columns[4]))  # type: ignore[arg-type]
        self.rows += len(columns[4])

    def column(self, number: int) -> tuple[IntArray, list[str]]:
        return np.concatenate(self.codes[number]), list(self.index[number])

    @cached_property
    def values(self) -> ObjArray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=object)


PIECE = 1 << 22  # characters of the file read at once (about 90,000 rows)


def _coded(text: str) -> _Coded | None:
    """The body (after the header) coded, or None for the careful reader (a problem).

    Without a quote character a CSV row is its line split at the commas (the csv
    module reads it so), which `str.split` does for a whole piece at once."""
    if "\r" in text:
        if "\r" in text.replace("\r\n", ""):
            return _coded_csv(text)
        text = text.replace("\r\n", "\n")
    if '"' in text:
        return _coded_csv(text)
    start = text.find("\n") + 1 if "\n" in text else len(text)
    end = len(text) - 1 if text.endswith("\n") else len(text)
    if start < end and text.find("\n\n", start - 1, end) >= 0:
        return None  # a blank line
    coded = _Coded()
    while start < end:
        stop = text.find("\n", min(start + PIECE, end))
        stop = end if stop < 0 or stop > end else stop
        cells = _cells(text[start:stop])
        if cells is None:
            return None
        coded.add([cells[column::5] for column in range(5)])
        start = stop + 1
    return coded


def _cells(piece: str) -> list[str] | None:
    """The cells of whole lines, 5 to a line; None when a line has another number."""
    data = np.frombuffer(piece.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    commas = np.flatnonzero(data == 44)
    if commas.size != 4 * (ends.size + 1):
        return None
    if ends.size and (np.diff(np.searchsorted(commas, ends), prepend=0) != 4).any():
        return None  # a row of the wrong width
    return piece.replace("\n", ",").split(",")


def _coded_csv(text: str) -> _Coded | None:
    reader = csv.reader(io.StringIO(text))
    next(reader, None)  # the header
    coded = _Coded()
    while records := list(itertools.islice(reader, 100_000)):
        if any(len(record) != 5 for record in records):
            return None  # blank lines, rows of the wrong width
        coded.add([list(column) for column in zip(*records, strict=True)])
    return coded


def _appraisees(
    codes: IntArray, distinct: list[str], facts_mask: npt.NDArray[np.bool_] | None
) -> tuple[IntArray, list[str], IntArray]:
    """Each row's appraisee (0..n-1 in order of first appearance among the facts rows;
    -1 on group rows), the ids, and the body index of each appraisee's first row."""
    if facts_mask is None:
        return codes, distinct, _firsts(codes)
    positions = np.flatnonzero(facts_mask)
    kept = codes[positions]
    distinct_kept, first = np.unique(kept, return_index=True)
    by_first = np.argsort(first, kind="stable")
    renumber = np.full(len(distinct), -1, dtype=np.int64)
    renumber[distinct_kept[by_first]] = np.arange(distinct_kept.size)
    owner = np.full(codes.size, -1, dtype=np.int64)
    owner[positions] = renumber[kept]
    first_line = positions[first[by_first]]
    return owner, [distinct[code] for code in distinct_kept[by_first].tolist()], first_line


def _firsts(codes: IntArray) -> IntArray:
    """Where each code first appears, for codes numbered in order of first appearance."""
    before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return np.flatnonzero(codes > before)


def _empty(period: str | None) -> FactSet:
    return FactSet(period, [], [], {}, {}, {}, {}, {}, {}, [])


def _build(
    period: str | None,
    ids: list[str],
    first_line: IntArray,
    grouped: dict[tuple[str, str, str], _Group],
    owner: IntArray,
    values: ObjArray,
    groups: list[tuple[str, str, str]],
) -> FactSet:
    n = len(ids)
    names: list[str | None] = [None] * n
    attributes: list[tuple[int, str, ObjArray]] = []
    inputs: list[tuple[int, str, ObjArray]] = []
    events: list[tuple[int, str, Events]] = []
    adjustments: list[tuple[int, str, Lists]] = []
    per_item: dict[str, _Item] = {}
    for (kind, item, key), group in grouped.items():
        positions = group.positions
        first = int(positions[0])
        rows = owner[positions]
        texts: list[str] = values[positions].tolist()
        if kind not in KINDS:
            raise _Refused  # an unknown kind
        if kind == "attribute":
            if key == "name":
                for row, text in zip(rows.tolist(), texts, strict=True):
                    names[row] = text  # the last one given wins
                continue
            raw = _objects(texts)  # type: ignore[arg-type]
            if np.bincount(rows, minlength=n).max() > 1:
                raise _Refused  # given twice
            out = np.full(n, None, dtype=object)
            out[rows] = raw
            attributes.append((first, key, fact_column(out)))
            continue
        if kind == "event":
            built = _events(n, rows, texts)
            if item:
                found = per_item.setdefault(item, _Item((1, first)))
                found.events.append((first, key, built))
            else:
                events.append((first, key, built))
            continue
        parsed, numbers = _values(texts)
        if kind == "input" and not item:
            inputs.append((first, key, _column(n, rows, parsed, numbers)))
            continue
        if kind == "adjustment":
            if np.isnan(numbers).any():
                raise _Refused  # an amount must be a number
            adjustments.append((first, key, _lists(rows, list(numbers.tolist()), numbers)))
            continue
        earlier = per_item.get(item)
        if earlier is not None and earlier.first[0] == 0:
            found = earlier
        else:
            found = per_item[item] = _Item((0, first), *_rest(earlier))
        if kind == "input":
            found.inputs.append((first, key, _column(n, rows, parsed, numbers)))
        elif kind == "value":
            found.facts.value = _column(n, rows, parsed, numbers)
        elif kind == "score":
            if np.isnan(numbers).any():
                raise _Refused  # a score must be a number
            found.facts.score = _column(n, rows, list(numbers.tolist()), numbers)
        else:
            found.ratings.append((first, key, _lists(rows, parsed, numbers)))
    return FactSet(
        period=period,
        ids=ids,
        names=names,
        attributes=_ordered(attributes),
        inputs=_ordered(inputs),
        events=_ordered(events),
        adjustments=_ordered(adjustments),
        items=_items(per_item),
        groups=_groups(groups),
        paths=[(f"row {line + 2}",) for line in first_line.tolist()],
    )


def _rest(
    found: _Item | None,
) -> tuple[ItemFacts, list[tuple[int, str, ObjArray]], list[tuple[int, str, Events]]]:
    """What an item that had only events keeps when a fact of another kind comes first."""
    if found is None:
        return ItemFacts(), [], []
    return found.facts, found.inputs, found.events


def _ordered(columns: list[tuple[int, str, T]]) -> dict[str, T]:
    """Columns in the order of their first fact in the file (as the builder adds them)."""
    return {key: column for _, key, column in sorted(columns, key=lambda one: one[0])}


def _items(per_item: dict[str, _Item]) -> dict[str, ItemFacts]:
    out = {}
    for code, found in sorted(per_item.items(), key=lambda pair: pair[1].first):
        facts = found.facts
        facts.inputs = _ordered(found.inputs)
        facts.events = _ordered(found.events)
        facts.ratings = _ordered(found.ratings)
        out[code] = facts
    return out


def _events(n: int, rows: IntArray, texts: list[str]) -> Events:
    """An event's rows: one row of an appraisee is a count, several are a list of sizes."""
    _, numbers = _values(texts)
    if not (numbers >= 0).all():
        raise _Refused  # a count or a size must be a number >= 0
    counts = np.bincount(rows, minlength=n)
    single = counts[rows] == 1
    if (numbers[single] != np.floor(numbers[single])).any():
        raise _Refused  # a count is a whole number
    # rows in the order of their first event row, as the builder receives them
    distinct, first = np.unique(rows, return_index=True)
    order = distinct[np.argsort(first, kind="stable")]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(order.size)
    sequence = np.lexsort((np.arange(rows.size), rank[rows]))
    rows, numbers, single = rows[sequence], numbers[sequence], single[sequence]
    count = np.zeros(n)
    count[rows[single]] = numbers[single]
    listed = np.zeros(n, dtype=bool)
    listed[rows[~single]] = True
    count += np.bincount(rows[~single], minlength=n)
    keep = ~single | (numbers > 0)  # a bare count also stands as one size (§5.3)
    size_rows, sizes = rows[keep], numbers[keep]
    amount = np.bincount(size_rows, weights=sizes, minlength=n).astype(np.float64)
    size_values = fact_column(_objects(sizes.tolist()), sizes.copy())
    return Events(count=count, amount=amount, listed=listed, sizes=Lists(size_rows, size_values))


def _groups(rows: list[tuple[str, str, str]]) -> dict[str, dict[str, dict[str, object]]]:
    """Group inputs: (attribute=value, key, amount) rows."""
    groups: dict[str, dict[str, dict[str, object]]] = {}
    for item, key, amount in rows:
        attribute, _, group_value = item.partition("=")
        if not group_value:
            raise _Refused  # a group row names its group as attribute=value
        inputs = groups.setdefault(attribute.strip(), {}).setdefault(group_value.strip(), {})
        if key in inputs:
            raise _Refused  # given twice
        inputs[key] = csv_value(amount)
    return groups


__all__ = ["csv_value", "read_bulk"]
