"""Reading an AHP document (层次分析法, scheme-language §16) into checked judgements.

A document holds one comparison matrix (`matrix:`) or several experts'
(`experts: [m1, m2, ...]`), optionally `names`, `aggregate`, `trim` and
`children` (the next level, by name), to any depth. Only the upper triangle
(i < j) of each matrix is read; `null` there is a pair the expert did not
judge. A lower cell that is not the reciprocal of its upper cell, or a
diagonal cell that is not 1, is not read and is a warning. Every problem names
its place (`children.能.experts[1][0][2]`) and is worded in the current
language (`jixiao.scoring.wording`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Literal

import numpy as np

from jixiao.scoring.errors import DocumentError, Path, Problem
from jixiao.scoring.numbers import FloatArray, fmt, parse_number
from jixiao.scoring.wording import say

Aggregate = Literal["geometric", "arithmetic"]
AGGREGATES: tuple[Aggregate, ...] = ("geometric", "arithmetic")
KEYS = ("names", "matrix", "experts", "aggregate", "trim", "children", "name", "note")
MAX_CRITERIA = 15  # Saaty's random index is tabulated for n = 1..15
MAX_MATRICES = 1000  # comparison matrices in one hierarchy (YAML aliases can multiply them)
RECIPROCAL_TOLERANCE = 1e-6
MAX_JUDGEMENT = 1_000_000  # beyond it the eigenvector is float noise
EXAMPLE = "[[1, 3], [1/3, 1]]"

LineOf = Callable[[Path], int | None]


class AhpError(DocumentError):
    """An AHP document that cannot be used; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "AHP matrix")

    def __str__(self) -> str:
        head = say("invalid AHP matrix: {count} problem(s)", count=len(self.problems))
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True, eq=False)
class Judgements:
    """One comparison matrix of the hierarchy, as read: each expert's judgements
    (n × n, NaN where not judged; only i < j is used)."""

    path: Path
    experts: tuple[FloatArray, ...]
    names: tuple[str, ...] | None = None
    aggregate: Aggregate | None = None  # None: the parent's (geometric at the top)
    trim: int | None = None  # None: the parent's (0 at the top)
    children: tuple[tuple[str, Judgements], ...] = ()
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def size(self) -> int:
        return len(self.experts[0])


def read_judgements(
    data: object, *, file: str | None = None, line_of: LineOf | None = None
) -> Judgements:
    """The checked judgements of a loaded document; raises AhpError listing every problem."""
    reader = _Reader(file, line_of)
    judgements = reader.node(data, ())
    if reader.problems or judgements is None:
        raise AhpError(reader.problems)
    return judgements


def judgements_of(
    matrices: Sequence[object],
    *,
    names: Sequence[str] | None = None,
    aggregate: Aggregate = "geometric",
    trim: int = 0,
) -> Judgements:
    """Judgements from matrices given in Python (lists, tuples or numpy arrays),
    checked like a document `{experts: [...], names, aggregate, trim}`."""
    data: dict[str, object] = {"experts": [_lists(m) for m in matrices]}
    data.update(aggregate=aggregate, trim=trim)
    if names is not None:
        data["names"] = list(names)
    return read_judgements(data)


