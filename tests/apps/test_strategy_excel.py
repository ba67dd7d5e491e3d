"""Excel out and in for the strategy map (objectives and cause → effect links) and a
position's duties (issue 15): a round trip, a second import that changes nothing,
and a bad cell refused with its place, nothing written."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from jixiao.core.errors import NotAllowed
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import Indicator
from jixiao.indicators.services import indicator_save
from jixiao.spreadsheets.readers import SpreadsheetRefused
from jixiao.spreadsheets.strategy import (
    duties_workbook,
    import_duties,
    import_strategy,
    strategy_workbook,
)
from jixiao.spreadsheets.writers import to_bytes
from jixiao.strategy import services
from jixiao.strategy.models import Duty, Objective
from tests.apps.portal_world import client_for
from tests.apps.spreadsheets.helpers import workbook_bytes

pytestmark = pytest.mark.django_db
OBJECTIVE_HEADER = ("目标编码", "目标名称", "视角", "说明")


def _map(hr: Any) -> None:
    growth = services.objective_save(
        actor=hr, code="F1", name="利润增长", perspective="financial", description="净利润年增10%"
    )
    loyal = services.objective_save(actor=hr, code="C1", name="客户忠诚", perspective="customer")
    services.objective_link(actor=hr, cause=loyal, effect=growth)


def test_the_map_goes_out_and_comes_back(hr: Any) -> None:
    _map(hr)
    data = to_bytes(strategy_workbook())
    sheets = openpyxl.load_workbook(io.BytesIO(data))
    assert list(sheets["战略目标"].iter_rows(values_only=True)) == [
        OBJECTIVE_HEADER,
        ("C1", "客户忠诚", "客户", None),
        ("F1", "利润增长", "财务", "净利润年增10%"),
    ]
    assert list(sheets["因果关系"].iter_rows(values_only=True))[1] == ("C1", "F1")
    # nothing changes on the way back
    events = AuditEvent.objects.count()
    assert import_strategy(file=data, actor=hr) == (0, 0)
    assert AuditEvent.objects.count() == events
    # into an empty map: the same objectives and the same link
    Objective.objects.all().delete()
    assert import_strategy(file=data, actor=hr) == (2, 1)
    growth = Objective.objects.get(code="F1")
    assert (growth.name, growth.perspective, growth.description) == (
        "利润增长",
        "financial",
        "净利润年增10%",
    )
    assert list(growth.caused_by.values_list("code", flat=True)) == ["C1"]
    assert AuditEvent.objects.filter(action="objective.linked").exists()


def test_a_bad_cell_is_refused_with_its_place_and_nothing_is_written(hr: Any) -> None:
    data = workbook_bytes(
        (
            "战略目标",
            [OBJECTIVE_HEADER, ("F1", "利润增长", "财务", ""), ("L1", "员工成长", "人力", "")],
        ),
        ("因果关系", [("原因目标编码", "结果目标编码"), ("L1", "X9")]),
    )
    with translation.override("zh-hans"), pytest.raises(SpreadsheetRefused) as refused:
        import_strategy(file=data, actor=hr)
    message = str(refused.value.message)
    assert "战略目标!C3" in message and "人力" in message  # the perspective cell
    assert "因果关系!B2" in message and "X9" in message  # an unknown objective
    assert "未导入" in message or "没有导入" in message  # said in Chinese
    assert not Objective.objects.exists()


def test_a_loop_of_links_is_refused_on_its_row_and_nothing_stays(hr: Any) -> None:
    _map(hr)  # C1 → F1 stored
    data = workbook_bytes(
        ("战略目标", [OBJECTIVE_HEADER, ("L1", "员工成长", "学习与成长", "")]),
        ("因果关系", [("原因目标编码", "结果目标编码"), ("L1", "C1"), ("F1", "C1")]),
    )
    with pytest.raises(SpreadsheetRefused) as refused:
        import_strategy(file=data, actor=hr)
    assert "因果关系!B3" in str(refused.value.message)
    assert not Objective.objects.filter(code="L1").exists()  # rolled back


def test_duties_go_out_and_come_back(hr: Any, company: Any) -> None:
    position = company.manager_position
    indicator_save(
        actor=hr, code="B-F-01", effective_from=datetime.date(2026, 1, 1), name="计划费用支出率"
    )
    services.duties_import(
        actor=hr, position=position, text="1、编制年度预算；工作标准：偏差率≤5%\n2、审核报销单据"
    )
    first = Duty.objects.get(position=position, order=1)
    first.authority = "预算调整建议权"
    first.save()
    services.indicator_link(actor=hr, indicator=Indicator.objects.get(code="B-F-01"), duty=first)
    data = to_bytes(duties_workbook(position))
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["岗位职责"].iter_rows(values_only=True))
    assert rows[1] == (1, "编制年度预算", "偏差率≤5%", "预算调整建议权", "B-F-01", None)
    assert import_duties(file=data, actor=hr, position=position) == 0  # unchanged
    Duty.objects.filter(position=position).delete()
    assert import_duties(file=data, actor=hr, position=position) == 2
    back = Duty.objects.get(position=position, order=1)
    assert (back.duty, back.standard, back.authority) == (
        "编制年度预算",
        "偏差率≤5%",
        "预算调整建议权",
    )
    assert [i.code for i in back.indicators.all()] == ["B-F-01"]
    assert AuditEvent.objects.filter(action="duties.replaced").exists()


def test_a_duty_with_an_unknown_indicator_is_refused(hr: Any, company: Any) -> None:
    position = company.manager_position
    services.duties_import(actor=hr, position=position, text="1、编制年度预算")
    data = workbook_bytes(
        (
            "岗位职责",
            [("序号", "职责", "工作标准", "权限", "衡量指标编码"), (1, "新职责", "", "", "NOPE")],
        )
    )
    with pytest.raises(SpreadsheetRefused) as refused:
        import_duties(file=data, actor=hr, position=position)
    assert "岗位职责!E2" in str(refused.value.message)
    assert list(position.duties.values_list("duty", flat=True)) == ["编制年度预算"]


def test_only_hr_imports_and_the_pages_link_the_files(hr: Any, auditor: Any) -> None:
    _map(hr)
    data = to_bytes(strategy_workbook())
    with pytest.raises(NotAllowed):
        import_strategy(file=data, actor=auditor)
    reader = client_for(auditor)
    page = reader.get(reverse("strategy:map"), headers={"accept-language": "zh-hans"})
    assert reverse("spreadsheets:strategy_export") in page.content.decode()
    assert "下载战略地图（Excel）" in page.content.decode()
    download = reader.get(reverse("spreadsheets:strategy_export"))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert reader.post(reverse("spreadsheets:strategy_import")).status_code == 404
    writer = client_for(hr)
    upload = io.BytesIO(data)
    upload.name = "map.xlsx"
    response = writer.post(reverse("spreadsheets:strategy_import"), {"file": upload})
    assert response.status_code == 302
    bad = io.BytesIO(
        workbook_bytes(("战略目标", [OBJECTIVE_HEADER, ("L1", "员工成长", "人力", "")]))
    )
    bad.name = "bad.xlsx"
    answer = writer.post(
        reverse("spreadsheets:strategy_import"),
        {"file": bad},
        headers={"accept-language": "zh-hans"},
        follow=True,
    )
    assert "未导入任何内容" in answer.content.decode() and "战略目标!C2" in answer.content.decode()
    assert not Objective.objects.filter(code="L1").exists()
