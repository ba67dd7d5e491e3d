# ruff: noqa: E501  (the Chinese sentences are checked whole, as a person reads them)
"""Every rule said in plain words (jixiao/scoring/describe.py), in English and Chinese.

One row per rule type and option of scheme-language §5 (and the form-level parts):
the rule as written, the English sentence and the Chinese sentence a person checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.scoring import language, load_scheme
from jixiao.scoring.describe import describe, describe_item, describe_scheme
from tests.scoring.helpers import one_item_scheme, scheme_of

SPEC = Path("/work/shared/spec/examples")
DEMO = Path(__file__).resolve().parents[2] / "jixiao" / "demo" / "schemes"

# (rule as YAML flow text, item extras, English, Chinese)
RULES = [
    pytest.param(
        'bands: [[">= 98%", 100], [">= 95%", 80], [">= 80%", 40], [else, 20]]',
        "",
        "the value ≥ 98% scores 100; ≥ 95% scores 80; ≥ 80% scores 40; below 80% scores 20",
        "数值 ≥ 98% 得 100 分；≥ 95% 得 80 分；≥ 80% 得 40 分；低于 80% 得 20 分",
        id="bands with else after >=",
    ),
    pytest.param(
        'bands: [["== 0", 100], ["<= 5", 40], [else, 20]]',
        "",
        "the value = 0 scores 100; ≤ 5 scores 40; above 5 scores 20",
        "数值 = 0 得 100 分；≤ 5 得 40 分；高于 5 得 20 分",
        id="bands counts, else after <=",
    ),
    pytest.param(
        'bands: [["[0.9, 1]", [85, 100]], ["[0, 0.9)", [0, 84]]]',
        "",
        "the value [0.9, 1] scores 85 to 100, a person picks; [0, 0.9) scores 0 to 84,"
        " a person picks; a value in no row cannot be scored",
        "数值 [0.9, 1] 得 85～100 分（由评价人在此范围内打分）；[0, 0.9) 得 0～84 分"
        "（由评价人在此范围内打分）；不在任何一档时无法计分",
        id="bands with score ranges, no else",
    ),
    pytest.param(
        "levels: {优: 30, 良: 24, 差: 6}",
        "",
        "by the level rated: 优: 30, 良: 24, 差: 6",
        "按评定等级计分：优：30 分、良：24 分、差：6 分",
        id="levels with points",
    ),
    pytest.param(
        "levels: {好: [85, 100], 中: [60, 84]}",
        "",
        "by the level rated: 好: 85 to 100, 中: 60 to 84",
        "按评定等级计分：好：85～100 分、中：60～84 分",
        id="levels with ranges",
    ),
    pytest.param(
        "deduct: {per: {late_day: {each: 3}}}",
        "labels: {late_day: 延误天数}",
        "start from 100; deduct 3 per 延误天数; down to 0 at most",
        "从 100 分起算；「延误天数」每 1 次扣 3 分；扣完为止",
        id="deduct each, labels, floor 0",
    ),
    pytest.param(
        "deduct: {from: 10, per: {overtime: {tiers: [[10, 0.5], [else, 1]]}}}",
        "",
        "start from 10; overtime: occurrences 1 to 10: deduct 0.5 each,"
        " from occurrence 11 on: deduct 1 each; down to 0 at most",
        "从 10 分起算；「overtime」：第 1～10 次每次扣 0.5 分、第 11 次起每次扣 1 分；扣完为止",
        id="deduct progressive tiers, from",
    ),
    pytest.param(
        "deduct: {per: {error: {tiers: [[4, 0.5], [10, 1]], mode: flat, zero_above: 10}}}",
        "",
        "start from 100; error: up to 4 in all: every one deduct 0.5, up to 10 in all:"
        " every one deduct 1, more than 10 cannot be scored; more than 10 error make the item"
        " score 0; down to 0 at most",
        "从 100 分起算；「error」：共不超过 4 次时每次扣 0.5 分、共不超过 10 次时每次扣 1 分、"
        "超过 10 次无法计分；「error」超过 10 次本项得 0 分；扣完为止",
        id="deduct flat tiers, zero_above",
    ),
    pytest.param(
        "deduct: {per: {sku_error: {sequence: [1, 2, 4], then: double}}}",
        "",
        "start from 100; sku_error: occurrence 1: deduct 1, occurrence 2: deduct 2,"
        " occurrence 3: deduct 4, then each doubled; down to 0 at most",
        "从 100 分起算；「sku_error」：第 1 次扣 1 分、第 2 次扣 2 分、第 3 次扣 4 分，此后每次翻倍；"
        "扣完为止",
        id="deduct sequence double",
    ),
    pytest.param(
        "deduct: {per: {slip: {sequence: [1, 2]}}}",
        "labels: {slip: 差错}",
        "start from 100; 差错: occurrence 1: deduct 1, occurrence 2: deduct 2,"
        " then each the same; down to 0 at most",
        "从 100 分起算；「差错」：第 1 次扣 1 分、第 2 次扣 2 分，此后每次同末次；扣完为止",
        id="deduct sequence repeat",
    ),
    pytest.param(
        'deduct: {per: {accident: {by_size: [[">= 5000", 10], [">= 500", 5]], max: 15}}}',
        "labels: {accident: 事故损失}",
        "start from 100; each 事故损失 by its size: ≥ 5000: deduct 10, ≥ 500: deduct 5,"
        " other sizes nothing; 事故损失 at most 15 in all; down to 0 at most",
        "从 100 分起算；「事故损失」按每次的大小：≥ 5000 扣 10 分、≥ 500 扣 5 分，其他不计；"
        "「事故损失」合计最多 15 分；扣完为止",
        id="deduct by_size, max",
    ),
    pytest.param(
        "deduct: {per: {refused: {zero: true}}}",
        "labels: {refused: 拒绝上报}",
        "start from 100; any 拒绝上报 makes the item score 0; down to 0 at most",
        "从 100 分起算；出现「拒绝上报」即本项得 0 分；扣完为止",
        id="deduct zero",
    ),
    pytest.param(
        "deduct: {from: 10, floor: null, per: {miss: {each: 2}}}",
        "",
        "start from 10; deduct 2 per miss; no floor: the score may go below 0",
        "从 10 分起算；「miss」每 1 次扣 2 分；不设保底，可扣至负分",
        id="deduct floor null",
    ),
    pytest.param(
        "deduct: {from: 10, floor: 2, overflow: carry, per: {miss: {each: 2}}}",
        "",
        "start from 10; deduct 2 per miss; not below 2;"
        " what goes below the floor is taken off the total",
        "从 10 分起算；「miss」每 1 次扣 2 分；最低 2 分；低于保底的部分从总分中继续扣减",
        id="deduct floor, overflow carry",
    ),
    pytest.param(
        "add: {from: 5, cap: 10, per: {praise: {each: 2}}}",
        "labels: {praise: 表扬}",
        "start from 5; add 2 per 表扬; at most 10",
        "从 5 分起算；「表扬」每 1 次加 2 分；最高 10 分",
        id="add from, cap",
    ),
    pytest.param(
        "add: {per: {idea: {each: 5}}}",
        "",
        "add 5 per idea; at most 100",
        "「idea」每 1 次加 5 分；最高 100 分",
        id="add, cap the full score",
    ),
    pytest.param(
        "steps: {standard: 70%, base: 10, step: 1%, below: -2, min: 0, max: 10}",
        "",
        "10 at the standard 70%; deduct 2 per 1 percentage point(s) below;"
        " only whole steps count; at least 0; at most 10",
        "达到标准 70% 得 10 分；每低于标准 1 个百分点扣 2 分；不足一档的部分不计；最低 0 分；最高 10 分",
        id="steps below, whole",
    ),
    pytest.param(
        "steps: {standard: 100, base: 60, step: 5, below: -1, above: 2, count: exact}",
        "",
        "60 at the standard 100; deduct 1 per 5 below; add 2 per 5 above;"
        " part of a step counts in proportion",
        "达到标准 100 得 60 分；每低于标准 5扣 1 分；每高于标准 5加 2 分；不足一档的部分按比例计",
        id="steps above, exact",
    ),
    pytest.param(
        "steps: {standard: 0, base: 0, step: 1, below: -1, count: started}",
        "",
        "0 at the standard 0; deduct 1 per 1 below; a begun step counts as a whole one",
        "达到标准 0 得 0 分；每低于标准 1扣 1 分；不足一档按一档计",
        id="steps started",
    ),
    pytest.param(
        "interpolate: [[0, 0], [1.18, 118]]",
        "",
        "the value on a straight line through 0%: 0, 118%: 118; beyond the ends the end's score",
        "数值为 0% 时得 0 分、118% 时得 118 分，其间按直线插值，超出两端按端点得分",
        id="interpolate numbers",
    ),
    pytest.param(
        'interpolate: [["target", 100], ["challenge", 120]]',
        "labels: {target: 目标值, challenge: 挑战值}",
        "the value on a straight line through 目标值: 100, 挑战值: 120;"
        " beyond the ends the end's score",
        "数值为 目标值 时得 100 分、挑战值 时得 120 分，其间按直线插值，超出两端按端点得分",
        id="interpolate target, challenge",
    ),
    pytest.param(
        'formula: "100 - 0.3 * W - max(T, 2)", min: 0, max: 100',
        "labels: {W: 违规次数, T: 投诉次数}",
        "score = 100 - 0.3 * 违规次数 - max(投诉次数, 2); at least 0; at most 100",
        "得分 = 100 - 0.3 * 违规次数 - 最大值(投诉次数, 2)；最低 0 分；最高 100 分",
        id="formula min max",
    ),
    pytest.param(
        "direct: {min: 0, max: 10}",
        "",
        "a person gives the score, 0 to 10",
        "由评价人直接打分，0～10 分",
        id="direct min max",
    ),
    pytest.param(
        "direct: {max: 10}",
        "",
        "a person gives the score; at most 10",
        "由评价人直接打分；最高 10 分",
        id="direct max only",
    ),
]


@pytest.mark.parametrize(("rule", "extra", "english", "chinese"), RULES)
def test_each_rule_said_in_both_languages(
    rule: str, extra: str, english: str, chinese: str
) -> None:
    item = one_item_scheme(rule, item_extra=extra).items[0]
    labels = item.info.get("labels") or {}
    with language("en"):
        assert describe(item.rule, labels=labels, full=item.full) == english  # type: ignore[arg-type]
    with language("zh"):
        assert describe(item.rule, labels=labels, full=item.full) == chinese  # type: ignore[arg-type]


ITEMS = [
    pytest.param(
        'bands: [[">= 98%", 100], [else, 0]]',
        'name: 完成率\nmeasure: "done / planned"\nstandard: ">= 98%"\nperiod: quarter\n'
        "labels: {done: 完成数, planned: 计划数}",
        "value = 完成数 / 计划数; 完成率 ≥ 98% scores 100; below 98% scores 0;"
        " met when ≥ 98%; due at the end of each quarter only",
        "数值 = 完成数 / 计划数；完成率 ≥ 98% 得 100 分；低于 98% 得 0 分；数值 ≥ 98% 为达标；仅在季末考核",
        id="measure, standard, period",
    ),
    pytest.param(
        "direct: {min: 0, max: 10}",
        "default: {score: 8}\nraters: {final: [indirect, direct, self]}",
        "a person gives the score, 0 to 10; full score 10; without facts: 8;"
        " the first rating present counts: indirect, else direct, else self",
        "由评价人直接打分，0～10 分；满分 10 分；没有数据时按 8 计；以先有的评分为准：间接上级，没有则直接上级，没有则自评",
        id="full, default, raters final",
    ),
    pytest.param(
        'formula: "1 - abs(actual - budget) / budget"',
        "period: year\ndefault: {inputs: {actual: 0}}\nlabels: {actual: 实际支出, budget: 部门预算}",
        "score = 1 - abs(实际支出 - 部门预算) / 部门预算; due at the end of the year only;"
        " without facts: 实际支出 0",
        "得分 = 1 - 绝对值(实际支出 - 部门预算) / 部门预算；仅在年末考核；没有数据时按 实际支出 0 计",
        id="labels in expressions, functions in words",
    ),
]


@pytest.mark.parametrize(("rule", "extra", "english", "chinese"), ITEMS)
def test_item_said_with_its_measure_standard_period_default(
    rule: str, extra: str, english: str, chinese: str
) -> None:
    full = 10 if "max: 10" in rule else 100
    item = one_item_scheme(rule, item_extra=extra, full=full).items[0]
    with language("en"):
        assert describe_item(item) == english
    with language("zh"):
        assert describe_item(item) == chinese


FORM = """
code: F
name: form
raters:
  weights: {self: 27%, peer: 26%, supervisor: 47%}
  trim: {peer: 1}
  missing: zero
