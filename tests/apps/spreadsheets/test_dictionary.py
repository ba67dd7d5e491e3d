"""The indicator dictionary in and out: one row per indicator, checked whole, a
changed row a new version, incomplete entries marked, idempotent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from jixiao.core.errors import NotAllowed
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.services import indicator_save
from jixiao.spreadsheets.dictionary import COLUMNS
from jixiao.spreadsheets.models import ImportBatch
from jixiao.spreadsheets.services import export_dictionary, import_dictionary
from tests.apps.factories import UserFactory
from tests.apps.spreadsheets.helpers import load, marked_cells, workbook_bytes

pytestmark = pytest.mark.django_db

HEADER = [spec.title for spec in COLUMNS[:21]]
ANSWERS = ["定义", "目的", "说明", "财务部月底统计", "财务部", "实际/预算", "月度", "财务总监", "%"]


def row(code: str, name: str, parent: str = "", start: Any = "2026-01-01", **more: Any) -> list:
    cells = [code, name, *ANSWERS, "财务", "成本", "业绩", "越高越好", "是", "是", "否"]
    cells += [parent or None, start, more.get("end")]
    return cells


def dictionary_file(*rows: list) -> bytes:
    return workbook_bytes(("指标库", [HEADER, *rows]))


def test_a_new_dictionary_is_added_parents_first(hr: Any) -> None:
    data = dictionary_file(row("X-F-01.1", "分项费用", parent="X-F-01"), row("X-F-01", "费用率"))

    outcome = import_dictionary(file=data, actor=hr, name="dict.xlsx")

    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.added, outcome.changed, outcome.unchanged) == (2, 2, 0, 0)
    child = IndicatorVersion.objects.get(indicator__code="X-F-01.1")
    assert child.parent == Indicator.objects.get(code="X-F-01")
    assert (child.perspective, child.dimension, child.polarity) == ("financial", "cost", "higher")
    assert (child.quantitative, child.operational, child.incomplete) == (True, False, False)
    assert child.effective_from == datetime.date(2026, 1, 1)
    assert AuditEvent.objects.filter(action="indicator.version_added").count() == 2


def test_export_then_import_changes_nothing_and_reimport_says_when(hr: Any) -> None:
    indicator_save(actor=hr, code="A-1", effective_from=datetime.date(2026, 1, 1), name="回款率")
    data = export_dictionary(actor=hr)
    exported = load(data)["指标库"]
    missing = (
        "指标定义、设置目的、备注、数据收集、数据来源、计算公式、统计周期、数据审核人、计量单位"
    )
    assert exported["W2"].value == f"不完整:缺{missing}"
    assert exported["C2"].fill.fgColor.rgb.endswith("FFF2CC")  # an unanswered question

    first = import_dictionary(file=data, actor=hr)
    assert first.nothing_changed and first.unchanged == 1 and first.previous is None

    changed = dictionary_file(row("A-1", "回款率", start="2026-07-01"))
    assert import_dictionary(file=changed, actor=hr, name="d.xlsx").changed == 1
    again = import_dictionary(file=changed, actor=hr, name="d.xlsx")
    assert again.nothing_changed and again.previous is not None
    assert "This file was imported on" in again.summary()
    assert ImportBatch.objects.count() == 1


def test_a_changed_row_becomes_a_new_version_only_with_a_later_date(hr: Any) -> None:
    import_dictionary(file=dictionary_file(row("A-1", "回款率")), actor=hr)

    same_date = import_dictionary(file=dictionary_file(row("A-1", "销售回款率")), actor=hr)
    assert marked_cells(same_date.annotated or b"") == {
        "指标库!T2": "the entry differs from version 1 (in force from 2026-01-01): a new version"
        " must take effect after that date"
    }

    later = import_dictionary(
        file=dictionary_file(row("A-1", "销售回款率", start="2026-07-01", end="2026-12-31")),
        actor=hr,
    )
    assert later.ok and later.changed == 1
    versions = IndicatorVersion.objects.filter(indicator__code="A-1").order_by("number")
    assert [(v.name, v.effective_to) for v in versions] == [
        ("回款率", datetime.date(2026, 6, 30)),
        ("销售回款率", datetime.date(2026, 12, 31)),
    ]


def test_every_problem_is_marked_and_nothing_is_written(hr: Any) -> None:
    bad_choice = row("B-2", "满意度")
    bad_choice[11], bad_choice[15] = "股东", "也许"
    data = dictionary_file(
        row("B-1", "收入", start="明天"),
        bad_choice,
        row("B-1", "收入二"),
        row("B-3", "", parent="NOPE"),
        row("B-4", "自指", parent="B-4"),
        row("B-5", "循环甲", parent="B-6"),
        row("B-6", "循环乙", parent="B-5"),
    )

    outcome = import_dictionary(file=data, actor=hr)

    assert not outcome.ok and IndicatorVersion.objects.count() == 0
    assert marked_cells(outcome.annotated or b"") == {
        "指标库!T2": "明天 is not a date (write 2026-01-31)",
        "指标库!L3": "股东 is not one of 财务、客户、内部运营、学习与成长",
        "指标库!P3": "write 是 or 否, not 也许",
        "指标库!A4": "the indicator B-1 is already on row 2",
        "指标库!B5": "this cell must not be empty",
        "指标库!S5": "unknown indicator NOPE",
        "指标库!S6": "an indicator cannot be its own parent",
        "指标库!S7": "this row is part of a loop of parents",
        "指标库!S8": "this row is part of a loop of parents",
    }


def test_only_hr_imports_and_exports_the_dictionary(company: Any) -> None:
    clerk = UserFactory(username="someone")
    with pytest.raises(NotAllowed):
        import_dictionary(file=dictionary_file(row("A", "a")), actor=clerk)
    with pytest.raises(NotAllowed):
        export_dictionary(actor=clerk)
