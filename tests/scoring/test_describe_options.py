# ruff: noqa: E501  (the sentences are checked whole, as a person reads them)
"""describe() for every option of every rule type and of the form-level parts, in English
and Chinese, and a walk of the scheme language's keys that fails when an option has no
case here or in test_describe.py.

The keys are not listed by hand: the walk asks the engine's own reader, by giving each
kind of mapping a key it does not know and reading the keys it names as allowed
("unknown key; expected one of …"). A key the engine learns then needs a row in
`COVERED` — the case that says it in words, or why describe() does not say it.
"""

from __future__ import annotations

import re

import pytest

from jixiao.scoring import DocumentError, language, scheme_from_text
from jixiao.scoring.describe import describe, describe_item, describe_scheme, item_labels
from tests.scoring.helpers import one_item_scheme, scheme_of
from tests.scoring.test_describe import FORM, ITEMS, RULES

# (rule as YAML flow text, item extras, English, Chinese)
MORE_RULES = [
    pytest.param(
        "deduct: {per: {late: {tiers: [[3, 1], [else, 2]], mode: progressive}}}",
        "labels: {late: 迟到}",
        "start from 100; 迟到: occurrences 1 to 3: deduct 1 each, from occurrence 4 on: deduct 2 each; down to 0 at most",
        "从 100 分起算；「迟到」：第 1～3 次每次扣 1 分、第 4 次起每次扣 2 分；扣完为止",
        id="deduct tiers progressive, else",
    ),
    pytest.param(
        "deduct: {per: {late: {tiers: [[3, 1], [6, 2]], mode: flat}}}",
        "labels: {late: 迟到}",
        "start from 100; 迟到: up to 3 in all: every one deduct 1, up to 6 in all: every one deduct 2, more than 6 cannot be scored; down to 0 at most",
        "从 100 分起算；「迟到」：共不超过 3 次时每次扣 1 分、共不超过 6 次时每次扣 2 分、超过 6 次无法计分；扣完为止",
        id="deduct tiers flat, no else",
    ),
    pytest.param(
        "deduct: {per: {slip: {sequence: [1, 3], then: repeat}}}",
        "labels: {slip: 差错}",
        "start from 100; 差错: occurrence 1: deduct 1, occurrence 2: deduct 3, then each the same; down to 0 at most",
        "从 100 分起算；「差错」：第 1 次扣 1 分、第 2 次扣 3 分，此后每次同末次；扣完为止",
        id="deduct sequence then repeat",
    ),
    pytest.param(
        "deduct: {from: 10, floor: 4, per: {miss: {each: 2}}}",
        "labels: {miss: 漏报}",
        "start from 10; deduct 2 per 漏报; not below 4",
        "从 10 分起算；「漏报」每 1 次扣 2 分；最低 4 分",
        id="deduct floor a number",
    ),
    pytest.param(
        "deduct: {per: {late: {each: 1, max: 5, zero_above: 8}}}",
        "labels: {late: 迟到}",
        "start from 100; deduct 1 per 迟到; more than 8 迟到 make the item score 0; 迟到 at most 5 in all; down to 0 at most",
        "从 100 分起算；「迟到」每 1 次扣 1 分；「迟到」超过 8 次本项得 0 分；「迟到」合计最多 5 分；扣完为止",
        id="deduct each, max, zero_above",
    ),
    pytest.param(
        "add: {from: 0, cap: 10, per: {idea: {by_size: [['>= 10000', 5], ['>= 1000', 2]], max: 8}}}",
        "labels: {idea: 合理化建议收益}",
        "each 合理化建议收益 by its size: ≥ 10000: add 5, ≥ 1000: add 2, other sizes nothing; 合理化建议收益 at most 8 in all; at most 10",
        "「合理化建议收益」按每次的大小：≥ 10000 加 5 分、≥ 1000 加 2 分，其他不计；「合理化建议收益」合计最多 8 分；最高 10 分",
        id="add by_size, max, from 0, cap",
    ),
    pytest.param(
        "add: {per: {award: {sequence: [2, 3], then: double}, praise: {tiers: [[2, 1], [else, 2]]}}}",
        "labels: {award: 获奖, praise: 表扬}",
        "获奖: occurrence 1: add 2, occurrence 2: add 3, then each doubled; 表扬: occurrences 1 to 2: add 1 each, from occurrence 3 on: add 2 each; at most 100",
        "「获奖」：第 1 次加 2 分、第 2 次加 3 分，此后每次翻倍；「表扬」：第 1～2 次每次加 1 分、第 3 次起每次加 2 分；最高 100 分",
        id="add sequence double, tiers, two events",
    ),
    pytest.param(
        "steps: {standard: 95%, base: 100, step: 1%, below: -5, above: 2, count: whole, min: 60, max: 110}",
        "",
        "100 at the standard 95%; deduct 5 per 1 percentage point(s) below; add 2 per 1 percentage point(s) above; only whole steps count; at least 60; at most 110",
        "达到标准 95% 得 100 分；每低于标准 1 个百分点扣 5 分；每高于标准 1 个百分点加 2 分；不足一档的部分不计；最低 60 分；最高 110 分",
        id="steps every option, count whole",
    ),
    pytest.param(
        "interpolate: [['target * 0.8', 60], ['target', 100], ['target * 1.2', 120]]",
        "labels: {target: 目标值}",
        "the value on a straight line through 目标值 * 0.8: 60, 目标值: 100, 目标值 * 1.2: 120; beyond the ends the end's score",
        "数值为 目标值 * 0.8 时得 60 分、目标值 时得 100 分、目标值 * 1.2 时得 120 分，其间按直线插值，超出两端按端点得分",
        id="interpolate expression points",
    ),
    pytest.param(
        "formula: 'done / planned * 100', max: 120",
        "labels: {done: 完成数, planned: 计划数}",
        "score = 完成数 / 计划数 * 100; at most 120",
        "得分 = 完成数 / 计划数 * 100；最高 120 分",
        id="formula max only",
    ),
    pytest.param(
        "formula: 'done - 5', min: 0",
        "labels: {done: 完成数}",
        "score = 完成数 - 5; at least 0",
        "得分 = 完成数 - 5；最低 0 分",
        id="formula min only",
    ),
    pytest.param(
        "direct: {min: 60}",
        "",
        "a person gives the score; at least 60",
        "由评价人直接打分；最低 60 分",
        id="direct min only",
    ),
    pytest.param(
        "direct: {}", "", "a person gives the score", "由评价人直接打分", id="direct no bounds"
    ),
    pytest.param(
        "bands: [['[0.95, 1]', 100], ['[0.9, 0.95)', [80, 94]], [else, 0]]",
        "",
        "the value [0.95, 1] scores 100; [0.9, 0.95) scores 80 to 94, a person picks; otherwise scores 0",
        "数值 [0.95, 1] 得 100 分；[0.9, 0.95) 得 80～94 分（由评价人在此范围内打分）；其他情况 得 0 分",
        id="bands intervals, a range, else",
    ),
]


