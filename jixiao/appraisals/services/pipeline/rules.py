"""What an item's rule lets a person write, said in words.

For each kind of written value (the item's value, a rating, a score given
directly) the item's rule in the scheme allows a scale: a list of levels, or
numbers within bounds. `scale_for` finds it; `Scale.refusal` says what is wrong
with a value, naming the item as people see it and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from django.utils.translation import gettext as _

from jixiao.scoring.model import Item
from jixiao.scoring.numbers import fmt
from jixiao.scoring.rules.numeric import DirectRule


def as_number(value: Any) -> int | float | None:
    """A number given as a number or as its text (`"8"`, `" 7.5 "`); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and "." not in text else number
    return None


def shown(value: Any) -> str:
    if isinstance(value, float):
        return fmt(value)
    return str(value).strip() or "—"


def bounds_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _("a number from %(low)s to %(high)s") % {"low": fmt(low), "high": fmt(high)}
    if low is not None:
        return _("a number of at least %(low)s") % {"low": fmt(low)}
    if high is not None:
        return _("a number of at most %(high)s") % {"high": fmt(high)}
    return _("a number")


class Named(Protocol):
    """What a refusal names: an item, or an adjustment."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Scale:
    """Levels (a levels rule), or numbers between `low` and `high` (either may be open)."""

    rule: Any = None  # the levels rule, when the scale is its levels
    low: float | None = None
    high: float | None = None

    def describe(self) -> str:
        if self.rule is None:
            return bounds_text(self.low, self.high)
        names = []
        for name, (low, high) in self.rule.levels:
            names.append(name if low == high else f"{name} ({fmt(low)}–{fmt(high)})")
        return _("one of the levels %(levels)s") % {"levels": ", ".join(names)}

    def refusal(self, item: Named, value: Any) -> tuple[Any, str, str]:
        """(the value to store, code, message): code and message empty when it is allowed."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return (
                value,
                "invalid",
                _("%(item)s takes %(allowed)s, not a list or a yes/no")
                % {
                    "item": item.name,
                    "allowed": self.describe(),
                },
            )
        number = as_number(value)
        if self.rule is not None:
            given = number if number is not None else value.strip()  # type: ignore[union-attr]
            _points, errors = self.rule.rating_points(np.array([given], dtype=object))
            if not errors:
                return given, "", ""
            message = _("%(item)s takes %(allowed)s: %(value)s is not one of them")
            return given, "outside_scale", message % self._words(item, value)
        if number is None:
            message = _("%(item)s takes %(allowed)s: %(value)s is not a number")
            return value, "not_a_number", message % self._words(item, value)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            message = _("%(item)s takes %(allowed)s: %(value)s is outside it")
            return number, "outside_scale", message % self._words(item, value)
        return number, "", ""

    def _words(self, item: Named, value: Any) -> dict[str, str]:
        return {"item": item.name, "allowed": self.describe(), "value": shown(value)}


def _band_bounds(rule: Any) -> tuple[float, float] | None:
    ranged = [(low, high) for _condition, (low, high) in rule.rows if low != high]
    if not ranged:
        return None
    return min(low for low, _high in ranged), max(high for _low, high in ranged)


def value_scale(item: Item) -> Scale:
    """The item's value: a level name for a levels item, a number otherwise."""
    return Scale(rule=item.rule) if item.rule.kind == "levels" else Scale()


def rating_scale(item: Item) -> Scale | None:
    """A rating of the item; None when the item takes no ratings."""
    rule = item.rule
    if not rule.takes_ratings():
        return None
    if rule.kind == "levels":
        return Scale(rule=rule)
    if isinstance(rule, DirectRule):
        return Scale(low=rule.min, high=rule.max)
    bounds = _band_bounds(rule) if rule.kind == "bands" else None
    return Scale(low=bounds[0], high=bounds[1]) if bounds else Scale()


def score_scale(item: Item) -> Scale:
    """A score given directly: within a direct rule's bounds or a band's score range."""
    rule = item.rule
    if isinstance(rule, DirectRule):
        return Scale(low=rule.min, high=rule.max)
    bounds = _band_bounds(rule) if rule.kind == "bands" else None
    return Scale(low=bounds[0], high=bounds[1]) if bounds else Scale()


def rater_roles(item: Item, scheme: Any) -> tuple[str, ...]:
    """The rater roles the scheme names for the item (empty: any role)."""
    raters = item.raters or scheme.raters
    return tuple(raters.types) if raters is not None else ()


# A target written in words (「完成11月月结」) says how it is measured in this input.
TARGET_MEASURE = "target_measure"
TARGET_KEYS = ("target", "challenge", TARGET_MEASURE)
TARGET_TEXT_LIMIT = 200


def computed_names(item: Item) -> frozenset[str]:
    """The inputs the item's measure and rule compute with."""
    names: set[str] = set()
    if item.measure is not None:
        names |= set(item.measure.names)
    for expression in item.rule.expressions():
        names |= set(getattr(expression, "names", ()))
    return frozenset(names)


def input_names(item: Item) -> frozenset[str]:
    """The inputs the item reads: its measure's names, its rule's, a target and a
    challenge value (and how a target in words is measured)."""
    return computed_names(item) | set(TARGET_KEYS)


def target_in_words(item: Item, key: str) -> bool:
    """Whether the target or challenge value `key` of the item may be words: it may
    unless the item computes with it (then it is a number)."""
    return key == TARGET_MEASURE or key not in computed_names(item)
