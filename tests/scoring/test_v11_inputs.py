"""The input side of the scheme language v1.1: list inputs and the aggregates over
them (§3, §4, the CSV rule for repeated input rows), history inputs with `missing`
(§15), `labels` (§2) and the `points` adjustment (§7) — their scores, traces and
problems in English and Chinese, and how describe() says them."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.scoring import (
    FactsError,
    SchemeError,
    facts_from_text,
    language,
    scheme_from_text,
    score,
)
from jixiao.scoring.describe import describe_scheme
from jixiao.scoring.errors import format_path
from jixiao.scoring.expr import Ragged, compile_expression
from jixiao.scoring.facts_io import facts_from_csv
from tests.scoring.helpers import by_id, facts_of, items_of, results, scheme_of

# -- aggregates over lists (§4) ------------------------------------------------------------
# rows: 0 has [3, 1], 1 has the empty list, 2 has [5], 3 has [1, 2, 3]
LIST = Ragged(owner=np.array([0, 0, 2, 3, 3, 3]), values=np.array([3.0, 1, 5, 1, 2, 3]))
NONE = "no entries for 'x'"
NAN = np.nan


@pytest.mark.parametrize(
    ("text", "expected", "errors"),
    [
        ("sum(x)", [4, 0, 5, 6], {}),
        ("count(x)", [2, 0, 1, 3], {}),
        ("mean(x)", [2, NAN, 5, 2], {1: NONE}),
        ("min(x)", [1, NAN, 5, 1], {1: NONE}),
        ("max(x)", [3, NAN, 5, 3], {1: NONE}),
        # numbers and lists together: all the numbers at once
        ("sum(x, 10)", [14, 10, 15, 16], {}),
        ("count(x, 10)", [3, 1, 2, 4], {}),
        ("mean(x, 10)", [14 / 3, 10, 7.5, 4], {}),
        ("min(x, 2)", [1, 2, 2, 1], {}),
        ("max(x, x)", [3, NAN, 5, 3], {1: "no values in 'max(x, x)'"}),
        ("max(x, 4)", [4, 4, 5, 4], {}),
        # only what is evaluated can fail: an empty list behind a guard is no error
        ("mean(x) if count(x) > 0 else 0", [2, 0, 5, 2], {}),
        ("count(x) > 0 and max(x) > 2", [1, 0, 1, 1], {}),
        # a scalar input where a list is expected is a list of one
        ("mean(y)", [7, 7, 7, 7], {}),
        ("count(y)", [1, 1, 1, 1], {}),
        # the empty function call of nothing: sum of nothing is 0
        ("sum(x) * 0 + count(x) * 0", [0, 0, 0, 0], {}),
    ],
)
def test_aggregates_over_lists(text: str, expected: list[float], errors: dict[int, str]) -> None:
    found = compile_expression(text).evaluate({"y": np.full(4, 7.0)}, 4, {"x": LIST})
    assert found.errors == errors
    np.testing.assert_allclose(found.values, expected)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("mean(monthly_totals)", set()),
        ("monthly_totals * 2", {"monthly_totals"}),
        ("sum(a, b) / count(a)", set()),
        ("max(a + 1, b)", {"a"}),
        ("mean(x) if count(x) > 0 else x", {"x"}),
    ],
)
def test_the_names_used_outside_an_aggregate(text: str, bare: set[str]) -> None:
    assert compile_expression(text).bare == frozenset(bare)


# -- list inputs in facts (§3) ---------------------------------------------------------------
FORM = """\
code: KPI
name: 阶段考核
items:
  - name: 阶段完成
    weight: 100
    measure: "mean(stage_ratios)"
    rule: {interpolate: [[0, 0], [1, 100]]}
