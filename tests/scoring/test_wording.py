"""The engine's words in Chinese (jixiao/scoring/wording.py).

Every text the engine makes while scoring goes through `say("English template",
...)`; in Chinese the template is looked up in `ZH`. The catalogue is complete
and has nothing left over; the specification's examples score to the same
numbers in both languages, with no English word left in a Chinese trace; a few
Chinese traces of each rule type read exactly as a Chinese form says them; and
`jixiao score --language zh` prints them. English stays the default (the rest
of tests/scoring checks its words).
"""

from __future__ import annotations

import ast
import copy
import json
import pickle
import re
import string
from pathlib import Path
from typing import Any

import pytest

import jixiao.scoring
from jixiao.cli import main
from jixiao.scoring import (
    current_language,
    language,
    load_facts,
    load_scheme,
    say,
    score,
    score_periods,
)
from jixiao.scoring.expr import FUNCTIONS
from jixiao.scoring.wording import ZH, Said, render
from tests.scoring.helpers import facts_of, item_one, scheme_of, score_one

SCORING = Path(jixiao.scoring.__file__).parent
EXAMPLES = ["fin-manager", "warehouse-3pl", "staff-360", "staff-monthly"]
WORD = re.compile(r"[A-Za-z]{3,}")


# -- the catalogue -------------------------------------------------------------------


def say_calls() -> list[tuple[str, ast.Call]]:
    """Every `say(...)` call in the engine's source, with where it is."""
    calls = []
    for path in sorted(SCORING.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "say"
            ):
                calls.append((f"{path.relative_to(SCORING)}:{node.lineno}", node))
    return calls


def templates() -> dict[str, list[str]]:
    """English template -> where it is said."""
    found: dict[str, list[str]] = {}
    for where, call in say_calls():
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.setdefault(first.value, []).append(where)
    return found


def placeholders(template: str) -> set[tuple[str, str | None, str | None]]:
    """(name, format spec, conversion) of each `{...}` of a template."""
    return {
        (name, spec, conversion)
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    }


def test_the_scan_finds_the_engines_words() -> None:
    found = templates()
    assert len(found) > 80
    assert "item scores 0" in found
    assert "{value} matched {condition} → {score}" in found


def test_every_say_call_has_a_literal_template() -> None:
    loose = [
        where
        for where, call in say_calls()
        if not call.args
        or not isinstance(call.args[0], ast.Constant)
        or not isinstance(call.args[0].value, str)
    ]
    assert loose == [], "say() needs the English template as a literal, to be looked up in ZH"


def test_every_template_has_a_chinese_entry() -> None:
    missing = {t: where for t, where in templates().items() if t not in ZH}
    assert missing == {}


def test_the_catalogue_has_no_entry_that_is_not_said() -> None:
    assert sorted(set(ZH) - set(templates())) == []


@pytest.mark.parametrize("english", sorted(ZH))
def test_chinese_has_the_placeholders_of_the_english(english: str) -> None:
    assert placeholders(ZH[english]) == placeholders(english)


@pytest.mark.parametrize("english", sorted(ZH))
def test_chinese_has_no_english_words(english: str) -> None:
    """Only the expression language's function names (sum, clamp …) stay as they are."""
    own_words = WORD.findall(re.sub(r"\{[^{}]*\}", " ", ZH[english]))
    assert set(own_words) <= set(FUNCTIONS), ZH[english]


# -- the language ----------------------------------------------------------------------


def test_english_is_the_default() -> None:
    assert current_language() == "en"
    assert say("no value") == "no value"
    assert say("level {level} → {score}", level="良", score="24") == "level 良 → 24"


def test_language_sets_it_inside_the_block_only() -> None:
    with language("zh") as code:
        assert code == "zh" and current_language() == "zh"
        assert say("level {level} → {score}", level="良", score="24") == "等级 良 → 24"
        with language("en"):
            assert say("no value") == "no value"
        assert say("no value") == "没有数值"
    assert current_language() == "en"


