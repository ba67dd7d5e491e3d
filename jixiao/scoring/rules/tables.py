"""Table rules: `bands` (tier table 分档, §5.1) and `levels` (rated levels 定性等级, §5.2)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from jixiao.scoring.conditions import Condition
from jixiao.scoring.errors import Path
from jixiao.scoring.facts import ObjArray
from jixiao.scoring.numbers import FloatArray, fmt, round9, round9_scalar
from jixiao.scoring.rules.base import ItemInput, Reader, Rule, Scored, per_distinct, value_text
from jixiao.scoring.wording import say

Score = tuple[float, float]  # (lo, hi); lo == hi for a fixed score


def _score_range(raw: object, reader: Reader, path: Path) -> Score | None:
    if isinstance(raw, list):
        if len(raw) != 2:
            reader.problem(path, say("a score range is [low, high]"))
            return None
        lo, hi = reader.number(raw[0], (*path, 0)), reader.number(raw[1], (*path, 1))
        if lo is None or hi is None:
            return None
        if lo > hi:
            reader.problem(
                path, say("score range [{low}, {high}] is empty", low=fmt(lo), high=fmt(hi))
            )
            return None
        return lo, hi
    number = reader.number(raw, path)
    return None if number is None else (number, number)


def _show(score: Score) -> str:
    return fmt(score[0]) if score[0] == score[1] else f"[{fmt(score[0])}, {fmt(score[1])}]"


@dataclass(frozen=True)
class BandsRule(Rule):
    kind: ClassVar[str] = "bands"
    needs_value: ClassVar[bool] = True
    rows: tuple[tuple[Condition, Score], ...]

    def takes_ratings(self) -> bool:
        return any(lo != hi for _, (lo, hi) in self.rows)

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> BandsRule | None:
        if not isinstance(raw, list) or not raw:
            reader.problem(
                path, say("expected a list of [condition, score] rows, e.g. ['>= 98%', 100]")
            )
            return None
        rows: list[tuple[Condition, Score]] = []
        for index, row in enumerate(raw):
            where = (*path, index)
            if not isinstance(row, list) or len(row) != 2:
                reader.problem(where, say("a row is [condition, score]"))
                return None
            condition = reader.condition(row[0], (*where, 0))
            score = _score_range(row[1], reader, (*where, 1))
            if condition is None or score is None:
                return None
            if rows and rows[-1][0].is_else:
                reader.problem(where, say("no row can follow else"))
                return None
            rows.append((condition, score))
        return cls(tuple(rows))

    @cached_property
    def _scores(self) -> tuple[FloatArray, FloatArray]:
        """Each row's lowest and highest score, NaN after the last (for band -1)."""
        lows = np.array([lo for _, (lo, _) in self.rows] + [np.nan])
        highs = np.array([hi for _, (_, hi) in self.rows] + [np.nan])
        lows.flags.writeable = highs.flags.writeable = False
        return lows, highs

    def _band(self, value: FloatArray) -> np.ndarray:
        """The first row each value meets; -1 for none (a missing value meets no row, not else)."""
        band = np.full(len(value), -1, dtype=np.int64)
        known = ~np.isnan(value)
        rounded = round9(value)  # once for every row of the table (§5)
        with np.errstate(invalid="ignore"):
            for index, (condition, _) in enumerate(self.rows):
                hit = (band < 0) & known & condition.test_rounded(rounded)
                band[hit] = index
        return band

    def score(self, data: ItemInput) -> Scored:
        band = self._band(data.value)
        lows, highs = self._scores
        score = lows[band]  # NaN for band -1
        errors: dict[int, str] = {}
        for row in (band < 0).nonzero()[0]:
            errors[int(row)] = (
                say("no value")
                if np.isnan(data.value[row])
                else say("value {value} matches no band", value=fmt(float(data.value[row])))
            )
        ranged = (band >= 0) & (lows[band] != highs[band]) if self.takes_ratings() else None
        if ranged is not None and ranged.any():
            given = data.score.copy()
            if data.rated is not None:
                given = np.where(np.isnan(given), data.rated.points, given)
            lo, hi = lows[band], highs[band]
            for row in ranged.nonzero()[0]:
                person = given[row]
                if np.isnan(person):
                    errors[int(row)] = say(
                        "band {band} needs a score from a person", band=_show((lo[row], hi[row]))
                    )
                elif not (
                    round9_scalar(lo[row]) <= round9_scalar(person) <= round9_scalar(hi[row])
                ):
                    errors[int(row)] = say(
                        "score {score} is outside the band's range {band}",
                        score=fmt(person),
                        band=_show((lo[row], hi[row])),
                    )
            score = np.where(ranged, given, score)
        if errors:
            score[list(errors)] = np.nan
        return Scored(score, errors, detail={"band": band})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        band = int(scored.detail["band"][row])
        condition, range_ = self.rows[band]
        text = say(
            "{value} matched {condition} → {score}",
            value=value_text(data, row),
            condition=condition.describe(),
            score=_show(range_),
        )
        if range_[0] != range_[1]:
            text += say("; scored {score}", score=fmt(float(scored.score[row])))
        return text


