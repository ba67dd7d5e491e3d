"""The results as columns (summary.py) print numbers exactly as `result(row)` does:
`shown(x)` is `fmt(output_number(x))`, each distinct number formatted once."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.scoring.numbers import fmt, output_number
from jixiao.scoring.report import dumps
from jixiao.scoring.summary import shown

EDGES = [
    0.0, -0.0, 1.0, -1.0, 0.5, 0.00005, -0.00005, 0.00004999, 0.0001, 0.00015, 0.0004, 0.0009999,
    0.001, 12.34565, 12.34575, 2.675, 99.99995, -99.99995, 1e15, 1e16, -3.00004, 123456.78905,
    1 / 3, 2 / 3, 85.56375, 76.55445, math.nan, math.inf,
]  # fmt: skip


def expected(value: float) -> str:
    number = output_number(value)
    return "" if number is None else fmt(number)


def test_edges_print_as_one_result_prints_them() -> None:
    assert shown(np.array(EDGES)) == [expected(value) for value in EDGES]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=64), max_size=50))
def test_any_numbers_print_as_one_result_prints_them(values: list[float]) -> None:
    assert shown(np.array(values, dtype=np.float64)) == [expected(value) for value in values]


@given(st.lists(st.integers(-(10**9), 10**9), max_size=50), st.integers(0, 6))
def test_decimal_numbers_print_as_one_result_prints_them(whole: list[int], places: int) -> None:
    values = [number / 10**places for number in whole]
    assert shown(np.array(values, dtype=np.float64)) == [expected(value) for value in values]


class _Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        [[[]], {}],
        {"a": [], "b": {}, "c": [1, 2.5, None, True, False, '王\n\t"x\u2028\x00']},
        {7: 2, 2.5: 3, None: 1, True: 0, "nan": float("nan"), "inf": [float("inf"), -1e300]},
        {"x": [{"y": [{"z": "w", "n": -0.0}]}], "t": (1, "2")},
        {"subclass": _Text("text"), _Text("key"): 1},
        "only text",
        [{"rate %": "50 %s", "n": 1}, {"rate %": None, "n": 2.5}, {"rate %": [], "n": 3}],
    ],
)
def test_the_fast_json_is_what_json_dumps_writes(value: object) -> None:
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)