def test_an_unknown_language_is_refused() -> None:
    with (
        pytest.raises(ValueError, match="unknown language 'fr': use one of en, zh"),
        language("fr"),
    ):
        pass  # pragma: no cover
    assert current_language() == "en"


def test_a_template_not_in_the_catalogue_stays_english() -> None:
    with language("zh"):
        assert say("not in the catalogue: {n}", n=3) == "not in the catalogue: 3"


def test_said_text_is_said_again_in_the_language_of_the_moment() -> None:
    inner = say("no value for '{name}'", name="loss")
    outer = say("item {item}: {message}", item="基本项", message=inner)
    assert outer == "item 基本项: no value for 'loss'"
    with language("zh"):
        assert render(outer) == "考核项目 基本项：'loss' 没有数值"
        chinese = say("item {item}: {message}", item="基本项", message=inner)
    assert chinese == "考核项目 基本项：'loss' 没有数值"
    assert render(chinese) == "item 基本项: no value for 'loss'"
    assert type(render(chinese)) is str and render("plain") == "plain"
    for again in (pickle.loads(pickle.dumps(outer)), copy.deepcopy(outer)):
        assert isinstance(again, Said) and again == outer
        with language("zh"):
            assert render(again) == "考核项目 基本项：'loss' 没有数值"


# -- the specification's examples in Chinese ----------------------------------------------


def _words(result: dict[str, Any]) -> list[str]:
    """The engine's words in a result: traces, adjustment names and traces, errors."""
    return [
        *(item["trace"] for item in result["items"]),
        *(a[key] for a in result["adjustments"] for key in ("name", "trace")),
        *result["errors"],
    ]


def _numbers(result: dict[str, Any]) -> dict[str, Any]:
    """A result without its words."""
    shown = copy.deepcopy(result)
    for item in shown["items"]:
        del item["trace"]
    for adjustment in shown["adjustments"]:
        del adjustment["name"], adjustment["trace"]
    shown["errors"] = len(shown["errors"])
    return shown


def _english_left(texts: list[str], *sources: str) -> set[str]:
    """English words (3+ letters) in `texts` that none of `sources` has (names, formulas)."""
    allowed = {word for source in sources for word in WORD.findall(source)}
    return {word for text in texts for word in WORD.findall(text)} - allowed


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_score_the_same_in_chinese(name: str, examples: Path) -> None:
    scheme_path = examples / f"{name}.scheme.yaml"
    facts_path = examples / f"{name}.facts.yaml"
    scheme, facts = load_scheme(scheme_path), load_facts(facts_path)
    runs = score_periods(scheme, facts)
    english = [result for run in runs for result in run.results()]
    with language("zh"):
        chinese = [result for run in runs for result in run.results()]
        scored_in_chinese = score_periods(scheme, facts)
        again = [result for run in scored_in_chinese for result in run.results()]
    assert [_numbers(r) for r in chinese] == [_numbers(r) for r in english]
    assert again == chinese  # scored in either language, rendered in Chinese
    english_again = [result for run in scored_in_chinese for result in run.results()]
    assert english_again == english  # and back in English, byte for byte
    words = [text for result in chinese for text in _words(result)]
    assert words and all(words)
    left = _english_left(
        words, scheme_path.read_text(encoding="utf-8"), facts_path.read_text(encoding="utf-8")
    )
    assert left == set(), left
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in words)
    assert [_words(r) for r in chinese] != [_words(r) for r in english]


# -- errors in Chinese ---------------------------------------------------------------

