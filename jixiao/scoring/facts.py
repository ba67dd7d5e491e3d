"""Facts (scheme-language §3, §14), held column by column.

A `FactSet` is one period's facts for a whole population, stored as arrays
over appraisees so that the engine scores everyone at once. `FactsBuilder`
takes facts one at a time (from YAML, JSON, CSV, the database or the API)
and turns them into a `FactSet`; `load_facts()` reads files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from jixiao.scoring.errors import Path
from jixiao.scoring.numbers import FloatArray
from jixiao.scoring.wording import say

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]


def _to_float(raw: object) -> float:
    if isinstance(raw, bool) or raw is None:
        return float("nan")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip().replace(",", ""))
        except ValueError:
            return float("nan")
    return float("nan")


def convert(values: list[object] | ObjArray) -> FloatArray:
    """Numbers from raw values, each distinct value converted once; NaN where there is
    none or it is not a number."""
    try:
        seen: dict[object, float] = {value: _to_float(value) for value in set(values)}
    except TypeError:  # an unhashable value: one at a time
        seen = {True: 0.0}
    if any(isinstance(value, bool) for value in seen):  # True == 1 as a key: one at a time
        return np.fromiter((_to_float(v) for v in values), dtype=np.float64, count=len(values))
    if len(seen) == 1:  # one value for everyone (an item nobody has a value for: None)
        return np.full(len(values), next(iter(seen.values())), dtype=np.float64)
    return np.fromiter(map(seen.__getitem__, values), dtype=np.float64, count=len(values))


class FactColumn(np.ndarray):
    """Facts as given (numbers, words, None), one per appraisee or list entry, holding
    their numbers, converted once when the facts are loaded (`floats` returns them).

    A copy or a view converts again (it may be changed), so the numbers never go stale.
    """

    numbers: FloatArray | None = None
    words: npt.NDArray[np.bool_] | None = None

    def __array_finalize__(self, obj: object) -> None:
        self.numbers = None
        self.words = None


def fact_column(values: ObjArray, numbers: FloatArray | None = None) -> ObjArray:
    """`values` with their numbers (converted here unless given), read-only."""
    column = values.view(FactColumn)
    found = convert(values) if numbers is None else numbers
    found.flags.writeable = False
    column.numbers = found
    return column


def no_facts(n: int) -> ObjArray:
    """A facts column where nobody has a fact (None, NaN, no text), made without looking."""
    column = fact_column(np.full(n, None, dtype=object), np.full(n, np.nan))
    mask = np.zeros(n, dtype=bool)
    mask.flags.writeable = False
    column.words = mask  # type: ignore[attr-defined]
    return column


def words(values: ObjArray) -> npt.NDArray[np.bool_]:
    """Where the values are text (level names, words), as a mask; a facts column keeps it."""
    found: npt.NDArray[np.bool_] | None = getattr(values, "words", None)
    if found is not None:
        return found
    mask = np.fromiter(map(str.__instancecheck__, values), dtype=bool, count=len(values))
    if isinstance(values, FactColumn):
        mask.flags.writeable = False
        values.words = mask
    return mask


def floats(values: ObjArray) -> FloatArray:
    """Numbers from raw values; NaN where there is none or it is not a number. A column
    read from facts has them already (read-only: copy before changing)."""
    found: FloatArray | None = getattr(values, "numbers", None)
    if found is not None:
        return found
    return convert(values)


@dataclass(frozen=True)
class Lists:
    """Several values per appraisee: row `owner[k]` has `values[k]`."""

    owner: IntArray
    values: ObjArray

    @staticmethod
    def empty() -> Lists:
        return Lists(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))

    def counts(self, n: int) -> IntArray:
        return np.bincount(self.owner, minlength=n).astype(np.int64)

    def numbers(self) -> FloatArray:
        return self._numbers

    @cached_property
    def _numbers(self) -> FloatArray:
        return floats(self.values)

    @cached_property
    def _index(self) -> tuple[IntArray, list[int], list[object]]:
        """The entries by owner: their order, where each row's start (row r's are
        `order[bounds[r]:bounds[r + 1]]`), and the values in that order."""
        order = np.argsort(self.owner, kind="stable")
        rows = int(self.owner.max()) + 2 if self.owner.size else 1
        bounds = np.searchsorted(self.owner[order], np.arange(rows)).tolist()
        return order, bounds, self.values[order].tolist()

    def _span(self, row: int) -> tuple[int, int]:
        _, bounds, _ = self._index
        if not 0 <= row < len(bounds) - 1:
            return 0, 0
        return bounds[row], bounds[row + 1]

    def positions(self, row: int) -> IntArray:
        """Where row `row`'s entries are in `values`, in the order given."""
        low, high = self._span(row)
        found: IntArray = self._index[0][low:high]
        return found

    def of(self, row: int) -> list[object]:
        low, high = self._span(row)
        return self._index[2][low:high]

    def numbers_of(self, row: int) -> FloatArray:
        found: FloatArray = self._numbers[self.positions(row)]
        return found


