"""Schemes as the familiar form: the demo company's eight manager schemes go out
and come back scoring the same; a hand-made seed-style form is read, with notes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from jixiao.demo import facts as demo
from jixiao.demo.loader import SCHEMES as DEMO_SCHEMES
from jixiao.schemes.services import scheme_save
from jixiao.scoring import facts_from_data, scheme_from_text, score
from jixiao.spreadsheets.scheme_form import condition_from_form, deduct_from_sentences
from jixiao.spreadsheets.services import export_scheme_form, import_scheme_form
from tests.apps.spreadsheets.helpers import load, workbook_bytes

pytestmark = pytest.mark.django_db


MANAGER_OF = {
    "FIN-MGR": "T1001",
    "ADM-MGR": "T1101",
    "HR-MGR": "T1201",
    "MKT-MGR": "T1301",
    "ENG-MGR": "T1401",
    "QA-MGR": "T1501",
    "PRD-MGR": "T1601",
    "PUR-MGR": "T1701",
}


def demo_facts(number: str, scheme: Any) -> Any:
    """The manager's October facts from the demo company, as the engine reads them."""
    codes = {item.code for item in scheme.items}
    entry: dict[str, Any] = {}
    for item, given in demo.MANAGERS[number].items():
        if item == "attendance":
            item = next(code for code in demo.ATTENDANCE_ITEMS if code in codes)
        fact: dict[str, Any] = {}
        if "inputs" in given:
            fact["inputs"] = given["inputs"]
        if "value" in given:
            fact["value"] = given["value"]
        if "rating" in given:
            fact["ratings"] = {"supervisor": given["rating"]}
        events: dict[str, Any] = {}
        for name, _day, _text, size in given.get("events", []):
            if size is None:
                events[name] = events.get(name, 0) + 1
            else:
                events.setdefault(name, []).append(size)
        if events:
            fact["events"] = events
        entry[item] = fact
    document = {"period": demo.PERIOD, "appraisees": [{"id": number, "facts": entry}]}
    return facts_from_data(document).periods[0]


@pytest.mark.parametrize("code", sorted(MANAGER_OF))
def test_the_demo_manager_schemes_come_back_scoring_the_same(hr: Any, code: str) -> None:
    text = (DEMO_SCHEMES / f"{code.lower().replace('-mgr', '-manager')}.scheme.yaml").read_text(
        encoding="utf-8"
    )
    version = scheme_save(actor=hr, text=text)
    form = export_scheme_form(version=version, actor=hr)
    assert load(form)["考核表"]["A3"].value == "考核因素"

    draft = import_scheme_form(file=form, actor=hr, name=f"{code}.xlsx")

    assert (draft.problems, draft.notes) == ([], [])
    assert yaml.safe_load(draft.text) == yaml.safe_load(text)
    original, back = scheme_from_text(text), scheme_from_text(draft.text)
    facts = demo_facts(MANAGER_OF[code], original)
    before, after = score(original, facts).result(0), score(back, facts).result(0)
    assert before["errors"] == [] and before["total"] is not None
    assert after == before


def test_the_form_shows_tiers_levels_and_deductions_as_the_seed_does(hr: Any) -> None:
    text = (DEMO_SCHEMES / "fin-manager.scheme.yaml").read_text(encoding="utf-8")
    version = scheme_save(actor=hr, text=text)
    sheet = load(export_scheme_form(version=version, actor=hr))["考核表"]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["预算执行偏差率"][6:11] == ("≥98%", "≥95%", "≥90%", "≥80%", "<80%")
    assert rows["内部控制管理"][6:11] == ("5", "4", "3", "2", "1")
    assert rows["资金运转故障项次"][6:11] == ("=0", "=1", "=2", "=3", ">3")
    assert rows["上报材料的及时性"][11] == "[late_day] 每次扣3分;[refused] 本项得0分"
    assert rows["预算执行偏差率"][12] == "1 - abs(actual - budget) / budget"


