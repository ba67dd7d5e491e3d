"""Number helpers shared by every part of the engine.

- `parse_number` reads what people write in schemes: `0.98`, `98%`, `1/3`.
- `round9` is the contract's comparison rounding (scheme-language §5).
- `fmt` prints a number the way traces and tables show it.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from jixiao.scoring.wording import say

COMPARE_DECIMALS = 9
OUTPUT_DECIMALS = 4

_PERCENT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*%\s*$")
_FRACTION = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")

FloatArray = npt.NDArray[np.float64]


def parse_number(raw: object) -> float:
    """A number from a scheme or facts file; raises ValueError with a readable message."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(say("no number given"))
    if isinstance(raw, bool):
        raise ValueError(say("expected a number, got {raw!r}", raw=raw))
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        percent = _PERCENT.match(text)
        fraction = _FRACTION.match(text)
        if percent:
            value = float(Fraction(percent.group(1)) / 100)
        elif fraction:
            denominator = Fraction(fraction.group(2))
            if denominator == 0:
                raise ValueError(say("{raw!r}: division by zero", raw=raw))
            value = float(Fraction(fraction.group(1)) / denominator)
        else:
            try:
                value = float(text)
            except ValueError:
                raise ValueError(say("expected a number, got {raw!r}", raw=raw)) from None
    else:
        raise ValueError(say("expected a number, got {raw!r}", raw=raw))
    if not math.isfinite(value):
        raise ValueError(say("expected a finite number, got {raw!r}", raw=raw))
    return value


def round9(values: FloatArray) -> FloatArray:
    """Round to the 9 decimals that every comparison uses (490/500 meets >= 98%)."""
    return np.round(values, COMPARE_DECIMALS)


def round9_scalar(value: float) -> float:
    return round(value, COMPARE_DECIMALS)


def round_half_up(values: FloatArray, decimals: int = 0) -> FloatArray:
    """四舍五入: halves go away from zero (not to even), as people round."""
    factor = 10.0**decimals
    scaled = np.round(np.abs(values) * factor, COMPARE_DECIMALS - min(decimals, 0))
    return np.sign(values) * np.floor(scaled + 0.5) / factor


def fmt(value: float | None, decimals: int = OUTPUT_DECIMALS) -> str:
    """`80.0` -> `80`, `9.700000001` -> `9.7`, `1/3` -> `0.3333`."""
    try:
        return _fmt_seen(value, decimals)  # traces print the same few numbers again and again
    except TypeError:  # not hashable
        return _fmt(value, decimals)


def _fmt(value: float | None, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    magnitude = abs(float(value))
    if 0 < magnitude < 10**-decimals * 10:
        # small rates (0.002% = 0.00002) keep 4 significant digits, not "0"
        decimals = min(12, decimals - 1 - math.floor(math.log10(magnitude)) + 1)
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    text = f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")
    return text


def output_number(value: float | None) -> float | int | None:
    """A number as printed in results: rounded to 4 decimals, whole numbers as int."""
    try:
        return _output_seen(value)
    except TypeError:  # not hashable
        return _output_number(value)


def _output_number(value: float | None) -> float | int | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    rounded = round(float(value), OUTPUT_DECIMALS)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return int(rounded)
    return rounded


# Equal keys give equal text: 1, 1.0 and True print alike, and so do 0.0 and -0.0.
_fmt_seen = lru_cache(maxsize=1 << 16)(_fmt)
_output_seen = lru_cache(maxsize=1 << 16)(_output_number)