@dataclass(frozen=True)
class Events:
    """One event name's facts: occurrences per appraisee and sizes where given.

    A count (`overtime: 12`) is 12 occurrences; a list (`late_day: [3, 1]`) is
    one occurrence per entry with those sizes. `sizes` holds every size, and a
    bare count also stands as one size (so `accident: 6000` works for by_size).
    """

    count: FloatArray  # occurrences (0 where absent)
    amount: FloatArray  # count for a count, Σ sizes for a list
    listed: npt.NDArray[np.bool_]  # the fact was a list of sizes
    sizes: Lists

    @staticmethod
    def none(n: int) -> Events:
        """No occurrence for anyone (an event name the facts do not mention)."""
        zeros = np.zeros(n)
        return Events(zeros, zeros, np.zeros(n, dtype=bool), Lists.empty())

    def occurrences(self) -> tuple[IntArray, FloatArray]:
        """One entry per occurrence, for `sum/mean/count(name)` in expressions: a list's
        sizes, and for a count `late: 3` three occurrences of size 1 (so count(late) = 3)."""
        from_lists = self.listed[self.sizes.owner] if len(self.sizes.owner) else np.zeros(0, bool)
        counted = np.flatnonzero(~self.listed & (self.count > 0))
        repeats = self.count[counted].astype(np.int64)
        owner = np.concatenate([self.sizes.owner[from_lists], np.repeat(counted, repeats)])
        values = np.concatenate([self.sizes.numbers()[from_lists], np.ones(int(repeats.sum()))])
        return owner.astype(np.int64), values


@dataclass(frozen=True)
class InputList:
    """A list input (v1.1 §3): each appraisee's numbers (`{monthly_totals: [88, 91.5]}`),
    oldest first. A number given is a list of one; `listed` marks the rows that gave a
    list (which is an error outside sum/mean/count/min/max)."""

    entries: Lists
    listed: npt.NDArray[np.bool_]


@dataclass
class ItemFacts:
    value: ObjArray | None = None
    score: ObjArray | None = None
    inputs: dict[str, ObjArray] = field(default_factory=dict)
    events: dict[str, Events] = field(default_factory=dict)
    ratings: dict[str, Lists] = field(default_factory=dict)
    lists: dict[str, InputList] = field(default_factory=dict)  # list inputs (v1.1 §3)


@dataclass
class FactSet:
    """One period's facts for a population."""

    period: str | None
    ids: list[str]
    names: list[str | None]
    attributes: dict[str, ObjArray]
    inputs: dict[str, ObjArray]
    events: dict[str, Events]
    adjustments: dict[str, Lists]
    items: dict[str, ItemFacts]
    groups: dict[str, dict[str, dict[str, object]]]
    paths: list[Path] = field(default_factory=list)  # where each appraisee came from
    lists: dict[str, InputList] = field(default_factory=dict)  # list inputs (v1.1 §3)

    @property
    def n(self) -> int:
        return len(self.ids)

    def attribute(self, name: str) -> ObjArray:
        found = self.attributes.get(name)
        return found if found is not None else np.full(self.n, None, dtype=object)


