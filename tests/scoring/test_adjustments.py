"""After the weighted subtotal: adjustments in the order written (§7), the
total clamp, grades with rank conditions (§8) and ranking (§9).

The one item is a `direct` score of weight 100, so the subtotal is the score
given and every difference in the total comes from what is under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.scoring import SchemeError
from tests.scoring.helpers import by_id, one_item_scheme, results, score_one

DIRECT = "direct: {}"


def total_of(
    score: float, adjustments: str, appraisee: str = "", extra: str = ""
) -> dict[str, Any]:
    top = "adjustments:\n" + "\n".join(f"  - {line}" for line in adjustments.strip().splitlines())
    return score_one(DIRECT, f"{{score: {score}}}", top=top + "\n" + extra, appraisee=appraisee)


# -- bonus and penalty: amounts entered per appraisee --------------------------------

AMOUNTS = [
    (
        "bonus adds every amount",
        "{name: 创新, bonus: {each: [5, 10]}}",
        "adjustments: {创新: [8, 6]}",
        94,
    ),
    (
        "each bound is inclusive",
        "{name: 创新, bonus: {each: [5, 10]}}",
        "adjustments: {创新: [5, 10]}",
        95,
    ),
    (
        "one amount, not a list",
        "{name: 创新, bonus: {each: [5, 10]}}",
        "adjustments: {创新: 7}",
        87,
    ),
    ("nothing entered", "{name: 创新, bonus: {each: [5, 10]}}", "", 80),
    (
        "cap bounds the sum",
        "{name: 创新, bonus: {each: [5, 10], cap: 12}}",
        "adjustments: {创新: [8, 6]}",
        92,
    ),
    ("no bounds", "{name: 创新, bonus: {}}", "adjustments: {创新: 30}", 110),
    ("penalty subtracts", "{name: 违纪, penalty: {range: [0, 20]}}", "adjustments: {违纪: 15}", 65),
    ("penalty cap", "{name: 违纪, penalty: {cap: 10}}", "adjustments: {违纪: [6, 6]}", 70),
]


@pytest.mark.parametrize(
    ("adjustment", "appraisee", "total"), [pytest.param(*a[1:], id=a[0]) for a in AMOUNTS]
)
def test_bonus_and_penalty(adjustment: str, appraisee: str, total: float) -> None:
    result = total_of(80, adjustment, appraisee)
    assert result["errors"] == []
    assert result["total"] == total


@pytest.mark.parametrize(
    ("adjustment", "appraisee", "error"),
    [
        pytest.param(
            "{name: 创新, bonus: {each: [5, 10]}}",
            "adjustments: {创新: [8, 4]}",
            "创新: 4 is outside [5, 10]",
            id="bonus below each",
        ),
        pytest.param(
            "{name: 创新, bonus: {each: [5, 10]}}",
            "adjustments: {创新: 11}",
            "创新: 11 is outside [5, 10]",
            id="bonus above each",
        ),
        pytest.param(
            "{name: 违纪, penalty: {range: [0, 20]}}",
            "adjustments: {违纪: 25}",
            "违纪: 25 is outside [0, 20]",
            id="penalty above range",
        ),
    ],
)
def test_an_amount_out_of_bounds_is_an_error(adjustment: str, appraisee: str, error: str) -> None:
    result = total_of(80, adjustment, appraisee)
    assert result["errors"] == [error]
    assert result["total"] is None
    assert result["rank"] is None


def test_bonus_trace() -> None:
    result = total_of(80, "{name: 创新, bonus: {cap: 12}}", "adjustments: {创新: [8, 6]}")
    [shown] = result["adjustments"]
    assert shown == {
        "name": "创新",
        "kind": "bonus",
        "amount": 12,
        "before": 80,
        "after": 92,
        "trace": "+8 + 6 = 14, capped at 12",
    }


# -- add / deduct over appraisee-level events -----------------------------------------

PRAISE = "{name: 业主表扬, add: {per: {praise: {each: 2}}, cap: 6}}"
COMPLAINT = "{name: 业主投诉, deduct: {per: {complaint: {each: 3}}}}"

EVENTS = [
    ("add", PRAISE, "events: {praise: 2}", 84),
    ("add capped", PRAISE, "events: {praise: 4}", 86),
    ("add: events under the adjustment's name", PRAISE, "adjustments: {业主表扬: {praise: 2}}", 84),
    ("add: no events", PRAISE, "", 80),
    ("deduct", COMPLAINT, "events: {complaint: 2}", 74),
    ("deduct: sizes", COMPLAINT.replace("each: 3", "each: 1"), "events: {complaint: [2, 3]}", 75),
    (
        "deduct: tiers",
        "{name: 投诉, deduct: {per: {complaint: {tiers: [[2, 1], [else, 5]]}}}}",
        "events: {complaint: 4}",
        68,
    ),
    (
        "deduct: cap",
        "{name: 投诉, deduct: {per: {complaint: {each: 3}}, cap: 5}}",
        "events: {complaint: 4}",
        75,
    ),
    (
        "deduct: zero makes the total 0",
        "{name: 事故, deduct: {per: {fatal: {zero: true}}}}",
        "events: {fatal: 1}",
        0,
    ),
    ("events in item facts do not count", COMPLAINT, "", 80),
]


@pytest.mark.parametrize(
    ("adjustment", "appraisee", "total"), [pytest.param(*e[1:], id=e[0]) for e in EVENTS]
)
def test_add_and_deduct_over_appraisee_events(
    adjustment: str, appraisee: str, total: float
) -> None:
    result = total_of(80, adjustment, appraisee)
    assert result["errors"] == []
    assert result["total"] == total


def test_add_trace() -> None:
    [shown] = total_of(80, PRAISE, "events: {praise: 4}")["adjustments"]
    assert shown["trace"] == "praise 4: 4 × 2 = 8, capped at 6 → +6"
    assert shown["amount"] == 6


def test_adjustment_events_past_the_last_tier_are_an_error() -> None:
    result = total_of(80, "{name: 投诉, deduct: {per: {c: {tiers: [[2, 1]]}}}}", "events: {c: 3}")
    assert result["total"] is None
    assert result["errors"] == ["投诉: c: 3 occurrences go past the last tier"]


# -- coefficient -----------------------------------------------------------------------

SAFETY = (
    "{name: 安全责任系数, coefficient: "
    "{by: accident_level, values: {none: 1, general: 0.8, major: 0.5, grave: 0}}}"
)


@pytest.mark.parametrize(
    ("level", "total"),
    [("none", 80), ("general", 64), ("major", 40), ("grave", 0)],
)
def test_coefficient_multiplies_the_running_total(level: str, total: float) -> None:
    result = total_of(80, SAFETY, f"inputs: {{accident_level: {level}}}")
    assert result["errors"] == []
    assert result["total"] == total


def test_coefficient_with_numeric_keys() -> None:
    result = total_of(
        80, "{name: 系数, coefficient: {by: stars, values: {1: 0.5, 2: 1}}}", "inputs: {stars: 1}"
    )
    assert result["total"] == 40


@pytest.mark.parametrize(
    ("appraisee", "error"),
    [
        (
            "inputs: {accident_level: fatal}",
            "安全责任系数: accident_level is 'fatal', not one of none, general, major, grave",
        ),
        ("", "安全责任系数: accident_level is missing, not one of none, general, major, grave"),
    ],
)
def test_coefficient_with_an_unknown_value_is_an_error(appraisee: str, error: str) -> None:
    result = total_of(80, SAFETY, appraisee)
    assert result["errors"] == [error]
    assert result["total"] is None


# -- gates -------------------------------------------------------------------------------

GRADES = "grades: [['>= 90', 优秀], ['>= 80', 良好], ['>= 60', 合格], [else, 差]]"


def gate(effect: str, loss: float) -> dict[str, Any]:
    return total_of(
        95,
        f"{{name: 基本项, gate: {{when: 'loss >= 2000', effect: {effect}}}}}",
        f"inputs: {{loss: {loss}}}",
        GRADES,
    )


def test_gate_zero() -> None:
    held, passed = gate("zero", 3000), gate("zero", 0)
    assert (held["total"], held["grade"]) == (0, "差")
    assert held["flags"] == ["zero: 基本项"]
    assert held["adjustments"][0]["trace"] == "loss >= 2000: holds → total 0"
    assert (passed["total"], passed["grade"], passed["flags"]) == (95, "优秀", [])
    assert passed["adjustments"] == []


def test_gate_no_bonus_flags_and_the_score_stands() -> None:
    held = gate("no_bonus", 3000)
    assert (held["total"], held["grade"]) == (95, "优秀")
    assert held["flags"] == ["no_bonus"]
    assert gate("no_bonus", 1999)["flags"] == []


def test_gate_cap_grade() -> None:
    held = gate("{cap_grade: 合格}", 3000)
    assert (held["total"], held["grade"], held["band_grade"]) == (95, "合格", "合格")
    assert gate("{cap_grade: 合格}", 0)["grade"] == "优秀"


def test_gate_cap_grade_does_not_raise_a_worse_grade() -> None:
    result = total_of(
        50,
        "{name: 基本项, gate: {when: 'loss >= 2000', effect: {cap_grade: 合格}}}",
        "inputs: {loss: 3000}",
        GRADES,
    )
    assert result["grade"] == "差"


def test_gate_flag() -> None:
    held = gate("{flag: 需复核}", 3000)
    assert (held["total"], held["grade"], held["flags"]) == (95, "优秀", ["需复核"])


def test_gate_zero_holds_against_later_adjustments() -> None:
    result = total_of(
        95,
        "{name: 否决, gate: {when: 'fatal > 0', effect: zero}}\n{name: 创新, bonus: {}}",
        "inputs: {fatal: 1}\nadjustments: {创新: 10}",
    )
    assert result["total"] == 0


def test_gate_on_a_name_the_appraisee_lacks_is_an_error() -> None:
    result = total_of(95, "{name: 基本项, gate: {when: 'loss >= 2000', effect: zero}}")
    assert result["errors"] == ["基本项: no value for 'loss'"]
    assert result["total"] is None


def test_gate_sees_appraisee_event_counts() -> None:
    result = total_of(
        95, "{name: 否决, gate: {when: 'accident > 1', effect: zero}}", "events: {accident: 2}"
    )
    assert result["total"] == 0


def test_cap_grade_must_name_a_grade() -> None:
    with pytest.raises(SchemeError, match="cap_grade '优' is not one of the grades"):
        one_item_scheme(
            DIRECT,
            top="adjustments:\n  - {name: g, gate: {when: 'x > 0', effect: {cap_grade: 优}}}\n"
            + GRADES,
        )


# -- order and the total clamp ------------------------------------------------------------


def test_adjustments_apply_in_the_order_written() -> None:
    coefficient = "{name: 系数, coefficient: {by: lv, values: {a: 0.5}}}"
    bonus = "{name: 加分, bonus: {}}"
    appraisee = "inputs: {lv: a}\nadjustments: {加分: 10}"
    first = total_of(80, f"{coefficient}\n{bonus}", appraisee)
    last = total_of(80, f"{bonus}\n{coefficient}", appraisee)
    assert first["total"] == 50  # 80 × 0.5 + 10
    assert last["total"] == 45  # (80 + 10) × 0.5
    assert [a["name"] for a in first["adjustments"]] == ["系数", "加分"]
    assert [(a["before"], a["after"]) for a in last["adjustments"]] == [(80, 90), (90, 45)]


@pytest.mark.parametrize(
    ("total", "score", "adjustment", "expected"),
    [
        pytest.param("", 5, -10, 0, id="min 0 by default"),
        pytest.param("total: {min: null}", 5, -10, -5, id="no min"),
        pytest.param("", 95, 10, 105, id="no max by default"),
        pytest.param("total: {min: 0, max: 100}", 95, 10, 100, id="max"),
        pytest.param("total: {min: 60}", 50, 0, 60, id="min 60"),
    ],
)
def test_the_total_is_clamped_last(
    total: str, score: float, adjustment: float, expected: float
) -> None:
    result = total_of(
        score, "{name: 调整, bonus: {}}", f"adjustments: {{调整: {adjustment}}}", total
    )
    assert result["total"] == expected
    assert result["subtotal"] == score


def test_adjustment_names_must_be_unique() -> None:
    with pytest.raises(SchemeError, match="adjustment 'b' is named twice"):
        one_item_scheme(
            DIRECT, top="adjustments:\n  - {name: b, bonus: {}}\n  - {name: b, penalty: {}}"
        )


# -- grades (§8) ---------------------------------------------------------------------------

TOP_GRADES = """
grades:
  - [">= 80", 优秀, {top: 20%}]
  - [">= 80", 良好]
  - [">= 60", 合格]
  - [else, 差]