"""


def _facts(inputs: str) -> str:
    return f"appraisees:\n  - id: A\n    facts:\n      阶段完成: {{inputs: {{{inputs}}}}}\n"


@pytest.mark.parametrize(
    ("inputs", "score", "trace"),
    [
        (
            "stage_ratios: [1, 0.8, 1]",
            93.3333,
            "mean(stage_ratios) with stage_ratios = [1, 0.8, 1]",
        ),
        ("stage_ratios: [1, 0.5]", 75, "= 0.75"),
        ("stage_ratios: 0.9", 90, "mean(stage_ratios) = 0.9"),  # a number: a list of one
        ("stage_ratios: []", None, "no entries for 'stage_ratios'"),  # an empty list
        ("stage_ratios: [1, null]", None, "no value for an entry of 'stage_ratios'"),
    ],
)
def test_an_item_reads_a_list_input(inputs: str, score: float | None, trace: str) -> None:
    item = items_of(results(FORM, _facts(inputs))[0])["阶段完成"]
    assert item["score"] == (pytest.approx(score, abs=1e-4) if score is not None else None)
    assert trace in item["trace"]


def test_a_list_outside_an_aggregate_is_an_error_of_that_appraisee() -> None:
    form = FORM.replace('"mean(stage_ratios)"', '"stage_ratios * 1"')
    found = by_id(
        results(
            form,
            "appraisees:\n"
            "  - {id: A, facts: {阶段完成: {inputs: {stage_ratios: [1, 0.8]}}}}\n"
            "  - {id: B, facts: {阶段完成: {inputs: {stage_ratios: 0.5}}}}\n",
        )
    )
    assert found["A"]["total"] is None
    message = "'stage_ratios' is a list: use sum(stage_ratios), mean(stage_ratios) or count("
    assert message in found["A"]["errors"][0]
    assert found["B"]["total"] == 50  # a number given stays a number outside aggregates
    with language("zh"):
        chinese = by_id(
            results(
                form, "appraisees:\n  - {id: A, facts: {阶段完成: {inputs: {stage_ratios: [1]}}}}\n"
            )
        )
    assert "'stage_ratios' 是一组数" in chinese["A"]["errors"][0]


def test_appraisee_level_list_inputs_and_the_item_wins_a_clash() -> None:
    facts = (
        "appraisees:\n"
        "  - {id: A, inputs: {stage_ratios: [0.5, 0.5]}}\n"
        "  - {id: B, inputs: {stage_ratios: [0.5]},"
        " facts: {阶段完成: {inputs: {stage_ratios: [1]}}}}\n"
    )
    found = by_id(results(FORM, facts))
    assert found["A"]["total"] == 50
    assert found["B"]["total"] == 100


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[1, 优]", "a list input holds numbers: '优'"),
        ("{a: 1}", "input 'stage_ratios' must be a number, a word or a list"),
    ],
)
def test_a_list_input_holds_numbers(value: str, message: str) -> None:
    with pytest.raises(FactsError) as raised:
        facts_from_text(_facts(f"stage_ratios: {value}"))
    assert message in [p.message for p in raised.value.problems]


CSV = "appraisee,item,kind,key,value\n"


@pytest.mark.parametrize(
    ("rows", "total"),
    [
        # an input in more than one row of the same appraisee and item is a list
        ("A,阶段完成,input,stage_ratios,1\nA,阶段完成,input,stage_ratios,0.8\n"
         "A,阶段完成,input,stage_ratios,0.6\n", 80),
        ("A,阶段完成,input,stage_ratios,0.7\n", 70),  # one row: a number, a list of one
        # rows of other facts between the repeated ones; the list keeps the row order
        ("A,阶段完成,input,stage_ratios,1\nA,,attribute,department,仓储\n"
         "A,阶段完成,input,stage_ratios,0\n", 50),
    ],
)  # fmt: skip
def test_csv_repeated_input_rows_are_a_list(rows: str, total: float) -> None:
    facts = facts_from_csv(CSV + rows).periods[0]
    assert score(scheme_of(FORM), facts).result(0)["total"] == pytest.approx(total)


def test_csv_list_rows_are_kept_in_order_and_by_item() -> None:
    rows = "A,阶段完成,input,x,3\nB,阶段完成,input,x,9\nA,阶段完成,input,x,1\nA,,input,x,100\n"
    facts = facts_from_csv(CSV + rows).periods[0]
    listed = facts.items["阶段完成"].lists["x"]
    assert listed.entries.numbers_of(0).tolist() == [3, 1]
    assert "x" not in facts.lists and facts.inputs["x"][0] == 100  # appraisee-level: one row


# -- history inputs (§15) --------------------------------------------------------------------
ANNUAL = """\
code: Y
name: 年度
period: year
history:
  monthly_totals: {period: month%s}
