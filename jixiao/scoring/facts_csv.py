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
from abc import ABC, abstractmethod
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
BoolArray = npt.NDArray[np.bool_]
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


@dataclass
class _Values:
    """One group's values: each distinct text read once, then every row's by its index."""

    texts: list[str]
    inverse: IntArray

    @cached_property
    def parsed(self) -> list[object]:
        return [csv_value(text) for text in self.texts]

    def objects(self) -> ObjArray:
        return _objects(self.parsed)[self.inverse]

    def numbers(self) -> FloatArray:
        numbers = np.array([_to_float(value) for value in self.parsed], dtype=np.float64)
        return numbers[self.inverse]

    def words(self) -> npt.NDArray[np.bool_]:
        found = np.array([isinstance(value, str) for value in self.parsed], dtype=bool)
        return found[self.inverse]


def _objects(values: list[object]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _column(n: int, rows: IntArray, values: _Values) -> ObjArray:
    """One fact per appraisee: None (and NaN) where the appraisee has none."""
    if rows.size and np.bincount(rows, minlength=n).max() > 1:
        raise _Refused  # given twice
    out = np.full(n, None, dtype=object)
    out[rows] = values.objects()
    filled = np.full(n, np.nan)
    filled[rows] = values.numbers()
    text = np.zeros(n, dtype=bool)
    text[rows] = values.words()
    return _with_words(fact_column(out, filled), text)


def _lists(rows: IntArray, values: ObjArray, numbers: FloatArray, text: BoolArray) -> Lists:
    return Lists(rows.astype(np.int64), _with_words(fact_column(values, numbers), text))


def _with_words(column: ObjArray, text: BoolArray) -> ObjArray:
    """The column's text mask (`facts.words`), known here without looking at each value."""
    text.flags.writeable = False
    column.words = text  # type: ignore[attr-defined]
    return column


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
    fields = _fields(text)
    if fields is None:
        raise _Refused
    if not fields.rows:
        return _empty(period)
    triples = [(item, kind.strip(), key) for item, kind, key in fields.middle_names]
    group_kind = [code for code, (_, kind, _) in enumerate(triples) if kind == "group"]
    facts_mask = ~np.isin(fields.middle, group_kind) if group_kind else None
    owner, ids, first_line = _appraisees(fields.who, fields.who_names, facts_mask)
    if "" in ids:
        raise _Refused  # the appraisee column is empty
    small = fields.middle.astype(np.int16 if len(triples) < 1 << 15 else np.int64)
    order = np.argsort(small, kind="stable")  # a radix sort for small codes
    in_order = small[order]
    bounds = np.flatnonzero(in_order[1:] != in_order[:-1]) + 1
    present = in_order[np.concatenate(([0], bounds))].tolist()
    grouped: dict[tuple[str, str, str], _Group] = {}
    for code, members in zip(present, np.split(order, bounds), strict=True):
        item, kind, key = triples[code]
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
            item, _, key = triples[int(fields.middle[position])]
            groups.append((item, key, fields.text(position)))
    return _build(period, ids, first_line, grouped, owner, fields, groups)


class _Fields(ABC):
    """The body of the file: each row's appraisee as a code (0..k-1, in order of first
    appearance) with the distinct ids, each row's (item, kind, key) as a code with the
    distinct triples, and the value column, read a group of rows at a time."""

    rows: int
    who: IntArray
    who_names: list[str]
    middle: IntArray
    middle_names: list[tuple[str, str, str]]

    @abstractmethod
    def texts(self, positions: IntArray) -> tuple[list[str], IntArray]:
        """The values of these rows as their distinct texts and each row's index into them."""

    def text(self, position: int) -> str:
        distinct, inverse = self.texts(np.array([position], dtype=np.int64))
        return distinct[int(inverse[0])]


class _Coded(_Fields):
    """Cells as Python text (a file with quotes or carriage returns), coded a piece at a
    time."""

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

    def done(self) -> _Coded:
        codes = [
            np.concatenate(self.codes[number]) if self.rows else np.zeros(0, np.int64)
            for number in range(4)
        ]
        names = [list(index) for index in self.index]
        self.who, self.who_names = codes[0], names[0]
        combined = (codes[2] * len(names[1]) + codes[1]) * len(names[3]) + codes[3]
        distinct, inverse = np.unique(combined, return_inverse=True)
        self.middle = inverse.astype(np.int64).ravel()
        self.middle_names = []
        for code in distinct.tolist():
            rest, key = divmod(code, len(names[3]))
            kind, item = divmod(rest, len(names[1]))
            self.middle_names.append((names[1][item], names[2][kind], names[3][key]))
        self.values = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=object)
        return self

    def texts(self, positions: IntArray) -> tuple[list[str], IntArray]:
        cells: list[str] = self.values[positions].tolist()
        index = {text: code for code, text in enumerate(dict.fromkeys(cells))}
        return list(index), np.fromiter(map(index.__getitem__, cells), np.int64, len(cells))