ERRORS_SCHEME = """\
code: E
name: 错误
raters: {weights: {上级: 1, 同事: 1}, missing: error}
items:
  - {code: 比率, weight: 1, measure: 甲 / 乙, rule: {bands: [['>= 90%', 100], [else, 0]]}}
  - {code: 档次, weight: 1, rule: {bands: [['>= 90%', 100]]}}
  - {code: 数值, weight: 1, rule: {bands: [['>= 90%', 100], [else, 0]]}}
  - {code: 等级, weight: 1, rule: {levels: {优: 30, 良: 24}}}
  - {code: 评分, weight: 1, rule: {direct: {min: 0, max: 10}}}
  - {code: 扣分, weight: 1, rule: {deduct: {per: {迟到: {tiers: [[2, 1]]}}}}}
  - {code: 阶梯, weight: 1, rule: {steps: {standard: 70%, base: 10, step: 1%, below: -2}}}
  - {code: 公式, weight: 1, rule: {formula: 丙 * 2}}
adjustments:
  - {name: 创新, bonus: {each: [5, 10]}}
  - {name: 系数, coefficient: {by: 安全, values: {好: 1, 差: 0.9}}}
  - {name: 基本项, gate: {when: 损失 >= 2000, effect: zero}}
"""

ERRORS_FACTS = """\
appraisees:
  - id: A
    inputs: {安全: 一般}
    facts:
      比率: {inputs: {甲: 1, 乙: 0}}
      档次: {value: 0.5}
      数值: {value: 很好}
      等级: {value: 中}
      评分: {ratings: {上级: 9}}
      扣分: {events: {迟到: 3}}
    adjustments: {创新: 12}
"""


def test_errors_in_chinese() -> None:
    run = score(scheme_of(ERRORS_SCHEME), facts_of(ERRORS_FACTS))
    english = run.result(0)
    with language("zh"):
        chinese = run.result(0)
    assert english["errors"][:2] == [
        "item 比率: division by zero in '甲 / 乙'",
        "item 档次: value 0.5 matches no band",
    ]
    assert chinese["errors"] == [
        "考核项目 比率：'甲 / 乙' 中除数为零",
        "考核项目 档次：数值 0.5 不在任何档次内",
        "考核项目 数值：数值 '很好' 不是数字",
        "考核项目 等级：'中' 不是等级（等级有：优, 良）",
        "考核项目 评分：缺少 同事 的评分",
        "考核项目 扣分：迟到：3 次超出了最后一档",
        "考核项目 阶梯：没有数值",
        "考核项目 公式：'丙' 没有数值",
        "创新：12 超出 [5, 10]",
        "系数：安全 为 '一般'，不是 好, 差 之一",
        "基本项：'损失' 没有数值",
    ]
    assert [item["trace"] for item in chinese["items"]][:2] == [
        "错误：'甲 / 乙' 中除数为零",
        "错误：数值 0.5 不在任何档次内",
    ]
    assert _numbers(chinese) == _numbers(english)
    assert _english_left(chinese["errors"], ERRORS_SCHEME, ERRORS_FACTS) == set()
    with language("zh"):  # scored in Chinese, the errors are said again in English
        scored_in_chinese = score(scheme_of(ERRORS_SCHEME), facts_of(ERRORS_FACTS))
        assert scored_in_chinese.result(0) == chinese
    assert scored_in_chinese.result(0) == english


NORMALIZE_SCHEME = """\
code: NORM
name: 部门间调整
items:
  - {code: 综合, weight: 100, rule: {direct: {min: 0, max: 100}}}
normalize:
  within: department
  group_factor: {by: manager_score, cap: spread}
outcomes:
  salary: {steps: [["> 80", 1], [else, 0]], current: salary_grade}
"""

NORMALIZE_FACTS = """\
period: 2026-06
groups:
  department: {甲: {manager_score: 96}, 乙: {manager_score: 80}}
appraisees:
  - {id: A1, attributes: {department: 甲}, inputs: {salary_grade: 3}, facts: {综合: {score: 90}}}
  - {id: A2, attributes: {department: 甲}, inputs: {salary_grade: 3}, facts: {综合: {score: 70}}}
  - {id: B1, attributes: {department: 乙}, inputs: {salary_grade: 3}, facts: {综合: {score: 95}}}
  - {id: B2, attributes: {department: 乙}, facts: {综合: {score: 85}}}
  - {id: C1, attributes: {department: 丙}, facts: {综合: {score: 80}}}
"""


