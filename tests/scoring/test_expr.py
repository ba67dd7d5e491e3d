"""The expression language (scheme-language §4): compile once, evaluate columnar."""

from __future__ import annotations

import dataclasses
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.scoring.errors import ExpressionError
from jixiao.scoring.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    NOT_FINITE,
    EvaluationError,
    Expression,
    Ragged,
    compile_expression,
)

Env = dict[str, float | None]


def one(text: str, env: Env | None = None, lists: dict[str, list[float]] | None = None) -> float:
    return compile_expression(text).evaluate_one(env or {}, lists)


def columns(**values: list[float]) -> dict[str, np.ndarray]:
    return {k: np.array(v, dtype=np.float64) for k, v in values.items()}


VALUES: list[tuple[str, Env, float]] = [
    # arithmetic, unary, precedence
    ("1 + 2", {}, 3),
    ("5 - 7", {}, -2),
    ("3 * 4", {}, 12),
    ("7 / 2", {}, 3.5),
    ("7 // 2", {}, 3),
    ("-7 // 2", {}, -4),
    ("7 % 3", {}, 1),
    ("-7 % 3", {}, 2),
    ("7 % -3", {}, -2),
    ("2 ** 10", {}, 1024),
    ("2 ** -1", {}, 0.5),
    ("-2 ** 2", {}, -4),
    ("(1 + 2) * 3", {}, 9),
    ("-x", {"x": 4}, -4),
    ("+x", {"x": 4}, 4),
    ("- -x", {"x": 4}, 4),
    ("1e3 + 0.5", {}, 1000.5),
    ("1_000", {}, 1000),
    # percent vs modulo
    ("98%", {}, 0.98),
    ("0.002%", {}, 0.00002),
    ("-5%", {}, -0.05),
    ("5% * 10", {}, 0.5),
    ("50% + 50%", {}, 1),
    ("(50%)", {}, 0.5),
    ("max(5%, 1%)", {}, 0.05),
    ("10%-3", {}, 0.1 - 3),
    ("1_000%", {}, 10),
    ("1e2%", {}, 1),
    ("x * 10% if 5% < x else 0", {"x": 2}, 0.2),
    ("10 % 3", {}, 1),
    ("10%3", {}, 1),
    ("10 % -3", {}, -2),
    ("10%(x)", {"x": 4}, 2),
    ("10%x", {"x": 4}, 2),
    ("10% x", {"x": 4}, 2),
    ("a % b", {"a": 10, "b": 4}, 2),
    # the 9-decimal comparison rule, also for floor / ceil / // / %
    ("490/500 >= 98%", {}, 1),
    ("0.7 + 0.28 >= 0.98", {}, 1),
    ("0.1 + 0.2 == 0.3", {}, 1),
    ("0.3 - 0.1 != 0.2", {}, 0),
    ("1.0000000001 > 1", {}, 0),
    ("1.000000001 > 1", {}, 1),
    ("floor((1 - 97%) / 1%)", {}, 3),
    ("ceil(0.07 * 100)", {}, 7),
    ("(1 - 0.97) // 0.01", {}, 3),
    # comparisons and chains
    ("1 < 2", {}, 1),
    ("2 < 1", {}, 0),
    ("2 <= 2", {}, 1),
    ("3 > 2", {}, 1),
    ("2 >= 3", {}, 0),
    ("2 == 2", {}, 1),
    ("2 != 2", {}, 0),
    ("1 < 2 < 3", {}, 1),
    ("3 > 2 > 2", {}, 0),
    ("1 == 1 != 2", {}, 1),
    ("0 < x <= 1", {"x": 1}, 1),
    ("0 < x <= 1", {"x": 0}, 0),
    ("0 < x <= 1", {"x": 1.5}, 0),
    # and / or / not / if: Python's value semantics
    ("2 and 3", {}, 3),
    ("0 and 3", {}, 0),
    ("2 or 3", {}, 2),
    ("0 or 3", {}, 3),
    ("0 or 0", {}, 0),
    ("1 and 0 or 7", {}, 7),
    ("not 0", {}, 1),
    ("not 5", {}, 0),
    ("not x > 1", {"x": 0}, 1),
    ("10 if c else 20", {"c": 1}, 10),
    ("10 if c else 20", {"c": 0}, 20),
    ("1 if a > 1 else 2 if a > 0 else 3", {"a": 0.5}, 2),
    # functions
    ("abs(-3)", {}, 3),
    ("min(3, 1, 2)", {}, 1),
    ("min(4)", {}, 4),
    ("max(3, 1, 2)", {}, 3),
    ("round(2.5)", {}, 3),
    ("round(-2.5)", {}, -3),
    ("round(0.5)", {}, 1),
    ("round(2.4)", {}, 2),
    ("round(1.005, 2)", {}, 1.01),
    ("round(2.675, 2)", {}, 2.68),
    ("round(1250, -2)", {}, 1300),
    ("round(1249, -2)", {}, 1200),
    ("floor(-1.5)", {}, -2),
    ("floor(2.7)", {}, 2),
    ("ceil(-1.5)", {}, -1),
    ("ceil(2.1)", {}, 3),
    ("sum(1, 2, 3)", {}, 6),
    ("sum(x)", {"x": 4}, 4),
    ("mean(1, 2, 6)", {}, 3),
    ("mean(x)", {"x": 4}, 4),
    ("count(3 > 1, 0, 5)", {}, 3),  # v1.1 §4: count counts the numbers (v1 counted non-zero)
    ("count(a > 5, b > 5)", {"a": 6, "b": 5}, 2),
    ("count(x)", {"x": 4}, 1),
    ("clamp(120, 0, 100)", {}, 100),
    ("clamp(-5, 0, 100)", {}, 0),
    ("clamp(50, 0, 100)", {}, 50),
    # from real schemes
    ("(received - overtime) / received", {"received": 100, "overtime": 12}, 0.88),
    ("1 - abs(actual - budget) / budget", {"actual": 90, "budget": 100}, 0.9),
    ("100 - 0.3 * W - 1.4 * T", {"W": 10, "T": 5}, 90),
    ("loss >= 2000 or personal_leave_days >= 7", {"loss": 0, "personal_leave_days": 7}, 1),
    ("fatal_accidents > 0", {"fatal_accidents": 0}, 0),
    ("actual_sales / standard_sales", {"actual_sales": 9500, "standard_sales": 10000}, 0.95),
    ("min(actual / target, 1.2)", {"actual": 150, "target": 100}, 1.2),
    ("clamp(x, 0, 100)", {"x": 101}, 100),
    ("销售额 / 目标销售额", {"销售额": 90, "目标销售额": 100}, 0.9),
    ("  x + 1  ", {"x": 1}, 2),
    ("(x +\n 1)", {"x": 1}, 2),
]


