"""KPI design from strategy (issue 15): the map with cause → effect links and no
loops, a fishbone cause turned into a dictionary entry in one step, the coverage
report turning green, the tier policies (each default domain.md §2 gives) and the
check of a form against them, the SMART check, and duties read from pasted text."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.services import indicator_save
from jixiao.organization.models import Tier
from jixiao.schemes.models import SchemeItem
from jixiao.schemes.services import scheme_assign, scheme_save
from jixiao.spreadsheets.readers import SpreadsheetRefused
from jixiao.spreadsheets.strategy import duties_workbook, import_duties
from jixiao.spreadsheets.writers import to_bytes
from jixiao.strategy import services
from jixiao.strategy.models import Duty
from jixiao.strategy.selectors import (
    FormItem,
    coverage,
    form_items,
    policy_problems,
    smart_check,
    tier_policy,
)
from tests.apps.conftest import SCHEME
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("tier", "most", "share"),
    [(Tier.SENIOR, 10, 100), (Tier.MIDDLE, 10, 60), (Tier.JUNIOR, 6, 20), (Tier.STAFF, 6, 0)],
)
def test_the_seeds_defaults_for_each_tier(tier: str, most: int, share: int) -> None:
    policy = tier_policy(tier)
    assert (policy.max_items, policy.min_weight, policy.min_gap) == (most, 5, 5)
    assert (policy.kpi_share, policy.max_work_goals) == (share, 5)
    assert "10" in policy.reason and "5 %" in policy.reason  # the seeds' reason is said


def test_a_form_is_checked_against_its_tier() -> None:
    staff = tier_policy(Tier.STAFF)
    items = [FormItem(f"工作目标{n}", 100 / 7, kpi=False) for n in range(7)]
    problems = policy_problems(staff, items)
    assert any("7" in p and "6" in p for p in problems)  # too many items
    assert any("work goals" in p for p in problems)  # 7 work goals, at most 5
    middle = tier_policy(Tier.MIDDLE)
    items = [FormItem("A", 40, True), FormItem("B", 20, True), FormItem("C", 37, False),
             FormItem("D", 3, False)]  # fmt: skip
    problems = policy_problems(middle, items)
    assert any("「D」" in p and "3" in p for p in problems)  # below 5 %
    assert any("37" in p and "40" in p for p in problems)  # 37 and 40 differ by less than 5
    assert policy_problems(middle, [FormItem("A", 30, True), FormItem("B", 30, True),
                                    FormItem("C", 40, False)]) == []  # fmt: skip


def test_form_items_weigh_in_percent_and_kpis_are_linked_items(hr: Any) -> None:
    version = scheme_save(actor=hr, text=SCHEME)
    items = form_items(version.pk)
    assert [round(i.weight, 2) for i in items] == [50, 25, 25]
    assert not any(i.kpi for i in items)


def test_the_map_refuses_loops_and_only_hr_changes_it(hr: Any, company: SimpleNamespace) -> None:
    growth = services.objective_save(actor=hr, code="F1", name="利润增长", perspective="financial")
    clients = services.objective_save(actor=hr, code="C1", name="客户满意", perspective="customer")
    services.objective_link(actor=hr, cause=clients, effect=growth)
    with pytest.raises(ServiceError, match="利润增长"):
        services.objective_link(actor=hr, cause=growth, effect=clients)
    with pytest.raises(NotAllowed):
        services.objective_save(
            actor=company.manager.user, code="X", name="x", perspective="financial"
        )
    # a link taken back on the map page, audited; then the other way round is allowed
    client = client_for(hr)
    page = client.get("/strategy/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "客户满意 → 利润增长" in page and "删除这条因果关系" in page
    client.post("/strategy/", {"do": "unlink", "cause": clients.pk, "effect": growth.pk})
    assert not clients.causes.exists()
    assert AuditEvent.objects.filter(action="objective.unlinked").exists()
    services.objective_link(actor=hr, cause=growth, effect=clients)
    assert (
        client_for(company.manager.user)
        .post("/strategy/", {"do": "unlink", "cause": growth.pk, "effect": clients.pk})
        .status_code
        == 404
    )
    assert growth.causes.get() == clients


def test_from_fishbone_to_a_green_coverage(hr: Any, company: SimpleNamespace) -> None:
    growth = services.objective_save(actor=hr, code="F1", name="利润增长", perspective="financial")
    factor = services.factor_add(actor=hr, objective=growth, name="成本控制")
    report = coverage()
    assert report.objectives_without_indicators == [growth] and not report.green
    assert report.factors_without_indicators == [factor]
    cause = services.cause_add(
        actor=hr, factor=factor, bone="method", text="预算执行不严", candidate="预算执行偏差率"
    )
    version = services.cause_to_indicator(actor=hr, cause=cause, code="X-F-01", effective_from=DAY)
    assert version.name == "预算执行偏差率" and version.perspective == "financial"
    with pytest.raises(ServiceError):  # one step, once
        services.cause_to_indicator(actor=hr, cause=cause, code="X-F-02")
    report = coverage()
    assert report.objectives_without_indicators == []
    assert report.factors_without_indicators == []
    # a company indicator nobody carries down yet
    assert [i.code for i in report.company_indicators_not_cascaded] == ["X-F-01"]
    indicator_save(
        actor=hr, code="X-F-01-FIN", effective_from=DAY, name="财务部预算偏差率",
        parent=version.indicator,
    )  # fmt: skip
    # a department form with an item outside the cascade, then linked
    version_doc = scheme_save(actor=hr, text=SCHEME)
    scheme_assign(actor=hr, scheme=version_doc.scheme, position=company.manager_position)
    report = coverage()
    assert report.company_indicators_not_cascaded == []
    assert any(item == "预算执行偏差率" for _p, item in report.items_outside_the_cascade)
    linked = SCHEME.replace(
        "        source: 财务部\n", "        source: 财务部\n        indicator: X-F-01-FIN\n"
    )
    for name in ("部门管理", "内部控制管理"):
        linked = linked.replace(
            f"      - name: {name}\n", f"      - name: {name}\n        indicator: X-F-01-FIN\n"
        )
    scheme_save(actor=hr, text=linked)
    report = coverage()
    assert report.items_outside_the_cascade == []
    assert report.green, report


def test_the_smart_check(hr: Any) -> None:
    version = indicator_save(actor=hr, code="X-C-01", effective_from=DAY, name="客户投诉次数")
    lines = {line.letter: line for line in smart_check(version)}
    assert not lines["S"].ok and lines["S"].missing == ["definition", "formula"]
    assert not lines["R"].ok
    full: IndicatorVersion = indicator_save(
        actor=hr, code="X-C-01", effective_from=datetime.date(2026, 2, 1), name="客户投诉次数",
        definition="有效客户投诉的次数", formula="投诉登记表中有效投诉的条数", data_source="客服部",
        unit="次", statistical_period="月", polarity="lower",
    )  # fmt: skip
    clients = services.objective_save(actor=hr, code="C1", name="客户满意", perspective="customer")
    services.indicator_link(actor=hr, indicator=full.indicator, objective=clients)
    lines = {line.letter: line for line in smart_check(full)}
    assert lines["S"].ok and lines["M"].ok and lines["R"].ok and lines["T"].ok
    assert not lines["A"].ok  # no form uses it yet: no history


def test_duties_from_the_pasted_job_description(hr: Any, company: SimpleNamespace) -> None:
    text = """岗位职责：