def test_population_notes_and_errors_in_chinese() -> None:
    everyone = NORMALIZE_FACTS.split("  - {id: C1")[0]
    run = score(scheme_of(NORMALIZE_SCHEME), facts_of(everyone))
    english = run.as_dict()
    with language("zh"):
        chinese = run.as_dict()
    assert english["warnings"] == [
        "cap = (max S1 + min S1) / (2 × min S1) = (112.5 + 87.5) / (2 × 87.5) = 1.1429",
        "group factors 1.2, 1 exceed cap 1.1429: square root taken 1 time(s) -> 1.0954, 1",
    ]
    assert chinese["warnings"] == [
        "上限 = (最大 S1 + 最小 S1) / (2 × 最小 S1) = (112.5 + 87.5) / (2 × 87.5) = 1.1429",
        "组系数 1.2, 1 超过上限 1.1429：开平方 1 次 -> 1.0954, 1",
    ]
    errors = {r["appraisee"]: r["errors"] for r in chinese["results"]}
    assert errors == {"A1": [], "A2": [], "B1": [], "B2": ["薪级调整：缺少输入 'salary_grade'"]}

    no_factor = score(scheme_of(NORMALIZE_SCHEME), facts_of(NORMALIZE_FACTS))
    assert no_factor.result(4)["errors"] == [
        "normalisation: group factor: the `by` value is missing or not positive for group 2 (—)"
    ]
    with language("zh"):
        assert no_factor.result(4)["errors"] == [
            "部门间调整：组系数：以下分组的 `by` 值缺失或不是正数：第 2 组（—）"
        ]


# -- Chinese traces, rule by rule -----------------------------------------------------

