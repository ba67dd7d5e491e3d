"""Numeric rules: `steps` (§5.4), `interpolate` (§5.5), `formula` (§5.6), `direct` (§5.7)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from jixiao.scoring.errors import Path
from jixiao.scoring.expr import Expression
from jixiao.scoring.numbers import FloatArray, fmt, round9, round9_scalar
from jixiao.scoring.rules.base import (
    ItemInput,
    Reader,
    Rule,
    Scored,
    list_values,
    merge_errors,
    value_text,
)
from jixiao.scoring.wording import say


def _clamp(score: FloatArray, low: float | None, high: float | None) -> FloatArray:
    if low is not None:
        score = np.maximum(score, low)
    if high is not None:
        score = np.minimum(score, high)
    return score


def _bounds_text(raw: float, low: float | None, high: float | None) -> str:
    if low is not None and raw < low:
        return say(", at least {low}", low=fmt(low))
    if high is not None and raw > high:
        return say(", at most {high}", high=fmt(high))
    return ""


@dataclass(frozen=True)
class StepsRule(Rule):
    kind: ClassVar[str] = "steps"
    needs_value: ClassVar[bool] = True
    standard: float
    base: float
    step: float
    below: float = 0.0
    above: float = 0.0
    count: str = "whole"
    min: float | None = None
    max: float | None = None

    KEYS: ClassVar[tuple[str, ...]] = (
        "standard",
        "base",
        "step",
        "below",
        "above",
        "count",
        "min",
        "max",
    )

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> StepsRule | None:
        spec = reader.keys(raw, path, cls.KEYS, ("standard", "base", "step"))
        if spec is None:
            return None
        numbers = {
            k: reader.number(spec[k], (*path, k)) for k in cls.KEYS if k in spec and k != "count"
        }
        if any(v is None for v in numbers.values()):
            return None
        if numbers["step"] is not None and numbers["step"] <= 0:
            reader.problem((*path, "step"), say("a step must be greater than 0"))
            return None
        count = spec.get("count", "whole")
        if count not in ("whole", "exact", "started"):
            reader.problem((*path, "count"), say("count is whole (default), exact or started"))
            return None
        return cls(count=str(count), **numbers)  # type: ignore[arg-type]

    def _steps(self, value: FloatArray) -> tuple[FloatArray, FloatArray]:
        distance = round9((value - self.standard) / self.step)
        size = np.abs(distance)
        if self.count == "whole":
            size = np.floor(size)
        elif self.count == "started":
            size = np.ceil(size)
        return np.where(distance < 0, size, 0.0), np.where(distance > 0, size, 0.0)

    def score(self, data: ItemInput) -> Scored:
        down, up = self._steps(data.value)
        raw = self.base + self.below * down + self.above * up
        score = _clamp(raw, self.min, self.max)
        missing = np.flatnonzero(np.isnan(data.value))
        errors = dict.fromkeys(missing.tolist(), say("no value")) if len(missing) else {}
        return Scored(score, errors, detail={"raw": raw, "down": down, "up": up})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        down, up = float(scored.detail["down"][row]), float(scored.detail["up"][row])
        raw = float(scored.detail["raw"][row])
        text = say(
            "{value} against standard {standard}: ",
            value=value_text(data, row),
            standard=fmt(self.standard),
        )
        if down:
            text += say("{down} step(s) below × {below}; ", down=fmt(down), below=fmt(self.below))
        elif up:
            text += say("{up} step(s) above × {above}; ", up=fmt(up), above=fmt(self.above))
        elif self.count == "whole":
            text += say("no whole step away; ")
        else:
            text += say("at the standard; ")
        return text + f"{fmt(self.base)} → {fmt(raw)}{_bounds_text(raw, self.min, self.max)}"


@dataclass(frozen=True)
class InterpolateRule(Rule):
    kind: ClassVar[str] = "interpolate"
    needs_value: ClassVar[bool] = True
    points: tuple[tuple[float | Expression, float], ...]

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> InterpolateRule | None:
        if not isinstance(raw, list) or len(raw) < 2:
            reader.problem(
                path, say("expected at least two [value, score] points, e.g. [[0, 0], [1.18, 118]]")
            )
            return None
        points: list[tuple[float | Expression, float]] = []
        for index, point in enumerate(raw):
            where = (*path, index)
            if not isinstance(point, list) or len(point) != 2:
                reader.problem(where, say("a point is [value, score]"))
                return None
            x: float | Expression | None
            if isinstance(point[0], str) and not _plain_number(point[0]):
                x = reader.expression(point[0], (*where, 0))
            else:
                x = reader.number(point[0], (*where, 0))
            y = reader.number(point[1], (*where, 1))
            if x is None or y is None:
                return None
            points.append((x, y))
        fixed = [x for x, _ in points if isinstance(x, float)]
        if len(fixed) == len(points) and any(b <= a for a, b in itertools.pairwise(fixed)):
            reader.problem(path, say("points must be in increasing value order"))
            return None
        return cls(tuple(points))

    def expressions(self) -> tuple[Expression, ...]:
        return tuple(x for x, _ in self.points if isinstance(x, Expression))

    def _xs(self, data: ItemInput) -> tuple[list[FloatArray], dict[int, str]]:
        xs, errors = [], []
        for x, _ in self.points:
            if isinstance(x, Expression):
                found = x.evaluate(data.env, data.n, data.lists)
                xs.append(found.values)
                errors.append(found.errors)
            else:
                xs.append(np.full(data.n, x))
        return xs, merge_errors(*errors)

    def score(self, data: ItemInput) -> Scored:
        xs, errors = self._xs(data)
        ys = [y for _, y in self.points]
        v = data.value
        score = np.full(data.n, ys[0])
        for (x0, y0), (x1, y1) in zip(
            zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False
        ):
            with np.errstate(divide="ignore", invalid="ignore"):
                inside = (round9(v) > round9(x0)) & (round9(v) <= round9(x1))
                score = np.where(inside, y0 + (v - x0) / (x1 - x0) * (y1 - y0), score)
            for row in np.flatnonzero(round9(x1) <= round9(x0)):
                errors.setdefault(int(row), say("interpolation points are not in increasing order"))
        score = np.where(round9(v) > round9(xs[-1]), ys[-1], score)
        missing = np.flatnonzero(np.isnan(v))
        no_value = say("no value") if len(missing) else ""
        for row in missing:
            errors.setdefault(int(row), no_value)
        score[list(errors)] = np.nan
        return Scored(score, errors, detail={"xs": xs})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        xs = [float(x[row]) for x in scored.detail["xs"]]
        pts = ", ".join(f"({fmt(x)}, {fmt(y)})" for x, (_, y) in zip(xs, self.points, strict=True))
        return say(
            "{value} on the line through {points} → {score}",
            value=value_text(data, row),
            points=pts,
            score=fmt(float(scored.score[row])),
        )


def _plain_number(text: str) -> bool:
    try:
        float(text.strip().rstrip("%"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class FormulaRule(Rule):
    kind: ClassVar[str] = "formula"
    formula: Expression
    min: float | None = None
    max: float | None = None

    @classmethod
    def parse(
        cls, raw: Any, reader: Reader, path: Path, extra: dict[str, Any]
    ) -> FormulaRule | None:
        formula = reader.expression(raw, path)
        low = (
            reader.number(extra["min"], (*path[:-1], "min"))
            if extra.get("min") is not None
            else None
        )
        high = (
            reader.number(extra["max"], (*path[:-1], "max"))
            if extra.get("max") is not None
            else None
        )
        if formula is None:
            return None
        return cls(formula, low, high)

    def expressions(self) -> tuple[Expression, ...]:
        return (self.formula,)

    def score(self, data: ItemInput) -> Scored:
        found = self.formula.evaluate(data.env, data.n, data.lists)
        score = _clamp(found.values, self.min, self.max)
        return Scored(score, dict(found.errors), detail={"raw": found.values})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        names = sorted(self.formula.names)
        inputs = getattr(data.lists, "inputs", {})  # list inputs: shown with their numbers
        bound = ", ".join(
            [
                f"{name} = {fmt(float(data.env[name][row]))}"
                for name in names
                if name in data.env and name not in inputs
            ]
            + ([listed] if (listed := list_values(self.formula, data.lists, row)) else [])
        )
        raw = float(scored.detail["raw"][row])
        text = (
            say(
                "{formula} with {bound} = {raw}",
                formula=self.formula.text,
                bound=bound,
                raw=fmt(raw),
            )
            if bound
            else f"{self.formula.text} = {fmt(raw)}"
        )
        return text + _bounds_text(raw, self.min, self.max)


@dataclass(frozen=True)
class DirectRule(Rule):
    kind: ClassVar[str] = "direct"
    rated: ClassVar[bool] = True
    min: float | None = None
    max: float | None = None

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> DirectRule | None:
        spec = reader.keys(raw if raw is not None else {}, path, ("min", "max"))
        if spec is None:
            return None
        low = reader.number(spec["min"], (*path, "min")) if spec.get("min") is not None else None
        high = reader.number(spec["max"], (*path, "max")) if spec.get("max") is not None else None
        if low is not None and high is not None and low > high:
            reader.problem(path, say("min {low} is above max {high}", low=fmt(low), high=fmt(high)))
            return None
        return cls(low, high)

    def score(self, data: ItemInput) -> Scored:
        given = data.score.copy()
        errors: dict[int, str] = {}
        from_score = ~np.isnan(given)
        if data.rated is not None:
            given = np.where(from_score, given, data.rated.points)
            errors.update({r: m for r, m in data.rated.errors.items() if not from_score[r]})
        low = -np.inf if self.min is None else round9_scalar(self.min)
        high = np.inf if self.max is None else round9_scalar(self.max)
        outside = (round9(given) < low) | (round9(given) > high)
        for row in np.flatnonzero(outside):
            errors.setdefault(
                int(row),
                say(
                    "score {score} is outside {low}..{high}",
                    score=fmt(float(given[row])),
                    low=fmt(self.min),
                    high=fmt(self.max),
                ),
            )
        missing = np.flatnonzero(np.isnan(given))
        no_score = say("no score or rating") if len(missing) else ""
        for row in missing:
            errors.setdefault(int(row), no_score)
        given[list(errors)] = np.nan
        return Scored(given, errors, detail={"from_score": from_score})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        if scored.detail["from_score"][row] or data.rated is None:
            return say("score given: {score}", score=fmt(float(scored.score[row])))
        return data.rated.text(row)