@dataclass(frozen=True)
class LevelsRule(Rule):
    kind: ClassVar[str] = "levels"
    rated: ClassVar[bool] = True
    levels: tuple[tuple[str, Score], ...]

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> LevelsRule | None:
        if not isinstance(raw, dict) or not raw:
            reader.problem(
                path, say("expected {{level: points}}, e.g. {{优: 30, 良: 24, 中: 18, 差: 6}}")
            )
            return None
        levels = []
        for name, points in raw.items():
            score = _score_range(points, reader, (*path, str(name)))
            if score is None:
                return None
            levels.append((_key(name), score))
        return cls(tuple(levels))

    def _lookup(self, raw: object) -> tuple[float, str | None]:
        key = _key(raw)
        for name, (lo, hi) in self.levels:
            if name == key and lo == hi:
                return lo, None
        number = _number(raw)
        ranges = [(n, lo, hi) for n, (lo, hi) in self.levels if lo != hi]
        if number is not None and ranges:
            for _, lo, hi in ranges:
                if round9_scalar(lo) <= round9_scalar(number) <= round9_scalar(hi):
                    return number, None
            return np.nan, say("{number} falls in no level's range", number=fmt(number))
        for name, (lo, hi) in self.levels:
            if name == key and lo != hi:
                return np.nan, say(
                    "{level} is a range [{low}, {high}]: give a number in it",
                    level=name,
                    low=fmt(lo),
                    high=fmt(hi),
                )
        names = ", ".join(n for n, _ in self.levels)
        return np.nan, say("{value!r} is not a level (levels: {levels})", value=raw, levels=names)

    def rating_points(self, raw: ObjArray) -> tuple[FloatArray, dict[int, str]]:
        return per_distinct(raw, self._lookup)

    def score(self, data: ItemInput) -> Scored:
        has_value = np.not_equal(data.raw_value, np.array(None, dtype=object)).astype(bool)
        points = np.full(data.n, np.nan)
        errors: dict[int, str] = {}
        given = has_value.nonzero()[0]
        if given.size:
            found, problems = per_distinct(data.raw_value[given].tolist(), self._lookup)
            points[given] = found
            errors = {int(given[index]): problem for index, problem in problems.items()}
        if data.rated is not None:
            points = np.where(has_value, points, data.rated.points)
            for rated_row, message in data.rated.errors.items():
                if not has_value[rated_row]:
                    errors.setdefault(rated_row, message)
        missing = np.isnan(points).nonzero()[0]
        no_rating = say("no rating or value") if len(missing) else ""
        for row in missing:
            errors.setdefault(int(row), no_rating)
        points[list(errors)] = np.nan
        return Scored(points, errors, detail={"has_value": has_value})

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        if scored.detail["has_value"][row]:
            raw = data.raw_value[row]
            return say("level {level} → {score}", level=raw, score=fmt(float(scored.score[row])))
        assert data.rated is not None
        return data.rated.text(row)


def _key(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _number(raw: object) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    try:
        return float(str(raw))
    except ValueError:
        return None