TIERS = "bands: [['>= 98%', 100], ['>= 95%', 80], ['>= 90%', 60], ['>= 80%', 40], [else, 20]]"
TEN = {"full": 10}
TRACES = [
    pytest.param(TIERS, "{value: 0.97}", {}, "0.97 符合 ≥ 95% → 80", id="bands"),
    pytest.param(TIERS, "{value: 0.5}", {}, "0.5 符合 其他 → 20", id="bands else"),
    pytest.param(
        TIERS,
        "{inputs: {a: 490, b: 500}}",
        {"item_extra": "measure: a / b"},
        "a / b = 0.98；0.98 符合 ≥ 98% → 100",
        id="bands with a measure",
    ),
    pytest.param(
        "bands: [['>= 98%', 100], ['>= 95%', [70, 90]], [else, 0]]",
        "{value: 0.96, score: 85}",
        {},
        "0.96 符合 ≥ 95% → [70, 90]；评定 85",
        id="bands with a range",
    ),
    pytest.param(
        TIERS,
        "{value: 0.97}",
        {"item_extra": "standard: '>= 98%'"},
        "0.97 符合 ≥ 95% → 80；0.97 未达标（标准 ≥ 98%）",
        id="standard not met",
    ),
    pytest.param(
        "deduct: {per: {加班: {tiers: [[10, 0.5], [else, 1]]}}}",
        "{events: {加班: 12}}",
        TEN,
        "加班 12 次：10 × 0.5 + 2 × 1 = 7；10 − 7 = 3",
        id="deduct progressive tiers",
    ),
    pytest.param(
        "deduct: {per: {迟到: {each: 3}}}",
        "{events: {迟到: 4}}",
        TEN,
        "迟到 4 次：4 × 3 = 12；10 − 12 = -2，扣完为止",
        id="deduct floor 0",
    ),
    pytest.param(
        "deduct: {per: {迟到: {each: 3}}, floor: 2}",
        "{events: {迟到: 4}}",
        TEN,
        "迟到 4 次：4 × 3 = 12；10 − 12 = -2，保底 2",
        id="deduct floor 2",
    ),
    pytest.param(
        "deduct: {per: {迟到: {each: 3}}, overflow: carry}",
        "{events: {迟到: 4}}",
        TEN,
        "迟到 4 次：4 × 3 = 12；10 − 12 = -2，−2 结转至总分，扣完为止",
        id="deduct carry",
    ),
    pytest.param(
        "deduct: {per: {迟到天数: {each: 2}}}",
        "{events: {迟到天数: [3, 1]}}",
        TEN,
        "迟到天数 [3, 1]：4 × 2 = 8；10 − 8 = 2",
        id="each with sizes",
    ),
    pytest.param("deduct: {per: {迟到: {each: 2}}}", None, TEN, "无事件记录：10", id="no events"),
    pytest.param(
        "deduct: {per: {差错: {tiers: [[4, 0.5], [10, 1]], zero_above: 10}}}",
        "{events: {差错: 11}}",
        TEN,
        "差错 11 次：超过 10 次 → 本项得 0 分",
        id="events zero_above",
    ),
    pytest.param(
        "deduct: {per: {违纪: {each: 10}, 拒单: {zero: true}}}",
        "{events: {拒单: 1, 违纪: 1}}",
        {},
        "违纪 1 次：1 × 10 = 10；拒单 1 次 → 本项得 0 分",
        id="zero comes last",
    ),
    pytest.param(
        "deduct: {per: {错发: {sequence: [1, 2, 4], then: double}}}",
        "{events: {错发: 5}}",
        {"full": 100},
        "错发 5 次：逐次计 1, 2, 4（此后每次翻倍）→ 31；100 − 31 = 69",
        id="sequence double",
    ),
    pytest.param(
        "deduct: {per: {损失: {by_size: [['>= 5000', 10], ['>= 500', 5]]}}}",
        "{events: {损失: [6000, 800]}}",
        {},
        "损失 [6000, 800]：6000 → 10；800 → 5 = 15；100 − 15 = 85",
        id="by size",
    ),
    pytest.param(
        "add: {per: {表扬: {each: 3}}, cap: 6}",
        "{events: {表扬: 4}}",
        TEN,
        "表扬 4 次：4 × 3 = 12；0 + 12 = 12，封顶 6",
        id="add capped",
    ),
    pytest.param(
        "steps: {standard: 70%, base: 10, step: 1%, below: -2}",
        "{value: 0.675}",
        TEN,
        "0.675 对照标准 0.7：低于标准 2 档 × -2；10 → 6",
        id="steps below",
    ),
    pytest.param(
        "steps: {standard: 70%, base: 6, step: 1%, above: 1, max: 10}",
        "{value: 0.75}",
        TEN,
        "0.75 对照标准 0.7：高于标准 5 档 × 1；6 → 11，封顶 10",
        id="steps above, capped",
    ),
    pytest.param(
        "interpolate: [[0, 0], [1.18, 118]]",
        "{value: 0.5}",
        {"full": 120},
        "0.5 按 (0, 0), (1.18, 118) 各点连线插值 → 50",
        id="interpolate",
    ),
    pytest.param(
        "formula: '100 - 0.3 * W - 1.4 * T', min: 0, max: 100",
        "{inputs: {W: 400, T: 5}}",
        {},
        "100 - 0.3 * W - 1.4 * T = -27（其中 T = 5, W = 400），保底 0",
        id="formula min",
    ),
    pytest.param("direct: {min: 0, max: 10}", "{score: 8}", TEN, "直接给分：8", id="direct"),
    pytest.param(
        "levels: {优: 30, 良: 24, 中: 18, 差: 6}", "{value: 良}", {"full": 30}, "等级 良 → 24"
    ),
    pytest.param(
        "direct: {}",
        "{ratings: {同事: [95, 88, 85]}}",
        {"item_extra": "raters: {weights: {同事: 1}, trim: {同事: 1}}"},
        "同事 95, 88, 85 → 去掉最高最低分共 2 个，平均 88 → 88",
        id="raters trimmed",
    ),
    pytest.param(
        "direct: {}",
        "{ratings: {自评: 90, 上级: 70}}",
        {"item_extra": "raters: {weights: {自评: 2, 同事: 3, 上级: 5}}"},
        "自评 90；上级 70 → 0.2857 × 90 + 0.7143 × 70 = 75.7143（未评分评价人的权重已按比例分配）",
        id="raters redistributed",
    ),
    pytest.param(
        "direct: {}",
        "{ratings: {自评: 90, 复评: 80}}",
        {"item_extra": "raters: {final: [终评, 复评, 自评]}"},
        "复评 80；自评 90 → 以 复评 为准（终评）：80",
        id="raters final",
    ),
    pytest.param(TIERS, "{value: 很好}", {}, "错误：数值 '很好' 不是数字", id="error"),
]


