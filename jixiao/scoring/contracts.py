"""Contract outcomes (scheme-language §12): a provider's series of periods —
reference periods (适应期), the share of the fee withheld, and the triggers
(解约权 …) with the periods that made each hold.

A trigger reads one number per period: for a condition (`failed_items: ">= 3"`
or `when: EXPR`) 1 where it holds and 0 where not; for `sum: EXPR` the value
of EXPR. None is a period with errors. The engine computes these numbers
(engine_contracts.py); everything here is pure and runs over ONE appraisee.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jixiao.scoring.conditions import Condition
from jixiao.scoring.expr import Expression
from jixiao.scoring.numbers import round9_scalar
from jixiao.scoring.wording import say

WINDOWS = ("consecutive", "periods", "sum")


@dataclass(frozen=True)
class Trigger:
    """A contract trigger (§12). Its condition is `failed_items` or `when`, or it
    sums `sum` until it `reaches` a bound; its window is `consecutive` (N in a row),
    `periods` (N in all) or the sum. `item` makes that item's facts visible."""

    name: str
    failed_items: Condition | None = None
    consecutive: int = 1
    when: Expression | None = None
    periods: int | None = None
    sum: Expression | None = None
    reaches: float | None = None
    item: str | None = None

    @property
    def window(self) -> str:
        if self.sum is not None:
            return "sum"
        return "periods" if self.periods is not None else "consecutive"

    @property
    def expression(self) -> Expression | None:
        """The expression the engine evaluates each period (None: failed_items)."""
        return self.sum if self.sum is not None else self.when

    @property
    def condition_text(self) -> str:
        if self.when is not None:
            return self.when.text
        if self.failed_items is not None:
            return f"failed_items {self.failed_items.source}"
        return ""


@dataclass(frozen=True)
class PeriodOutcome:
    """One period of a contract: reference (适应期)?, share of fee withheld, triggers
    listed, each trigger's count so far (`streaks`: the run, the periods held, or
    the running sum), and for each listed trigger the positions of the periods
    whose facts made it hold (`because`)."""

    reference: bool
    fee_deduction: float | None
    triggers: tuple[str, ...]
    streaks: dict[str, float]
    because: dict[str, tuple[int, ...]] = field(default_factory=dict)


_PERIODS = (
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$"), 12),
    ("quarter", re.compile(r"^(\d{4})-[Qq]([1-4])$"), 4),
    ("half", re.compile(r"^(\d{4})-[Hh]([12])$"), 2),
)


def period_index(label: str) -> tuple[str, int]:
    """`2026-06` -> (month, 2026×12+5); `2026-Q2` -> (quarter, 2026×4+1);
    `2026-H1` -> (half, 2026×2); `2026` -> (year, 2026). Consecutive periods of
    one kind have consecutive indices. ValueError for anything else."""
    text = str(label).strip()
    if re.fullmatch(r"\d{4}", text):
        return "year", int(text)
    for kind, pattern, per_year in _PERIODS:
        match = pattern.match(text)
        if match and 1 <= int(match.group(2)) <= per_year:
            return kind, int(match.group(1)) * per_year + int(match.group(2)) - 1
    raise ValueError(
        say("not a period: {period!r} (write 2026-06, 2026-Q2, 2026-H1 or 2026)", period=label)
    )


@dataclass
class _Count:
    """One trigger's state over the series."""

    run: list[int] = field(default_factory=list)  # consecutive: the current run
    held: list[int] = field(default_factory=list)  # periods: the periods it held
    total: float = 0.0  # sum: the running sum
    added: list[int] = field(default_factory=list)  # sum: the periods that added to it
    done: bool = False  # periods, sum: listed once


