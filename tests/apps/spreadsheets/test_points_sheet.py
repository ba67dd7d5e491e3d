"""The points lines (加减分项, scheme-language §7 v1.1) in the Excel familiar form:
the demo's 扣分制 production-manager form goes out with a 加减分项 sheet that says
each line in words, and comes back scoring the same; a line added by hand on
that sheet is read."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml

from jixiao.demo.loader import SCHEMES as DEMO_SCHEMES
from jixiao.schemes.services import scheme_save
from jixiao.scoring import facts_from_text, scheme_from_text, score
from jixiao.spreadsheets.services import export_scheme_form, import_scheme_form
from tests.apps.spreadsheets.helpers import load

pytestmark = pytest.mark.django_db

FACTS = """
period: 2026-10
appraisees:
  - id: M1
    inputs: {pass_rate: 0.9825, target: 0.98}
    facts:
      PLAN: {events: {late_day: 2, missing_task: [3]}}
      DELIVERY: {events: {late_order: [3, 1]}}
      SAFETY: {events: {equipment_loss: [800]}}
"""


def test_the_points_sheet_goes_out_and_comes_back(hr: Any) -> None:
    text = (DEMO_SCHEMES / "prd-manager-points.scheme.yaml").read_text(encoding="utf-8")
    version = scheme_save(actor=hr, text=text)
    form = export_scheme_form(version=version, actor=hr)
    sheets = load(form)
    assert [s.title for s in sheets.worksheets] == ["考核表", "加减分项", "方案设置"]
    rows = list(sheets["加减分项"].iter_rows(values_only=True))
    assert rows[0] == ("加减分项", "计算公式", "得分标准", "说明", "方案语言")
    name, measure, standard, note, rule = rows[1]
    assert (name, measure) == ("产品质量", "pass_rate - target")
    assert "每低于标准 0.1 个百分点扣 1 分" in standard
    assert "每高于标准 0.1 个百分点加 1 分" in standard
    assert note.startswith("车间交检产品质量合格率")
    assert yaml.safe_load(rule)["steps"]["step"] == "0.1%"

    draft = import_scheme_form(file=form, actor=hr, name="扣分制.xlsx")
    assert (draft.problems, draft.notes) == ([], [])
    original, back = scheme_from_text(text), scheme_from_text(draft.text)
    facts = facts_from_text(FACTS).periods[0]
    before, after = score(original, facts).result(0), score(back, facts).result(0)
    assert before["total"] == 81 and after == before


def test_a_points_line_written_on_the_sheet_by_hand_is_read(hr: Any) -> None:
    text = (DEMO_SCHEMES / "prd-manager-points.scheme.yaml").read_text(encoding="utf-8")
    form = export_scheme_form(version=scheme_save(actor=hr, text=text), actor=hr)
    workbook = load(form)
    sheet = workbook["加减分项"]
    sheet.append(["合理化建议", "adopted", None, "每采纳一条奖2分", "{formula: 'adopted * 2'}"])
    sheet.append(["没有规则", None, None, None, None])
    draft = import_scheme_form(file=_bytes(workbook), actor=hr, name="扣分制.xlsx")
    lines = {a["name"]: a for a in yaml.safe_load(draft.text)["adjustments"]}
    assert lines["合理化建议"] == {
        "name": "合理化建议",
        "points": {"rule": {"formula": "adopted * 2"}, "measure": "adopted"},
        "note": "每采纳一条奖2分",
    }
    assert any("没有规则" in note for note in draft.notes)


def _bytes(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