"""


def population(scores: list[float | None], extra: str, groups: list[str] | None = None) -> str:
    lines = ["appraisees:"]
    for index, score in enumerate(scores):
        group = groups[index] if groups else "甲"
        facts = f"facts: {{X: {{score: {score}}}}}" if score is not None else "facts: {}"
        lines.append(f"  - {{id: P{index:02}, attributes: {{dept: {group}}}, {facts}}}")
    return "\n".join(lines)


def graded(scores: list[float | None], extra: str, groups: list[str] | None = None) -> list[Any]:
    scheme = one_item_scheme(DIRECT, top=extra)
    return results(scheme, population(scores, extra, groups))


def test_first_matching_grade_row() -> None:
    found = graded(
        [95, 80, 79.99, 60, 10], "grades: [['>= 80', 良好], ['>= 60', 合格], [else, 差]]"
    )
    assert [r["grade"] for r in found] == ["良好", "良好", "合格", "合格", "差"]


def test_a_rank_condition_skips_to_the_next_row() -> None:
    """86.16 ranked 2 of 13 is 15.4% → 优秀; ranked 3 of 13 is 23.1% → the next row."""
    scores: list[float | None] = [99, 86.16, 86, 70, 65, 64, 63, 62, 61, 50, 40, 30, 20]
    found = graded(scores, TOP_GRADES)
    assert [(r["rank"], r["ranked"]) for r in found[:3]] == [(1, 13), (2, 13), (3, 13)]
    assert [r["grade"] for r in found[:4]] == ["优秀", "优秀", "良好", "合格"]


def test_a_rank_condition_counts_within_the_ranking_group() -> None:
    scores: list[float | None] = [90, 85, 84, 83, 82, 90]
    groups = ["甲"] * 5 + ["乙"]
    found = graded(scores, TOP_GRADES + "ranking: {within: dept}", groups)
    assert [r["grade"] for r in found] == ["优秀", "良好", "良好", "良好", "良好", "良好"]
    assert (found[-1]["rank"], found[-1]["ranked"]) == (1, 1)


def test_without_grades_the_grade_is_null() -> None:
    assert graded([90], "")[0]["grade"] is None


# -- ranking (§9) ----------------------------------------------------------------------------


def test_ties_share_the_better_rank_and_the_next_is_skipped() -> None:
    found = graded([90, 80, 80, 70, 80, 60], "")
    assert [r["rank"] for r in found] == [1, 2, 2, 5, 2, 6]
    assert {r["ranked"] for r in found} == {6}


def test_totals_equal_at_9_decimals_tie() -> None:
    found = results(
        """
        code: T
        name: t
        items: [{code: X, weight: 100, rule: {formula: 'a + b'}}]
        """,
        """
        appraisees:
          - {id: A, facts: {X: {inputs: {a: 0.1, b: 0.2}}}}
          - {id: B, facts: {X: {inputs: {a: 0.3, b: 0}}}}
          - {id: C, facts: {X: {inputs: {a: 0, b: 0.2}}}}
        """,
    )
    assert [r["rank"] for r in found] == [1, 1, 3]


def test_ranking_within_groups() -> None:
    found = graded([70, 90, 80, 60, 60], "ranking: {within: dept}", ["甲", "乙", "甲", "乙", "甲"])
    assert [(r["rank"], r["ranked"]) for r in found] == [(2, 3), (1, 2), (1, 3), (2, 2), (3, 3)]


def test_appraisees_with_errors_are_not_ranked() -> None:
    found = graded([70, None, 90, 70], "ranking: {within: dept}")
    assert [r["rank"] for r in found] == [2, None, 1, 2]
    assert [r["ranked"] for r in found] == [3, None, 3, 3]
    assert found[1]["errors"] == ["item X: no score or rating"]
    assert found[1]["grade"] is None


def test_everyone_together_without_ranking() -> None:
    found = graded([70, 90, 80], "", ["甲", "乙", "丙"])
    assert [(r["rank"], r["ranked"]) for r in found] == [(3, 3), (1, 3), (2, 3)]


def test_ranking_by_totals_after_adjustments() -> None:
    scheme = one_item_scheme(DIRECT, top="adjustments:\n  - {name: b, bonus: {}}")
    found = results(
        scheme,
        """
        appraisees:
          - {id: A, facts: {X: {score: 90}}}
          - {id: B, facts: {X: {score: 80}}, adjustments: {b: 15}}
        """,
    )
    assert {r["appraisee"]: r["rank"] for r in found} == {"A": 2, "B": 1}
    assert by_id(found)["B"]["total"] == 95
