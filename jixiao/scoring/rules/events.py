"""Points per event (§5.3), shared by the `deduct`/`add` rules and adjustments.

Per event name one cost: `each`, progressive or flat `tiers`, `sequence`
(then repeat/double), `by_size`, `zero`; with `zero_above` and `max`.
`costs()` is the columnar computation; `explain_costs()` renders one row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from jixiao.scoring.errors import Path
from jixiao.scoring.facts import Events
from jixiao.scoring.model import EventCost, EventRule
from jixiao.scoring.numbers import FloatArray, fmt, round9
from jixiao.scoring.rules.base import BoolArray, Reader
from jixiao.scoring.wording import joined, say

COST_KEYS = ("each", "tiers", "mode", "zero_above", "sequence", "then", "by_size", "zero", "max")
_KINDS = ("each", "tiers", "sequence", "by_size", "zero")


def zeroes() -> str:
    """How a trace says that a zero condition holds (in the current language)."""
    return say("item scores 0")


def parse_event_rule(raw: object, reader: Reader, path: Path) -> EventRule | None:
    if not isinstance(raw, Mapping) or not raw:
        reader.problem(
            path, say("expected {{event_name: {{each: 3}}, ...}} with at least one event")
        )
        return None
    costs = [parse_cost(str(name), spec, reader, (*path, str(name))) for name, spec in raw.items()]
    if any(cost is None for cost in costs):
        return None
    return EventRule(tuple(cost for cost in costs if cost is not None))


def parse_cost(name: str, raw: object, reader: Reader, path: Path) -> EventCost | None:
    spec = reader.keys(raw, path, COST_KEYS)
    if spec is None:
        return None
    kinds = [key for key in _KINDS if key in spec]
    if len(kinds) != 1:
        reader.problem(
            path,
            say(
                "give exactly one of {kinds} (got {count})",
                kinds=", ".join(_KINDS),
                count=len(kinds),
            ),
        )
        return None
    ok = True
    tiers: list[tuple[float | None, float]] = []
    for index, row in enumerate(spec.get("tiers") or []):
        where = (*path, "tiers", index)
        if not isinstance(row, list) or len(row) != 2:
            reader.problem(where, say("a tier is [up_to, cost] or [else, cost]"))
            ok = False
            continue
        cost = reader.number(row[1], (*where, 1))
        if isinstance(row[0], str) and row[0].strip() == "else":
            upto = None
        else:
            upto = reader.number(row[0], (*where, 0), minimum=0)
            if upto is not None and tiers and (tiers[-1][0] is None or upto <= (tiers[-1][0] or 0)):
                reader.problem((*where, 0), say("tiers must go up, with else last"))
                ok = False
        ok = ok and cost is not None and (upto is not None or row[0] == "else")
        tiers.append((upto, cost or 0.0))
    if "tiers" in spec and not tiers:
        reader.problem((*path, "tiers"), say("expected a list of [up_to, cost] rows"))
        ok = False
    by_size = []
    for index, row in enumerate(spec.get("by_size") or []):
        where = (*path, "by_size", index)
        if not isinstance(row, list) or len(row) != 2:
            reader.problem(where, say("a row is [condition, cost], e.g. ['>= 5000', 10]"))
            ok = False
            continue
        condition, cost = reader.condition(row[0], (*where, 0)), reader.number(row[1], (*where, 1))
        if condition is None or cost is None:
            ok = False
        else:
            by_size.append((condition, cost))
    sequence = []
    for index, step in enumerate(spec.get("sequence") or []):
        number = reader.number(step, (*path, "sequence", index))
        ok = ok and number is not None
        sequence.append(number or 0.0)
    if "sequence" in spec and not sequence:
        reader.problem((*path, "sequence"), say("expected a list of costs, e.g. [1, 2, 4]"))
        ok = False
    mode = spec.get("mode", "progressive")
    if mode not in ("progressive", "flat"):
        reader.problem((*path, "mode"), say("mode is progressive (default) or flat"))
        ok = False
    then = spec.get("then", "repeat")
    if then not in ("repeat", "double"):
        reader.problem((*path, "then"), say("then is repeat (default) or double"))
        ok = False
    if "zero" in spec and spec["zero"] is not True:
        reader.problem((*path, "zero"), say("write zero: true"))
        ok = False
    each = reader.number(spec["each"], (*path, "each")) if "each" in spec else None
    zero_above = (
        reader.number(spec["zero_above"], (*path, "zero_above"), minimum=0)
        if "zero_above" in spec
        else None
    )
    maximum = reader.number(spec["max"], (*path, "max"), minimum=0) if "max" in spec else None
    if not ok or ("each" in spec and each is None):
        return None
    return EventCost(
        name=name,
        each=each,
        tiers=tuple(tiers),
        flat=mode == "flat",
        zero_above=zero_above,
        sequence=tuple(sequence),
        then=str(then),
        by_size=tuple(by_size),
        zero=spec.get("zero") is True,
        max=maximum,
    )


@dataclass
class CostResult:
    total: FloatArray  # Σ costs per row
    zero: BoolArray  # a zero condition holds
    errors: dict[int, str]


def costs(rule: EventRule, events: Mapping[str, Events], n: int) -> CostResult:
    total = np.zeros(n)
    zero = np.zeros(n, dtype=bool)
    errors: dict[int, str] = {}
    for cost in rule.costs:
        facts = events.get(cost.name) or Events.none(n)
        amount, over = _cost(cost, facts, n)
        if cost.max is not None:
            amount = np.minimum(amount, cost.max)
        if cost.zero_above is not None:
            above = facts.count > cost.zero_above
            zero |= above
            over &= ~above
        if cost.zero:
            zero |= facts.count > 0
        for row in over.nonzero()[0]:
            errors.setdefault(
                int(row),
                say(
                    "{event}: {count} occurrences go past the last tier",
                    event=cost.name,
                    count=fmt(facts.count[row]),
                ),
            )
        total += np.where(over, 0.0, amount)
    return CostResult(total, zero, errors)


def _cost(cost: EventCost, facts: Events, n: int) -> tuple[FloatArray, BoolArray]:
    count = facts.count
    over = np.zeros(n, dtype=bool)
    if cost.each is not None:
        return cost.each * facts.amount, over
    if cost.zero:
        return np.zeros(n), over
    if cost.tiers:
        return _tiers(cost, count)
    if cost.sequence:
        return _sequence(cost, count), over
    sizes = facts.sizes.numbers()
    owner = facts.sizes.owner
    # a bare count stands as one size, but a count of 0 is no occurrence at all
    matched = ~facts.listed[owner] & (facts.count[owner] == 0)
    per_size = np.zeros(len(sizes))
    rounded = round9(sizes)  # once for every row of the table (§5)
    for condition, price in cost.by_size:
        hit = condition.test_rounded(rounded) & ~matched
        per_size[hit] = price
        matched |= hit
    return np.bincount(facts.sizes.owner, weights=per_size, minlength=n).astype(np.float64), over


def _tiers(cost: EventCost, count: FloatArray) -> tuple[FloatArray, BoolArray]:
    amount = np.zeros(len(count))
    below = 0.0
    last_upto = cost.tiers[-1][0]
    if cost.flat:
        rate = np.full(len(count), np.nan)
        for upto, price in reversed(cost.tiers):
            rate = (
                np.where(count <= upto, price, rate)
                if upto is not None
                else np.full(len(count), price)
            )
        over = np.isnan(rate)
        return np.where(over, 0.0, count * np.nan_to_num(rate)), over
    for upto, price in cost.tiers:
        top = np.inf if upto is None else upto
        amount += price * np.minimum(np.maximum(count - below, 0), top - below)  # clip
        below = top
    over = count > last_upto if last_upto is not None else np.zeros(len(count), dtype=bool)
    return amount, over


def _sequence(cost: EventCost, count: FloatArray) -> FloatArray:
    steps = np.asarray(cost.sequence)
    prefix = np.concatenate([[0.0], np.cumsum(steps)])
    m, last = len(steps), steps[-1]
    within = prefix[np.minimum(count, m).astype(np.int64)]
    beyond = np.maximum(count - m, 0)
    if cost.then == "double":
        with np.errstate(over="ignore"):
            extra = last * (np.power(2.0, beyond + 1) - 2)
    else:
        extra = last * beyond
    result: FloatArray = within + extra
    return result


# -- traces ------------------------------------------------------------------


def explain_cost(cost: EventCost, facts: Events | None, row: int) -> tuple[str, float] | None:
    """`overtime 12: 10 × 0.5 + 2 × 1 = 7` (加班 12 次：10 × 0.5 + 2 × 1 = 7), or None
    when the event did not happen."""
    if facts is None or facts.count[row] == 0:
        return None
    count = float(facts.count[row])
    what = _occurrences(cost.name, facts, row)
    if cost.zero_above is not None and count > cost.zero_above:
        limit = fmt(cost.zero_above)
        return say("{event}: more than {limit} → item scores 0", event=what, limit=limit), 0.0
    if cost.zero:
        return say("{event} → item scores 0", event=what), 0.0
    amount, working = _working(cost, facts, row, count)
    text = say("{event}: {working}", event=what, working=working)
    if cost.max is not None and amount > cost.max:
        text += say(", capped at {cap}", cap=fmt(cost.max))
        amount = cost.max
    return text, amount


def _occurrences(name: str, facts: Events, row: int) -> str:
    if facts.listed[row]:
        sizes = facts.sizes.numbers_of(row)
        return f"{name} [{', '.join(fmt(s) for s in sizes)}]"
    return say("{event} {count}", event=name, count=fmt(facts.count[row]))


def _working(cost: EventCost, facts: Events, row: int, count: float) -> tuple[float, str]:
    if cost.each is not None:
        base = float(facts.amount[row])
        amount = cost.each * base
        return amount, f"{fmt(base)} × {fmt(cost.each)} = {fmt(amount)}"
    if cost.tiers:
        if cost.flat:
            rate = next(p for u, p in cost.tiers if u is None or count <= u)
            return count * rate, f"{fmt(count)} × {fmt(rate)} = {fmt(count * rate)}"
        parts, below, amount = [], 0.0, 0.0
        for upto, price in cost.tiers:
            top = np.inf if upto is None else upto
            used = min(max(count - below, 0.0), top - below)
            if used > 0:
                parts.append(f"{fmt(used)} × {fmt(price)}")
                amount += used * price
            below = top
        return amount, f"{' + '.join(parts)} = {fmt(amount)}"
    if cost.sequence:
        amount = float(_sequence(cost, np.array([count]))[0])
        steps = [fmt(c) for c in cost.sequence]
        if cost.then == "double":
            return amount, say(
                "sequence {steps} (double) → {amount}", steps=", ".join(steps), amount=fmt(amount)
            )
        return amount, say(
            "sequence {steps} (repeat) → {amount}", steps=", ".join(steps), amount=fmt(amount)
        )
    sizes = facts.sizes.numbers_of(row)
    parts, amount = [], 0.0
    for size in sizes:
        price = next((p for c, p in cost.by_size if c.holds(float(size))), 0.0)
        parts.append(f"{fmt(size)} → {fmt(price)}")
        amount += price
    return amount, f"{joined(parts)} = {fmt(amount)}"


def explain_events(rule: EventRule, events: Mapping[str, Events], row: int) -> list[str]:
    lines = []
    for cost in rule.costs:
        found = explain_cost(cost, events.get(cost.name), row)
        if found is not None:
            lines.append(found[0])
    return lines