@pytest.mark.parametrize(("rule", "extra", "english", "chinese"), MORE_RULES)
def test_each_rule_option_said_in_both_languages(
    rule: str, extra: str, english: str, chinese: str
) -> None:
    item = one_item_scheme(rule, item_extra=extra).items[0]
    for code, expected in (("en", english), ("zh", chinese)):
        with language(code):
            said = describe(item.rule, labels=item_labels(item), full=item.full)
        assert said == expected


# (rule, item extras, full score, English, Chinese)
MORE_ITEMS = [
    pytest.param(
        "direct: {min: 0, max: 100}",
        "name: 出勤\nperiod: month\ndefault: {value: 100}",
        100,
        "a person gives the score, 0 to 100; due every month; without facts: 100",
        "由评价人直接打分，0～100 分；每月考核；没有数据时按 100 计",
        id="period month, default value",
    ),
    pytest.param(
        "bands: [['>= 90', 100], [else, 60]]",
        "name: 满意度\nmeasure: 'mean(score)'\nstandard: '[90, 100]'\nperiod: half\nlabels: {score: 满意度得分}",
        100,
        "value = mean(满意度得分); 满意度 ≥ 90 scores 100; below 90 scores 60; met when [90, 100]; due at the end of each half-year only",
        "数值 = 平均值(满意度得分)；满意度 ≥ 90 得 100 分；低于 90 得 60 分；数值 [90, 100] 为达标；仅在半年末考核",
        id="measure with a function, standard interval, period half",
    ),
    pytest.param(
        "deduct: {per: {late: {each: 2}}}",
        "name: 纪律\ndefault: {events: {late: 0}}\nlabels: {late: 迟到}",
        100,
        "start from 100; deduct 2 per 迟到; down to 0 at most; without facts: 迟到 0",
        "从 100 分起算；「迟到」每 1 次扣 2 分；扣完为止；没有数据时按 迟到 0 计",
        id="default events",
    ),
    pytest.param(
        "levels: {优: 10, 良: 8, 差: 2}",
        "name: 协作\ndefault: {ratings: {supervisor: 良}}\n"
        "raters: {weights: {self: 20%, supervisor: 80%}, trim: {supervisor: 1}, missing: redistribute}",
        10,
        "by the level rated: 优: 10, 良: 8, 差: 2; full score 10; without facts: supervisor 良;"
        " ratings weighted self 20%, supervisor 80%; supervisor: the 1 highest and lowest dropped;"
        " a missing rater's weight goes to the others",
        "按评定等级计分：优：10 分、良：8 分、差：2 分；满分 10 分；没有数据时按 上级 良 计；"
        "评分权重：自评 20%、上级 80%；上级去掉最高和最低各 1 个；缺少的评价人的权重按比例分给其他评价人",
        id="default ratings, item raters weights trim redistribute",
    ),
    pytest.param(
        "direct: {min: 0, max: 10}",
        "name: 态度\nraters: {weights: {self: 50%, peer: 50%}, missing: error}",
        10,
        "a person gives the score, 0 to 10; full score 10; ratings weighted self 50%, peer 50%;"
        " a missing rating cannot be scored",
        "由评价人直接打分，0～10 分；满分 10 分；评分权重：自评 50%、同事 50%；缺少评分时无法计分",
        id="raters missing error",
    ),
]


