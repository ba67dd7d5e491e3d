"""`deduct` and `add` — points per event (扣分 / 加分, §5.3).

deduct: score = max(floor, from − Σ costs), or 0 when a zero condition holds;
with `overflow: carry` the part below the floor becomes a form-level penalty.
add: score = min(cap, from + Σ costs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from jixiao.scoring.errors import Path
from jixiao.scoring.expr import Expression
from jixiao.scoring.model import EventRule
from jixiao.scoring.numbers import fmt
from jixiao.scoring.rules.base import ItemInput, Reader, Rule, Scored
from jixiao.scoring.rules.events import costs, explain_events, parse_event_rule, zeroes
from jixiao.scoring.wording import joined, say


@dataclass(frozen=True)
class DeductRule(Rule):
    kind: ClassVar[str] = "deduct"
    events: EventRule
    start: float | None = None  # `from`; None = the item's full
    floor: float | None = 0.0
    carry: bool = False

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> DeductRule | None:
        spec = reader.keys(raw, path, ("from", "floor", "overflow", "per"), ("per",))
        if spec is None:
            return None
        events = parse_event_rule(spec["per"], reader, (*path, "per"))
        start = reader.number(spec["from"], (*path, "from")) if "from" in spec else None
        floor: float | None = 0.0
        if "floor" in spec:
            floor = (
                None if spec["floor"] is None else reader.number(spec["floor"], (*path, "floor"))
            )
        overflow = spec.get("overflow")
        if overflow not in (None, "carry"):
            reader.problem((*path, "overflow"), say("overflow is carry (or leave it out)"))
            return None
        if events is None or ("from" in spec and start is None):
            return None
        if overflow == "carry" and floor is None:
            reader.problem((*path, "overflow"), say("overflow: carry needs a floor"))
            return None
        return cls(events, start, floor, overflow == "carry")

    def event_names(self) -> frozenset[str]:
        return self.events.names

    def score(self, data: ItemInput) -> Scored:
        start = data.full if self.start is None else self.start
        result = costs(self.events, data.events, data.n)
        raw = start - result.total
        score = raw if self.floor is None else np.maximum(self.floor, raw)
        carry = None
        if self.carry and self.floor is not None:
            carry = np.where(result.zero, 0.0, np.maximum(self.floor - raw, 0.0))
        score = np.where(result.zero, 0.0, score)
        score[list(result.errors)] = np.nan
        return Scored(score, result.errors, carry)

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        start = data.full if self.start is None else self.start
        parts = explain_events(self.events, data.events, row)
        if not parts:
            return say("no events: {score}", score=fmt(start))
        zero = zeroes()
        if any(zero in part for part in parts):
            return _zero_last(parts, zero)
        spent = float(costs(self.events, _one(data.events, row), 1).total[0])
        raw = start - spent
        text = joined([*parts, f"{fmt(start)} − {fmt(spent)} = {fmt(raw)}"])
        if self.floor is not None and raw < self.floor:
            if scored.carry is not None and scored.carry[row] > 0:
                carried = fmt(float(scored.carry[row]))
                text += say(", −{carried} carried to the form", carried=carried)
            # a floor of 0 is 扣完为止: deducted until nothing is left
            text += (
                say(", floor 0")
                if self.floor == 0
                else say(", floor {floor}", floor=fmt(self.floor))
            )
        return text


@dataclass(frozen=True)
class AddRule(Rule):
    kind: ClassVar[str] = "add"
    events: EventRule
    start: float = 0.0
    cap: float | None = None  # None = the item's full

    @classmethod
    def parse(cls, raw: Any, reader: Reader, path: Path) -> AddRule | None:
        spec = reader.keys(raw, path, ("from", "cap", "per"), ("per",))
        if spec is None:
            return None
        events = parse_event_rule(spec["per"], reader, (*path, "per"))
        start = reader.number(spec.get("from", 0), (*path, "from"))
        cap = reader.number(spec["cap"], (*path, "cap")) if spec.get("cap") is not None else None
        if events is None or start is None:
            return None
        return cls(events, start, cap)

    def event_names(self) -> frozenset[str]:
        return self.events.names

    def expressions(self) -> tuple[Expression, ...]:
        return ()

    def score(self, data: ItemInput) -> Scored:
        cap = data.full if self.cap is None else self.cap
        result = costs(self.events, data.events, data.n)
        score = np.where(result.zero, 0.0, np.minimum(cap, self.start + result.total))
        score[list(result.errors)] = np.nan
        return Scored(score, result.errors)

    def explain(self, data: ItemInput, scored: Scored, row: int) -> str:
        cap = data.full if self.cap is None else self.cap
        parts = explain_events(self.events, data.events, row)
        if not parts:
            return say("no events: {score}", score=fmt(self.start))
        zero = zeroes()
        if any(zero in part for part in parts):
            return _zero_last(parts, zero)
        raw = self.start + costs(self.events, _one(data.events, row), 1).total[0]
        text = joined([*parts, f"{fmt(self.start)} + {fmt(raw - self.start)} = {fmt(raw)}"])
        if raw > cap:
            text += say(", capped at {cap}", cap=fmt(cap))
        return text


def _zero_last(parts: list[str], zero: str) -> str:
    """The costs first, then what made the item 0, so the trace ends with the score."""
    return joined(sorted(parts, key=lambda part: zero in part))


def _one(events: Mapping[str, Any], row: int) -> dict[str, Any]:
    """The events of one row, as a population of one (to recompute its arithmetic)."""
    from jixiao.scoring.facts import Events, Lists

    out = {}
    for name, facts in events.items():
        where = facts.sizes.positions(row)
        sizes = Lists(np.zeros(len(where), dtype=np.int64), facts.sizes.values[where])
        out[name] = Events(
            facts.count[row : row + 1],
            facts.amount[row : row + 1],
            facts.listed[row : row + 1],
            sizes,
        )
    return out