def _lists(value: object) -> object:
    """numpy arrays and tuples as plain lists of Python numbers, as YAML would give."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def _hint(key: str, allowed: Sequence[str]) -> str | None:
    near = get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return near[0] if near else None


class _Reader:
    def __init__(self, file: str | None, line_of: LineOf | None) -> None:
        self.file = file
        self.line_of = line_of
        self.problems: list[Problem] = []
        self.matrices = 0

    def add(self, path: Path, message: str) -> None:
        line = self.line_of(path) if self.line_of else None
        self.problems.append(Problem(path, message, line, self.file))

    def warning(self, path: Path, message: str) -> Problem:
        line = self.line_of(path) if self.line_of else None
        return Problem(path, message, line, None, "warning")

    # -- one level of the hierarchy ----------------------------------------------------

    def node(self, raw: object, path: Path) -> Judgements | None:
        shape = say(
            "expected a mapping with either `{one}:` (one matrix) or `{several}:` (a list)",
            one="matrix",
            several="experts",
        )
        if not isinstance(raw, Mapping):
            self.add(path, shape)
            return None
        self.matrices += 1
        if self.matrices > MAX_MATRICES:  # counted before any walk below, once
            if self.matrices == MAX_MATRICES + 1:
                message = say(
                    "more than {limit} comparison matrices in one hierarchy", limit=MAX_MATRICES
                )
                self.add((), message)
            return None
        before = len(self.problems)
        for key in raw:
            if str(key) not in KEYS:
                self.unknown_key((*path, str(key)), str(key))
        warnings: list[Problem] = []
        experts = self.experts(raw, path, shape, warnings)
        size = len(experts[0]) if experts else None
        names = self.names(raw["names"], (*path, "names"), size) if "names" in raw else None
        aggregate = self.aggregate(raw["aggregate"], path) if "aggregate" in raw else None
        trim = self.trim(raw["trim"], path) if "trim" in raw else None
        children: tuple[tuple[str, Judgements], ...] = ()
        if "children" in raw:
            children = self.children(raw["children"], path, names, "names" in raw)
        if len(self.problems) > before or not experts:
            return None
        return Judgements(path, experts, names, aggregate, trim, children, tuple(warnings))

    def unknown_key(self, path: Path, key: str) -> None:
        near = _hint(key, KEYS)
        if near:
            self.add(path, say("unknown key; did you mean {near!r}?", near=near))
        else:
            self.add(path, say("unknown key; expected one of {keys}", keys=", ".join(KEYS)))

    def experts(
        self, raw: Mapping[object, object], path: Path, shape: str, warnings: list[Problem]
    ) -> tuple[FloatArray, ...]:
        """Each expert's matrix (one for `matrix:`), all of the same size, every pair judged."""
        if ("matrix" in raw) == ("experts" in raw):
            self.add(path, shape)
            return ()
        if "matrix" in raw:
            places: list[tuple[Path, object]] = [((*path, "matrix"), raw["matrix"])]
        else:
            listed = raw["experts"]
            if not isinstance(listed, list) or not listed:
                self.add((*path, "experts"), say("expected a non-empty list of matrices"))
                return ()
            places = [((*path, "experts", e), m) for e, m in enumerate(listed)]
        found: list[FloatArray] = []
        first: int | None = None
        for place, value in places:
            matrix = self.matrix(value, place, warnings)
            if matrix is None:
                continue
            if first is None:
                first = len(matrix)
            elif len(matrix) != first:
                message = say(
                    "this matrix is {size}×{size}, the first is {first}×{first}"
                    " (every expert judges the same criteria)",
                    size=len(matrix),
                    first=first,
                )
                self.add(place, message)
            found.append(matrix)
        if len(found) < len(places) or any(len(m) != first for m in found):
            return ()
        self.unjudged(found, places[0][0] if len(places) == 1 else (*path, "experts"))
        return tuple(found)

    def unjudged(self, matrices: list[FloatArray], path: Path) -> None:
        """A pair above the diagonal that no expert judged is a problem."""
        stack = np.stack(matrices)
        n = stack.shape[1]
        for i in range(n):
            for j in range(i + 1, n):
                if not np.isfinite(stack[:, i, j]).any():
                    message = say(
                        "no judgement of [{row}][{column}]: every pair above the diagonal"
                        " needs one (null is a pair not judged)",
                        row=i,
                        column=j,
                    )
                    self.add(path, message)

    # -- one expert's matrix -----------------------------------------------------------

    def matrix(self, raw: object, path: Path, warnings: list[Problem]) -> FloatArray | None:
        """The upper triangle of one square matrix (NaN where null), or None (problems added)."""
        before = len(self.problems)
        if not isinstance(raw, list | tuple) or not raw:
            message = say("expected a non-empty list of rows, e.g. {example}", example=EXAMPLE)
            self.add(path, message)
            return None
        n = len(raw)
        if n > MAX_CRITERIA:
            message = say(
                "{count} criteria: Saaty's random index is tabulated up to {limit};"
                " split the criteria into levels with `{key}:`",
                count=n,
                limit=MAX_CRITERIA,
                key="children",
            )
            self.add(path, message)
            return None
        rows: list[Sequence[object]] = []
        for i, row in enumerate(raw):
            if not isinstance(row, list | tuple) or len(row) != n:
                got = len(row) if isinstance(row, list | tuple) else repr(row)
                message = say(
                    "expected a row of {size} entries (the matrix must be square), got {got}",
                    size=n,
                    got=got,
                )
                self.add((*path, i), message)
            else:
                rows.append(row)
        if len(self.problems) > before:
            return None
        matrix = np.full((n, n), np.nan)
        for i in range(n):
            matrix[i, i] = 1.0
            for j in range(i + 1, n):
                matrix[i, j] = self.judgement(rows[i][j], (*path, i, j))
        if len(self.problems) > before:
            return None
        for i in range(n):
            self.diagonal(rows[i][i], (*path, i, i), warnings)
            for j in range(i + 1, n):
                self.lower(rows[j][i], matrix[i, j], (*path, j, i), (i, j), warnings)
        return matrix

    def judgement(self, raw: object, path: Path) -> float:
        if raw is None:
            return float("nan")
        try:
            value = parse_number(raw)
        except ValueError:
            message = say("expected a number or a fraction like 1/3, got {value!r}", value=raw)
            self.add(path, message)
            return float("nan")
        if value <= 0:
            self.add(path, say("judgements must be positive, got {value}", value=fmt(value)))
        elif not 1 / MAX_JUDGEMENT <= value <= MAX_JUDGEMENT:
            message = say(
                "a judgement lies between 1/{limit} and {limit} (Saaty's scale: 1/9 to 9),"
                " got {value}",
                limit=f"{MAX_JUDGEMENT:,}",
                value=raw,
            )
            self.add(path, message)
        return value

    def diagonal(self, raw: object, path: Path, warnings: list[Problem]) -> None:
        if raw is None:
            return
        try:
            if abs(parse_number(raw) - 1) <= RECIPROCAL_TOLERANCE:
                return
        except ValueError:
            pass
        message = say(
            "not read: the diagonal is 1 (a criterion against itself), got {value!r}", value=raw
        )
        warnings.append(self.warning(path, message))

    def lower(
        self,
        raw: object,
        upper: float,
        path: Path,
        cell: tuple[int, int],
        warnings: list[Problem],
    ) -> None:
        """A lower cell is not read; one not the reciprocal of its upper cell is a warning."""
        if raw is None:
            return
        if not np.isfinite(upper):
            message = say(
                "not read: [{row}][{column}] above the diagonal is null (not judged),"
                " so its reciprocal is not judged either",
                row=cell[0],
                column=cell[1],
            )
            warnings.append(self.warning(path, message))
            return
        try:
            value = parse_number(raw)
        except ValueError:
            value = float("nan")
        if np.isfinite(value) and abs(value * upper - 1) <= RECIPROCAL_TOLERANCE:
            return
        message = say(
            "not read: expected 1/{upper} (the reciprocal of [{row}][{column}] = {upper}),"
            " got {value!r}; 1/{upper} is used",
            upper=fmt(upper),
            row=cell[0],
            column=cell[1],
            value=raw,
        )
        warnings.append(self.warning(path, message))

    # -- the other keys ----------------------------------------------------------------

    def names(self, raw: object, path: Path, size: int | None) -> tuple[str, ...] | None:
        example = say("e.g. [德, 能, 勤]")
        if not isinstance(raw, list) or not raw:
            self.add(
                path, say("expected a list of names, one per criterion, {example}", example=example)
            )
            return None
        names: list[str] = []
        for index, name in enumerate(raw):
            if (
                isinstance(name, bool)
                or not isinstance(name, str | int | float)
                or not str(name).strip()
            ):
                self.add((*path, index), say("expected a name, got {value!r}", value=name))
            elif str(name).strip() in names:
                self.add((*path, index), say("{name!r} is named twice", name=str(name).strip()))
            else:
                names.append(str(name).strip())
        if size is not None and len(raw) != size:
            message = say(
                "{count} names for {size} criteria: give one name per row of the matrix",
                count=len(raw),
                size=size,
            )
            self.add(path, message)
        return tuple(names) if len(names) == len(raw) else None

    def aggregate(self, raw: object, path: Path) -> Aggregate | None:
        for aggregate in AGGREGATES:
            if raw == aggregate:
                return aggregate
        near = _hint(str(raw), AGGREGATES)
        if near:
            message = say(
                "unknown aggregate {value!r}; did you mean {near!r}?", value=raw, near=near
            )
        else:
            message = say(
                "unknown aggregate {value!r}; expected {first} (the default) or {second}",
                value=raw,
                first=AGGREGATES[0],
                second=AGGREGATES[1],
            )
        self.add((*path, "aggregate"), message)
        return None

    def trim(self, raw: object, path: Path) -> int | None:
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw
        message = say(
            "expected how many judgements to drop at each end (0, 1, 2 …), got {value!r}",
            value=raw,
        )
        self.add((*path, "trim"), message)
        return None

    def children(
        self, raw: object, path: Path, names: tuple[str, ...] | None, named: bool
    ) -> tuple[tuple[str, Judgements], ...]:
        here = (*path, "children")
        if not isinstance(raw, Mapping):
            self.add(
                here, say("expected a mapping from a criterion's name to the comparisons under it")
            )
            return ()
        if not named:
            self.add(
                here, say("children are given by name: give the criteria `{key}:`", key="names")
            )
        found: list[tuple[str, Judgements]] = []
        for key, value in raw.items():
            name = str(key).strip()
            if names is not None and name not in names:
                near = _hint(name, names)
                if near:
                    message = say(
                        "{name!r} is not one of the names; did you mean {near!r}?",
                        name=name,
                        near=near,
                    )
                else:
                    message = say(
                        "{name!r} is not one of the names ({names})",
                        name=name,
                        names=", ".join(names),
                    )
                self.add((*here, name), message)
            child = self.node(value, (*here, name))
            if child is not None:
                found.append((name, child))
        return tuple(found)