@pytest.mark.parametrize(("rule", "extra", "full", "english", "chinese"), MORE_ITEMS)
def test_each_item_option_said_in_both_languages(
    rule: str, extra: str, full: float, english: str, chinese: str
) -> None:
    item = one_item_scheme(rule, item_extra=extra, full=full).items[0]
    for code, expected in (("en", english), ("zh", chinese)):
        with language(code):
            assert describe_item(item) == expected


ONE = "code: G\nname: g\nitems:\n  - {code: X, weight: 100, rule: {direct: {min: 0, max: 100}}}\n"
TOTAL_EN, TOTAL_ZH = (
    "the total is at least 0; the total has no upper limit",
    "总分最低 0 分；不设上限",
)

# (the form-level part as YAML, English sentences, Chinese sentences), after the items
FORM_PARTS = [
    pytest.param(
        "adjustments:\n  - {name: 违纪, penalty: {each: [1, 5], cap: 10}}\n"
        "  - {name: 扣分, deduct: {per: {late: {each: 1}}, cap: 5}}\n"
        "  - {name: 质量, note: 按月核算, points: {measure: 'rate - goal', labels: {rate: 合格率, goal: 目标},"
        " note: 质量部提供, rule: {steps: {standard: 0, base: 0, step: 1%, below: -1, above: 1, min: -3, max: 3}}}}\n",
        [
            "违纪: a person enters points taken off; each 1 to 5; at most 10 in all",
            "扣分: deduct 1 per late; at most 5 in all",
            "质量: points added to the total, a negative score taking points off: value = 合格率 - 目标;"
            " 0 at the standard 0%; deduct 1 per 1 percentage point(s) below; add 1 per 1 percentage point(s) above;"
            " only whole steps count; at least -3; at most 3",
            TOTAL_EN,
        ],
        [
            "违纪：由人录入扣分；每次 1～5 分；合计最多 10 分",
            "扣分：「late」每 1 次扣 1 分；合计最多 5 分",
            "质量：所得分数直接加入总分，负分即扣分：数值 = 合格率 - 目标；达到标准 0% 得 0 分；"
            "每低于标准 1 个百分点扣 1 分；每高于标准 1 个百分点加 1 分；不足一档的部分不计；最低 -3 分；最高 3 分",
            TOTAL_ZH,
        ],
        id="adjustments penalty, deduct with cap, points",
    ),
    pytest.param(
        "total: {max: 110}\n",
        ["the total is at least 0; the total is at most 110"],
        ["总分最低 0 分；总分最高 110 分"],
        id="total max",
    ),
    pytest.param(
        "ranking: {within: department, by: normalized}\nnormalize: {within: department}\n",
        [
            TOTAL_EN,
            "ranked within each department by the normalized total",
            "normalised within each department: each total × 100 / its group's mean total",
        ],
        [
            TOTAL_ZH,
            "按「department」分组，按调整后总分排名",
            "按「department」分组调整：各人总分 × 100 ÷ 本组平均总分",
        ],
        id="ranking within by normalized, normalize without a group factor",
    ),
    pytest.param(
        "ranking: {by: total}\n",
        [TOTAL_EN, "ranked all together by the total"],
        [TOTAL_ZH, "全体一起按总分排名"],
        id="ranking all together",
    ),
    pytest.param(
        "normalize: {within: unit, method: mean_to_100, group_factor: {by: manager_score, cap: spread}}\n",
        [
            TOTAL_EN,
            "normalised within each unit: each total × 100 / its group's mean total; then times the group's"
            " factor: its manager_score over the smallest manager_score; the factors capped by the spread of"
            " the groups' totals",
        ],
        [
            TOTAL_ZH,
            "按「unit」分组调整：各人总分 × 100 ÷ 本组平均总分；再乘以组系数：本组「manager_score」÷"
            " 各组中最小的「manager_score」；组系数上限由各组总分的极差确定",
        ],
        id="normalize group factor cap spread",
    ),
    pytest.param(
        "normalize: {within: unit, group_factor: {by: s, cap: 1.5}}\n",
        [
            TOTAL_EN,
            "normalised within each unit: each total × 100 / its group's mean total; then times the group's"
            " factor: its s over the smallest s; the factors capped at 1.5",
        ],
        [
            TOTAL_ZH,
            "按「unit」分组调整：各人总分 × 100 ÷ 本组平均总分；再乘以组系数：本组「s」÷ 各组中最小的「s」；组系数最高 1.5",
        ],
        id="normalize group factor cap a number",
    ),
    pytest.param(
        "normalize: {within: unit, group_factor: {by: s}}\n",
        [
            TOTAL_EN,
            "normalised within each unit: each total × 100 / its group's mean total; then times the group's"
            " factor: its s over the smallest s; the factors not capped",
        ],
        [
            TOTAL_ZH,
            "按「unit」分组调整：各人总分 × 100 ÷ 本组平均总分；再乘以组系数：本组「s」÷ 各组中最小的「s」；组系数不设上限",
        ],
        id="normalize group factor not capped",
    ),
    pytest.param(
        "grades: [['>= 90', A], ['>= 60', B], [else, C]]\noutcomes:\n"
        "  pay: {coefficients: {A: 1.2, B: 1, C: 0.8}, pool: 奖金, within: department, factor: 'actual / plan'}\n"
        "  salary: {steps: [['> 95', 2], [else, 0]], current: grade_now, min: grade_min, max: grade_max}\n"
        "  training: {by: normalized, table: [['>= 80', 晋升培训]]}\n"
        "  promotion: {by: grade, table: {A: 优先晋升}}\n"
        "  coaching: {table: [['< 60', 辅导]]}\n"
        "normalize: {within: department}\n",
        [
            TOTAL_EN,
            "≥ 90: A; ≥ 60: B; below 60: C",
            "pay: the pool 奖金 shared by grade factors A × 1.2, B × 1, C × 0.8; shared within each department;"
            " the pool times actual / plan",
            "salary steps: > 95: 2 step(s), else: 0 step(s); from the salary grade in grade_now;"
            " not below the grade in grade_min; not above the grade in grade_max",
            "training by the normalized total: ≥ 80: 晋升培训; otherwise none",
            "promotion by the grade: A: 优先晋升; other grades none",
            "coaching by the total: < 60: 辅导; otherwise none",
            "normalised within each department: each total × 100 / its group's mean total",
        ],
        [
            TOTAL_ZH,
            "≥ 90 为A；≥ 60 为B；低于 60 为C",
            "绩效工资：奖金池「奖金」按等级系数分配（A × 1.2、B × 1、C × 0.8）；按「department」分组分配；奖金池乘以 actual / plan",
            "薪级调整：> 95 调 2 级、其他 调 0 级；以「grade_now」为现薪级；不低于「grade_min」；不高于「grade_max」",
            "training：按调整后总分，≥ 80 为晋升培训；其他情况无",
            "promotion：按等级，A 为优先晋升；其他等级无",
            "coaching：按总分，< 60 为辅导；其他情况无",
            "按「department」分组调整：各人总分 × 100 ÷ 本组平均总分",
        ],
        id="outcomes pay within factor, salary min max, labels by normalized grade total",
    ),
    pytest.param(
        "outcomes:\n  contract:\n    fee_deduction: [['< 60', 10%], [else, 0]]\n    reference_periods: 2\n"
        "    triggers:\n      - {name: 解约, failed_items: '>= 3', consecutive: 2}\n"
        "      - {name: 警告, when: 'total < 60', periods: 3}\n"
        "      - {name: 货损, sum: losses, reaches: 3, item: X}\n",
        [
            TOTAL_EN,
            "service fee deducted: < 60 → 10%, else → 0%",
            "the first 2 period(s) are for reference only",
            "解约: items not met ≥ 3 in 2 periods in a row",
            "警告: total < 60 in 3 periods in all",
            "货损: losses adds up to 3 over the contract (with the facts of item X)",
        ],
        [
            TOTAL_ZH,
            "扣减服务费：< 60 → 10%、其他 → 0%",
            "前 2 期为适应期，仅作参考",
            "解约：连续 2 期 未达标项目数 ≥ 3",
            "警告：累计 3 期 total < 60",
            "货损：合同期内 losses 累计达到 3（读取考核项目「X」的事实）",
        ],
        id="contract fee, reference periods, triggers",
    ),
    pytest.param(
        "limits: {max_items: 6, min_weight: 5%, weight_gap: 5%}\n",
        [
            TOTAL_EN,
            "at most 6 items; a warning when an item carries less than 5% of the total;"
            " a warning when two effective weights differ by less than 5%",
        ],
        [
            TOTAL_ZH,
            "考核项目最多 6 个；某项实际权重低于总分的 5% 时提示；两个实际权重相差不到 5% 时提示",
        ],
        id="limits",
    ),
    pytest.param(
        "period: year\nhistory: {m: {period: month, value: total, missing: skip},"
        " q: {period: quarter, value: normalized, missing: error}}\n",
        [
            "m: the total of each month inside the period scored, oldest first; a month without a result is left out",
            "q: the normalized total of each quarter inside the period scored, oldest first;"
            " every quarter needs a result (4 in all), else it cannot be scored",
            TOTAL_EN,
        ],
        [
            "m：本考核期内各月的总分，按时间先后排列；没有结果的月不计",
            "q：本考核期内各季度的调整后总分，按时间先后排列；每个季度都须有结果（共 4 个），否则无法计分",
            TOTAL_ZH,
        ],
        id="history value missing",
    ),
]