items:
  - {name: 月度平均, weight: 100, rule: {formula: "mean(monthly_totals)", min: 0, max: 100}}
"""


def annual(history: str = "", facts: str = "") -> dict[str, Any]:
    scheme = scheme_of(ANNUAL % history)
    found: dict[str, Any] = score(scheme, facts_of(facts)).result(0)
    return found


def months(count: int, value: float = 90) -> str:
    return "[" + ", ".join([str(value)] * count) + "]"


@pytest.mark.parametrize(
    ("history", "inputs", "total", "error"),
    [
        ("", f"monthly_totals: {months(12)}", 90, None),
        ("", f"monthly_totals: {months(3)}", 90, None),  # skip: whatever periods there are
        ("", "monthly_totals: 80", 80, None),  # a number: a list of one
        ("", "monthly_totals: [80, null, 100]", 90, None),  # null: a month without a result
        ("", "other: 1", None, "no entries for 'monthly_totals'"),  # absent: an empty list
        (", missing: error", f"monthly_totals: {months(12)}", 90, None),
        (", missing: error", f"monthly_totals: {months(10)}", None,
         "monthly_totals: 10 of 12 months"),
        (", missing: error", "monthly_totals: [90, null]", None, "monthly_totals: 1 of 12 months"),
        (", missing: error", "other: 1", None, "monthly_totals: 0 of 12 months"),
    ],
)  # fmt: skip
def test_history_inputs(history: str, inputs: str, total: float | None, error: str | None) -> None:
    result = annual(history, f"period: '2026'\nappraisees:\n  - {{id: A, inputs: {{{inputs}}}}}\n")
    assert result["total"] == (pytest.approx(total) if total is not None else None)
    if error is not None:
        assert any(error in message for message in result["errors"]), result["errors"]


@pytest.mark.parametrize(
    ("scheme_period", "period", "scored", "count", "expected"),
    [
        ("year", "quarter", "2026", 3, "q: 3 of 4 quarters"),
        ("year", "half", "2026", 1, "q: 1 of 2 half-years"),
        ("half", "month", "2026-H1", 5, "q: 5 of 6 months"),
        ("half", "quarter", "2026-H2", 1, "q: 1 of 2 quarters"),
        ("quarter", "month", "2026-Q3", 2, "q: 2 of 3 months"),
        ("quarter", "month", "2026-Q3", 3, None),
    ],
)
def test_missing_error_counts_the_periods_inside(
    scheme_period: str, period: str, scored: str, count: int, expected: str | None
) -> None:
    text = (
        f"code: H\nname: h\nperiod: {scheme_period}\n"
        f"history: {{q: {{period: {period}, missing: error}}}}\n"
        "items:\n  - {name: 平均, weight: 100, rule: {formula: 'mean(q)'}}\n"
    )
    facts = f"period: {scored}\nappraisees:\n  - {{id: A, inputs: {{q: {months(count)}}}}}\n"
    found = results(text, facts)[0]
    assert found["errors"] == ([expected] if expected else [])
    with language("zh"):
        chinese = results(text, facts)[0]
    if expected:
        assert "中只有" in chinese["errors"][0]


HISTORY_PROBLEMS = [
    # (history, path, English, Chinese)
    ("{monthly_totals: {period: month, vaule: total}}", "history.monthly_totals.vaule",
     "unknown key; did you mean 'value'?", "未知的键；是否应为 'value'？"),
    ("{monthly_totals: {period: monthh}}", "history.monthly_totals.period",
     "'monthh' is not one of month, quarter, half, year; did you mean 'month'?",
     "'monthh' 不是 month, quarter, half, year 之一；是否应为 'month'？"),
    ("{monthly_totals: {period: month, value: normalised}}", "history.monthly_totals.value",
     "'normalised' is not one of total, normalized; did you mean 'normalized'?",
     "'normalised' 不是 total, normalized 之一；是否应为 'normalized'？"),
    ("{monthly_totals: {period: month, missing: eror}}", "history.monthly_totals.missing",
     "'eror' is not one of skip, error; did you mean 'error'?",
     "'eror' 不是 skip, error 之一；是否应为 'error'？"),
    ("{monthly_totals: {period: year}}", "history.monthly_totals.period",
     "year is not shorter than the scheme's period year: a history input holds the results of"
     " shorter periods inside the one scored",
     "year 不短于方案的考核周期 year：往期结果只能取本考核期之内更短周期的结果"),
    ("{monthly_totals: {value: total}}", "history.monthly_totals",
     "missing required key 'period'", "缺少必填项 'period'"),
    ("{mean: {period: month}}", "history.mean",
     "'mean' cannot be used in expressions: a history input is named with letters, digits and _,"
     " and not like a function",
     "'mean' 无法在公式中使用：往期结果的名称只能由字母、数字和 _ 组成，且不能与函数同名"),
    ("[monthly_totals]", "history",
     "expected {name: {period: month}}, e.g. {monthly_totals: {period: month}}",
     "应为「名称: 周期设置」的映射，例如「月度总分: 按月」"),
]  # fmt: skip


def problems(text: str, code: str) -> list[tuple[str, str]]:
    with language(code), pytest.raises(SchemeError) as raised:
        scheme_from_text(textwrap.dedent(text))
    return [(format_path(p.path), p.message) for p in raised.value.problems]


@pytest.mark.parametrize(("history", "path", "en", "zh"), HISTORY_PROBLEMS)
def test_history_problems_in_both_languages(history: str, path: str, en: str, zh: str) -> None:
    text = (
        "code: Y\nname: y\nperiod: year\n"
        f"history: {history}\n"
        "items:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\n"
    )
    assert (path, en) in problems(text, "en")
    assert (path, zh) in problems(text, "zh")


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("items:\n  - {name: 甲, weight: 100, rule: {formula: 'monthly_totals * 0.4'}}",
         "items[0].rule"),
        ("items:\n  - {name: 甲, weight: 100, measure: 'monthly_totals', rule: {interpolate:"
         " [[0, 0], [100, 100]]}}", "items[0].measure"),
        ("items:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\nadjustments:\n"
         "  - {name: 否决, gate: {when: 'monthly_totals < 60', effect: zero}}",
         "adjustments[0].gate.when"),
        ("items:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\nadjustments:\n"
         "  - {name: 加分, points: {rule: {formula: 'monthly_totals - 90'}}}",
         "adjustments[0].points.rule"),
    ],
)  # fmt: skip
def test_a_history_list_outside_an_aggregate_is_refused_when_the_scheme_is_loaded(
    where: str, path: str
) -> None:
    text = "code: Y\nname: y\nperiod: year\nhistory: {monthly_totals: {period: month}}\n" + where
    message = (
        "'monthly_totals' is a list: use sum(monthly_totals), mean(monthly_totals)"
        " or count(monthly_totals)"
    )
    assert (path, message) in problems(text, "en")
    assert (
        path,
        message.replace(" is a list: use ", " 是一组数：请用 ")
        .replace(", mean", "、mean")
        .replace(" or count", " 或 count"),
    ) in problems(text, "zh")


@settings(max_examples=60, deadline=None)
@given(
    total=st.floats(min_value=-50, max_value=200, allow_nan=False).map(lambda x: round(x, 4)),
    periods=st.integers(min_value=1, max_value=12),
)
def test_a_form_that_is_the_mean_of_one_periods_total_gives_that_total(
    total: float, periods: int
) -> None:
    """100 % `mean` of the totals of one period (given once or repeated) is that total,
    within the form's clamp."""
    scheme = scheme_of(
        ANNUAL.replace("rule: {formula: \"mean(monthly_totals)\", min: 0, max: 100}",
                       "rule: {formula: \"mean(monthly_totals)\"}") % ""
        + "total: {min: 0, max: 120}\n"
    )  # fmt: skip
    facts = facts_of(
        f"appraisees:\n  - {{id: A, inputs: {{monthly_totals: {months(periods, total)}}}}}\n"
    )
    assert score(scheme, facts).result(0)["total"] == pytest.approx(
        min(max(total, 0), 120), abs=1e-4
    )


