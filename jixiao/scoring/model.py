"""The typed, frozen form of a scheme (scheme-language §1–§13).

`parse.py` builds these from a document; the engine only ever reads them.
Rules live in `jixiao.scoring.rules`, one module per rule type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jixiao.scoring.conditions import Condition
from jixiao.scoring.contracts import Trigger
from jixiao.scoring.errors import Path, Problem
from jixiao.scoring.expr import Expression

if TYPE_CHECKING:
    from jixiao.scoring.rules.base import Rule

PERIOD_KINDS = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class Raters:
    """How the ratings of several rater types combine (§6)."""

    weights: Mapping[str, float] = field(default_factory=dict)
    trim: Mapping[str, int] = field(default_factory=dict)
    missing: str = "redistribute"  # redistribute | zero | error
    final: tuple[str, ...] = ()

    @property
    def types(self) -> tuple[str, ...]:
        return self.final or tuple(self.weights)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    weight: float
    full: float
    rule: Rule
    path: Path
    section: tuple[str, ...] = ()
    measure: Expression | None = None
    standard: Condition | None = None
    raters: Raters | None = None
    period: str | None = None
    default: Mapping[str, object] | None = None
    info: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    weight: float
    children: tuple[Section | Item, ...]
    path: Path


Node = Section | Item


@dataclass(frozen=True)
class EventCost:
    """The cost of one event name in a deduct/add rule (§5.3)."""

    name: str
    each: float | None = None
    tiers: tuple[tuple[float | None, float], ...] = ()  # (upto or None for else, cost)
    flat: bool = False
    zero_above: float | None = None
    sequence: tuple[float, ...] = ()
    then: str = "repeat"  # repeat | double
    by_size: tuple[tuple[Condition, float], ...] = ()
    zero: bool = False
    max: float | None = None


@dataclass(frozen=True)
class EventRule:
    """The event machinery shared by the deduct/add rules and adjustments."""

    costs: tuple[EventCost, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(cost.name for cost in self.costs)


@dataclass(frozen=True)
class Adjustment:
    """One adjustment (§7). `kind` is bonus|penalty|add|deduct|coefficient|gate."""

    name: str
    kind: str
    path: Path
    each: tuple[float, float] | None = None  # bonus/penalty: bounds of every amount
    cap: float | None = None
    events: EventRule | None = None
    by: str | None = None  # coefficient: the input it reads
    values: Mapping[str, float] = field(default_factory=dict)
    when: Expression | None = None  # gate
    effect: str = ""  # zero | no_bonus | cap_grade | flag
    effect_value: str = ""  # the grade for cap_grade, the text for flag
    item: Item | None = None  # points (v1.1): the line scored as an item, added as points


@dataclass(frozen=True)
class GradeRow:
    condition: Condition
    grade: str
    top: float | None = None  # rank / ranked must be <= top


@dataclass(frozen=True)
class Ranking:
    within: str | None = None
    by: str = "total"  # total | normalized


@dataclass(frozen=True)
class Distribution:
    within: str | None
    grades: tuple[str, ...]
    quotas: tuple[float, ...]


@dataclass(frozen=True)
class Normalize:
    within: str
    method: str = "mean_to_100"
    by: str | None = None
    cap: str | float | None = None


@dataclass(frozen=True)
class PayOutcome:
    coefficients: Mapping[str, float]
    pool: str
    within: str | None = None
    factor: Expression | None = None


@dataclass(frozen=True)
class SalaryOutcome:
    steps: tuple[tuple[Condition, float], ...]
    current: str
    min: str | None = None
    max: str | None = None


@dataclass(frozen=True)
class ContractOutcome:
    fee_deduction: tuple[tuple[Condition, float], ...] = ()
    reference_periods: int = 0
    triggers: tuple[Trigger, ...] = ()


@dataclass(frozen=True)
class LabelOutcome:
    """A label outcome (§12, v1.1): the total, normalized total or grade → a label.

    `rows` (by total or normalized: the first matching row) or `grades` (by grade)."""

    name: str
    by: str  # total | normalized | grade
    path: Path
    rows: tuple[tuple[Condition, str], ...] = ()
    grades: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcomes:
    pay: PayOutcome | None = None
    salary: SalaryOutcome | None = None
    contract: ContractOutcome | None = None
    labels: tuple[LabelOutcome, ...] = ()


@dataclass(frozen=True)
class HistoryInput:
    """A result of earlier periods as a list input: a roll-up (v1.1 §15)."""

    name: str
    period: str  # month | quarter | half: the shorter periods whose results it holds
    value: str = "total"  # total | normalized
    missing: str = "skip"  # skip | error
    path: Path = ()


@dataclass(frozen=True)
class Limits:
    max_items: int | None = None
    min_weight: float | None = None
    weight_gap: float | None = None


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    period: str
    scale: float
    nodes: tuple[Node, ...]
    raters: Raters | None = None
    adjustments: tuple[Adjustment, ...] = ()
    total_min: float | None = 0.0
    total_max: float | None = None
    grades: tuple[GradeRow, ...] = ()
    ranking: Ranking | None = None
    distribution: Distribution | None = None
    normalize: Normalize | None = None
    outcomes: Outcomes = field(default_factory=Outcomes)
    limits: Limits = field(default_factory=Limits)
    history: tuple[HistoryInput, ...] = ()  # v1.1 §15
    warnings: tuple[Problem, ...] = ()
    file: str | None = None

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(_walk_items(self.nodes))

    def item(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)


def _walk_items(nodes: tuple[Node, ...]) -> list[Item]:
    found: list[Item] = []
    for node in nodes:
        if isinstance(node, Item):
            found.append(node)
        else:
            found.extend(_walk_items(node.children))
    return found