@pytest.mark.parametrize(("part", "english", "chinese"), FORM_PARTS)
def test_each_form_level_option_said_in_both_languages(
    part: str, english: list[str], chinese: list[str]
) -> None:
    scheme = scheme_of(ONE.replace("items:", part + "items:", 1))
    for code, expected in (("en", english), ("zh", chinese)):
        with language(code):
            assert describe_scheme(scheme) == expected


# -- the walk: every key of the scheme language has a case (or a reason) ---------------------

PROBE = "zzqq"
ITEM_OK = "{name: 甲, weight: 100, rule: {direct: {}}}"
HEAD = "code: W\nname: w\n"


def _in_item(rule: str, extra: str = "") -> str:
    return f"{HEAD}items:\n  - {{name: 甲, weight: 100, rule: {rule}{extra}}}\n"


def _top(part: str) -> str:
    return f"{HEAD}items:\n  - {ITEM_OK}\n{part}\n"


# kind of mapping -> (a document with the probe key in one such mapping, the mapping's path)
WHERE = {
    "top": (f"{HEAD}{PROBE}: 1\nitems:\n  - {ITEM_OK}\n", ""),
    "section": (
        f"{HEAD}sections:\n  - {{name: s, weight: 1, {PROBE}: 1, items: [{ITEM_OK}]}}\n",
        "sections[0]",
    ),
    "item": (_in_item("{direct: {}}", f", {PROBE}: 1"), "items[0]"),
    "rule": (_in_item(f"{{direct: {{}}, {PROBE}: 1}}"), "items[0].rule"),
    "deduct": (
        _in_item(f"{{deduct: {{{PROBE}: 1, per: {{a: {{each: 1}}}}}}}}"),
        "items[0].rule.deduct",
    ),
    "add": (_in_item(f"{{add: {{{PROBE}: 1, per: {{a: {{each: 1}}}}}}}}"), "items[0].rule.add"),
    "event": (
        _in_item(f"{{deduct: {{per: {{a: {{each: 1, {PROBE}: 1}}}}}}}}"),
        "items[0].rule.deduct.per.a",
    ),
    "steps": (
        _in_item(f"{{steps: {{{PROBE}: 1, standard: 1, base: 1, step: 1}}}}"),
        "items[0].rule.steps",
    ),
    "direct": (_in_item(f"{{direct: {{{PROBE}: 1}}}}"), "items[0].rule.direct"),
    "raters": (
        _in_item("{direct: {}}", f", raters: {{{PROBE}: 1, final: [a]}}"),
        "items[0].raters",
    ),
    "adjustment": (_top(f"adjustments: [{{name: b, {PROBE}: 1, bonus: {{}}}}]"), "adjustments[0]"),
    "bonus": (_top(f"adjustments: [{{name: b, bonus: {{{PROBE}: 1}}}}]"), "adjustments[0].bonus"),
    "deduct adjustment": (
        _top(f"adjustments: [{{name: b, deduct: {{{PROBE}: 1, per: {{a: {{each: 1}}}}}}}}]"),
        "adjustments[0].deduct",
    ),
    "coefficient": (
        _top(f"adjustments: [{{name: b, coefficient: {{{PROBE}: 1, by: a, values: {{a: 1}}}}}}]"),
        "adjustments[0].coefficient",
    ),
    "gate": (
        _top(f"adjustments: [{{name: b, gate: {{{PROBE}: 1, when: a}}}}]"),
        "adjustments[0].gate",
    ),
    "points": (
        _top(f"adjustments: [{{name: b, points: {{{PROBE}: 1, rule: {{direct: {{}}}}}}}}]"),
        "adjustments[0].points",
    ),
    "total": (_top(f"total: {{{PROBE}: 1}}"), "total"),
    "ranking": (_top(f"ranking: {{{PROBE}: 1}}"), "ranking"),
    "distribution": (_top(f"distribution: {{{PROBE}: 1, quotas: {{A: 100%}}}}"), "distribution"),
    "normalize": (_top(f"normalize: {{{PROBE}: 1, within: d}}"), "normalize"),
    "group factor": (
        _top(f"normalize: {{within: d, group_factor: {{{PROBE}: 1, by: b}}}}"),
        "normalize.group_factor",
    ),
    "limits": (_top(f"limits: {{{PROBE}: 1}}"), "limits"),
    "history": (_top(f"history: {{h: {{{PROBE}: 1, period: month}}}}"), "history.h"),
    "pay": (
        _top(f"outcomes: {{pay: {{{PROBE}: 1, coefficients: {{A: 1}}, pool: p}}}}"),
        "outcomes.pay",
    ),
    "salary": (
        _top(f"outcomes: {{salary: {{{PROBE}: 1, steps: [], current: c}}}}"),
        "outcomes.salary",
    ),
    "contract": (_top(f"outcomes: {{contract: {{{PROBE}: 1}}}}"), "outcomes.contract"),
    "trigger": (
        _top(f"outcomes: {{contract: {{triggers: [{{name: t, {PROBE}: 1, when: a}}]}}}}"),
        "outcomes.contract.triggers[0]",
    ),
    "label": (_top(f"outcomes: {{lab: {{{PROBE}: 1, table: []}}}}"), "outcomes.lab"),
}