1、负责公司年度财务预算的编制，
并监控执行；工作标准：预算偏差率≤5%
2. 组织月度结账与报表编制
工作标准：每月5日前完成
（3）审核费用报销
四、完成领导交办的其他工作"""
    duties = services.duties_import(actor=hr, position=company.manager_position, text=text)
    assert [(d.order, d.duty, d.standard) for d in duties] == [
        (1, "岗位职责：", ""),
        (2, "负责公司年度财务预算的编制，并监控执行", "预算偏差率≤5%"),
        (3, "组织月度结账与报表编制", "每月5日前完成"),
        (4, "审核费用报销", ""),
        (5, "完成领导交办的其他工作", ""),
    ]
    with pytest.raises(ServiceError):
        services.duties_import(actor=hr, position=company.manager_position, text="  \n ")
    assert len(coverage().duties_unmeasured) == 5


def test_items_no_duty_calls_for(hr: Any, company: SimpleNamespace) -> None:
    """Of a position whose duties are written, the items of its form whose indicator
    measures none of them; a position without duties is not listed."""
    budget = indicator_save(actor=hr, code="X-F-01", effective_from=DAY, name="预算偏差率")
    linked = SCHEME.replace(
        "        source: 财务部\n", "        source: 财务部\n        indicator: X-F-01\n"
    )
    scheme = scheme_save(actor=hr, text=linked).scheme
    scheme_assign(actor=hr, scheme=scheme, position=company.manager_position)
    assert coverage().items_no_duty_calls_for == []  # no duties written yet
    (duty, _other) = services.duties_import(
        actor=hr, position=company.manager_position, text="1、编制预算\n2、审核报销"
    )
    report = coverage()
    assert report.items_no_duty_calls_for == [
        ("财务部经理", "预算执行偏差率"),
        ("财务部经理", "部门管理"),
        ("财务部经理", "内部控制管理"),
    ]
    services.indicator_link(actor=hr, indicator=budget.indicator, duty=duty)
    report = coverage()
    assert [item for _p, item in report.items_no_duty_calls_for] == ["部门管理", "内部控制管理"]
    assert not report.green
    page = client_for(hr).get("/strategy/coverage/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    listed = page.content.decode().split('id="coverage-no-duty"')[1].split("</ul>")[0]
    assert "没有岗位职责要求的考核项目" in page.content.decode() and "部门管理" in listed
    # the position's duties page: each duty with the items measuring it, and the rest
    duties = (
        client_for(hr)
        .get(
            f"/strategy/positions/{company.manager_position.pk}/duties/",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        .content.decode()
    )
    cells = [
        cell.split("</td>")[0].split("<details>")[0].strip()
        for cell in duties.split('class="duty-items">')[1:]
    ]
    assert cells == ["预算执行偏差率", "—"]
    uncalled = duties.split('id="duties-uncalled">')[1].split("</p>")[0]
    assert "没有岗位职责要求的项目" in uncalled and "部门管理、内部控制管理" in uncalled


def test_the_fishbone_is_drawn(hr: Any) -> None:
    """The six usual bones, named in Chinese, each cause written along its bone with
    the indicator it became; 其他 only once used."""
    growth = services.objective_save(actor=hr, code="F1", name="利润增长", perspective="financial")
    factor = services.factor_add(actor=hr, objective=growth, name="成本控制")
    cause = services.cause_add(
        actor=hr, factor=factor, bone="method", text="预算执行不严", candidate="预算执行偏差率"
    )
    services.cause_to_indicator(actor=hr, cause=cause, code="X-F-01", effective_from=DAY)
    page = client_for(hr).get(f"/strategy/objectives/{growth.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    drawing = page.content.decode().split('<svg class="fishbone"')[1].split("</svg>")[0]
    for bone in ("人", "机", "料", "法", "环", "测"):
        assert f'font-weight="bold" fill="#3c6e9f">{bone}</text>' in drawing
    assert "其他" not in drawing
    assert "预算执行不严 · X-F-01" in drawing and "成本控制" in drawing
    services.cause_add(actor=hr, factor=factor, bone="other", text="汇率")
    page = client_for(hr).get(f"/strategy/objectives/{growth.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ">其他</text>" in page.content.decode()


def test_the_pages_in_chinese(hr: Any, company: SimpleNamespace) -> None:
    client = client_for(hr)
    client.post("/strategy/", {"code": "F1", "name": "利润增长", "perspective": "financial"})
    client.post("/strategy/", {"code": "C1", "name": "客户满意", "perspective": "customer"})
    page = client.get("/strategy/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "战略地图" in page and "利润增长" in page and "<svg" in page
    for url in ("/strategy/coverage/", "/strategy/policies/",
                f"/strategy/positions/{company.manager_position.pk}/duties/"):  # fmt: skip
        answer = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert answer.status_code == 200, url
    assert client_for(company.manager.user).get("/strategy/").status_code == 404


def test_assigning_a_form_to_a_tier_says_what_breaks_its_policy(
    hr: Any, company: SimpleNamespace
) -> None:
    """The 会计 position is staff: at most 6 items, work goals only (0/100) — T-FIN's
    items are not linked to the dictionary, so they are work goals: 3 ≤ 5, fine; a
    middle manager's form should be 60 % KPIs."""
    version = scheme_save(actor=hr, text=SCHEME)
    client = client_for(hr)
    answer = client.post(
        f"/hr/designer/{version.scheme.code}/assign/",
        {"target": f"position:{company.manager_position.pk}"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    text = answer.content.decode()
    assert "KPI 占考核表的 0%：中层管理的比例应为 60/40" in text
    page = client.get(f"/hr/schemes/{version.scheme.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "KPI 占考核表的 0%" in page.content.decode()
    staff = client.post(
        f"/hr/designer/{version.scheme.code}/assign/",
        {"target": f"position:{company.clerk_position.pk}"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    ).content.decode()
    assert "员工的比例应为" not in staff  # 0/100 for staff: all work goals is right


def test_the_designer_says_what_the_form_breaks_of_its_positions_tier(
    hr: Any, company: SimpleNamespace
) -> None:
    """Editing a form the middle manager's position uses, the designer says the middle
    tier's policy and what the form breaks of it, with the seeds' reason; the change
    being made is what is checked (the text posted, before it is saved)."""
    version = scheme_save(actor=hr, text=SCHEME)
    client = client_for(hr)
    page = client.get("/hr/designer/T-FIN/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "designer-tier-policy" not in page  # used by no position yet
    scheme_assign(actor=hr, scheme=version.scheme, position=company.manager_position)
    page = client.get("/hr/designer/T-FIN/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    policy = page.split("designer-tier-policy")[1].split("</div>")[0]
    assert "中层管理" in policy
    assert "KPI 占考核表的 0%：中层管理的比例应为 60/40" in policy
    assert "依据（资料二）" in policy  # the seeds' reason, in Chinese
    # the staff tier (0/100) has nothing to say about the same form
    staff = scheme_save(actor=hr, text=SCHEME.replace("code: T-FIN", "code: T-STAFF"))
    scheme_assign(actor=hr, scheme=staff.scheme, position=company.clerk_position)
    page = client.get("/hr/designer/T-STAFF/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "designer-tier-policy" not in page


def test_the_cascade_tree(hr: Any, company: SimpleNamespace) -> None:
    from jixiao.strategy.selectors import cascade

    growth = services.objective_save(actor=hr, code="F1", name="利润增长", perspective="financial")
    top = indicator_save(actor=hr, code="X-F-01", effective_from=DAY, name="利润总额")
    services.indicator_link(actor=hr, indicator=top.indicator, objective=growth)
    dept = indicator_save(
        actor=hr, code="X-F-01-FIN", effective_from=DAY, name="财务部费用控制", parent=top.indicator
    )
    indicator_save(
        actor=hr, code="X-F-01-FIN-1", effective_from=DAY, name="报销差错", parent=dept.indicator
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
    roots = cascade()
    assert [r.indicator.code for r in roots] == ["X-F-01", "Y-1"]
    (child,) = roots[0].children
    assert roots[0].objectives == ["利润增长"]
    assert child.indicator.code == "X-F-01-FIN" and child.positions == ["财务部经理"]
    assert [c.indicator.code for c in child.children] == ["X-F-01-FIN-1"]
    page = client_for(hr).get("/strategy/cascade/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "X-F-01-FIN-1" in page and "利润增长" in page


def test_the_coverage_report_costs_the_same_queries_for_more_positions(
    hr: Any, company: SimpleNamespace
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.apps.factories import PositionFactory

    version = scheme_save(actor=hr, text=SCHEME)
    scheme_assign(actor=hr, scheme=version.scheme, position=company.manager_position)
    with CaptureQueriesContext(connection) as few:
        coverage()
    for _ in range(10):
        scheme_assign(
            actor=hr, scheme=version.scheme, position=PositionFactory(unit=company.finance)
        )
    with CaptureQueriesContext(connection) as many:
        report = coverage()
    assert len(many) == len(few)
    assert len(report.items_outside_the_cascade) == 33  # 3 items × 11 positions


def test_a_duty_is_measured_by_an_item_of_the_form_directly(
    hr: Any, company: SimpleNamespace
) -> None:
    """An item with no indicator (部门管理) can measure a duty: linked on the duties page,
    it counts in the coverage both ways, goes out to Excel and comes back; a code the
    position's form lacks is refused in words, in the page and in the workbook."""
    scheme = scheme_save(actor=hr, text=SCHEME).scheme
    scheme_assign(actor=hr, scheme=scheme, position=company.manager_position)
    position = company.manager_position
    (_budget, review) = services.duties_import(
        actor=hr, position=position, text="1、编制预算\n2、督办部门日常管理"
    )
    code = SchemeItem.objects.get(version__scheme=scheme, name="部门管理").code
    assert review in coverage().duties_unmeasured

    url = f"/strategy/positions/{position.pk}/duties/"
    client = client_for(hr)
    client.post(url, {"do": "items", "duty": review.pk, "items": [code]})
    review.refresh_from_db()
    assert review.items == [code]
    report = coverage()
    assert review not in report.duties_unmeasured
    assert "部门管理" not in [item for _p, item in report.items_no_duty_calls_for]
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cells = [cell.split("<details>")[0].strip() for cell in page.split('class="duty-items">')[1:]]
    assert cells == ["—", "部门管理"]
    event = AuditEvent.objects.get(action="duty.items_set")
    assert event.after == {"items": ["部门管理"]}

    refused = client.post(
        url,
        {"do": "items", "duty": review.pk, "items": ["NOPE"]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert "岗位的考核表中没有考核项目 NOPE" in refused.content.decode()
    review.refresh_from_db()
    assert review.items == [code]

    data = to_bytes(duties_workbook(position))
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["岗位职责"].iter_rows(values_only=True))
    assert rows[0][-1] == "考核项目编码" and rows[2][-1] == code
    Duty.objects.filter(position=position).delete()
    assert import_duties(file=data, actor=hr, position=position) == 2
    assert Duty.objects.get(position=position, order=2).items == [code]
    sheet = openpyxl.load_workbook(io.BytesIO(to_bytes(duties_workbook(position))))
    sheet["岗位职责"]["F3"] = "NOPE"
    out = io.BytesIO()
    sheet.save(out)
    with pytest.raises(SpreadsheetRefused) as wrong:
        import_duties(file=out.getvalue(), actor=hr, position=position)
    assert "岗位职责!F3" in str(wrong.value.message)