@pytest.mark.parametrize(("text", "env", "expected"), VALUES)
def test_values(text: str, env: Env, expected: float) -> None:
    assert one(text, env) == pytest.approx(expected, abs=1e-12)


def test_modulo_of_floats_is_snapped_to_nine_decimals() -> None:
    assert abs(one("0.3 % 0.1")) < 1e-12


ROW_ERRORS: list[tuple[str, Env, str]] = [
    ("a / b", {"a": 1, "b": 0}, "division by zero in 'a / b'"),
    ("a // b", {"a": 1, "b": 0}, "division by zero in 'a // b'"),
    ("a % b", {"a": 1, "b": 0}, "division by zero in 'a % b'"),
    ("10 % (x - 1)", {"x": 1}, "division by zero in '10 % (x - 1)'"),
    (
        "(received - overtime) / received",
        {"received": 0, "overtime": 0},
        "division by zero in '(received - overtime) / received'",
    ),
    ("1 + 2 * (y / x)", {"x": 0, "y": 1}, "division by zero in 'y / x'"),
    ("x + 1", {}, "unknown name 'x'"),
    ("x + 1", {"x": None}, "no value for 'x'"),
    ("x + 1", {"x": math.inf}, "'x' is not a finite number"),
    ("2 ** 5000", {}, NOT_FINITE),
    ("(-8) ** 0.5", {}, NOT_FINITE),
    ("0 ** -1", {}, NOT_FINITE),
    ("1e308 * 10 > 0", {}, NOT_FINITE),
    ("2 ** 10 ** 10", {}, NOT_FINITE),
    ("9 ** 9 ** 9 ** 9", {}, NOT_FINITE),
    ("clamp(x, 10, 0)", {"x": 5}, "clamp: lower bound above upper bound in 'clamp(x, 10, 0)'"),
    # the first error of a row wins
    ("x / 0 + y", {"x": 1}, "division by zero in 'x / 0'"),
    ("y + x / 0", {"x": 1}, "unknown name 'y'"),
    ("a / b + c", {"a": 1, "b": 0, "c": None}, "division by zero in 'a / b'"),
]


