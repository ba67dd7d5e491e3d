"""Problems with a scheme in the reader's language, with their place as a person sees it.

Every problem keeps its machine path (`sections[1].items[2].weight`) and gains a
place ("第 2 节「运营指标」第 3 项「预算执行偏差率」的权重"), both in English and Chinese.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.scoring import SchemeError, language, scheme_from_text
from jixiao.scoring.errors import format_path

HEAD = "code: X\nname: x\n"
SECTIONS = """\
sections:
  - name: 财务指标
    weight: 40
    items:
      - {name: 预算, weight: 100, rule: {direct: {}}}
  - name: 运营指标
    weight: 60
    items:
      - {name: a, weight: 10, rule: {direct: {}}}
      - {name: b, weight: 10, rule: {direct: {}}}
      - {name: 预算执行偏差率, weight: %s, rule: %s}
"""

# (document, machine path, English place, English message, Chinese place, Chinese message)
CASES = [
    pytest.param(
        SECTIONS % ("-5", "{direct: {}}"),
        "sections[1].items[2].weight",
        "section 2 “运营指标”, item 3 “预算执行偏差率”, weight",
        "must be at least 0, got -5",
        "第 2 节「运营指标」第 3 项「预算执行偏差率」的权重",
        "不能小于 0，实为 -5",
        id="negative weight",
    ),
    pytest.param(
        SECTIONS % ("10", "{bandz: []}"),
        "sections[1].items[2].rule.bandz",
        "section 2 “运营指标”, item 3 “预算执行偏差率”, rule",
        "unknown key; did you mean 'bands'?",
        "第 2 节「运营指标」第 3 项「预算执行偏差率」的计分规则",
        "未知的键；是否应为 'bands'？",
        id="unknown key near a known one",
    ),
    pytest.param(
        SECTIONS % ("10", "{deduct: {}}"),
        "sections[1].items[2].rule.deduct",
        "section 2 “运营指标”, item 3 “预算执行偏差率”, rule",
        "missing required key 'per'",
        "第 2 节「运营指标」第 3 项「预算执行偏差率」的计分规则",
        "缺少必填项 'per'",
        id="missing key",
    ),
    pytest.param(
        "items:\n  - {name: 甲, weight: 0, rule: {direct: {}}}\n"
        "  - {name: 乙, weight: 0, rule: {direct: {}}}\n",
        "items",
        "the items",
        "the weights of these siblings are all zero",
        "考核项目",
        "同一层的权重全部为 0",
        id="all weights zero",
    ),
    pytest.param(
        "items:\n  - {name: 甲, weight: 10, rule: {direct: {}}, rulle: 1}\n",
        "items[0].rulle",
        "item 1 “甲”",
        "unknown key; did you mean 'rule'?",
        "第 1 项「甲」",
        "未知的键；是否应为 'rule'？",
        id="unknown item key",
    ),
]


RULE_PROBLEMS = [
    # (rule, path under the item's rule, English, Chinese)
    ('{bands: [[else, 20], [">= 98%", 100]]}', "bands[1]", "no row can follow else",
     "“其他”一行之后不能再有行"),
    ("{bands: [[1, 2, 3]]}", "bands[0]", "a row is [condition, score]", "每一行写作 [条件, 得分]"),
    ("{steps: {standard: 1, base: 10, step: 0}}", "steps.step", "a step must be greater than 0",
     "每档的大小必须大于 0"),
    ("{interpolate: [[1, 0], [0, 100]]}", "interpolate", "points must be in increasing value order",
     "各点须按数值从小到大排列"),
    ("{deduct: {per: {late: {sequence: [1], then: triple}}}}", "deduct.per.late.then",
     "then is repeat (default) or double", "此后的计法只能是同末次（默认）或翻倍"),
    ("{deduct: {per: {late: {each: 1}}, overflow: spill}}", "deduct.overflow",
     "overflow is carry (or leave it out)", "超扣部分只能设为结转至总分（或不设）"),
    ("{deduct: {per: {late: {zero: 1}}}}", "deduct.per.late.zero", "write zero: true",
     "出现即得 0 分的设置只能为真"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "where", "en", "zh"), RULE_PROBLEMS)
def test_rule_problems_in_both_languages(rule: str, where: str, en: str, zh: str) -> None:
    text = SECTIONS % ("10", rule)
    path = f"sections[1].items[2].rule.{where}"
    place = "第 2 节「运营指标」第 3 项「预算执行偏差率」的计分规则"
    if where.startswith("bands["):
        place += f"第 {int(where[6]) + 1} 行"
    if ".per.late" in where:
        place += "中的事件「late」"
    assert (path, en) in [(p, m) for p, _, m in problems(text, "en")]
    assert (path, place, zh) in problems(text, "zh")


def problems(text: str, code: str) -> list[tuple[str, str, str]]:
    with language(code), pytest.raises(SchemeError) as raised:
        scheme_from_text(HEAD + text)
    return [(format_path(p.path), p.place, p.message) for p in raised.value.problems]


@pytest.mark.parametrize(("text", "path", "en_place", "en", "zh_place", "zh"), CASES)
def test_each_problem_in_both_languages_with_its_place(
    text: str, path: str, en_place: str, en: str, zh_place: str, zh: str
) -> None:
    assert (path, en_place, en) in problems(text, "en")
    assert (path, zh_place, zh) in problems(text, "zh")


WARNINGS = [
    pytest.param(
        "items:\n  - {name: 甲, weight: 60, rule: {direct: {}}}\n"
        "  - {name: 乙, weight: 45, rule: {direct: {}}}\n",
        "items",
        "the top-level weights add up to 105, not the scale 100; they are shared out in proportion",
        "顶层权重合计为 105，不等于满分 100；将按比例折算",
        id="top-level sum",
    ),
    pytest.param(
        "sections:\n  - name: 业绩\n    weight: 100\n    items:\n"
        "      - {name: 甲, weight: 30, rule: {direct: {}}}\n"
        "      - {name: 乙, weight: 20, rule: {direct: {}}}\n",
        "sections[0]",
        "section '业绩': its weights add up to 50, neither its own weight 100 nor 100;"
        " they are shared out in proportion",
        "'业绩' 一节的权重合计为 50，既不等于本节权重 100，也不等于 100；将按比例折算",
        id="section sum",
    ),
]


@pytest.mark.parametrize(("text", "path", "en", "zh"), WARNINGS)
def test_design_warnings_in_both_languages(text: str, path: str, en: str, zh: str) -> None:
    for code, message in (("en", en), ("zh", zh)):
        with language(code):
            scheme = scheme_from_text(HEAD + text)
        assert (path, message) in [(format_path(w.path), w.message) for w in scheme.warnings]


def test_a_problem_as_a_dict_carries_its_place() -> None:
    with language("zh"), pytest.raises(SchemeError) as raised:
        scheme_from_text(HEAD + SECTIONS % ("-5", "{direct: {}}"))
    found = raised.value.problems[0].as_dict()
    assert found["path"] == "sections[1].items[2].weight"
    assert found["place"] == "第 2 节「运营指标」第 3 项「预算执行偏差率」的权重"


def test_jixiao_check_prints_the_problems_in_chinese_with_their_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = tmp_path / "s.yaml"
    scheme.write_text(HEAD + SECTIONS % ("-5", "{direct: {}}"), encoding="utf-8")
    assert main(["check", "--language", "zh", str(scheme)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "考核方案无效：1 处问题",
        f"  {scheme} 第 13 行：第 2 节「运营指标」第 3 项「预算执行偏差率」的权重："
        "不能小于 0，实为 -5（sections[1].items[2].weight）",
    ]
    assert main(["check", str(scheme)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "invalid scheme: 1 problem(s)",
        f"  {scheme}:13: sections[1].items[2].weight: must be at least 0, got -5",
    ]