def _fields(text: str) -> _Fields | None:
    """The body (after the header), or None for the careful reader (a problem).

    Without a quote character a CSV row is its line cut at the commas (the csv module
    reads it so): numpy finds the commas and line ends in the bytes and codes whole
    columns at once (`_Bytes`)."""
    if "\r" in text:
        if "\r" in text.replace("\r\n", ""):
            return _coded_csv(text)
        text = text.replace("\r\n", "\n")
    if '"' in text:
        return _coded_csv(text)
    start = text.find("\n") + 1 if "\n" in text else len(text)
    if start >= len(text) or text[start:] == "\n":
        return _Coded().done()
    return _Bytes.read(text, start)


_MASKS = np.array([(1 << (8 * size)) - 1 for size in range(9)], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
WIDEST = 64  # bytes: a longer cell is read by `_Bytes.slow`


class _Bytes(_Fields):
    """The body as bytes: each cell is where it starts and how long it is; cells of a
    column are compared as fixed-width words (zeros after the cell's end), which are
    exact keys (a file holds no NUL byte); more than 8 bytes are mixed into one word and
    every row checked against its group's first row."""

    def __init__(
        self,
        raw: bytes,
        offset: int,
        padded: npt.NDArray[np.uint8],
        commas: IntArray,
        ends: IntArray,
    ) -> None:
        self.raw, self.offset = raw, offset  # the file's bytes; its rows start at offset
        self.padded = padded  # the rows' bytes, then WIDEST zeros
        self.rows = int(ends.size)
        line_starts = np.concatenate(([0], ends[:-1] + 1))
        self.value_start, self.value_size = commas[:, 3] + 1, ends - commas[:, 3] - 1

        self.who, first = _factorise(
            self._words(line_starts, commas[:, 0] - line_starts), runs=True
        )
        self.who_names = self._decode(line_starts[first], commas[first, 0] - line_starts[first])
        middle_start = commas[:, 0] + 1
        self.middle, first = _factorise(self._words(middle_start, commas[:, 3] - middle_start))
        found = self._decode(middle_start[first], commas[first, 3] - middle_start[first])
        self.middle_names = [tuple(text.split(",")) for text in found]  # type: ignore[misc]

    @classmethod
    def read(cls, text: str, start: int) -> _Fields | None:
        """The rows after the header (which ends at `start`), without a copy of the text."""
        raw = text.encode("utf-8")
        if b"\0" in raw:
            return None
        offset = len(text[:start].encode("utf-8"))
        size = len(raw) - offset + (0 if raw.endswith(b"\n") else 1)  # every row ends in \n
        padded = np.zeros(size + WIDEST, dtype=np.uint8)
        padded[: len(raw) - offset] = np.frombuffer(raw, dtype=np.uint8, offset=offset)
        padded[size - 1] = 10
        data = padded[:size]
        ends = np.flatnonzero(data == 10)
        commas = np.flatnonzero(data == 44)
        if commas.size != 4 * ends.size:
            return None  # a row of the wrong width, or a blank line
        if (np.diff(np.searchsorted(commas, ends), prepend=0) != 4).any():
            return None
        try:
            return cls(raw, offset, padded, commas.reshape(-1, 4), ends)
        except _Wide:
            return _split(text[start:].removesuffix("\n"))

    def _words(self, starts: IntArray, sizes: IntArray) -> npt.NDArray[np.uint64]:
        """Each cell's bytes, zero-padded to a multiple of 8, as rows of 64-bit words."""
        width = max(8, -(-int(sizes.max(initial=0)) // 8) * 8)
        if width > WIDEST:
            raise _Wide
        windows = np.lib.stride_tricks.as_strided(
            self.padded, shape=(self.padded.size - WIDEST, width), strides=(1, 1), writeable=False
        )
        words = windows[starts].view(np.uint64)
        for k in range(width // 8):
            words[:, k] &= _MASKS[np.clip(sizes - 8 * k, 0, 8)]
        return words

    def _decode(self, starts: IntArray, sizes: IntArray) -> list[str]:
        raw, offset = self.raw, self.offset
        return [
            raw[start : start + size].decode("utf-8")
            for start, size in zip((starts + offset).tolist(), sizes.tolist(), strict=True)
        ]

    def texts(self, positions: IntArray) -> tuple[list[str], IntArray]:
        starts, sizes = self.value_start[positions], self.value_size[positions]
        try:
            words = self._words(starts, sizes)
        except _Wide:
            cells = self._decode(starts, sizes)
            index = {text: code for code, text in enumerate(dict.fromkeys(cells))}
            return list(index), np.fromiter(map(index.__getitem__, cells), np.int64, len(cells))
        codes, first = _factorise(words)
        return self._decode(starts[first], sizes[first]), codes


class _Wide(Exception):
    """A cell wider than `WIDEST` bytes."""


def _factorise(words: npt.NDArray[np.uint64], *, runs: bool = False) -> tuple[IntArray, IntArray]:
    """Codes 0..k-1 of equal rows, numbered in order of first appearance, and the first
    row of each code. `runs`: equal rows mostly come together (an appraisee's facts)."""
    key = words[:, 0].copy()
    for k in range(1, words.shape[1]):
        key *= _MIX
        key += words[:, k]
    rows = key.size
    heads = np.arange(rows)
    if runs and rows:
        heads = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    distinct, inverse = np.unique(key[heads], return_inverse=True)
    inverse = inverse.ravel()
    first = np.full(distinct.size, rows, dtype=np.int64)
    np.minimum.at(first, inverse, heads)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    codes = rank[inverse]
    if runs:
        codes = np.repeat(codes, np.diff(np.append(heads, rows)))
    first = first[order]
    if words.shape[1] > 1 and not (words == words[first][codes]).all():
        raise _Wide  # two different cells mixed into one word: read them as text
    return codes, first


def _split(body: str) -> _Fields | None:
    """Cells as Python text when a cell is too wide for words: `str.split` a piece at
    a time."""
    coded = _Coded()
    start, end = 0, len(body)
    while start < end:
        stop = body.find("\n", min(start + PIECE, end))
        stop = end if stop < 0 or stop > end else stop
        cells = body[start:stop].replace("\n", ",").split(",")
        coded.add([cells[column::5] for column in range(5)])
        start = stop + 1
    return coded.done()


PIECE = 1 << 22  # characters of the file read at once (about 90,000 rows)


def _coded_csv(text: str) -> _Fields | None:
    reader = csv.reader(io.StringIO(text))
    next(reader, None)  # the header
    coded = _Coded()
    while records := list(itertools.islice(reader, 100_000)):
        if any(len(record) != 5 for record in records):
            return None  # blank lines, rows of the wrong width
        coded.add([list(column) for column in zip(*records, strict=True)])
    return coded.done()


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
    fields: _Fields,
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
        texts, inverse = fields.texts(positions)
        values = _Values(texts, inverse)
        if kind not in KINDS:
            raise _Refused  # an unknown kind
        if kind == "attribute":
            if key == "name":
                for row, index in zip(rows.tolist(), inverse.tolist(), strict=True):
                    names[row] = texts[index]  # the last one given wins
                continue
            if np.bincount(rows, minlength=n).max() > 1:
                raise _Refused  # given twice
            out = np.full(n, None, dtype=object)
            out[rows] = _objects(list(texts))[inverse]  # attributes stay text
            numbers = np.full(n, np.nan)
            numbers[rows] = np.array([_to_float(t) for t in texts], dtype=np.float64)[inverse]
            text = np.zeros(n, dtype=bool)
            text[rows] = True
            attributes.append((first, key, _with_words(fact_column(out, numbers), text)))
            continue
        if kind == "event":
            built = _events(n, rows, values.numbers())
            if item:
                found = per_item.setdefault(item, _Item((1, first)))
                found.events.append((first, key, built))
            else:
                events.append((first, key, built))
            continue
        if kind == "input" and not item:
            inputs.append((first, key, _column(n, rows, values)))
            continue
        if kind in ("adjustment", "score"):
            numbers = values.numbers()
            if np.isnan(numbers).any():
                raise _Refused  # an amount or a score must be a number
            as_given = _Values([repr(x) for x in numbers.tolist()], np.arange(numbers.size))
            as_given.parsed = list(numbers.tolist())  # floats, as the careful reader keeps them
        if kind == "adjustment":
            adjustments.append((first, key, _lists(rows, *_entries(as_given))))
            continue
        earlier = per_item.get(item)
        if earlier is not None and earlier.first[0] == 0:
            found = earlier
        else:
            found = per_item[item] = _Item((0, first), *_rest(earlier))
        if kind == "input":
            found.inputs.append((first, key, _column(n, rows, values)))
        elif kind == "value":
            found.facts.value = _column(n, rows, values)
        elif kind == "score":
            found.facts.score = _column(n, rows, as_given)
        else:
            found.ratings.append((first, key, _lists(rows, *_entries(values))))
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


def _entries(values: _Values) -> tuple[ObjArray, FloatArray, BoolArray]:
    return values.objects(), values.numbers(), values.words()


def _events(n: int, rows: IntArray, numbers: FloatArray) -> Events:
    """An event's rows: one row of an appraisee is a count, several are a list of sizes."""
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
    size_values = _with_words(
        fact_column(_objects(sizes.tolist()), sizes.copy()), np.zeros(sizes.size, dtype=bool)
    )
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