@pytest.mark.parametrize(("rule", "facts", "options", "trace"), TRACES)
def test_chinese_trace(rule: str, facts: str | None, options: dict[str, Any], trace: str) -> None:
    with language("zh"):
        assert item_one(rule, facts, **options)["trace"] == trace


GRADES = "grades: [['>= 90', 优秀], ['>= 60', 合格], [else, 差]]"
ADJUSTMENTS = [
    pytest.param(
        "{name: 创新, bonus: {each: [5, 10], cap: 12}}",
        "adjustments: {创新: [8, 6]}",
        "创新",
        "+8 + 6 = 14，封顶 12",
        id="bonus capped",
    ),
    pytest.param(
        "{name: 业主表扬, add: {per: {表扬: {each: 2}}, cap: 6}}",
        "events: {表扬: 4}",
        "业主表扬",
        "表扬 4 次：4 × 2 = 8，封顶 6 → +6",
        id="add capped",
    ),
    pytest.param(
        "{name: 事故, deduct: {per: {重大事故: {zero: true}}}}",
        "events: {重大事故: 1}",
        "事故",
        "重大事故 1 次 → 本项得 0 分 → 总分为 0",
        id="deduct zero",
    ),
    pytest.param(
        "{name: 安全系数, coefficient: {by: 安全, values: {好: 1.1, 差: 0.9}}}",
        "inputs: {安全: 好}",
        "安全系数",
        "安全 = 好：× 1.1",
        id="coefficient",
    ),
    pytest.param(
        "{name: 基本项, gate: {when: '损失 >= 2000', effect: zero}}",
        "inputs: {损失: 3000}",
        "基本项",
        "损失 >= 2000：成立 → 总分为 0",
        id="gate zero",
    ),
    pytest.param(
        "{name: 基本项, gate: {when: '损失 >= 2000', effect: {cap_grade: 合格}}}",
        "inputs: {损失: 3000}",
        "基本项",
        "损失 >= 2000：成立 → 等级最高为 合格",
        id="gate cap_grade",
    ),
    pytest.param(
        "{name: 基本项, gate: {when: '损失 >= 2000', effect: no_bonus}}",
        "inputs: {损失: 3000}",
        "基本项",
        "损失 >= 2000：成立 → 不发绩效奖金（分数不变）",
        id="gate no_bonus",
    ),
    pytest.param(
        "{name: 基本项, gate: {when: '损失 >= 2000', effect: {flag: 待复核}}}",
        "inputs: {损失: 3000}",
        "基本项",
        "损失 >= 2000：成立 → 标记：待复核",
        id="gate flag",
    ),
]


@pytest.mark.parametrize(("adjustment", "appraisee", "name", "trace"), ADJUSTMENTS)
def test_chinese_adjustment_trace(adjustment: str, appraisee: str, name: str, trace: str) -> None:
    top = f"adjustments:\n  - {adjustment}\n{GRADES}"
    with language("zh"):
        result = score_one("direct: {}", "{score: 95}", top=top, appraisee=appraisee)
    [shown] = result["adjustments"]
    assert (shown["name"], shown["trace"]) == (name, trace)


