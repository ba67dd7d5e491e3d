"""What every rule type shares: the columnar input it reads and what it returns.

A rule turns one item's facts, for every appraisee at once, into scores. It
is given an `ItemInput` (arrays over appraisees) and returns `Scored`
(scores, per-row errors, and any overflow carried to the form). `explain`
renders the one-line trace of one row for a person to check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

import numpy as np
import numpy.typing as npt

from jixiao.scoring.errors import Path
from jixiao.scoring.expr import Expression, Ragged
from jixiao.scoring.facts import Events, ObjArray, floats, words
from jixiao.scoring.numbers import FloatArray, fmt
from jixiao.scoring.wording import say

BoolArray = npt.NDArray[np.bool_]


@dataclass
class Rated:
    """Ratings of one item combined into points per appraisee (§6)."""

    points: FloatArray  # NaN where the appraisee has no usable rating
    errors: dict[int, str]
    explain: Any  # callable(row) -> str, set by raters.combine

    def text(self, row: int) -> str:
        return str(self.explain(row))


@dataclass
class ItemInput:
    """One item's facts over all appraisees, as a rule reads them."""

    n: int
    full: float
    value: FloatArray  # numeric value; NaN where there is none or it is not a number
    raw_value: ObjArray  # the value as given (level names), None where absent
    events: Mapping[str, Events]
    score: FloatArray  # a score given directly (NaN where none)
    rated: Rated | None
    env: Mapping[str, FloatArray]
    lists: Mapping[str, Ragged]
    value_source: str = "value"  # value | measure | default (for traces)


@dataclass
class Scored:
    score: FloatArray
    errors: dict[int, str] = field(default_factory=dict)
    carry: FloatArray | None = None  # overflow below the floor, carried to the form (>= 0)
    detail: dict[str, Any] = field(default_factory=dict)


class Rule(ABC):
    """One rule type. Subclasses are small, pure and table-tested."""

    kind: ClassVar[str]
    rated: ClassVar[bool] = False  # takes ratings (levels, direct, bands with score ranges)
    needs_value: ClassVar[bool] = False  # needs the item's value to score

    def takes_ratings(self) -> bool:
        return self.rated

    def event_names(self) -> frozenset[str]:
        return frozenset()

    def expressions(self) -> tuple[Expression, ...]:
        return ()

    def rating_points(self, raw: ObjArray) -> tuple[FloatArray, dict[int, str]]:
        """Turn raw ratings (numbers or level names) into points; errors per rating index."""
        return _numbers(raw)

    @abstractmethod
    def score(self, data: ItemInput) -> Scored: ...

    @abstractmethod
    def explain(self, data: ItemInput, scored: Scored, row: int) -> str: ...


def _number(value: object) -> tuple[float, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None
    try:
        return float(str(value)), None
    except ValueError:
        return np.nan, say("rating {value!r} is not a number", value=value)


def _numbers(raw: ObjArray) -> tuple[FloatArray, dict[int, str]]:
    """Numbers as given stay numbers; text is read as a number or is an error."""
    text = words(raw)
    if not text.any():
        return np.array(floats(raw)), {}  # numbers: float(value), as _number says
    points = np.array(floats(raw))
    where = np.flatnonzero(text)
    found, problems = per_distinct(np.asarray(raw)[where].tolist(), _number)
    points[where] = found
    return points, {int(where[index]): problem for index, problem in problems.items()}


def per_distinct(
    raw: ObjArray | list[object], one: Callable[[object], tuple[float, str | None]]
) -> tuple[FloatArray, dict[int, str]]:
    """`one(value)` -> (points, problem or None) for each value, each distinct value (of
    the same type) once; the problems by index."""
    values = raw.tolist() if isinstance(raw, np.ndarray) else raw
    if isinstance(raw, np.ndarray) and words(raw).all():
        keys: list[Any] = values  # text only: the text is the key
    else:
        keys = list(zip(map(type, values), values, strict=True))
    try:
        distinct = list(dict.fromkeys(keys))
    except TypeError:  # an unhashable value: one at a time
        distinct = keys
    found = [one(key if keys is values else key[1]) for key in distinct]
    code = {key: index for index, key in enumerate(distinct)}
    codes = np.fromiter(map(code.__getitem__, keys), np.int64, len(keys))
    points = np.array([number for number, _ in found], dtype=np.float64)[codes]
    problems = [index for index, (_, problem) in enumerate(found) if problem]
    errors: dict[int, str] = {}
    if problems:
        for index in np.flatnonzero(np.isin(codes, problems)).tolist():
            errors[index] = cast(str, found[codes[index]][1])  # kept Said: re-sayable
    return points, errors


def merge_errors(*sources: Mapping[int, str]) -> dict[int, str]:
    """First error per row wins."""
    merged: dict[int, str] = {}
    for source in sources:
        for row, message in source.items():
            merged.setdefault(row, message)
    return merged


def list_values(expression: Expression, lists: Mapping[str, Ragged], row: int) -> str:
    """The list inputs an expression reads, with one row's numbers: `x = [88, 92, 90]`
    (for traces, v1.1 §3); "" when it reads none. Events keep their counts in traces."""
    inputs = getattr(lists, "inputs", {})
    shown = []
    for name in sorted(expression.names):
        if name in inputs:
            items = lists[name]
            numbers = [fmt(float(v)) for v in items.values[items.owner == row]]
            if len(numbers) > 24:
                numbers = [*numbers[:24], "…"]
            shown.append(f"{name} = [{', '.join(numbers)}]")
    return ", ".join(shown)


def value_text(data: ItemInput, row: int) -> str:
    raw = data.raw_value[row]
    if isinstance(raw, str) and raw.strip() and np.isnan(data.value[row]):
        return raw
    return fmt(float(data.value[row]))


class Reader(ABC):
    """What a rule's parser may ask of the scheme reader (implemented in parse.py)."""

    @abstractmethod
    def problem(self, path: Path, message: str) -> None: ...

    @abstractmethod
    def keys(
        self,
        raw: object,
        path: Path,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> Mapping[str, Any] | None: ...

    @abstractmethod
    def number(self, raw: object, path: Path, *, minimum: float | None = None) -> float | None: ...

    @abstractmethod
    def condition(self, raw: object, path: Path) -> Any: ...

    @abstractmethod
    def expression(self, raw: object, path: Path) -> Expression | None: ...
