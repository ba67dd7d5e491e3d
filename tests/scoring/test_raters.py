"""Combining several raters (scheme-language §6): weights and the `missing`
policy, trimming, reference raters of weight 0, `final`, scheme-level vs
item-level raters, unknown rater types and level names in ratings."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.scoring import SchemeError
from tests.scoring.helpers import (
    Error,
    Expected,
    check_item,
    item_one,
    one_item_scheme,
    results,
)

THREE = "raters:\n  weights: {self: 20%, peer: 30%, boss: 50%}\n  missing: MISSING"
REDISTRIBUTE, ZERO, FAIL = (THREE.replace("MISSING", m) for m in ("redistribute", "zero", "error"))
DEFAULT_MISSING = THREE.replace("\n  missing: MISSING", "")
TRIM_1 = "raters:\n  weights: {self: 1, peer: 1}\n  trim: {peer: 1}"
TRIM_2 = "raters:\n  weights: {peer: 1}\n  trim: {peer: 2}"
REFERENCE = "raters:\n  weights: {self: 0, boss: 1}"
FINAL = "raters:\n  final: [indirect, direct, self]"
LEVELS = "levels: {优: 100, 良: 80, 中: 60, 差: 40}"
DIRECT = "direct: {}"

ALL_THREE = "{ratings: {self: 90, peer: 80, boss: 70}}"
NO_PEER = "{ratings: {self: 90, boss: 70}}"

CASES = [
    # weights and the missing policy
    ("all present", DIRECT, ALL_THREE, REDISTRIBUTE, 77),
    ("redistribute: 90 × 2/7 + 70 × 5/7", DIRECT, NO_PEER, REDISTRIBUTE, 75.7143),
    ("redistribute is the default", DIRECT, NO_PEER, DEFAULT_MISSING, 75.7143),
    ("zero: all present", DIRECT, ALL_THREE, ZERO, 77),
    ("zero: the absent type counts 0", DIRECT, NO_PEER, ZERO, 53),
    ("error: all present", DIRECT, ALL_THREE, FAIL, 77),
    ("error: a type is absent", DIRECT, NO_PEER, FAIL, Error("no peer rating")),
    ("only one type present", DIRECT, "{ratings: {boss: 70}}", REDISTRIBUTE, 70),
    ("no raters: plain mean of types", DIRECT, "{ratings: {self: 90, peer: [80, 60]}}", "", 80),
    # trimming
    ("trim 1 of 3: the middle one", DIRECT, "{ratings: {peer: [95, 88, 85]}}", TRIM_1, 88),
    ("trim 1 of 2: plain mean", DIRECT, "{ratings: {peer: [95, 85]}}", TRIM_1, 90),
    ("trim 1 of 1", DIRECT, "{ratings: {peer: [95]}}", TRIM_1, 95),
    ("trim 1 of 5", DIRECT, "{ratings: {peer: [100, 95, 88, 85, 10]}}", TRIM_1, 89.3333),
    ("trim 2 of 5", DIRECT, "{ratings: {peer: [100, 95, 88, 85, 10]}}", TRIM_2, 88),
    ("trim 2 of 4: plain mean", DIRECT, "{ratings: {peer: [100, 95, 88, 85]}}", TRIM_2, 92),
    ("trim only its own type", DIRECT, "{ratings: {self: 60, peer: [95, 88, 85]}}", TRIM_1, 74),
    ("trim equal ratings", DIRECT, "{ratings: {peer: [90, 90, 90]}}", TRIM_1, 90),
    # reference raters (weight 0)
    ("weight 0 does not count", DIRECT, "{ratings: {self: 100, boss: 70}}", REFERENCE, 70),
    (
        "weight 0 alone",
        DIRECT,
        "{ratings: {self: 100}}",
        REFERENCE,
        Error("only ratings that do not count"),
    ),
    # final
    ("final: first type", DIRECT, "{ratings: {self: 90, direct: 80, indirect: 70}}", FINAL, 70),
    ("final: second type", DIRECT, "{ratings: {self: 90, direct: 80}}", FINAL, 80),
    ("final: last type", DIRECT, "{ratings: {self: 90}}", FINAL, 90),
    ("final averages its type", DIRECT, "{ratings: {self: 90, direct: [80, 70]}}", FINAL, 75),
    # types not in the scheme
    (
        "unknown type with weights",
        DIRECT,
        "{ratings: {self: 90, other: 80}}",
        REDISTRIBUTE,
        Error("rating by 'other', who is not one of self, peer, boss"),
    ),
    (
        "unknown type with final",
        DIRECT,
        "{ratings: {other: 90}}",
        FINAL,
        Error("rating by 'other', who is not one of indirect, direct, self"),
    ),
    # level names become points first
    ("levels: a name", LEVELS, "{ratings: {boss: 良}}", "raters: {weights: {boss: 1}}", 80),
    (
        "levels: names averaged, then weighted",
        LEVELS,
        "{ratings: {self: 优, boss: [良, 中]}}",
        "raters: {weights: {self: 1, boss: 3}}",
        77.5,
    ),
    (
        "levels: trimmed after becoming points",
        LEVELS,
        "{ratings: {peer: [优, 差, 良]}}",
        "raters: {weights: {peer: 1}, trim: {peer: 1}}",
        80,
    ),
    (
        "levels: an unknown name",
        LEVELS,
        "{ratings: {self: 优, boss: [良, 丙]}}",
        "raters: {weights: {self: 1, boss: 3}}",
        Error("'丙' is not a level"),
    ),
    (
        "bands with a range take ratings",
        "bands: [['>= 0.9', [80, 100]], [else, 50]]",
        "{value: 0.95, ratings: {self: 90, boss: 80}}",
        "raters: {weights: {self: 1, boss: 3}}",
        82.5,
    ),
]


@pytest.mark.parametrize(
    ("rule", "facts", "raters", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_raters_combine(rule: str, facts: str, raters: str, expected: Expected) -> None:
    check_item(item_one(rule, facts, item_extra=raters), expected)


TRACES: list[tuple[str, str, str, str]] = [
    (
        "weights",
        ALL_THREE,
        REDISTRIBUTE,
        "self 90; peer 80; boss 70 → 0.2 × 90 + 0.3 × 80 + 0.5 × 70 = 77",
    ),
    (
        "redistributed",
        NO_PEER,
        REDISTRIBUTE,
        "self 90; boss 70 → 0.2857 × 90 + 0.7143 × 70 = 75.7143 "
        "(weights of absent raters redistributed)",
    ),
    (
        "trimmed",
        "{ratings: {peer: [95, 88, 85]}}",
        TRIM_2.replace("2", "1"),
        "peer 95, 88, 85 → trimmed 2, mean 88 → 88",
    ),
    (
        "reference rater recorded",
        "{ratings: {self: 100, boss: 70}}",
        REFERENCE,
        "self 100; boss 70 → 70",
    ),
    (
        "final",
        "{ratings: {self: 90, direct: 80}}",
        FINAL,
        "direct 80; self 90 → direct counts (final): 80",
    ),
]


@pytest.mark.parametrize(
    ("facts", "raters", "trace"), [pytest.param(*t[1:], id=t[0]) for t in TRACES]
)
def test_raters_trace(facts: str, raters: str, trace: str) -> None:
    assert item_one(DIRECT, facts, item_extra=raters)["trace"] == trace


def test_level_names_in_a_trace_show_their_points() -> None:
    item = item_one(
        LEVELS,
        "{ratings: {self: 优, boss: [良, 中]}}",
        item_extra="raters: {weights: {self: 1, boss: 3}}",
    )
    assert item["trace"] == "self 优 = 100; boss 良, 中 → mean 70 → 0.25 × 100 + 0.75 × 70 = 77.5"


SCHEME_AND_ITEM = """
code: T
name: t
items:
  - {code: own, weight: 50, rule: {direct: {}}, raters: {weights: {self: 1, boss: 1}}}
  - {code: shared, weight: 50, rule: {direct: {}}}