@pytest.mark.parametrize(("text", "env", "message"), ROW_ERRORS)
def test_row_errors(text: str, env: Env, message: str) -> None:
    with pytest.raises(EvaluationError) as caught:
        one(text, env)
    assert str(caught.value) == message
    result = compile_expression(text).evaluate(
        {k: np.array([np.nan if v is None else v]) for k, v in env.items()}, 1
    )
    assert result.errors == {0: message}
    assert np.isnan(result.values[0])


def test_row_errors_stay_on_their_rows() -> None:
    expr = compile_expression("(received - overtime) / received")
    result = expr.evaluate(columns(received=[100, 0, 50, 20], overtime=[12, 0, 5, np.nan]), 4)
    assert result.errors == {
        1: "division by zero in '(received - overtime) / received'",
        3: "no value for 'overtime'",
    }
    assert result.values[0] == pytest.approx(0.88)
    assert result.values[2] == pytest.approx(0.9)
    assert np.isnan(result.values[[1, 3]]).all()


def test_unknown_name_is_an_error_on_every_row() -> None:
    result = compile_expression("x + y").evaluate(columns(x=[1, 2, 3]), 3)
    assert result.errors == {0: "unknown name 'y'", 1: "unknown name 'y'", 2: "unknown name 'y'"}
    assert np.isnan(result.values).all()


SHORT_CIRCUITS: list[tuple[str, list[float], list[float], list[float]]] = [
    # text, x, y, expected values (no row has an error)
    ("x > 0 and y / x > 1", [0, 2, 1], [5, 4, 1], [0, 1, 0]),
    ("x == 0 or y / x", [0, 2, 4], [5, 4, 1], [1, 2, 0.25]),
    ("y / x if x != 0 else -1", [0, 2], [5, 4], [-1, 2]),
    ("-1 if x == 0 else y / x", [0, 2], [5, 4], [-1, 2]),
    ("0 < x < y / x", [0, 2, 5], [1, 6, 10], [0, 1, 0]),
    ("1 if x else missing", [1, 3], [0, 0], [1, 1]),
    ("missing if 0 else y", [1, 3], [7, 8], [7, 8]),
    ("x and y and 1 / (y - 1)", [0, 5, 1], [1, 0, 3], [0, 0, 0.5]),
]


@pytest.mark.parametrize(("text", "x", "y", "expected"), SHORT_CIRCUITS)
def test_branches_not_taken_cause_no_errors(
    text: str, x: list[float], y: list[float], expected: list[float]
) -> None:
    result = compile_expression(text).evaluate(columns(x=x, y=y), len(x))
    assert result.errors == {}
    np.testing.assert_allclose(result.values, expected)


def test_branches_taken_do_cause_errors() -> None:
    expr = compile_expression("x == 0 or y / (x - 1)")
    result = expr.evaluate(columns(x=[0, 1, 2], y=[1, 1, 1]), 3)
    assert result.errors == {1: "division by zero in 'y / (x - 1)'"}
    assert list(result.values[[0, 2]]) == [1, 1]
    unknown = compile_expression("1 if x > 1 else missing").evaluate(columns(x=[0, 5]), 2)
    assert unknown.errors == {0: "unknown name 'missing'"}
    assert unknown.values[1] == 1