SHOWN_ELSEWHERE = "not a scoring rule: shown as its own box or heading, not in describe()"
STRUCTURE = "the form's structure: the sections and items themselves"
THE_RULE = "the rule itself: said by every rule case"
# kind of mapping -> key -> the case (its id) that says it in words, or why none does
COVERED: dict[str, dict[str, str]] = {
    "top": {
        "code": SHOWN_ELSEWHERE, "name": SHOWN_ELSEWHERE, "description": SHOWN_ELSEWHERE,
        "period": "history value missing", "scale": SHOWN_ELSEWHERE,
        "sections": STRUCTURE, "items": STRUCTURE, "raters": "form",
        "adjustments": "form", "total": "total max", "grades": "form",
        "ranking": "ranking all together", "distribution": "form",
        "normalize": "normalize group factor cap spread", "outcomes": "contract fee, reference periods, triggers",
        "limits": "limits", "history": "history value missing",
    },
    "section": {
        "name": STRUCTURE, "weight": STRUCTURE, "items": STRUCTURE, "sections": STRUCTURE,
        "note": SHOWN_ELSEWHERE,
    },
    "item": {
        "code": SHOWN_ELSEWHERE, "name": "measure with a function, standard interval, period half",
        "weight": STRUCTURE, "full": "raters missing error", "rule": THE_RULE,
        "measure": "measure with a function, standard interval, period half",
        "standard": "measure with a function, standard interval, period half",
        "raters": "default ratings, item raters weights trim redistribute",
        "period": "period month, default value", "default": "period month, default value",
        "labels": "deduct each, labels, floor 0", "operational": SHOWN_ELSEWHERE,
        "source": SHOWN_ELSEWHERE, "unit": SHOWN_ELSEWHERE, "note": SHOWN_ELSEWHERE,
        "indicator": SHOWN_ELSEWHERE,
    },
    "rule": {
        "bands": "bands intervals, a range, else", "levels": "levels with ranges",
        "deduct": "deduct floor a number", "add": "add sequence double, tiers, two events",
        "steps": "steps every option, count whole",
        "interpolate": "interpolate expression points", "formula": "formula max only",
        "direct": "direct min only", "min": "formula min only", "max": "formula max only",
    },
    "deduct": {
        "from": "deduct floor a number", "floor": "deduct floor null",
        "overflow": "deduct floor, overflow carry", "per": "deduct floor a number",
    },
    "add": {
        "from": "add by_size, max, from 0, cap", "cap": "add by_size, max, from 0, cap",
        "per": "add by_size, max, from 0, cap",
    },
    "event": {
        "each": "deduct each, max, zero_above", "tiers": "deduct tiers progressive, else",
        "mode": "deduct tiers flat, no else", "zero_above": "deduct each, max, zero_above",
        "sequence": "deduct sequence then repeat", "then": "add sequence double, tiers, two events",
        "by_size": "add by_size, max, from 0, cap", "zero": "deduct zero",
        "max": "deduct each, max, zero_above",
    },
    "steps": {
        key: "steps every option, count whole"
        for key in ("standard", "base", "step", "below", "above", "count", "min", "max")
    },
    "direct": {"min": "direct min max", "max": "direct max only"},
    "raters": {
        "weights": "default ratings, item raters weights trim redistribute",
        "trim": "default ratings, item raters weights trim redistribute",
        "missing": "raters missing error", "final": "full, default, raters final",
    },
    "adjustment": {
        "name": "form", "note": SHOWN_ELSEWHERE, "bonus": "form",
        "penalty": "adjustments penalty, deduct with cap, points", "add": "form",
        "deduct": "adjustments penalty, deduct with cap, points", "coefficient": "form",
        "gate": "form", "points": "adjustments penalty, deduct with cap, points",
    },
    "bonus": {
        "each": "adjustments penalty, deduct with cap, points", "range": "form",
        "cap": "adjustments penalty, deduct with cap, points",
    },
    "deduct adjustment": {
        "per": "adjustments penalty, deduct with cap, points",
        "cap": "adjustments penalty, deduct with cap, points",
    },
    "coefficient": {"by": "form", "values": "form"},
    "gate": {"when": "form", "effect": "form", "cap_grade": "form", "flag": "form"},
    "points": {
        "rule": "adjustments penalty, deduct with cap, points",
        "measure": "adjustments penalty, deduct with cap, points",
        "labels": "adjustments penalty, deduct with cap, points", "note": SHOWN_ELSEWHERE,
    },
    "total": {"min": "form", "max": "total max"},
    "ranking": {
        "within": "ranking within by normalized, normalize without a group factor",
        "by": "ranking within by normalized, normalize without a group factor",
    },
    "distribution": {"within": "form", "quotas": "form"},
    "normalize": {
        "within": "normalize group factor cap spread", "method": "normalize group factor cap spread",
        "group_factor": "normalize group factor cap spread",
    },
    "group factor": {"by": "normalize group factor not capped", "cap": "normalize group factor cap a number"},
    "limits": {"max_items": "limits", "min_weight": "limits", "weight_gap": "limits"},
    "history": {"period": "history value missing", "value": "history value missing", "missing": "history value missing"},
    "pay": {
        key: "outcomes pay within factor, salary min max, labels by normalized grade total"
        for key in ("coefficients", "pool", "within", "factor")
    },
    "salary": {
        key: "outcomes pay within factor, salary min max, labels by normalized grade total"
        for key in ("steps", "current", "min", "max")
    },
    "contract": {
        key: "contract fee, reference periods, triggers"
        for key in ("fee_deduction", "reference_periods", "triggers")
    },
    "trigger": {
        key: "contract fee, reference periods, triggers"
        for key in ("name", "failed_items", "when", "item", "consecutive", "periods", "sum", "reaches")
    },
    "label": {
        "by": "outcomes pay within factor, salary min max, labels by normalized grade total",
        "table": "outcomes pay within factor, salary min max, labels by normalized grade total",
    },
}  # fmt: skip