def test_overflow_carried_to_the_form_in_chinese() -> None:
    rule = "deduct: {per: {迟到: {each: 3}}, overflow: carry}"
    english = score_one(rule, "{events: {迟到: 4}}", full=10)
    with language("zh"):
        chinese = score_one(rule, "{events: {迟到: 4}}", full=10)
    [carried] = chinese["adjustments"]
    assert (carried["name"], carried["trace"]) == (
        "考核项目超扣结转",
        "低于保底的分数结转至总分：−20",
    )
    assert english["adjustments"][0]["name"] == "overflow carried from items"
    assert english["adjustments"][0]["trace"] == "points below item floors: −20"
    assert _numbers(chinese) == _numbers(english)


# -- the command line ----------------------------------------------------------------


def test_cli_language_zh_prints_chinese_traces(
    examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, facts = examples / "fin-manager.scheme.yaml", examples / "fin-manager.facts.yaml"
    assert main(["score", str(scheme), str(facts), "--language", "zh"]) == 0
    chinese = json.loads(capsys.readouterr().out)
    assert main(["score", str(scheme), str(facts)]) == 0
    english = json.loads(capsys.readouterr().out)
    first = {item["code"]: item["trace"] for item in chinese["results"][0]["items"]}
    assert first["预算执行偏差率"] == (
        "1 - abs(actual - budget) / budget = 0.97；0.97 符合 ≥ 95% → 80"
    )
    assert (
        first["部门管理"] == "violation 1 次：1 × 10 = 10；late_day 2 次：2 × 5 = 10；100 − 20 = 80"
    )
    assert [_numbers(r) for r in chinese["results"]] == [_numbers(r) for r in english["results"]]
    english_first = {item["code"]: item["trace"] for item in english["results"][0]["items"]}
    assert english_first["部门管理"] == (
        "violation 1: 1 × 10 = 10; late_day 2: 2 × 5 = 10; 100 − 20 = 80"
    )


@pytest.mark.parametrize("output", ["table", "csv"])
def test_cli_language_zh_in_table_and_csv(
    tmp_path: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, facts = tmp_path / "s.yaml", tmp_path / "f.yaml"
    scheme.write_text(ERRORS_SCHEME, encoding="utf-8")
    facts.write_text(ERRORS_FACTS, encoding="utf-8")
    status = main(["score", str(scheme), str(facts), "--format", output, "--language", "zh"])
    assert status == 1
    out = capsys.readouterr().out
    assert "考核项目 比率：'甲 / 乙' 中除数为零" in out
    assert "division" not in out


def test_cli_unknown_language_is_a_usage_error(
    examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, facts = examples / "fin-manager.scheme.yaml", examples / "fin-manager.facts.yaml"
    with pytest.raises(SystemExit) as exited:
        main(["score", str(scheme), str(facts), "--language", "fr"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --language: invalid choice: 'fr'" in err
    assert "'en', 'zh'" in err


def test_words_are_the_words_of_the_result_in_either_language(examples: Path) -> None:
    """`ScoreRun.words(row)` gives what `result(row)` words, without the numbers."""
    from jixiao.scoring import load_facts, load_scheme, score_periods

    for name in ("fin-manager", "staff-360", "warehouse-3pl", "staff-monthly"):
        scheme = load_scheme(examples / f"{name}.scheme.yaml")
        runs = score_periods(scheme, load_facts(examples / f"{name}.facts.yaml"))
        for run in runs:
            for code in ("en", "zh"):
                with language(code):
                    for row in range(run.n):
                        result, words = run.result(row), run.words(row)
                        assert words["items"] == [item["trace"] for item in result["items"]]
                        assert words["adjustments"] == [
                            {"name": a["name"], "trace": a["trace"]} for a in result["adjustments"]
                        ]
                        assert words["errors"] == result["errors"]