items:
  - {code: X, weight: 100, rule: {direct: {min: 0, max: 100}}}
adjustments:
  - {name: 创新, bonus: {each: [5, 10], cap: 20}}
  - {name: 违纪, penalty: {range: [0, 20]}}
  - {name: 表扬, add: {per: {praise: {each: 2}}, cap: 6}}
  - {name: 安全系数, coefficient: {by: accident_level, values: {none: 1, major: 0.5}}}
  - {name: 重大事故, gate: {when: "fatal > 0 and loss >= 2000", effect: zero}}
  - {name: 基本项, gate: {when: "leave >= 7", effect: no_bonus}}
  - {name: 封顶, gate: {when: "late > 3", effect: {cap_grade: 合格}}}
  - {name: 提示, gate: {when: "late > 1", effect: {flag: 请面谈}}}
total: {min: 0, max: 120}
grades:
  - [">= 80", 优秀, {top: 20%}]
  - [">= 60", 合格]
  - [else, 差]
distribution:
  within: level
  quotas: {A: 20%, B: 70%, C: 10%}
"""

FORM_EN = [
    "ratings weighted self 27%, peer 26%, supervisor 47%;"
    " peer: the 1 highest and lowest dropped; a missing rating counts 0",
    "创新: a person enters points added; each 5 to 10; at most 20 in all",
    "违纪: a person enters points taken off; each 0 to 20",
    "表扬: add 2 per praise; at most 6 in all",
    "安全系数: the total times a factor by accident_level: none × 1, major × 0.5",
    "重大事故: when fatal > 0 and loss ≥ 2000: the total is 0",
    "基本项: when leave ≥ 7: no bonus (the score stands)",
    "封顶: when late > 3: the grade is at most 合格",
    "提示: when late > 1: flagged: 请面谈",
    "the total is at least 0; the total is at most 120",
    "≥ 80 and ranked in the top 20%: 优秀; ≥ 60: 合格; below 60: 差",
    "forced distribution within each level: A 20%, B 70%, C 10%",
]
FORM_ZH = [
    "评分权重：自评 27%、同事 26%、上级 47%；同事去掉最高和最低各 1 个；缺少的评分计 0 分",
    "创新：由人录入加分；每次 5～10 分；合计最多 20 分",
    "违纪：由人录入扣分；每次 0～20 分",
    "表扬：「praise」每 1 次加 2 分；合计最多 6 分",
    "安全系数：总分乘以按「accident_level」确定的系数：none × 1、major × 0.5",
    "重大事故：当 fatal > 0 并且 loss ≥ 2000 时，总分为 0",
    "基本项：当 leave ≥ 7 时，不发绩效奖金（分数不变）",
    "封顶：当 late > 3 时，等级最高为合格",
    "提示：当 late > 1 时，标记：请面谈",
    "总分最低 0 分；总分最高 120 分",
    "≥ 80 且排名在前 20% 为优秀；≥ 60 为合格；低于 60 为差",
    "按「level」分组强制分布：A 20%、B 70%、C 10%",
]


def test_form_level_parts_in_both_languages() -> None:
    scheme = scheme_of(FORM)
    with language("en"):
        assert describe_scheme(scheme) == FORM_EN
    with language("zh"):
        assert describe_scheme(scheme) == FORM_ZH


def test_outcomes_said() -> None:
    scheme = load_scheme(SPEC / "warehouse-3pl.scheme.yaml")
    with language("zh"):
        assert "扣减服务费：< 60 → 10%、< 80 → 5%、其他 → 0%" in describe_scheme(scheme)


# The scheme language's own words (rule types, option keys, option values) never
# show in the Chinese text, nor do flow mappings like {min: 0, max: 10}.
VOCABULARY = {
    "bands", "levels", "deduct", "add", "steps", "interpolate", "formula", "direct",
    "each", "tiers", "mode", "flat", "progressive", "zero_above", "sequence", "then",
    "repeat", "double", "by_size", "zero", "max", "min", "from", "floor", "overflow",
    "carry", "cap", "per", "standard", "base", "step", "below", "above", "count",
    "whole", "exact", "started", "else", "true", "false", "null", "measure", "period",
    "default", "abs", "mean", "sum", "round", "ceil", "clamp", "redistribute", "final",
    "trim", "weights", "missing", "bonus", "penalty", "coefficient", "gate", "no_bonus",
    "cap_grade", "flag", "quarter", "half", "year", "month", "value", "score",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def documents() -> list[Path]:
    return sorted(SPEC.glob("*.scheme.yaml")) + sorted(DEMO.glob("*.yaml"))


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_chinese_text_of_every_example_has_no_engine_word(path: Path) -> None:
    if path.name == "staff-annual.scheme.yaml":
        pytest.skip("history (§15, v1.1) is not read by the engine yet")
    scheme = load_scheme(path)
    with language("zh"):
        texts = [describe_item(item) for item in scheme.items] + describe_scheme(scheme)
    for text in texts:
        assert "{" not in text, text
        found = set(WORD.findall(text)) & VOCABULARY
        assert not found, f"{found} in {text!r}"
    assert texts


def test_every_rule_type_has_a_describer() -> None:
    from jixiao.scoring.describe import _RULES
    from jixiao.scoring.rules import RULES

    assert {kind.kind for kind in _RULES} == set(RULES)