# an option's values: each said by some case
VALUES = {
    "mode": {"progressive", "flat"},
    "then": {"repeat", "double"},
    "count": {"whole", "exact", "started"},
    "overflow": {"carry"},
    "missing": {"redistribute", "zero", "error", "skip"},
    "effect": {"zero", "no_bonus", "cap_grade", "flag"},
    "by": {"total", "normalized", "grade"},
    "cap": {"spread", "1.5"},
    "period": {"month", "quarter", "half", "year"},
    "value": {"total", "normalized"},
}


def allowed_keys(kind: str) -> set[str]:
    """The keys the engine's reader allows in this kind of mapping, as it says them."""
    text, where = WHERE[kind]
    with language("en"), pytest.raises(DocumentError) as raised:
        scheme_from_text(text)
    for problem in raised.value.problems:
        if problem.path and problem.path[-1] == PROBE:
            found = re.fullmatch(r"unknown key; expected one of (.*)", problem.message)
            assert found, problem.message
            path = ".".join(str(p) for p in problem.path[:-1])
            assert re.sub(r"\.(\d+)", r"[\1]", path) == where
            return set(found.group(1).split(", "))
    raise AssertionError(f"the probe key was not refused in {kind}: {raised.value}")


def cases() -> dict[str, str]:
    """Case id -> the YAML it describes, over this file and test_describe.py."""
    found = {"form": FORM}
    for table in (RULES, ITEMS, MORE_RULES, MORE_ITEMS, FORM_PARTS):
        for param in table:
            assert isinstance(param.id, str)
            found[param.id] = " ".join(str(v) for v in param.values)
    return found