REFUSED: list[tuple[str, str]] = [
    ("x.y", "attribute access"),
    ("().__class__", "attribute access"),
    ("x[0]", "subscripts"),
    ("open('x')", "function 'open' is not allowed"),
    ("__import__('os')", "function '__import__' is not allowed"),
    ("eval('1')", "function 'eval' is not allowed"),
    ("f(x)(y)", "only these functions can be called"),
    ("abs(x)(y)", "only these functions can be called"),
    ("round(x, ndigits=2)", "keyword arguments are not allowed"),
    ("'text'", "strings are not allowed"),
    ("x + 'a'", "strings are not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("[x for x in y]", "comprehensions are not allowed"),
    ("sum(x for x in y)", "comprehensions are not allowed"),
    ("f'{x}'", "f-strings are not allowed"),
    ("(y := 1)", "assignment (:=) is not allowed"),
    ("min(*x)", "starred arguments"),
    ("[1, 2]", "lists are not allowed"),
    ("(1, 2)", "tuples are not allowed"),
    ("{1: 2}", "dicts are not allowed"),
    ("__builtins__", "names starting with '__' are not allowed"),
    ("x + __class__", "names starting with '__' are not allowed"),
    ("clamp(x)", "clamp() takes 3 argument(s), got 1"),
    ("abs(1, 2)", "abs() takes 1 argument(s), got 2"),
    ("round(1, 2, 3)", "round() takes 1 to 2 argument(s), got 3"),
    ("min()", "min() takes 1+ argument(s), got 0"),
    ("round(x, y)", "round(x, n): n must be a whole number"),
    ("round(x, 2.5)", "round(x, n): n must be a whole number"),
    ("round(x, 99)", "round(x, n): n must be a whole number"),
    ("abs + 1", "function 'abs' used as a value"),
    ("count", "function 'count' used as a value"),
    ("x @ y", "operator '@' is not allowed"),
    ("x << 2", "operator '<<' is not allowed"),
    ("x & y", "operator '&' is not allowed"),
    ("~x", "operator '~' is not allowed"),
    ("x in y", "comparison 'in' is not allowed"),
    ("x is not y", "comparison 'is not' is not allowed"),
    ("True", "True is not allowed"),
    ("None", "None is not allowed"),
    ("3j", "3j is not allowed"),
    ("1e999", "number 1e999 is too large"),
    ("1e999999999%", "is too large"),
    ("9" * 400, "is too large"),
    ("x +", "syntax error in expression 'x +'"),
    ("x if y", "syntax error in expression 'x if y', column 1"),
    ("销售额 + )", "column 7: unmatched ')'"),
    ("x; import os", "syntax error"),
    ("import os", "syntax error"),
    ("(" * 300 + "x" + ")" * 300, "syntax error"),
    ("a\x00", "null bytes"),
    ("", "empty expression"),
    ("   \n ", "empty expression"),
    ("x" * (MAX_LENGTH + 1), "expression is too long"),
    ("-" * 1500 + "x", "nested too deeply"),
    ("x" + " + x" * 150, "nested too deeply"),
    ("not " * (MAX_DEPTH + 1) + "x", "nested too deeply"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED)
def test_compile_time_refusals(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert fragment in str(caught.value)


def test_refusals_name_the_expression_and_column() -> None:
    with pytest.raises(ExpressionError, match=r"^expression 'x \+ y\.z', column 5: attribute"):
        compile_expression("x + y.z")
    with pytest.raises(ExpressionError, match=r"column 10: function 'open'"):
        compile_expression("目标 + 1 + open(x)")


def test_refuses_non_text() -> None:
    with pytest.raises(ExpressionError, match="must be text"):
        compile_expression(5)  # type: ignore[arg-type]


def test_allowed_depth_and_length_just_below_the_limits() -> None:
    assert one("-" * (MAX_DEPTH - 2) + "1") == 1.0
    assert one("(" + " + ".join(["1"] * 50) + ")") == 50.0
    assert one("sum(" + ", ".join(["1"] * 400) + ")") == 400.0


NAMES: list[tuple[str, set[str]]] = [
    ("(received - overtime) / received", {"received", "overtime"}),
    ("min(a, 1) + abs(b) + round(c, 2)", {"a", "b", "c"}),
    ("sum(sizes) + count(sizes, d > 1)", {"sizes", "d"}),
    ("x if c else y", {"x", "c", "y"}),
    ("1 + 98%", set()),
    ("a % b", {"a", "b"}),
    ("销售额 / 目标", {"销售额", "目标"}),
    ("ｘ + 1", {"ｘ"}),  # a full-width name is looked up as written, not NFKC-normalised
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_names(text: str, names: set[str]) -> None:
    assert compile_expression(text).names == frozenset(names)


def test_full_width_name_is_looked_up_as_written() -> None:
    assert one("ｘ + 1", {"ｘ": 2}) == 3


AS_VALUE = "'sizes' is a list: use sum(sizes), mean(sizes) or count(sizes)"
SIZES = Ragged(owner=np.array([0, 0, 2, 3, 3, 3]), values=np.array([3.0, 1, 5, 1, 2, 3]))


@pytest.mark.parametrize(
    ("text", "expected", "errors"),
    [
        ("sum(sizes)", [4, 0, 5, 6], {}),
        ("count(sizes)", [2, 0, 1, 3], {}),
        ("mean(sizes)", [2, np.nan, 5, 2], {1: "no entries for 'sizes'"}),
        ("2 * sum(sizes) + count(sizes)", [10, 0, 11, 15], {}),
        ("count(sizes) > 0 and mean(sizes) >= 2", [1, 0, 1, 1], {}),
        ("sum(sizes, 1)", [5, 1, 6, 7], {}),  # v1.1 §4: lists and numbers together
        ("sizes", [np.nan] * 4, dict.fromkeys(range(4), AS_VALUE)),
        ("count(other)", [np.nan] * 4, dict.fromkeys(range(4), "unknown name 'other'")),
    ],
)
def test_list_aggregates(text: str, expected: list[float], errors: dict[int, str]) -> None:
    result = compile_expression(text).evaluate({}, 4, {"sizes": SIZES})
    assert result.errors == errors
    np.testing.assert_allclose(result.values, expected)


def test_list_with_a_missing_size_is_an_error_for_its_row() -> None:
    sizes = Ragged(np.array([0, 1, 1]), np.array([2.0, np.nan, 3.0]))
    result = compile_expression("sum(sizes)").evaluate({}, 2, {"sizes": sizes})
    assert result.errors == {1: "no value for an entry of 'sizes'"}
    assert result.values[0] == 2


def test_list_wins_over_input_of_the_same_name_only_in_aggregates() -> None:
    expr = compile_expression("sum(late) + late")
    lists = {"late": Ragged(np.array([0, 0]), np.array([3.0, 1.0]))}
    assert expr.evaluate(columns(late=[2]), 1, lists).values[0] == 6


def test_malformed_ragged_is_a_programming_error() -> None:
    bad = Ragged(np.array([0, 5]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="owner"):
        compile_expression("sum(x)").evaluate({}, 2, {"x": bad})


def test_evaluate_one() -> None:
    expr = compile_expression("sum(sizes) / days")
    assert expr.evaluate_one({"days": 2}, {"sizes": [3, 1]}) == 2.0
    assert isinstance(expr.evaluate_one({"days": 4}, {"sizes": [3, 1]}), float)
    with pytest.raises(EvaluationError, match="no value for 'days'"):
        expr.evaluate_one({"days": None}, {"sizes": [1]})
    with pytest.raises(ValueError, match="no entries for 'sizes'"):
        compile_expression("mean(sizes)").evaluate_one({}, {"sizes": []})


def test_evaluate_checks_its_inputs() -> None:
    expr = compile_expression("x + 1")
    with pytest.raises(ValueError, match="shape"):
        expr.evaluate(columns(x=[1, 2]), 3)
    with pytest.raises(ValueError, match="n must be"):
        expr.evaluate({}, -1)
    empty = expr.evaluate(columns(x=[]), 0)
    assert empty.values.shape == (0,)
    assert empty.errors == {}


def test_evaluate_accepts_int_arrays_and_never_returns_the_input_array() -> None:
    x = np.array([1, 2, 3])
    result = compile_expression("x").evaluate({"x": x}, 3)
    assert result.values.dtype == np.float64
    result.values[0] = 99
    assert x[0] == 1
    constant = compile_expression("2").evaluate({}, 3)
    assert list(constant.values) == [2, 2, 2]


def test_expression_is_immutable_comparable_and_picklable() -> None:
    expr = compile_expression("a / b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.text = "b"  # type: ignore[misc]
    assert expr == compile_expression("a / b")
    copy = pickle.loads(pickle.dumps(expr))
    assert isinstance(copy, Expression)
    assert copy.evaluate_one({"a": 1, "b": 4}) == 0.25


def test_a_hundred_thousand_rows_get_errors_exactly_where_they_divide_by_zero() -> None:
    n = 100_000
    rng = np.random.default_rng(1)
    env = {k: rng.uniform(0, 1000, n) for k in ("received", "overtime", "loss", "days")}
    env["received"][::10] = 0
    expr = compile_expression("(received - overtime) / received if loss >= 2000 or days > 7 else 1")
    result = expr.evaluate(env, n)
    taken = (env["loss"] >= 2000) | (env["days"] > 7)
    expected_errors = set(np.flatnonzero(taken & (env["received"] == 0)).tolist())
    assert set(result.errors) == expected_errors
    ok = taken & (env["received"] != 0)
    assert np.allclose(
        result.values[ok], (env["received"] - env["overtime"])[ok] / env["received"][ok]
    )
    assert np.all(result.values[~taken] == 1)


# batch evaluation = evaluating each row alone
PROPERTY_EXPRESSIONS = [
    "(x - y) / x",
    "x // y + x % y",
    "x > 0 and y / x >= 98% or z",
    "y / x if x != 0 else missing",
    "0 <= x < y / z",
    "clamp(round(x / (y + z), 2), 0, 1)",
    "max(x, y) ** z",
    "floor(x) - ceil(y) + abs(z)",
    "sum(s) / count(s) - mean(s) + x",
    "count(x > 0, y, not z) + sum(x, y) + mean(z, 1)",
]
NUMBERS = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0, 0.98, math.nan, 1e308]),
    st.floats(-1e3, 1e3, allow_nan=False),
)
ROW = st.tuples(NUMBERS, NUMBERS, NUMBERS, st.lists(NUMBERS, max_size=3))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PROPERTY_EXPRESSIONS), st.lists(ROW, min_size=1, max_size=8))
def test_batch_equals_rows_alone(
    text: str, rows: list[tuple[float, float, float, list[float]]]
) -> None:
    expr = compile_expression(text)
    env = {name: np.array([r[i] for r in rows]) for i, name in enumerate("xyz")}
    owner = np.array([i for i, r in enumerate(rows) for _ in r[3]], dtype=np.int64)
    sizes = np.array([v for r in rows for v in r[3]], dtype=np.float64)
    batch = expr.evaluate(env, len(rows), {"s": Ragged(owner, sizes)})
    for i, (x, y, z, s) in enumerate(rows):
        single = {k: None if math.isnan(v) else v for k, v in zip("xyz", (x, y, z), strict=True)}
        try:
            alone = expr.evaluate_one(single, {"s": s})
        except EvaluationError as exc:
            assert batch.errors.get(i) == str(exc)
            assert math.isnan(batch.values[i])
        else:
            assert i not in batch.errors
            assert batch.values[i] == alone
