"""Every rule type of scheme-language §5, one table per rule type.

Each row is a one-item scheme (item `X`, weight 100), the facts of one
appraisee for that item, and the score the item must get — or the error its
trace must name. Rules are written as YAML flow text, the way schemes are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from jixiao.scoring.conditions import parse_condition
from tests.scoring.helpers import (
    Error,
    Expected,
    check_item,
    item_one,
    items_of,
    results,
    score_one,
)

Row = tuple[str, str | None, Expected, dict[str, Any]]


def rows(*cases: tuple[str, str, str | None, Expected] | tuple[Any, ...]) -> list[Any]:
    """(id, rule, facts, expected[, options]) -> pytest params."""
    params = []
    for case in cases:
        name, rule, facts, expected, *rest = case
        options = rest[0] if rest else {}
        params.append(pytest.param(rule, facts, expected, options, id=name))
    return params


def run_table(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    check_item(item_one(rule, facts, **options), expected)


# -- §5.1 bands ----------------------------------------------------------------

TIERS = "bands: [['>= 98%', 100], ['>= 95%', 80], ['>= 90%', 60], ['>= 80%', 40], [else, 20]]"
NO_ELSE = "bands: [['>= 98%', 100], ['>= 95%', 80]]"
RANGED = "bands: [['>= 98%', 100], ['>= 95%', [70, 90]], [else, 0]]"
COUNTS = "bands: [['== 0', 100], ['== 1', 80], ['== 2', 60], ['<= 5', 40], [else, 20]]"
INTERVALS = "bands: [['[0.95, 0.98)', 80], ['(0.5, 0.95)', 50], ['[0.98, 1]', 100]]"
RATIO = {"item_extra": "measure: a / b"}
SUM = {"item_extra": "measure: a + b"}

BANDS = rows(
    ("top row", TIERS, "{value: 0.99}", 100),
    ("first matching row wins", TIERS, "{value: 0.97}", 80),
    ("exactly on a boundary", TIERS, "{value: 0.95}", 80),
    ("else", TIERS, "{value: 0.5}", 20),
    ("no match without else", NO_ELSE, "{value: 0.9}", Error("value 0.9 matches no band")),
    ("no value without else", NO_ELSE, None, Error("no value")),
    ("no value with else is not else", TIERS, None, Error("no value")),
    ("a word is not a number", TIERS, "{value: 良}", Error("value '良' is not a number")),
    ("interval closed low", INTERVALS, "{value: 0.95}", 80),
    ("interval open high", INTERVALS, "{value: 0.98}", 100),
    ("interval open low", INTERVALS, "{value: 0.5}", Error("matches no band")),
    ("range: score fact", RANGED, "{value: 0.96, score: 85}", 85),
    ("range: bounds included", RANGED, "{value: 0.96, score: 90}", 90),
    ("range: ratings", RANGED, "{value: 0.96, ratings: {supervisor: [70, 80]}}", 75),
    (
        "range: score above",
        RANGED,
        "{value: 0.96, score: 95}",
        Error("score 95 is outside the band's range [70, 90]"),
    ),
    (
        "range: score below",
        RANGED,
        "{value: 0.96, ratings: {supervisor: 60}}",
        Error("score 60 is outside the band's range [70, 90]"),
    ),
    ("range: nobody scored", RANGED, "{value: 0.96}", Error("needs a score from a person")),
    ("range not picked: fixed row", RANGED, "{value: 0.99, score: 5}", 100),
    ("count 0", COUNTS, "{value: 0}", 100),
    ("count 1", COUNTS, "{value: 1}", 80),
    ("count 2", COUNTS, "{value: 2}", 60),
    ("count 4", COUNTS, "{value: 4}", 40),
    ("count 5", COUNTS, "{value: 5}", 40),
    ("count 6", COUNTS, "{value: 6}", 20),
    ("bare number is ==", "bands: [[0, 100], [1, 80], [else, 0]]", "{value: 1}", 80),
    ("490/500 meets >= 98%", TIERS, "{inputs: {a: 490, b: 500}}", 100, RATIO),
    ("489/500 does not", TIERS, "{inputs: {a: 489, b: 500}}", 80, RATIO),
    (
        "0.7 + 0.28 meets >= 0.98",
        "bands: [['>= 0.98', 1], [else, 0]]",
        "{inputs: {a: 0.7, b: 0.28}}",
        1,
        SUM,
    ),
    ("0.1 + 0.2 == 0.3", "bands: [['== 0.3', 1], [else, 0]]", "{inputs: {a: 0.1, b: 0.2}}", 1, SUM),
    ("1e-9 apart still differ", "bands: [['>= 0.98', 1], [else, 0]]", "{value: 0.979999999}", 0),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), BANDS)
def test_bands(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.2 levels ---------------------------------------------------------------

WORDS = "levels: {优: 30, 良: 24, 中: 18, 差: 6}"
SCALE = "levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}"
SPANS = "levels: {好: [85, 100], 中: [60, 84], 差: [0, 59]}"

LEVELS = rows(
    ("name as value", WORDS, "{value: 良}", 24, {"full": 30}),
    ("name as rating", WORDS, "{ratings: {supervisor: 差}}", 6, {"full": 30}),
    ("the shortest form", WORDS, "中", 18, {"full": 30}),
    ("unknown name", WORDS, "{value: 甲}", Error("'甲' is not a level (levels: 优, 良, 中, 差)")),
    ("unknown rating", WORDS, "{ratings: {supervisor: 甲}}", Error("'甲' is not a level")),
    ("numeric scale value", SCALE, "{value: 4}", 80),
    ("numeric scale, quoted", SCALE, "{value: '4'}", 80),
    ("numeric scale rating", SCALE, "{ratings: {supervisor: 5}}", 100),
    ("numeric scale: not a level", SCALE, "{value: 7}", Error("7 is not a level")),
    ("range: a number inside", SPANS, "{value: 90}", 90),
    ("range: low bound", SPANS, "{value: 85}", 85),
    ("range: high bound", SPANS, "{value: 59}", 59),
    ("range: a rating", SPANS, "{ratings: {supervisor: 70}}", 70),
    ("range: in no range", SPANS, "{value: 84.5}", Error("84.5 falls in no level's range")),
    ("range: above every range", SPANS, "{value: 101}", Error("101 falls in no level's range")),
    ("range: a name needs a number", SPANS, "{value: 好}", Error("好 is a range [85, 100]")),
    ("nothing given", WORDS, None, Error("no rating or value")),
    ("value wins over ratings", SCALE, "{value: 3, ratings: {supervisor: 5}}", 60),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), LEVELS)
def test_levels(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.3 deduct ---------------------------------------------------------------

TEN = {"full": 10}
OVERTIME = "deduct: {per: {overtime: {tiers: [[10, 0.5], [else, 1]]}}}"
FLAT = "deduct: {per: {overtime: {tiers: [[10, 0.5], [else, 1]], mode: flat}}}"
CLOSED = "deduct: {per: {error: {tiers: [[4, 0.5], [10, 1]]}}}"
CLOSED_FLAT = "deduct: {per: {error: {tiers: [[4, 0.5], [10, 1]], mode: flat}}}"
ZERO_ABOVE = "deduct: {per: {error: {tiers: [[4, 0.5], [10, 1]], zero_above: 10}}}"
REPEAT = "deduct: {per: {sku: {sequence: [1, 2, 4]}}}"
DOUBLE = "deduct: {per: {sku: {sequence: [1, 2, 4], then: double}}}"
BY_SIZE = "deduct: {per: {loss: {by_size: [['>= 5000', 10], ['>= 500', 5]]}}}"
EACH = "deduct: {per: {late_day: {each: 2}}}"
SEVERAL = "deduct: {per: {violation: {each: 10}, late_day: {each: 5}, refused: {zero: true}}}"

DEDUCT = rows(
    ("each with a count", EACH, "{events: {late_day: 3}}", 4, TEN),
    ("each with sizes: 2 × (3 + 1)", EACH, "{events: {late_day: [3, 1]}}", 2, TEN),
    ("no events is zero occurrences", EACH, "{events: {}}", 10, TEN),
    ("no facts at all", EACH, None, 10, TEN),
    ("a count of 0", EACH, "{events: {late_day: 0}}", 10, TEN),
    ("an empty list", EACH, "{events: {late_day: []}}", 10, TEN),
    ("progressive inside the first tier", OVERTIME, "{events: {overtime: 10}}", 5, TEN),
    ("progressive: 10 × 0.5 + 2 × 1", OVERTIME, "{events: {overtime: 12}}", 3, TEN),
    ("flat: the whole count at its row's rate", FLAT, "{events: {overtime: 12}}", 8, {"full": 20}),
    ("flat inside the first row", FLAT, "{events: {overtime: 8}}", 16, {"full": 20}),
    ("progressive up to the last row", CLOSED, "{events: {error: 10}}", 2, TEN),
    (
        "progressive past the last row",
        CLOSED,
        "{events: {error: 11}}",
        Error("go past the last tier"),
        TEN,
    ),
    (
        "flat past the last row",
        CLOSED_FLAT,
        "{events: {error: 11}}",
        Error("go past the last tier"),
        TEN,
    ),
    ("zero_above not reached", ZERO_ABOVE, "{events: {error: 10}}", 2, TEN),
    ("zero_above passed", ZERO_ABOVE, "{events: {error: 11}}", 0, TEN),
    ("sequence inside", REPEAT, "{events: {sku: 2}}", 17, {"full": 20}),
    ("sequence repeat: 1+2+4+4+4", REPEAT, "{events: {sku: 5}}", 5, {"full": 20}),
    ("sequence double: 1+2+4+8+16", DOUBLE, "{events: {sku: 5}}", 9, {"full": 40}),
    ("by_size: each size its row", BY_SIZE, "{events: {loss: [6000, 600, 100]}}", 5, {"full": 20}),
    ("by_size: a count is one size", BY_SIZE, "{events: {loss: 6000}}", 10, {"full": 20}),
    ("by_size: 9 decimals", BY_SIZE, "{events: {loss: [499.9999999999]}}", 15, {"full": 20}),
    (
        "by_size: a count of 0 is no occurrence",
        "deduct: {per: {loss: {by_size: [['>= 0', 5]]}}}",
        "{events: {loss: 0}}",
        10,
        TEN,
    ),
    ("zero: any occurrence", SEVERAL, "{events: {refused: 1, violation: 1}}", 0),
    ("zero: none", SEVERAL, "{events: {refused: 0, violation: 1, late_day: 2}}", 80),
    (
        "max caps one event name",
        "deduct: {per: {late: {each: 3, max: 5}}}",
        "{events: {late: 4}}",
        5,
        TEN,
    ),
    ("floor 0 by default", "deduct: {per: {late: {each: 3}}}", "{events: {late: 4}}", 0, TEN),
    (
        "floor null goes negative",
        "deduct: {per: {late: {each: 3}}, floor: null}",
        "{events: {late: 4}}",
        -2,
        TEN,
    ),
    ("floor 2", "deduct: {per: {late: {each: 3}}, floor: 2}", "{events: {late: 4}}", 2, TEN),
    ("from", "deduct: {per: {late: {each: 3}}, from: 8}", "{events: {late: 1}}", 5, TEN),
    ("events of other names are ignored", EACH, "{events: {late_day: 1, other: 4}}", 8, TEN),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), DEDUCT)
def test_deduct(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


def test_deduct_overflow_carry_becomes_a_form_penalty_before_the_first_adjustment() -> None:
    result = score_one(
        "deduct: {per: {late: {each: 3}}, overflow: carry}",
        "{events: {late: 4}}",
        full=10,
        top="adjustments:\n  - {name: 创新, bonus: {}}",
        appraisee="adjustments: {创新: 25}",
    )
    item = result["items"][0]
    assert item["score"] == 0
    assert "carried to the form" in item["trace"]
    # 2 points below the floor of a 10-point item of weight 100 are 20 points of the total
    carried, bonus = result["adjustments"]
    assert carried["kind"] == "carry"
    assert (carried["before"], carried["amount"], carried["after"]) == (0, -20, -20)
    assert bonus["name"] == "创新"
    assert (bonus["before"], bonus["after"]) == (-20, 5)
    assert result["total"] == 5


def test_deduct_without_carry_drops_the_part_below_the_floor() -> None:
    result = score_one(
        "deduct: {per: {late: {each: 3}}}",
        "{events: {late: 4}}",
        full=10,
        top="adjustments:\n  - {name: 创新, bonus: {}}",
        appraisee="adjustments: {创新: 25}",
    )
    assert [a["kind"] for a in result["adjustments"]] == ["bonus"]
    assert result["total"] == 25


# -- §5.3 add --------------------------------------------------------------------

PRAISE = "add: {per: {praise: {each: 3}}}"

ADD = rows(
    ("adds points", PRAISE, "{events: {praise: 2}}", 6, TEN),
    ("default cap is the full score", PRAISE, "{events: {praise: 4}}", 10, TEN),
    ("cap", "add: {per: {praise: {each: 3}}, cap: 6}", "{events: {praise: 4}}", 6, TEN),
    ("from", "add: {per: {praise: {each: 3}}, from: 2}", "{events: {praise: 1}}", 5, TEN),
    ("no events", PRAISE, None, 0, TEN),
    (
        "progressive tiers",
        "add: {per: {idea: {tiers: [[2, 3], [else, 1]]}}}",
        "{events: {idea: 4}}",
        8,
        TEN,
    ),
    (
        "zero: any occurrence",
        "add: {per: {fraud: {zero: true}, praise: {each: 3}}, from: 5}",
        "{events: {fraud: 1, praise: 1}}",
        0,
        TEN,
    ),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), ADD)
def test_add(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.4 steps ------------------------------------------------------------------

PALLET = "steps: {standard: 70%, base: 10, step: 1%, below: -2, count: COUNT}"
WHOLE, EXACT, STARTED = (PALLET.replace("COUNT", c) for c in ("whole", "exact", "started"))
BONUS = "steps: {standard: 70%, base: 6, step: 1%, above: 1, max: 10}"

STEPS = rows(
    ("whole: 2.5 steps below count 2", WHOLE, "{value: 0.675}", 6, TEN),
    ("exact: 2.5 steps", EXACT, "{value: 0.675}", 5, TEN),
    ("started: a begun step counts", STARTED, "{value: 0.675}", 4, TEN),
    ("whole is the default", PALLET.replace(", count: COUNT", ""), "{value: 0.675}", 6, TEN),
    ("at the standard", WHOLE, "{value: 0.7}", 10, TEN),
    ("one step is exactly 1% (9 decimals)", WHOLE, "{value: 0.69}", 8, TEN),
    ("above with above 0", WHOLE, "{value: 0.9}", 10, TEN),
    ("no min: goes negative", WHOLE, "{value: 0.4}", -50, TEN),
    (
        "min",
        "steps: {standard: 70%, base: 10, step: 1%, below: -2, min: 0}",
        "{value: 0.4}",
        0,
        TEN,
    ),
    ("above: 3 steps", BONUS, "{value: 0.735}", 9, TEN),
    ("above: max", BONUS, "{value: 0.755}", 10, TEN),
    ("above, started", BONUS.replace("}", ", count: started}"), "{value: 0.725}", 9, TEN),
    ("below ignored without below", BONUS, "{value: 0.5}", 6, TEN),
    ("no value", WHOLE, None, Error("no value"), TEN),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), STEPS)
def test_steps(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.5 interpolate --------------------------------------------------------------

LINE = "interpolate: [[0, 0], [1.18, 118]]"
KINKED = "interpolate: [[0.5, 20], [1, 100], [1.2, 120]]"
TARGETS = "interpolate: [[target, 100], [challenge, 120]]"
GOALS = "{value: VALUE, inputs: {target: 100, challenge: 120}}"
WIDE = {"full": 120}

INTERPOLATE = rows(
    ("on the line", LINE, "{value: 0.5}", 50, WIDE),
    ("at the last point", LINE, "{value: 1.18}", 118, WIDE),
    ("flat beyond the last point", LINE, "{value: 2}", 118, WIDE),
    ("flat before the first point", KINKED, "{value: 0.1}", 20, WIDE),
    ("first segment", KINKED, "{value: 0.75}", 60, WIDE),
    ("second segment", KINKED, "{value: 1.1}", 110, WIDE),
    ("at an inner point", KINKED, "{value: 1}", 100, WIDE),
    ("expression points: between", TARGETS, GOALS.replace("VALUE", "110"), 110, WIDE),
    ("expression points: below", TARGETS, GOALS.replace("VALUE", "90"), 100, WIDE),
    ("expression points: above", TARGETS, GOALS.replace("VALUE", "130"), 120, WIDE),
    (
        "expression points from appraisee inputs",
        TARGETS,
        "{value: 105}",
        105,
        {"full": 120, "appraisee": "inputs: {target: 100, challenge: 120}"},
    ),
    (
        "expression point not known",
        TARGETS,
        "{value: 130, inputs: {target: 100}}",
        Error("no value for 'challenge'"),
        WIDE,
    ),
    (
        "expression points out of order",
        TARGETS,
        "{value: 130, inputs: {target: 100, challenge: 90}}",
        Error("not in increasing order"),
        WIDE,
    ),
    ("no value", LINE, None, Error("no value"), WIDE),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), INTERPOLATE)
def test_interpolate(
    rule: str, facts: str | None, expected: Expected, options: dict[str, Any]
) -> None:
    run_table(rule, facts, expected, options)


# -- §5.6 formula ------------------------------------------------------------------

SAFETY = "formula: '100 - 0.3 * W - 1.4 * T', min: 0, max: 100"

FORMULA = rows(
    ("computes", SAFETY, "{inputs: {W: 10, T: 5}}", 90),
    ("min", SAFETY, "{inputs: {W: 400, T: 5}}", 0),
    ("max", SAFETY, "{inputs: {W: -100, T: 0}}", 100),
    ("no bounds", "formula: '100 - W'", "{inputs: {W: 130}}", -30),
    ("names from appraisee inputs", SAFETY, None, 90, {"appraisee": "inputs: {W: 10, T: 5}"}),
    (
        "item inputs win on a clash",
        SAFETY,
        "{inputs: {W: 0}}",
        93,
        {"appraisee": "inputs: {W: 10, T: 5}"},
    ),
    ("a name nobody has", SAFETY, None, Error("no value for 'W'")),
    ("division by zero", "formula: 'a / b'", "{inputs: {a: 1, b: 0}}", Error("division by zero")),
    ("percent and functions", "formula: 'min(a, 50%) * 100'", "{inputs: {a: 0.8}}", 50),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), FORMULA)
def test_formula(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.7 direct -------------------------------------------------------------------

DIRECT_10 = "direct: {min: 0, max: 10}"

DIRECT = rows(
    ("score fact", DIRECT_10, "{score: 8}", 8, TEN),
    ("on the bounds", DIRECT_10, "{score: 10}", 10, TEN),
    ("ratings averaged", DIRECT_10, "{ratings: {supervisor: [8, 9]}}", 8.5, TEN),
    ("score wins over ratings", DIRECT_10, "{score: 7, ratings: {supervisor: 9}}", 7, TEN),
    ("above max", DIRECT_10, "{score: 11}", Error("score 11 is outside 0..10"), TEN),
    ("below min", DIRECT_10, "{score: -1}", Error("score -1 is outside 0..10"), TEN),
    ("rating above max", DIRECT_10, "{ratings: {supervisor: 18}}", Error("outside 0..10"), TEN),
    ("no bounds", "direct: {}", "{score: 120}", 120, TEN),
    ("no options at all", "direct: null", "{score: 7}", 7, TEN),
    ("nothing given", DIRECT_10, None, Error("no score or rating"), TEN),
    (
        "a rating that is a word",
        DIRECT_10,
        "{ratings: {supervisor: 好}}",
        Error("not a number"),
        TEN,
    ),
)


@pytest.mark.parametrize(("rule", "facts", "expected", "options"), DIRECT)
def test_direct(rule: str, facts: str | None, expected: Expected, options: dict[str, Any]) -> None:
    run_table(rule, facts, expected, options)


# -- §5.8 traces -------------------------------------------------------------------

TRACES = [
    pytest.param(TIERS, "{value: 0.97}", {}, "0.97 matched ≥ 95% → 80", id="bands"),
    pytest.param(
        TIERS,
        "{inputs: {a: 490, b: 500}}",
        RATIO,
        "a / b = 0.98; 0.98 matched ≥ 98% → 100",
        id="bands with a measure",
    ),
    pytest.param(
        RANGED,
        "{value: 0.96, score: 85}",
        {},
        "0.96 matched ≥ 95% → [70, 90]; scored 85",
        id="bands with a range",
    ),
    pytest.param(
        OVERTIME,
        "{events: {overtime: 12}}",
        TEN,
        "overtime 12: 10 × 0.5 + 2 × 1 = 7; 10 − 7 = 3",
        id="progressive tiers",
    ),
    pytest.param(
        EACH,
        "{events: {late_day: [3, 1]}}",
        TEN,
        "late_day [3, 1]: 4 × 2 = 8; 10 − 8 = 2",
        id="each with sizes",
    ),
    pytest.param(EACH, None, TEN, "no events: 10", id="no events"),
    pytest.param(
        ZERO_ABOVE,
        "{events: {error: 11}}",
        TEN,
        "error 11: more than 10 → item scores 0",
        id="zero_above",
    ),
    pytest.param(
        SEVERAL,
        "{events: {refused: 1, violation: 1}}",
        {},
        "violation 1: 1 × 10 = 10; refused 1 → item scores 0",
        id="zero with other events",
    ),
    pytest.param(
        "deduct: {per: {refused: {zero: true}, late: {each: 1}}}",
        "{events: {refused: 1, late: 2}}",
        TEN,
        "late 2: 2 × 1 = 2; refused 1 → item scores 0",
        id="zero comes last",
    ),
    pytest.param(
        "deduct: {per: {late: {each: 3}}}",
        "{events: {late: 4}}",
        TEN,
        "late 4: 4 × 3 = 12; 10 − 12 = -2, floor 0",
        id="floor",
    ),
    pytest.param(
        "deduct: {per: {late: {each: 3}}, overflow: carry}",
        "{events: {late: 4}}",
        TEN,
        "late 4: 4 × 3 = 12; 10 − 12 = -2, −2 carried to the form, floor 0",
        id="carry",
    ),
    pytest.param(
        "add: {per: {fraud: {zero: true}, praise: {each: 3}}, from: 5}",
        "{events: {fraud: 1, praise: 1}}",
        TEN,
        "praise 1: 1 × 3 = 3; fraud 1 → item scores 0",
        id="add zero",
    ),
    pytest.param(
        "add: {per: {praise: {each: 3}}, cap: 6}",
        "{events: {praise: 4}}",
        TEN,
        "praise 4: 4 × 3 = 12; 0 + 12 = 12, capped at 6",
        id="add capped",
    ),
    pytest.param(
        WHOLE,
        "{value: 0.675}",
        TEN,
        "0.675 against standard 0.7: 2 step(s) below × -2; 10 → 6",
        id="steps",
    ),
    pytest.param(
        LINE,
        "{value: 0.5}",
        WIDE,
        "0.5 on the line through (0, 0), (1.18, 118) → 50",
        id="interpolate",
    ),
    pytest.param(
        SAFETY,
        "{inputs: {W: 10, T: 5}}",
        {},
        "100 - 0.3 * W - 1.4 * T with T = 5, W = 10 = 90",
        id="formula",
    ),
    pytest.param(
        SAFETY,
        "{inputs: {W: 400, T: 5}}",
        {},
        "100 - 0.3 * W - 1.4 * T with T = 5, W = 400 = -27, at least 0",
        id="formula min",
    ),
    pytest.param(DIRECT_10, "{score: 8}", TEN, "score given: 8", id="direct"),
    pytest.param(WORDS, "{value: 良}", {"full": 30}, "level 良 → 24", id="levels"),
]


@pytest.mark.parametrize(("rule", "facts", "options", "trace"), TRACES)
def test_trace_says_how_the_score_came_about(
    rule: str, facts: str | None, options: dict[str, Any], trace: str
) -> None:
    assert item_one(rule, facts, **options)["trace"] == trace


# -- §5.9 standard -------------------------------------------------------------------

STANDARD = [
    pytest.param(TIERS, "{value: 0.97}", "'>= 95%'", 80, True, id="met below full marks"),
    pytest.param(TIERS, "{value: 0.99}", "'>= 99.5%'", 100, False, id="full marks, not met"),
    pytest.param(TIERS, "{inputs: {a: 490, b: 500}}", "'>= 98%'", 100, True, id="9 decimals"),
    pytest.param(WHOLE, "{value: 0.675}", "'>= 70%'", 6, False, id="steps not met"),
    pytest.param(DIRECT_10, "{score: 8}", "'>= 5'", 8, None, id="no value: unknown"),
    pytest.param(EACH, "{events: {late_day: 2}}", "'== 0'", 6, False, id="deduct, measure"),
    pytest.param(EACH, "{events: {late_day: 0}}", "'== 0'", 10, True, id="deduct, none"),
    pytest.param(EACH, None, "'== 0'", 10, True, id="deduct, no facts: 0 events"),
]


@pytest.mark.parametrize(("rule", "facts", "standard", "score", "met"), STANDARD)
def test_standard_sets_met_independently_of_the_score(
    rule: str, facts: str | None, standard: str, score: float, met: bool | None
) -> None:
    extra = f"standard: {standard}"
    if "late_day" in rule:
        extra += "\nmeasure: late_day"
    elif "inputs" in (facts or ""):
        extra += "\nmeasure: a / b"
    full = 10 if rule in (WHOLE, DIRECT_10, EACH) else 100
    item = item_one(rule, facts, full=full, item_extra=extra)
    assert item["score"] == score
    assert item["met"] is met


def test_an_item_error_leaves_the_other_items_scored() -> None:
    found = results(
        """
        code: T
        name: t
        items:
          - {code: ratio, weight: 50, measure: a / b, rule: {bands: [['>= 1', 100], [else, 0]]}}
          - {code: other, weight: 50, rule: {direct: {}}}
        """,
        """
        appraisees:
          - id: A
            facts: {ratio: {inputs: {a: 1, b: 0}}, other: {score: 80}}
          - id: B
            facts: {ratio: {inputs: {a: 1, b: 1}}, other: {score: 80}}
        """,
    )
    bad, good = found
    assert items_of(bad)["other"]["score"] == 80
    assert items_of(bad)["ratio"]["score"] is None
    assert bad["total"] is None and bad["subtotal"] is None and bad["rank"] is None
    assert bad["errors"] == ["item ratio: division by zero in 'a / b'"]
    assert good["total"] == 90 and good["errors"] == []


# -- §5 conditions -----------------------------------------------------------------------

CONDITIONS = [
    (">= 98%", "≥ 98%", [0.98, 490 / 500, 0.979], [True, True, False]),
    ("≥ 98%", "≥ 98%", [0.98, 0.97], [True, False]),
    ("[95%, 98%)", "[95%, 98%)", [0.95, 0.97, 0.98], [True, True, False]),
    ("(5, 10]", "(5, 10]", [5, 5.001, 10, 10.001], [False, True, True, False]),
    ("< 5", "< 5", [4.9999999999, 4.99], [False, True]),
    ("== 0", "= 0", [0, 0.0000000001, 1], [True, True, False]),
    ("!= 0", "≠ 0", [0, 1, float("nan")], [False, True, False]),
    ("> -1", "> -1", [-0.5, -1], [True, False]),
    (">= 1/3", "≥ 1/3", [1 / 3, 0.333333333, 0.33333333], [True, True, False]),
    (3, "= 3", [3, 4], [True, False]),
    ("else", "else", [1, float("nan")], [True, True]),
    ("其他", "else", [1], [True]),
]


@pytest.mark.parametrize(("text", "shown", "values", "meets"), CONDITIONS)
def test_conditions_compare_at_9_decimals(
    text: object, shown: str, values: list[float], meets: list[bool]
) -> None:
    condition = parse_condition(text)
    assert condition.describe() == shown
    assert condition.test(np.array(values, dtype=float)).tolist() == meets