def contract_outcomes(
    periods: Sequence[str],
    since: str | None,
    totals: Sequence[float | None],
    failed_items: Sequence[int | None],
    fee_deduction: Sequence[tuple[Condition, float]],
    reference_periods: int,
    triggers: Sequence[Trigger],
    values: Mapping[str, Sequence[float | None]] | None = None,
) -> list[PeriodOutcome]:
    """Contract outcomes (§12) of ONE appraisee over its periods, in order.

    Reference periods (适应期): the first `reference_periods` periods counted
    from `since` (or, without it, from the first period given); periods before
    `since` are reference too. fee_deduction: the value of the first row whose
    condition the total meets (0 when none does), 0 in reference periods, None
    when the total is None.

    `values[name]` is each period's number for the trigger of that name (for a
    condition: 1 holds, 0 not; for `sum`: the value; None: errors); a trigger
    with `failed_items` and no values reads failed_items. Over the periods that
    are not reference: `consecutive: N` is listed in every period ending a run
    of N in a row (because: those N periods); `periods: N` once, where the
    count of periods it held reaches N (because: those N); `sum … reaches: X`
    once, in the first period where the running sum is ≥ X (because: the
    periods that added to it). A period with errors, or a gap between period
    labels, ends a run and adds nothing. Periods must be of one kind, strictly
    increasing, and `since` of the same kind (else ValueError).
    """
    if not len(periods) == len(totals) == len(failed_items):
        raise ValueError("periods, totals and failed_items must have the same length")
    if reference_periods < 0 or any(
        t.consecutive < 1 or (t.periods is not None and t.periods < 1) for t in triggers
    ):
        raise ValueError("reference_periods must be >= 0 and each trigger's window >= 1")
    start, indexed = _indices(periods, since)
    counts = {t.name: _Count() for t in triggers}
    out: list[PeriodOutcome] = []
    previous: int | None = None
    for position, (index, total, failed) in enumerate(
        zip(indexed, totals, failed_items, strict=True)
    ):
        if previous is not None and index <= previous:
            raise ValueError(say("periods out of order: {periods}", periods=list(periods)))
        reference = index < start + reference_periods
        gap = previous is not None and index != previous + 1
        fired: list[str] = []
        because: dict[str, tuple[int, ...]] = {}
        for trigger in triggers:
            count = counts[trigger.name]
            value = None if reference else _value(trigger, values, position, failed)
            if reference or gap or value is None:
                count.run = []
            if value is None:
                continue
            found = _step(trigger, count, position, value)
            if found is not None:
                fired.append(trigger.name)
                because[trigger.name] = found
        streaks = {t.name: _level(t, counts[t.name]) for t in triggers}
        fee = _fee(total, reference, fee_deduction)
        out.append(PeriodOutcome(reference, fee, tuple(fired), streaks, because))
        previous = index
    return out


def _indices(periods: Sequence[str], since: str | None) -> tuple[int, list[int]]:
    indexed = [period_index(p) for p in periods]
    kinds = {kind for kind, _ in indexed}
    start = indexed[0][1] if indexed else 0
    if since is not None:
        since_kind, start = period_index(since)
        kinds.add(since_kind)
    if len(kinds) > 1:
        raise ValueError(say("periods of different kinds: {kinds}", kinds=sorted(kinds)))
    return start, [index for _, index in indexed]


def _value(
    trigger: Trigger,
    values: Mapping[str, Sequence[float | None]] | None,
    position: int,
    failed: int | None,
) -> float | None:
    if failed is None:
        return None
    if values is not None and trigger.name in values:
        found = values[trigger.name][position]
        return None if found is None or math.isnan(found) else float(found)
    if trigger.failed_items is not None:
        return 1.0 if trigger.failed_items.holds(failed) else 0.0
    return None


def _step(trigger: Trigger, count: _Count, position: int, value: float) -> tuple[int, ...] | None:
    """Count one period; the positions behind the trigger when it is listed here."""
    window = trigger.window
    if window == "sum":
        count.total += value
        if value != 0:
            count.added.append(position)
        assert trigger.reaches is not None
        if not count.done and round9_scalar(count.total) >= round9_scalar(trigger.reaches):
            count.done = True
            return tuple(count.added)
        return None
    holds = value != 0
    if window == "periods":
        if holds and not count.done:
            count.held.append(position)
            assert trigger.periods is not None
            if len(count.held) >= trigger.periods:
                count.done = True
                return tuple(count.held)
        return None
    count.run = [*count.run, position] if holds else []
    if len(count.run) >= trigger.consecutive:
        return tuple(count.run[-trigger.consecutive :])
    return None


def _level(trigger: Trigger, count: _Count) -> float:
    window = trigger.window
    if window == "sum":
        return count.total
    return len(count.held) if window == "periods" else len(count.run)


def _fee(
    total: float | None, reference: bool, rows: Sequence[tuple[Condition, float]]
) -> float | None:
    if total is None or (isinstance(total, float) and math.isnan(total)):
        return None
    if reference:
        return 0.0
    return next((value for condition, value in rows if condition.holds(total)), 0.0)