raters:
  weights: {self: 0, boss: 1}
"""


def test_scheme_level_raters_apply_to_items_without_their_own() -> None:
    [result] = results(
        SCHEME_AND_ITEM,
        """
        appraisees:
          - id: A
            facts:
              own: {ratings: {self: 100, boss: 60}}
              shared: {ratings: {self: 100, boss: 60}}
        """,
    )
    scores = {item["code"]: item["score"] for item in result["items"]}
    assert scores == {"own": 80, "shared": 60}


def test_a_rater_type_only_the_item_knows_is_fine_there() -> None:
    scheme = SCHEME_AND_ITEM.replace("{self: 1, boss: 1}", "{peer: 1, boss: 1}")
    [result] = results(
        scheme,
        """
        appraisees:
          - id: A
            facts:
              own: {ratings: {peer: 90, boss: 60}}
              shared: {ratings: {peer: 90, boss: 60}}
        """,
    )
    own, shared = result["items"]
    assert own["score"] == 75
    assert shared["score"] is None
    assert result["errors"] == ["item shared: rating by 'peer', who is not one of self, boss"]


@pytest.mark.parametrize(
    ("raters", "message"),
    [
        ("{weights: {self: 1}, final: [self]}", "give either weights or final, not both"),
        ("{weights: {self: 0, boss: 0}}", "at least one rater must have a weight above 0"),
        ("{weights: {self: 1}, trim: {peer: 1}}", "'peer' has no weight"),
        ("{weights: {peer: 1}, trim: {peer: 0.5}}", "trim is a whole number of ratings"),
        ("{weights: {peer: 1}, missing: skip}", "missing is redistribute (default), zero or error"),
        ("{weights: {peer: -1}}", "must be at least 0"),
        ("{wieghts: {peer: 1}}", "did you mean 'weights'?"),
    ],
)
def test_bad_raters_are_scheme_errors(raters: str, message: str) -> None:
    with pytest.raises(SchemeError) as caught:
        one_item_scheme("direct: {}", item_extra=f"raters: {raters}")
    assert any(message in p.message for p in caught.value.problems), caught.value


def test_raters_on_a_rule_that_takes_no_ratings_is_a_scheme_error() -> None:
    with pytest.raises(SchemeError, match="a deduct rule does not take ratings"):
        one_item_scheme("deduct: {per: {x: {each: 1}}}", item_extra="raters: {final: [boss]}")


def test_ratings_of_many_appraisees_do_not_mix() -> None:
    """Columnar combination: each appraisee's trimmed mean uses only its own ratings."""
    facts = "appraisees:\n" + "".join(
        f"  - id: P{i}\n    facts: {{X: {{ratings: {{peer: {ratings}, self: {own}}}}}}}\n"
        for i, (ratings, own) in enumerate(
            [("[95, 88, 85]", 60), ("[70]", 80), ("[10, 100, 50, 60]", 90), ("[1, 2, 3]", 4)]
        )
    )
    scheme = """
        code: T
        name: t
        items: [{code: X, weight: 100, rule: {direct: {}}}]
        raters: {weights: {self: 1, peer: 1}, trim: {peer: 1}}
        """
    found: list[dict[str, Any]] = results(scheme, facts)
    assert [r["total"] for r in found] == [74, 75, 72.5, 3]