@pytest.mark.parametrize("kind", sorted(WHERE))
def test_every_key_of_the_scheme_language_has_a_describe_case(kind: str) -> None:
    allowed = allowed_keys(kind)
    covered = COVERED[kind]
    assert set(covered) == allowed, (
        f"{kind}: give each new key a case that says it in words (or why not): "
        f"{sorted(allowed - set(covered))}; no longer a key: {sorted(set(covered) - allowed)}"
    )
    known = cases()
    for key, case in covered.items():
        if case in (SHOWN_ELSEWHERE, STRUCTURE, THE_RULE):
            continue
        assert case in known, f"{kind}.{key}: no case {case!r}"
        assert re.search(rf"\b{key}\b", known[case]), f"{kind}.{key} is not in case {case!r}"


def test_every_value_of_an_option_has_a_case() -> None:
    texts = " ".join(cases().values())
    for key, values in VALUES.items():
        for value in values:
            assert re.search(rf"\b{key}: [{{'\"]?{re.escape(value)}\b", texts), f"{key}: {value}"


def test_every_rule_type_has_cases() -> None:
    from jixiao.scoring.rules import RULES as KINDS

    texts = [str(param.values[0]) for param in (*RULES, *MORE_RULES)]
    for kind in KINDS:
        assert sum(text.startswith(f"{kind}:") for text in texts) >= 2, kind