# -- points (§7) -----------------------------------------------------------------------------
POINTS = """\
code: P
name: 扣分制
items:
  - {name: 基础, weight: 100, rule: {formula: "100"}}
adjustments:
  - name: 质量
    points:
%s
"""


def points(body: str, appraisee: str) -> dict[str, Any]:
    scheme = scheme_of(POINTS % textwrap.indent(textwrap.dedent(body).strip(), "      "))
    found: dict[str, Any] = score(
        scheme, facts_of(f"appraisees:\n  - {{id: A, {appraisee}}}\n")
    ).result(0)
    return found


@pytest.mark.parametrize(
    ("body", "appraisee", "total", "trace"),
    [
        # 全月统计每超过0.1%扣1分，降低0.1%奖1分
        ('measure: "rate - target"\nrule: {steps: {standard: 0, base: 0, step: 0.1%, below: 1,'
         ' above: -1, min: -20, max: 20}}', "inputs: {rate: 0.985, target: 0.98}", 95,
         "rate - target = 0.005; 0.005 against standard 0: 5 step(s) above × -1; 0 → -5"),
        # deduct inside points: from 0, no floor
        ("rule: {deduct: {per: {complaint: {each: 3}}}}", "events: {complaint: 2}", 94,
         "complaint 2: 2 × 3 = 6; 0 − 6 = -6"),
        ("rule: {deduct: {per: {complaint: {each: 3}}}}", "inputs: {x: 1}", 100, "no events: 0"),
        # add inside points: from 0, no cap unless set
        ("rule: {add: {per: {praise: {each: 40}}}}", "events: {praise: 3}", 220, "0 + 120 = 120"),
        ("rule: {add: {cap: 5, per: {praise: {each: 2}}}}", "events: {praise: 3}", 105,
         "capped at 5"),
        ("rule: {formula: 'sum(bonus_lines) - 2'}", "inputs: {bonus_lines: [1, 2, 3]}", 104,
         "sum(bonus_lines) - 2 with bonus_lines = [1, 2, 3] = 4"),
        ('measure: "late"\nrule: {bands: [["== 0", 2], ["<= 2", 0], [else, -5]]}',
         "inputs: {late: 4}", 95, "late = 4; 4 matched else → -5"),
    ],
)  # fmt: skip
def test_points_lines(body: str, appraisee: str, total: float, trace: str) -> None:
    found = points(body, appraisee)
    assert found["total"] == pytest.approx(total)
    [line] = found["adjustments"]
    assert line["kind"] == "points"
    assert line["score"] == pytest.approx(total - 100)
    assert line["amount"] == pytest.approx(total - 100)
    assert trace in line["trace"]