SEED_FORM = [
    ["财务部经理月度考核表"],
    ["考核因素", "权数", "权数", "考核指标", "考核方法", "数据来源", "考核得分标准"],
    [None, None, None, None, None, None, "100 分", "80 分", "60 分", "40 分", "20 分"],
    [
        "财务指标",
        10,
        10,
        "预算执行偏差率",
        "(1-超出或未达成预算/部门预算)*100%",
        "财务部",
        "≥98%",
        "≥95%",
        "≥90%",
        "≥80%",
        "<80%",
    ],
    [
        "运营指标",
        60,
        20,
        "部门管理",
        "严格执行制度、流程",
        "相关部门反馈",
        "违反制度、流程规定操作每次扣 10 分;每月部门考核结果上报每延误一天扣 5 分;"
        "员工投诉每发生一次扣 10 分。",
    ],
    [None, None, 10, "内部控制管理", "是否发挥了应有的财务监控作用", "综合评价", 5, 4, 3, 2, 1],
    [
        None,
        None,
        10,
        "资金运转故障项次",
        "支付困难的次数",
        "工作记录",
        "0 次",
        "1 次",
        "2 次",
        "3 次",
        ">3 次",
    ],
    [
        None,
        None,
        10,
        "上报材料的及时性",
        "提交的及时性",
        "工作记录",
        "每延误一天扣 3 分;领导应立即要求其返工直至达到标准;无正当理由拒不提交的本项考核得分为 0。",
    ],
    [None, None, 10, "财务制度建设", "制度完善", "综合评价"],
]


def test_a_seed_style_form_is_read_with_notes_on_what_was_not_understood(hr: Any) -> None:
    data = workbook_bytes(("考核表", SEED_FORM))

    draft = import_scheme_form(file=data, actor=hr)

    document = yaml.safe_load(draft.text)
    finance, operations = document["sections"]
    assert (finance["name"], finance["weight"]) == ("财务指标", 10)
    assert finance["items"][0]["rule"] == {
        "bands": [[">= 98%", 100], [">= 95%", 80], [">= 90%", 60], [">= 80%", 40], ["else", 20]]
    }
    rules = {item["name"]: item["rule"] for item in operations["items"]}
    assert rules["内部控制管理"] == {"levels": {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}
    assert rules["资金运转故障项次"] == {
        "bands": [["== 0", 100], ["== 1", 80], ["== 2", 60], ["== 3", 40], ["else", 20]]
    }
    assert rules["部门管理"] == {
        "deduct": {
            "per": {"violation": {"each": 10}, "late_day": {"each": 5}, "complaint": {"each": 10}}
        }
    }
    assert rules["上报材料的及时性"] == {
        "deduct": {"per": {"late_day": {"each": 3}, "refused": {"zero": True}}}
    }
    assert rules["财务制度建设"] == {"direct": {"min": 0, "max": 100}}
    assert "the form has no 方案编码; FORM is used for now, please change it" in draft.notes
    assert (
        "上报材料的及时性: a scoring standard that was not understood was left out:"
        " 「领导应立即要求其返工直至达到标准」" in draft.notes
    )
    assert (
        "财务制度建设: no scoring standard that could be understood; scored directly (direct)"
        " for now, please change it" in draft.notes
    )
    assert any("was recorded as the event late_day" in note for note in draft.notes)
    assert draft.problems == []


@pytest.mark.parametrize(
    ("written", "condition"),
    [
        ("≥98%", ">= 98%"),
        ("<80%", "< 80%"),
        ("0 次", "== 0"),
        (">3 次", "> 3"),
        ("=0", "== 0"),
        ("≤ 5", "<= 5"),
        ("[0.95, 0.98)", "[0.95, 0.98)"),
        ("5", None),
        ("优", None),
    ],
)
def test_form_conditions(written: str, condition: str | None) -> None:
    assert condition_from_form(written) == condition


def test_a_sentence_that_names_its_event_is_taken_as_written() -> None:
    notes: list[str] = []
    rule = deduct_from_sentences("[seal_unsecured] 每次扣5分;[refused] 本项得0分", "用印", notes)
    assert rule == {"deduct": {"per": {"seal_unsecured": {"each": 5}, "refused": {"zero": True}}}}
    assert notes == []


def test_the_notes_read_in_chinese_by_default(hr: Any) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        draft = import_scheme_form(file=workbook_bytes(("考核表", SEED_FORM)), actor=hr)
    assert "表中没有方案编码,暂用 FORM,请修改" in draft.notes
    assert "财务制度建设: 没有可以理解的得分标准,暂作直接评分(direct),请修改" in draft.notes