class _Column:
    """Scalar facts collected as (row, value) before becoming an array."""

    __slots__ = ("rows", "values")

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.values: list[object] = []

    def array(self, n: int) -> ObjArray:
        out = np.full(n, None, dtype=object)
        if self.rows:
            out[np.asarray(self.rows, dtype=np.int64)] = _object_array(self.values)
        return fact_column(out)

    def lists(self) -> Lists:
        values = fact_column(_object_array(self.values))
        return Lists(np.asarray(self.rows, dtype=np.int64), values)


def _object_array(values: list[object]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


class _EventColumn:
    __slots__ = ("count_rows", "counts", "listed_rows", "sizes")

    def __init__(self) -> None:
        self.count_rows: list[int] = []
        self.counts: list[float] = []
        self.listed_rows: list[int] = []
        self.sizes = _Column()

    def build(self, n: int) -> Events:
        count = np.zeros(n, dtype=np.float64)
        listed = np.zeros(n, dtype=bool)
        if self.count_rows:
            np.add.at(count, np.asarray(self.count_rows, dtype=np.int64), self.counts)
        sizes = self.sizes.lists()
        numbers = sizes.numbers() if len(sizes.values) else np.zeros(0)
        amount = np.bincount(sizes.owner, weights=numbers, minlength=n).astype(np.float64)
        if self.listed_rows:
            rows = np.asarray(self.listed_rows, dtype=np.int64)
            listed[rows] = True
            count += np.bincount(rows, minlength=n)
        return Events(count=count, amount=amount, listed=listed, sizes=sizes)


class _ListColumn(_Column):
    """List inputs collected as (row, number) entries, and the rows that gave a list."""

    __slots__ = ("listed",)

    def __init__(self) -> None:
        super().__init__()
        self.listed: list[int] = []


def _input_lists(
    scalars: Mapping[str, _Column], listed: Mapping[str, _ListColumn], n: int
) -> dict[str, InputList]:
    """The list inputs: every name given as a list somewhere, its numbers given too (§3)."""
    found = {}
    for name, column in listed.items():
        rows = np.zeros(n, dtype=bool)
        rows[np.asarray(column.listed, dtype=np.int64)] = True
        one = scalars.get(name) or _Column()
        values = fact_column(_object_array([*one.values, *column.values]))
        owner = np.asarray([*one.rows, *column.rows], dtype=np.int64)
        found[name] = InputList(Lists(owner, values), rows)
    return found


@dataclass
class _ItemBuilder:
    value: _Column = field(default_factory=_Column)
    score: _Column = field(default_factory=_Column)
    inputs: dict[str, _Column] = field(default_factory=dict)
    events: dict[str, _EventColumn] = field(default_factory=dict)
    ratings: dict[str, _Column] = field(default_factory=dict)
    lists: dict[str, _ListColumn] = field(default_factory=dict)


class FactsBuilder:
    """Collects one period's facts, one fact at a time, and checks their form.

    Each `add_*` takes the path of the fact in its source document so that a
    problem can say where it is. Problems are collected in `problems`.
    """

    def __init__(self, period: str | None = None) -> None:
        self.period = period
        self.ids: list[str] = []
        self.names: list[str | None] = []
        self.paths: list[Path] = []
        self._rows: dict[str, int] = {}
        self._attributes: dict[str, _Column] = {}
        self._inputs: dict[str, _Column] = {}
        self._lists: dict[str, _ListColumn] = {}  # list inputs (v1.1 §3)
        self._events: dict[str, _EventColumn] = {}
        self._adjustments: dict[str, _Column] = {}
        self._items: dict[str, _ItemBuilder] = {}
        self._seen: set[tuple[object, ...]] = set()
        self.groups: dict[str, dict[str, dict[str, object]]] = {}
        self.problems: list[tuple[Path, str]] = []

    # -- appraisees --------------------------------------------------------
    def appraisee(self, appraisee_id: str, name: str | None, path: Path) -> int:
        """The row of an appraisee, created on first sight."""
        row = self._rows.get(appraisee_id)
        if row is None:
            row = len(self.ids)
            self._rows[appraisee_id] = row
            self.ids.append(appraisee_id)
            self.names.append(name)
            self.paths.append(path)
        elif name and not self.names[row]:
            self.names[row] = name
        return row

    def new_appraisee(self, appraisee_id: str, name: str | None, path: Path) -> int | None:
        if appraisee_id in self._rows:
            self.problems.append((path, say("appraisee {id!r} appears twice", id=appraisee_id)))
            return None
        return self.appraisee(appraisee_id, name, path)

    # -- facts ---------------------------------------------------------------
    def _once(self, key: tuple[object, ...], path: Path, what: str) -> bool:
        if key in self._seen:
            self.problems.append((path, say("{what} is given twice", what=what)))
            return False
        self._seen.add(key)
        return True

    def add_attribute(self, row: int, key: str, value: object, path: Path) -> None:
        if self._once(("attr", row, key), path, say("attribute {key!r}", key=key)):
            self._attributes.setdefault(key, _Column())
            self._attributes[key].rows.append(row)
            self._attributes[key].values.append(_plain(value))

    def add_input(self, row: int, item: str | None, key: str, value: object, path: Path) -> None:
        if isinstance(value, list):
            self._add_list(row, item, key, value, path)
            return
        if not _is_scalar(value):
            self.problems.append(
                (path, say("input {key!r} must be a number, a word or a list", key=key))
            )
            return
        if not self._once(("input", row, item, key), path, say("input {key!r}", key=key)):
            return
        columns = self._item(item).inputs if item else self._inputs
        columns.setdefault(key, _Column())
        columns[key].rows.append(row)
        columns[key].values.append(_plain(value))

    def _add_list(
        self, row: int, item: str | None, key: str, value: list[object], path: Path
    ) -> None:
        """A list input (`monthly_totals: [88, 91.5]`, v1.1 §3); null is a number not there."""
        for index, entry in enumerate(value):
            if entry is not None and not _is_number(entry):
                self.problems.append(
                    ((*path, index), say("a list input holds numbers: {entry!r}", entry=entry))
                )
                return
        if not self._once(("input", row, item, key), path, say("input {key!r}", key=key)):
            return
        column = (self._item(item).lists if item else self._lists).setdefault(key, _ListColumn())
        column.listed.append(row)
        column.rows.extend([row] * len(value))
        column.values.extend(_to_float(entry) for entry in value)

    def add_value(self, row: int, item: str, value: object, path: Path) -> None:
        if not _is_scalar(value):
            self.problems.append((path, say("a value must be a number or a level name")))
        elif self._once(("value", row, item), path, say("the value of {item!r}", item=item)):
            column = self._item(item).value
            column.rows.append(row)
            column.values.append(_plain(value))

    def add_score(self, row: int, item: str, value: object, path: Path) -> None:
        if not _is_number(value):
            self.problems.append(
                (path, say("a score must be a number, got {value!r}", value=value))
            )
        elif self._once(("score", row, item), path, say("the score of {item!r}", item=item)):
            column = self._item(item).score
            column.rows.append(row)
            column.values.append(_to_float(value))

    def add_event(self, row: int, item: str | None, key: str, value: object, path: Path) -> None:
        """An event fact: a count (`overtime: 12`) or a list of sizes (`late_day: [3, 1]`)."""
        if not self._once(("event", row, item, key), path, say("event {key!r}", key=key)):
            return
        columns = self._item(item).events if item else self._events
        column = columns.setdefault(key, _EventColumn())
        if isinstance(value, list):
            for index, size in enumerate(value):
                if not _is_number(size) or _to_float(size) < 0:
                    self.problems.append(
                        ((*path, index), say("a size must be a number >= 0: {size!r}", size=size))
                    )
                    return
            column.listed_rows.extend([row] * len(value))
            column.sizes.rows.extend([row] * len(value))
            column.sizes.values.extend(_to_float(size) for size in value)
            return
        number = _to_float(value) if _is_number(value) else float("nan")
        if not (number >= 0) or number != int(number):
            self.problems.append(
                (
                    path,
                    say(
                        "an event is a count (a whole number >= 0) or a list of sizes,"
                        " got {value!r}",
                        value=value,
                    ),
                )
            )
            return
        column.count_rows.append(row)
        column.counts.append(number)
        if number > 0:  # a bare number also stands as one size, for by_size (§5.3)
            column.sizes.rows.append(row)
            column.sizes.values.append(number)

    def add_rating(self, row: int, item: str, rater: str, value: object, path: Path) -> None:
        values = value if isinstance(value, list) else [value]
        column = self._item(item).ratings.setdefault(rater, _Column())
        for index, one in enumerate(values):
            if not _is_scalar(one):
                where = (*path, index) if isinstance(value, list) else path
                self.problems.append((where, say("a rating must be a number or a level name")))
                return
            column.rows.append(row)
            column.values.append(_plain(one))

    def add_adjustment(self, row: int, name: str, value: object, path: Path) -> None:
        """Amounts entered for a bonus/penalty, or a mapping of events for add/deduct."""
        if isinstance(value, Mapping):
            for key, count in value.items():
                self.add_event(row, None, str(key), count, (*path, str(key)))
            return
        values = value if isinstance(value, list) else [value]
        column = self._adjustments.setdefault(name, _Column())
        for index, amount in enumerate(values):
            if not _is_number(amount):
                where = (*path, index) if isinstance(value, list) else path
                self.problems.append(
                    (where, say("an amount must be a number, got {amount!r}", amount=amount))
                )
                return
            column.rows.append(row)
            column.values.append(_to_float(amount))

    def add_group(self, attribute: str, value: str, key: str, amount: object, path: Path) -> None:
        inputs = self.groups.setdefault(attribute, {}).setdefault(value, {})
        if key in inputs:
            self.problems.append(
                (
                    path,
                    say(
                        "group input {key!r} of {attribute}={value} is given twice",
                        key=key,
                        attribute=attribute,
                        value=value,
                    ),
                )
            )
        inputs[key] = _plain(amount)

    def _item(self, item: str | None) -> _ItemBuilder:
        assert item is not None
        found = self._items.get(item)
        if found is None:
            found = self._items[item] = _ItemBuilder()
        return found

    # -- result --------------------------------------------------------------
    def build(self) -> FactSet:
        n = len(self.ids)
        items = {
            code: ItemFacts(
                value=b.value.array(n) if b.value.rows else None,
                score=b.score.array(n) if b.score.rows else None,
                inputs={k: c.array(n) for k, c in b.inputs.items()},
                events={k: c.build(n) for k, c in b.events.items()},
                ratings={k: c.lists() for k, c in b.ratings.items()},
                lists=_input_lists(b.inputs, b.lists, n),
            )
            for code, b in self._items.items()
        }
        return FactSet(
            period=self.period,
            ids=self.ids,
            names=self.names,
            attributes={k: c.array(n) for k, c in self._attributes.items()},
            inputs={k: c.array(n) for k, c in self._inputs.items()},
            events={k: c.build(n) for k, c in self._events.items()},
            adjustments={k: c.lists() for k, c in self._adjustments.items()},
            items=items,
            groups=self.groups,
            paths=self.paths,
            lists=_input_lists(self._inputs, self._lists, n),
        )


def _plain(value: object) -> object:
    """Facts keep numbers as numbers and everything else as text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float) or value is None:
        return value
    return str(value)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_scalar(value) and _to_float(value) == _to_float(value)