def test_a_points_line_reports_its_value_and_says_its_trace_in_chinese() -> None:
    body = ('measure: "rate - target"\nrule: {steps: {standard: 0, base: 0, step: 0.1%,'
            ' below: 1, above: -1}}')  # fmt: skip
    found = points(body, "inputs: {rate: 0.99, target: 0.98}")
    assert found["adjustments"][0]["value"] == pytest.approx(0.01)
    with language("zh"):
        chinese = points(body, "inputs: {rate: 0.99, target: 0.98}")
    assert chinese["adjustments"][0]["trace"] == (
        "rate - target = 0.01；0.01 对照标准 0：高于标准 10 档 × -1；0 → -10"
    )


def test_an_error_in_a_points_line_is_the_appraisees_named_by_the_line() -> None:
    found = points('measure: "rate / target"\nrule: {steps: {standard: 1, base: 0, step: 1}}',
                   "inputs: {rate: 1, target: 0}")  # fmt: skip
    assert found["total"] is None
    assert found["errors"] == ["质量: division by zero in 'rate / target'"]


POINTS_PROBLEMS = [
    # (points body, path, English, Chinese)
    ("{rule: {levels: {优: 2, 差: -2}}}", "adjustments[0].points.rule.levels",
     "a points line is not rated: its rule is one of bands, deduct, add, steps, interpolate,"
     " formula", "加减分项不由评价人打分：计分规则只能是 bands, deduct, add, steps, interpolate,"
     " formula 之一"),
    ("{rule: {direct: {}}}", "adjustments[0].points.rule.direct",
     "a points line is not rated: its rule is one of bands, deduct, add, steps, interpolate,"
     " formula", "加减分项不由评价人打分：计分规则只能是 bands, deduct, add, steps, interpolate,"
     " formula 之一"),
    ("{measure: x, rule: {bands: [['>= 1', [0, 5]], [else, 0]]}}", "adjustments[0].points.rule",
     "a points line is not rated: give every band a score, not a range",
     "加减分项不由评价人打分：每一档须给出确定的分数，而不是分数范围"),
    ("{rule: {steps: {standard: 0, base: 0, step: 1}}}", "adjustments[0].points",
     "a points line with a steps rule needs a measure (the value it scores)",
     "计分规则为 steps 的加减分项需要计算公式（即据以计分的数值）"),
    ("{mesure: x, rule: {formula: '1'}}", "adjustments[0].points.mesure",
     "unknown key; did you mean 'measure'?", "未知的键；是否应为 'measure'？"),
    ("{rule: {formula: '1'}, labels: [a]}", "adjustments[0].points.labels",
     "expected {name: what people call it}, e.g. {actual: 实际支出}",
     "应为「名称: 通常的叫法」的映射，例如「实际: 实际支出」"),
    ("{measure: x}", "adjustments[0].points", "missing required key 'rule'", "缺少必填项 'rule'"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "path", "en", "zh"), POINTS_PROBLEMS)
