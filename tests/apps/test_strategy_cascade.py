"""Excel out and in for the cascade (issue 15): sheet 指标分解 (each indicator, the
one above it, the objectives it measures) and sheet 岗位考核项目 (each item of the
positions' forms and the indicator that measures it). A round trip, a second import
that changes nothing, a cascade built from a file, bad rows refused with their place
in Chinese and nothing written; the page's buttons and its form."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from jixiao.core.errors import NotAllowed
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.services import indicator_save
from jixiao.schemes.models import Scheme
from jixiao.schemes.services import scheme_assign, scheme_save
from jixiao.spreadsheets.cascade import cascade_workbook, import_cascade
from jixiao.spreadsheets.readers import SpreadsheetRefused
from jixiao.spreadsheets.writers import to_bytes
from jixiao.strategy import services
from jixiao.strategy.models import Objective
from jixiao.strategy.selectors import cascade, coverage
from tests.apps.conftest import SCHEME
from tests.apps.portal_world import client_for
from tests.apps.spreadsheets.helpers import workbook_bytes

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 1)
TREE = ("指标编码", "指标名称", "上级指标编码", "战略目标编码", "生效日期", "层级", "使用岗位")
ITEMS = ("考核表编码", "项目编码", "指标编码", "考核项目", "所属部分", "岗位")


def _world(hr: Any, company: SimpleNamespace) -> Objective:
    """利润增长 measured by X-F-01, carried by the finance department's X-F-01-FIN,
    which measures the budget item of the form the finance manager holds; Y-1
    stands alone."""
    growth = services.objective_save(actor=hr, code="F1", name="利润增长", perspective="financial")
    top = indicator_save(actor=hr, code="X-F-01", effective_from=DAY, name="利润总额")
    services.indicator_link(actor=hr, indicator=top.indicator, objective=growth)
    indicator_save(
        actor=hr, code="X-F-01-FIN", effective_from=DAY, name="财务部费用控制", parent=top.indicator
    )
    indicator_save(actor=hr, code="Y-1", effective_from=DAY, name="孤立指标")
    linked = SCHEME.replace(
        "        source: 财务部\n", "        source: 财务部\n        indicator: X-F-01-FIN\n"
    )
    scheme_assign(
        actor=hr,
        scheme=scheme_save(actor=hr, text=linked).scheme,
        position=company.manager_position,
    )
    return growth


def _sheet(data: bytes, name: str) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[name].iter_rows(values_only=True))


def test_the_cascade_goes_out_and_comes_back(hr: Any, company: SimpleNamespace) -> None:
    _world(hr, company)
    data = to_bytes(cascade_workbook())
    tree = _sheet(data, "指标分解")
    assert tree[0] == TREE
    # the cascade's order: the company indicator, the one under it; then what stands alone
    assert tree[1:] == [
        ("X-F-01", "利润总额", None, "F1", None, 1, None),
        ("X-F-01-FIN", "财务部费用控制", "X-F-01", None, None, 2, "财务部经理"),
        ("Y-1", "孤立指标", None, None, None, 1, None),
    ]
    items = _sheet(data, "岗位考核项目")
    assert items[0] == ITEMS
    assert items[1:] == [
        ("T-FIN", "预算执行偏差率", "X-F-01-FIN", "预算执行偏差率", "财务指标", "财务部经理"),
        ("T-FIN", "部门管理", None, "部门管理", "运营指标", "财务部经理"),
        ("T-FIN", "内部控制管理", None, "内部控制管理", "运营指标", "财务部经理"),
    ]
    # nothing changes on the way back
    events, versions = AuditEvent.objects.count(), IndicatorVersion.objects.count()
    done = import_cascade(file=data, actor=hr)
    assert (done.placed, done.linked, done.relinked) == (0, 0, 0)
    assert AuditEvent.objects.count() == events
    assert IndicatorVersion.objects.count() == versions
    assert Scheme.objects.get(code="T-FIN").versions.count() == 1


def test_a_file_builds_the_cascade(hr: Any, company: SimpleNamespace) -> None:
    """A new department indicator under the company's, Y-1 put under it (a new
    version from the date given), objectives relinked, and the form's other two
    items linked — the coverage report turns green."""
    _world(hr, company)
    services.objective_save(actor=hr, code="C1", name="客户满意", perspective="customer")
    data = workbook_bytes(
        (
            "指标分解",
            [
                TREE[:5],
                ("X-F-01", "利润总额", "", "F1、C1", ""),
                ("X-F-01-FIN", "财务部费用控制", "X-F-01", "", ""),
                ("X-F-01-FIN-2", "财务部内控缺陷数", "X-F-01", "", ""),
                ("Y-1", "孤立指标", "X-F-01-FIN-2", "", "2026-03-01"),
            ],
        ),
        (
            "岗位考核项目",
            [
                ITEMS[:3],
                ("T-FIN", "预算执行偏差率", "X-F-01-FIN"),
                ("T-FIN", "部门管理", "X-F-01-FIN-2"),
                ("T-FIN", "内部控制管理", "Y-1"),
            ],
        ),
    )
    done = import_cascade(file=data, actor=hr)
    assert (done.placed, done.linked, done.relinked) == (2, 1, 2)
    added = IndicatorVersion.objects.get(indicator__code="X-F-01-FIN-2")
    assert added.name == "财务部内控缺陷数" and added.parent.code == "X-F-01"
    assert added.incomplete  # to be completed in the dictionary
    moved = IndicatorVersion.objects.filter(indicator__code="Y-1").order_by("-number")[0]
    assert (moved.number, moved.effective_from, moved.parent.code, moved.name) == (
        2,
        datetime.date(2026, 3, 1),
        "X-F-01-FIN-2",
        "孤立指标",
    )
    assert set(Objective.objects.get(code="C1").indicators.values_list("code", flat=True)) == {
        "X-F-01"
    }
    form = Scheme.objects.get(code="T-FIN").current_version
    assert form is not None and form.number == 2 and "指标分解导入" in form.comment
    assert dict(form.items.values_list("name", "indicator__code")) == {
        "预算执行偏差率": "X-F-01-FIN",
        "部门管理": "X-F-01-FIN-2",
        "内部控制管理": "Y-1",
    }
    (root,) = [node for node in cascade() if node.indicator.code == "X-F-01"]
    assert [child.indicator.code for child in root.children] == ["X-F-01-FIN", "X-F-01-FIN-2"]
    assert root.children[1].children[0].indicator.code == "Y-1"
    assert coverage().green
    assert AuditEvent.objects.filter(action="objective.indicator_linked").exists()
    # and taken back out of an objective
    undo = workbook_bytes(("指标分解", [TREE[:4], ("X-F-01", "利润总额", "", "F1")]))
    assert import_cascade(file=undo, actor=hr).linked == 1
    assert not Objective.objects.get(code="C1").indicators.exists()
    assert AuditEvent.objects.filter(action="objective.indicator_unlinked").exists()


def test_bad_rows_are_refused_in_chinese_with_their_place_and_nothing_is_written(
    hr: Any, company: SimpleNamespace
) -> None:
    _world(hr, company)
    versions, events = IndicatorVersion.objects.count(), AuditEvent.objects.count()
    data = workbook_bytes(
        (
            "指标分解",
            [
                TREE[:5],
                ("X-F-09", "新部门指标", "X-F-01", "", ""),  # fine alone
                ("X-F-10", "", "X-F-01", "", ""),  # a new one without its name
                ("Y-1", "", "NOPE", "", ""),  # an unknown parent
                ("X-F-01", "", "X-F-01-FIN", "", "2026-06-01"),  # a loop through the stored
                ("X-F-01-FIN", "", "X-F-01", "Z9", ""),  # an unknown objective
                ("X-F-10", "名称", "X-F-01", "", ""),  # twice
            ],
        ),
        (
            "岗位考核项目",
            [
                ITEMS[:3],
                ("T-FIN", "部门管理", "X-F-09"),  # fine: added by the first sheet
                ("NOFORM", "部门管理", ""),
                ("T-FIN", "没有的项目", "Y-1"),
                ("T-FIN", "内部控制管理", "NOPE2"),
            ],
        ),
    )
    with translation.override("zh-hans"), pytest.raises(SpreadsheetRefused) as refused:
        import_cascade(file=data, actor=hr)
    message = str(refused.value.message)
    assert message.startswith("未导入任何内容")
    for place, word in (
        ("指标分解!B3", ""),
        ("指标分解!C4", "NOPE"),
        ("指标分解!C5", ""),
        ("指标分解!D6", "Z9"),
        ("指标分解!A7", "X-F-10"),
        ("岗位考核项目!A3", "NOFORM"),
        ("岗位考核项目!B4", "没有的项目"),
        ("岗位考核项目!C5", "NOPE2"),
    ):
        assert place in message, place
        assert word in message
    assert "指标分解!A2" not in message and "岗位考核项目!A2" not in message
    assert IndicatorVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events
    assert not Indicator.objects.filter(code="X-F-09").exists()
    assert Scheme.objects.get(code="T-FIN").versions.count() == 1


def test_a_new_parent_needs_a_date_after_the_current_version(
    hr: Any, company: SimpleNamespace
) -> None:
    _world(hr, company)
    data = workbook_bytes(("指标分解", [TREE[:5], ("Y-1", "", "X-F-01", "", "2026-01-01")]))
    with translation.override("zh-hans"), pytest.raises(SpreadsheetRefused) as refused:
        import_cascade(file=data, actor=hr)
    assert "指标分解!E2" in str(refused.value.message)
    assert IndicatorVersion.objects.filter(indicator__code="Y-1").count() == 1


def test_the_page_links_the_files_and_places_an_indicator(
    hr: Any, auditor: Any, company: SimpleNamespace
) -> None:
    _world(hr, company)
    reader = client_for(auditor)
    page = reader.get(reverse("strategy:cascade"), headers={"accept-language": "zh-hans"})
    text = page.content.decode()
    assert reverse("spreadsheets:cascade_export") in text
    assert reverse("spreadsheets:cascade_import") in text
    assert "下载指标分解（Excel）" in text and "从 Excel 导入指标分解" in text
    # Y-1 stands alone: listed apart from the tree
    assert "分解之外" in text and "Y-1" in text.split('id="cascade-outside"')[1]
    download = reader.get(reverse("spreadsheets:cascade_export"))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert reader.post(reverse("spreadsheets:cascade_import")).status_code == 404
    with pytest.raises(NotAllowed):
        import_cascade(file=download.content, actor=auditor)
    writer = client_for(hr)
    bad = io.BytesIO(workbook_bytes(("指标分解", [TREE[:3], ("Y-1", "", "NOPE")])))
    bad.name = "bad.xlsx"
    answer = writer.post(
        reverse("spreadsheets:cascade_import"),
        {"file": bad},
        headers={"accept-language": "zh-hans"},
        follow=True,
    ).content.decode()
    assert "未导入任何内容" in answer and "指标分解!C2" in answer
    good = io.BytesIO(
        workbook_bytes(("指标分解", [TREE[:3], ("X-F-01-HR", "人力部费用", "X-F-01")]))
    )
    good.name = "good.xlsx"
    answer = writer.post(
        reverse("spreadsheets:cascade_import"),
        {"file": good},
        headers={"accept-language": "zh-hans"},
        follow=True,
    ).content.decode()
    assert "1 个指标已放入指标分解" in answer
    # the page's form: a new position indicator under the department's
    writer.post(
        reverse("strategy:cascade"),
        {"code": "X-F-01-FIN-1", "name": "报销差错", "parent": "X-F-01-FIN"},
    )
    placed = IndicatorVersion.objects.get(indicator__code="X-F-01-FIN-1")
    assert placed.parent is not None and placed.parent.code == "X-F-01-FIN"
    refused = writer.post(
        reverse("strategy:cascade"),
        {"code": "X-F-01", "parent": "X-F-01-FIN-1"},
        headers={"accept-language": "zh-hans"},
        follow=True,
    ).content.decode()
    assert "不能在自己之下" in refused
    assert IndicatorVersion.objects.filter(indicator__code="X-F-01").count() == 1


def test_the_cascade_page_and_workbook_cost_the_same_queries_for_more_positions(
    hr: Any, company: SimpleNamespace
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.apps.factories import PositionFactory

    _world(hr, company)
    scheme = Scheme.objects.get(code="T-FIN")
    client = client_for(hr)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("strategy:cascade")).status_code == 200
        with CaptureQueriesContext(connection) as book:
            cascade_workbook()
        return len(page), len(book)

    few = cost()
    for n in range(10):
        position = PositionFactory(unit=company.finance, title=f"岗位{n}")
        scheme_assign(actor=hr, scheme=scheme, position=position)
        indicator_save(actor=hr, code=f"Z-{n}", effective_from=DAY, name=f"指标{n}")
    assert cost() == few
