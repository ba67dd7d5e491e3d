"""Conditions: `">= 98%"`, `"< 5"`, `"== 0"`, `"[0.95, 0.98)"`, `"(5, 10]"`, `else`.

Both sides of a comparison are rounded to 9 decimals first (scheme-language
§5): `490/500` meets `">= 98%"`, `0.7 + 0.28` meets `">= 0.98"`.
A bare number means `== number` (what a count table like `[1, 80]` says).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jixiao.scoring.numbers import FloatArray, fmt, parse_number, round9, round9_scalar
from jixiao.scoring.wording import message_of, say

BoolArray = npt.NDArray[np.bool_]

_COMPARISON = re.compile(r"^\s*(>=|<=|==|!=|>|<|=|≥|≤|≠)\s*(.+?)\s*$")
_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])\s*$")
_SYMBOLS = {"≥": ">=", "≤": "<=", "≠": "!=", "=": "=="}
_PRETTY = {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", ">": ">", "<": "<"}
_OPS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "==": np.equal,
    "!=": np.not_equal,
}


@dataclass(frozen=True)
class Condition:
    """A parsed condition. `op` is one of >= <= == != > < , `interval` or `else`."""

    op: str
    low: float = 0.0
    high: float = 0.0
    low_closed: bool = True
    high_closed: bool = True
    source: str = ""

    @property
    def is_else(self) -> bool:
        return self.op == "else"

    def test(self, values: FloatArray) -> BoolArray:
        """Vectorised test; NaN never meets a condition except `else`."""
        if self.op == "else":
            return np.ones(values.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            return self.test_rounded(round9(values))

    def test_rounded(self, v: FloatArray) -> BoolArray:
        """`test` on values already rounded by `round9` (a table's rows test the same
        values: rounded once, not once per row)."""
        if self.op == "else":
            return np.ones(v.shape, dtype=bool)
        if self.op == "interval":
            lo, hi = round9_scalar(self.low), round9_scalar(self.high)
            above = v >= lo if self.low_closed else v > lo
            below = v <= hi if self.high_closed else v < hi
            result: BoolArray = above & below
            return result
        out: BoolArray = _OPS[self.op](v, round9_scalar(self.low))
        if self.op == "!=":
            out &= ~np.isnan(v)
        return out

    def holds(self, value: float) -> bool:
        return bool(self.test(np.array([value], dtype=np.float64))[0])

    def describe(self) -> str:
        """How a trace shows it: `≥ 98%` keeps the author's own numbers (`else`: 其他)."""
        if self.op == "else":
            return say("else")
        if self.op == "interval":
            return self.source.strip()
        return f"{_PRETTY[self.op]} {self.source_operand()}"

    def source_operand(self) -> str:
        match = _COMPARISON.match(self.source)
        return match.group(2) if match else fmt(self.low)


def parse_condition(raw: object) -> Condition:
    """Parse one condition; raises ValueError with a message a person understands."""
    if isinstance(raw, str) and raw.strip().lower() in {"else", "其他", "其余"}:
        return Condition(op="else", source="else")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(say("no condition given (write e.g. '>= 98%', '[0.9, 1)' or else)"))
    if isinstance(raw, bool):
        raise ValueError(
            say("not a condition: {raw!r} (write e.g. '>= 98%', '[0.9, 1)' or else)", raw=raw)
        )
    if isinstance(raw, int | float):
        return Condition(op="==", low=float(raw), source=f"== {fmt(float(raw))}")
    if not isinstance(raw, str):
        raise ValueError(
            say("not a condition: {raw!r} (write e.g. '>= 98%', '[0.9, 1)' or else)", raw=raw)
        )
    text = raw.strip()
    interval = _INTERVAL.match(text)
    if interval:
        low = parse_number(interval.group(2))
        high = parse_number(interval.group(3))
        if low > high:
            raise ValueError(
                say(
                    "interval {text!r} is empty: {low} > {high}",
                    text=text,
                    low=fmt(low),
                    high=fmt(high),
                )
            )
        return Condition(
            op="interval",
            low=low,
            high=high,
            low_closed=interval.group(1) == "[",
            high_closed=interval.group(4) == "]",
            source=text,
        )
    comparison = _COMPARISON.match(text)
    if comparison:
        op = _SYMBOLS.get(comparison.group(1), comparison.group(1))
        try:
            number = parse_number(comparison.group(2))
        except ValueError as exc:
            raise ValueError(
                say("condition {text!r}: {problem}", text=text, problem=message_of(exc))
            ) from None
        return Condition(op=op, low=number, source=text)
    try:
        number = parse_number(text)
    except ValueError:
        raise ValueError(
            say(
                "not a condition: {raw!r} (write e.g. '>= 98%', '< 5', '[0.95, 0.98)' or else)",
                raw=raw,
            )
        ) from None
    return Condition(op="==", low=number, source=f"== {text}")