def test_points_problems_in_both_languages(body: str, path: str, en: str, zh: str) -> None:
    text = (
        "code: P\nname: p\nitems:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\n"
        f"adjustments:\n  - name: 质量\n    points: {body}\n"
    )
    assert (path, en) in problems(text, "en")
    assert (path, zh) in problems(text, "zh")


def test_the_adjustment_kinds_name_points_with_a_hint() -> None:
    text = (
        "code: P\nname: p\nitems:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\n"
        "adjustments:\n  - {name: 质量, pionts: {rule: {formula: '1'}}}\n"
    )
    assert ("adjustments[0].pionts", "unknown key; did you mean 'points'?") in problems(text, "en")


# -- labels (§2) -----------------------------------------------------------------------------
LABELLED = """\
code: L
name: l
items:
  - name: 预算
    weight: 100
    measure: "1 - abs(actual - budget) / budget"
    labels: %s
    rule: {bands: [[">= 95%%", 100], [else, 50]]}
"""


@pytest.mark.parametrize(
    ("labels", "en", "zh"),
    [
        ("{actual: 实际支出, budgte: 部门预算}",
         "'budgte' is not an input or event of this line; did you mean 'budget'?",
         "'budgte' 不是本项的输入或事件；是否应为 'budget'？"),
        ("{actual: 实际支出, 其他: 某某}", "'其他' is not an input or event of this line",
         "'其他' 不是本项的输入或事件"),
    ],
)  # fmt: skip
def test_a_label_naming_no_input_is_a_warning_with_the_nearest_name(
    labels: str, en: str, zh: str
) -> None:
    for code, message in (("en", en), ("zh", zh)):
        with language(code):
            scheme = scheme_from_text(LABELLED % labels)
        assert message in [w.message for w in scheme.warnings]


@pytest.mark.parametrize(
    ("labels", "path", "message"),
    [
        (
            "[实际支出]",
            "items[0].labels",
            "expected {name: what people call it}, e.g. {actual: 实际支出}",
        ),
        ("{actual: ''}", "items[0].labels.actual", "expected what people call 'actual'"),
        ("{actual: [a]}", "items[0].labels.actual", "expected what people call 'actual'"),
    ],
)
def test_labels_are_names_and_what_people_call_them(labels: str, path: str, message: str) -> None:
    assert (path, message) in problems(LABELLED % labels, "en")


def test_labels_show_in_the_description() -> None:
    scheme = scheme_from_text(LABELLED % "{actual: 实际支出, budget: 部门预算}")
    from jixiao.scoring.describe import describe_item

    with language("zh"):
        said = describe_item(scheme.items[0])
    assert "实际支出" in said and "部门预算" in said and "actual" not in said


# -- describe() ------------------------------------------------------------------------------
def test_describe_says_history_inputs_and_points_lines_in_both_languages() -> None:
    text = (
        "code: Y\nname: y\nperiod: year\n"
        "history: {monthly_totals: {period: month}, quarters: {period: quarter, value: normalized,"
        " missing: error}}\n"
        "items:\n  - {name: 月度平均, weight: 100,"
        " rule: {formula: 'mean(monthly_totals) + mean(quarters)'}}\n"
        "adjustments:\n  - name: 质量奖罚\n    points: {measure: 'pass_rate - target', labels:"
        " {pass_rate: 合格率, target: 目标合格率}, rule: {steps: {standard: 0, base: 0, step: 0.1%,"
        " below: -1, above: 1, min: -5, max: 5}}}\n"
        "  - name: 投诉\n    points: {rule: {add: {per: {praise: {each: 2}}}}}\n"
    )
    scheme = scheme_from_text(text)
    english = describe_scheme(scheme)
    assert english[0] == (
        "monthly_totals: the total of each month inside the period scored, oldest first;"
        " a month without a result is left out"
    )
    assert english[1] == (
        "quarters: the normalized total of each quarter inside the period scored, oldest first;"
        " every quarter needs a result (4 in all), else it cannot be scored"
    )
    assert english[2].startswith(
        "质量奖罚: points added to the total, a negative score taking points off:"
        " value = 合格率 - 目标合格率;"  # the labels, in either language
    )
    assert "at most" not in english[3]  # an add line has no cap unless it sets one
    with language("zh"):
        chinese = describe_scheme(scheme)
    assert chinese[0] == "monthly_totals：本考核期内各月的总分，按时间先后排列；没有结果的月不计"
    assert chinese[1] == (
        "quarters：本考核期内各季度的调整后总分，按时间先后排列；"
        "每个季度都须有结果（共 4 个），否则无法计分"
    )
    assert chinese[2].startswith(
        "质量奖罚：所得分数直接加入总分，负分即扣分：数值 = 合格率 - 目标合格率；"
    )


@pytest.mark.parametrize(
    ("item_facts", "total"),
    [
        ("{inputs: {stage_ratios: [1, 0]}}", 50),
        ("{inputs: {other: 1}}", 50),  # facts of its own, but not this list: no default
        (None, 80),  # no facts for the item: the default list
    ],
)
def test_a_default_may_be_a_list_input(item_facts: str | None, total: float) -> None:
    form = FORM.replace(
        "    rule: {interpolate:",
        "    default: {inputs: {stage_ratios: [0.6, 1]}}\n    rule: {interpolate:",
    )
    facts = (
        f"appraisees:\n  - {{id: A, facts: {{阶段完成: {item_facts}}}}}\n"
        if item_facts
        else ("appraisees:\n  - {id: A}\n")
    )
    found = results(form, facts)[0]
    if item_facts == "{inputs: {other: 1}}":
        assert found["total"] is None  # the item's own facts lack the list: no entries
    else:
        assert found["total"] == pytest.approx(total)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("count(late_day)", [2, 3, 0]),  # sizes [3, 1]; a count of 3 is 3 sizes of 1
        ("sum(late_day)", [4, 3, 0]),
        ("max(late_day, 0)", [3, 1, 0]),
        ("late_day", [2, 3, 0]),  # outside the five functions: its count
    ],
)
def test_an_event_in_an_aggregate_is_the_list_of_its_sizes(text: str, values: list[float]) -> None:
    form = (
        "code: E\nname: e\nitems:\n  - name: 纪律\n    weight: 100\n"
        f"    measure: '{text}'\n"
        "    rule: {interpolate: [[0, 0], [100, 100]]}\n"
        "    labels: {late_day: 延误天数}\n"
    )
    facts = (
        "appraisees:\n"
        "  - {id: A, facts: {纪律: {events: {late_day: [3, 1]}}}}\n"
        "  - {id: B, facts: {纪律: {events: {late_day: 3}}}}\n"
        "  - {id: C, facts: {纪律: {events: {late_day: 0}}}}\n"
    )
    found = by_id(results(form, facts))
    assert [found[k]["total"] for k in "ABC"] == values


def test_a_history_input_given_in_one_csv_row_is_a_list_of_one() -> None:
    scheme = scheme_of(ANNUAL % ", missing: error")
    facts = facts_from_csv(CSV + "A,,input,monthly_totals,88\n", period="2026").periods[0]
    assert score(scheme, facts).result(0)["errors"] == ["monthly_totals: 1 of 12 months"]
    rows = "".join(f"A,,input,monthly_totals,{80 + month}\n" for month in range(12))
    facts = facts_from_csv(CSV + rows, period="2026").periods[0]
    assert score(scheme, facts).result(0)["total"] == pytest.approx(85.5)


def test_the_place_of_a_label_problem_in_chinese() -> None:
    with language("zh"), pytest.raises(SchemeError) as raised:
        scheme_from_text(LABELLED % "{actual: ''}")
    [problem] = raised.value.problems
    assert problem.place == "第 1 项「预算」的名称说明"


def test_a_misspelt_history_key_is_named_with_the_nearest() -> None:
    text = "code: Y\nname: y\nperiod: year\nhistroy: {m: {period: month}}\n" + (
        "items:\n  - {name: 甲, weight: 100, rule: {formula: '100'}}\n"
    )
    assert ("histroy", "unknown key; did you mean 'history'?") in problems(text, "en")
    assert ("histroy", "未知的键；是否应为 'history'？") in problems(text, "zh")


def test_the_trace_of_a_formula_over_a_list_in_chinese() -> None:
    scheme = scheme_of(ANNUAL % "")
    facts = facts_of("appraisees:\n  - {id: A, inputs: {monthly_totals: [80, 90]}}\n")
    with language("zh"):
        [item] = score(scheme, facts).result(0)["items"]
    assert item["trace"] == "mean(monthly_totals) = 85（其中 monthly_totals = [80, 90]）"
