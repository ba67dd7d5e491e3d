"""The demo company loads through the services, scores everyone, and loads once: three
monthly cycles (August published and closed, September published, October waiting
for calibration) and the annual 360 as a draft."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appraisal, Cycle, Eligibility, GroupInput, Result
from jixiao.appraisals.selectors import appraisal_list, result_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.models import AuditEvent
from jixiao.demo import company
from jixiao.indicators.models import IndicatorVersion
from jixiao.organization.models import Employee, Unit, UnitKind
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import AssignmentScope, Scheme, SchemeAssignment
from jixiao.scoring import facts_from_data, score_periods

pytestmark = pytest.mark.django_db

MANAGER_SCHEMES = {
    "FIN-MGR",
    "ADM-MGR",
    "HR-MGR",
    "MKT-MGR",
    "ENG-MGR",
    "QA-MGR",
    "PRD-MGR",
    "PUR-MGR",
}
MONTHS = ["TK-2026-08", "TK-2026-09", "TK-2026-10"]
DEPARTMENTS = {  # as the issue names them
    "财务部",
    "行政部",
    "人力资源部",
    "营销部",
    "技术工程部",
    "质量保障部",
    "生产部",
    "采购部",
}


def load() -> str:
    out = StringIO()
    call_command("demo_company", stdout=out)
    return out.getvalue()


def test_the_demo_company_is_loaded_scored_and_loaded_once() -> None:
    printed = load()

    assert set(Scheme.objects.values_list("code", flat=True)) == MANAGER_SCHEMES | {
        "STAFF-M",
        "STAFF-360",
        "3PL-WH",
        "PRD-MGR-KF",  # the production manager's 扣分制 form (seed 001), not assigned
    }
    october = Cycle.objects.get(code="TK-2026-10")
    results = Result.objects.select_related("appraisal__cycle")
    assert results.filter(appraisal__cycle=october).count() == october.appraisals.count() == 57
    assert results.count() == Appraisal.objects.count() == 58 + 58 + 57
    assert all(result.total is not None and not result.errors for result in results)
    assert {r.appraisal.cycle.code for r in results} == set(MONTHS)
    assert october.state == CycleState.CALIBRATION
    assert not results.filter(appraisal__cycle=october, frozen_at__isnull=False).exists()
    excluded = {
        e.employee.number: [r["code"] for r in e.reasons]
        for e in Eligibility.objects.filter(cycle=october).select_related("employee")
        if not e.eligible
    }
    assert excluded == {
        "T1304": ["joined_after_start"],
        "T1613": ["left_before_appraisal"],
        "T1622": ["long_absence"],
    }
    assert IndicatorVersion.objects.filter(incomplete=True).count() >= 3
    assert "jixiao-demo" in printed
    for name in ("2026年8月月度考核", "2026年9月月度考核", "2026年10月月度考核"):
        assert f"cycle {name}: " in printed
    for username, _role in company.LOGINS:
        assert f"  {username} " in printed
        assert User.objects.get(username=username, is_active=True).check_password(company.PASSWORD)

    events = AuditEvent.objects.count()
    assert "already loaded" in load()
    assert AuditEvent.objects.count() == events


def test_a_group_a_company_its_departments_and_about_sixty_people() -> None:
    load()

    group = Unit.objects.get(kind=UnitKind.GROUP)
    assert Unit.objects.get(kind=UnitKind.COMPANY).parent == group
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT).exclude(code="TK-GM")
    assert set(departments.values_list("name", flat=True)) == DEPARTMENTS
    staff = Employee.objects.exclude(unit__kind=UnitKind.PROVIDER)
    assert 55 <= staff.count() <= 65
    assert list(staff.filter(supervisor__isnull=True).values_list("number", flat=True)) == [
        "T0001"  # the general manager
    ]
    for department in departments:
        people = Employee.objects.filter(unit__in=[department, *department.children.all()])
        tiers = Counter(people.values_list("position__tier", flat=True))
        assert tiers["middle"] == 1, department  # its manager
        assert tiers["staff"] >= 3, department
        manager = people.get(position__tier="middle")
        assert manager.position.default_scheme is not None  # the department's manager form


def test_the_staff_form_the_provider_and_the_annual_360() -> None:
    load()
    october = Cycle.objects.get(code="TK-2026-10")

    # the staff: forced distribution and pay pool per level, everyone scored
    staff = Result.objects.filter(
        appraisal__cycle=october, appraisal__scheme_version__scheme__code="STAFF-M"
    )
    pools = {g.value: g.amount for g in GroupInput.objects.filter(cycle=october, key="pool")}
    assert set(pools) == {r.appraisal.attributes["level"] for r in staff} == {"员工", "基层"}
    assert {r.grade for r in staff} == {"A", "B", "C", "D", "E"}
    for level, pool in pools.items():
        paid = [r.outcomes["pay"] for r in staff if r.appraisal.attributes["level"] == level]
        assert sum(paid) == pytest.approx(pool)
    assert sum(1 for r in staff if "no_bonus" in r.flags) == 2  # 林涛's leave, 冯刚's loss

    # the warehouse provider: the 3PL KPI scheme, its third month (the contract started
    # in August, its adaptation month): no fee withheld
    provider = Appraisal.objects.get(cycle=october, unit__code=company.PROVIDER)
    assert provider.scheme_version.scheme.code == "3PL-WH"
    assert provider.result.outcomes["fee_deduction"] == 0
    assert provider.result.outcomes["reference_period"] is False
    met = {item["code"]: item["met"] for item in provider.result.data["items"]}
    assert sorted(code for code, ok in met.items() if not ok) == ["KPI-L3-03", "KPI-L3-05"]

    # its contact sees the provider's appraisals, and the results once published
    contact = User.objects.get(username="wuliu")
    provider_appraisals = Appraisal.objects.filter(unit__code=company.PROVIDER)
    assert list(appraisal_list(visible_to=contact)) == list(provider_appraisals.order_by("cycle"))
    assert sorted(r.appraisal.cycle.code for r in result_list(visible_to=contact)) == MONTHS[:2]

    # the annual 360: assigned to the company's people, a draft cycle with eligibility
    annual = Cycle.objects.get(code="TK-2026")
    assert annual.state == CycleState.DRAFT and not annual.appraisals.exists()
    assert SchemeAssignment.objects.filter(
        scheme__code="STAFF-360", unit__code="TK", scope=AssignmentScope.MEMBERS
    ).exists()
    eligibility = Eligibility.objects.filter(cycle=annual)
    assert {e.scheme.code for e in eligibility if e.eligible} == {"STAFF-360"}
    assert eligibility.filter(employee__position__tier="middle").count() == 8


def test_the_months_before_october_published_closed_and_their_history() -> None:
    load()
    august, september = (Cycle.objects.get(code=code) for code in MONTHS[:2])
    assert (august.name, september.name) == ("2026年8月月度考核", "2026年9月月度考核")
    assert (august.period, september.period) == ("2026-08", "2026-09")

    # August closed, September published: everyone scored, the results frozen
    for cycle, state, appraisal_state in (
        (august, CycleState.CLOSED, AppraisalState.CLOSED),
        (september, CycleState.PUBLISHED, AppraisalState.PUBLISHED),
    ):
        assert cycle.state == state
        assert cycle.deadlines.get(stage="targets").due == cycle.start.replace(day=5)
        assert cycle.deadlines.get(stage="collecting").due == cycle.end
        appraisals = cycle.appraisals.select_related("result", "employee")
        assert appraisals.count() == 58
        appealed = {a.employee.number for a in appraisals if a.state == AppraisalState.APPEALED}
        assert appealed == (set() if cycle == august else {"T1002"})  # 李强's appeal waits
        assert {a.state for a in appraisals} - {AppraisalState.APPEALED} == {appraisal_state}
        assert all(
            a.result.total is not None and not a.result.errors and a.result.frozen
            for a in appraisals
        )
        # eligibility from the data: 高远 and 沈浩 joined in October (not candidates),
        # 彭辉 left in October and 傅斌's sick leave began on 24 September (both in)
        numbers = set(cycle.eligibilities.values_list("employee__number", flat=True))
        assert not {"T1304", "T1623"} & numbers
        assert {"T1613", "T1622"} <= set(appraisals.values_list("employee__number", flat=True))
        assert all(e.eligible for e in cycle.eligibilities.all())
        staff = [a.result for a in appraisals if a.scheme_version.scheme.code == "STAFF-M"]
        pools = {g.value: g.amount for g in GroupInput.objects.filter(cycle=cycle, key="pool")}
        for level, pool in pools.items():
            paid = [r.outcomes["pay"] for r in staff if r.appraisal.attributes["level"] == level]
            assert sum(paid) == pytest.approx(pool)
    # the gate: 陆海波's loss in August; 孙志刚's leave and 严秀英's loss in September
    no_bonus = {
        (r.appraisal.cycle.code, r.appraisal.employee.number)
        for r in Result.objects.select_related("appraisal__employee", "appraisal__cycle")
        if "no_bonus" in r.flags and r.appraisal.cycle.code != "TK-2026-10"
    }
    assert no_bonus == {("TK-2026-08", "T1625"), ("TK-2026-09", "T1105"), ("TK-2026-09", "T1712")}

    # an employee's history over the cycles: 李强 sees the published months, HR all three
    liqiang = User.objects.get(username="liqiang")
    hr = User.objects.get(username="hr")
    mine = result_list(visible_to=liqiang).filter(appraisal__employee=liqiang.employee)
    everything = result_list(visible_to=hr).filter(appraisal__employee=liqiang.employee)
    assert sorted(r.appraisal.cycle.code for r in mine) == MONTHS[:2]
    totals = [r.total for r in everything.order_by("appraisal__cycle__start")]
    assert len(totals) == 3 and all(total is not None for total in totals)
    assert totals == sorted(totals)  # 90, 94, 95

    # the story: 生产部 improves, 营销部 slips (mean total per department)
    def mean(department: str, code: str) -> float:
        found = [
            r.total
            for r in Result.objects.filter(appraisal__cycle__code=code)
            if r.appraisal.attributes["department"] == department and r.total is not None
        ]
        return sum(found) / len(found)

    production = [mean("生产部", code) for code in MONTHS]
    marketing = [mean("营销部", code) for code in MONTHS]
    assert production == sorted(production) and production[2] - production[0] > 5
    assert marketing == sorted(marketing, reverse=True) and marketing[0] - marketing[2] > 5

    # 魏小红: a low grade in August, her interview and improvement plan, then better
    wei = Appraisal.objects.filter(employee__number="T1505").order_by("cycle__start")
    assert [a.result.grade for a in wei] == ["D", "C", "B"]
    assert wei[0].interview.recorded_by.username == "sunli"
    assert wei[0].improvement_plan.review_on.month == 9

    # the provider: its contract started in August (an adaptation month); each month's
    # result counts the contract over the months so far (§12)
    provider = list(
        Result.objects.filter(appraisal__unit__code=company.PROVIDER)
        .select_related("scheme_version")
        .order_by("appraisal__cycle__start")
    )
    outcomes = [r.outcomes for r in provider]
    assert [r.facts["appraisee"]["attributes"]["since"] for r in provider] == ["2026-08"] * 3
    assert [o["reference_period"] for o in outcomes] == [True, False, False]
    assert [o["fee_deduction"] for o in outcomes] == [0, 0.05, 0]  # September under 80
    assert [o["failed_items"] for o in outcomes] == [4, 3, 2]
    # 3 failed once: no 解约权; the damages since the adaptation month, 2 in September
    # and 2 in October, reach the contract's 3 (累计货损解约权, v1.1) in October
    assert [o["triggers"] for o in outcomes] == [[], [], ["累计货损解约权"]]
    assert outcomes[2]["trigger_periods"] == {"累计货损解约权": ["2026-09", "2026-10"]}
    assert [len(r.facts.get("history", [])) for r in provider] == [0, 1, 2]
    # the same as the three months scored as one series, as `jixiao score` would
    series = {
        "periods": [
            {"period": r.facts["period"], "appraisees": [r.facts["appraisee"]]} for r in provider
        ]
    }
    runs = score_periods(engine_scheme(provider[-1].scheme_version), facts_from_data(series))
    assert [run.result(0)["outcomes"] for run in runs] == outcomes
    assert [run.result(0)["total"] for run in runs] == [r.data["total"] for r in provider]


def test_the_demo_strategy_map_its_factors_and_duties() -> None:
    from jixiao.strategy.models import Duty, Objective, SuccessFactor
    from jixiao.strategy.selectors import coverage

    load()
    assert Objective.objects.count() == 6
    assert set(Objective.objects.values_list("perspective", flat=True)) == {
        "financial",
        "customer",
        "internal",
        "learning",
    }
    growth = Objective.objects.get(code="S-F1")
    assert set(growth.caused_by.values_list("code", flat=True)) == {"S-C1", "S-F2"}
    assert SuccessFactor.objects.count() == 2
    duties = list(Duty.objects.filter(position__code="FIN-MGR"))
    assert len(duties) == 4 and duties[0].standard == "部门预算偏差率不超过5%"
    report = coverage()
    assert report.objectives_without_indicators == []
    assert report.factors_without_indicators == []


def test_the_demo_cascade_and_the_starter_library() -> None:
    """Company indicators under the objectives, department indicators under them, the
    managers' forms using those; the coverage report says what is still outside; the
    rest of seed 004's manual is in the dictionary as the starter library, the demo's
    own B-F-01, C-F-01, C-F-02 left as the company answered them."""
    from jixiao.indicators.models import Indicator
    from jixiao.spreadsheets.cascade import cascade_workbook
    from jixiao.spreadsheets.writers import to_bytes
    from jixiao.strategy.library import LIBRARY
    from jixiao.strategy.models import Duty
    from jixiao.strategy.selectors import cascade, coverage, in_cascade

    load()
    roots = {node.indicator.code: node for node in cascade() if in_cascade(node)}
    serving = {code for code, node in roots.items() if node.objectives}
    assert serving == {"X-F-05", "B-F-01", "C-F-02", "X-C-01", "J-P-01", "TK-P-05", "TK-L-03"}
    assert not roots["TK-P-01"].objectives  # 部门管理: on every form, serving no objective
    costs = roots["B-F-01"]
    assert costs.objectives == ["成本领先"]
    under = {child.indicator.code: child for child in costs.children}
    assert set(under) == {"TK-F-01", "TK-F-03", "TK-F-05", "TK-F-07"}
    assert {"财务部经理", "行政部经理", "质量保障部经理"} <= set(under["TK-F-01"].positions)
    assert under["TK-F-05"].positions == ["生产部经理"]
    # every department's manager form uses an indicator of the cascade
    carried = {p for root in roots.values() for child in root.children for p in child.positions}
    assert {f"{name}经理" for name in DEPARTMENTS} <= carried
    report = coverage()
    assert report.company_indicators_not_cascaded == []
    assert report.objectives_without_indicators == [] and not report.green
    outside = {item for _position, item in report.items_outside_the_cascade}
    assert "部门管理" in outside  # measured by an indicator that serves no objective
    assert "预算执行偏差率" not in outside
    assert [d.duty for d in report.duties_unmeasured] == ["完成领导交办的其他工作"]
    assert Duty.objects.filter(position__code="PRD-MGR", indicators__code="TK-P-05").exists()
    # the starter library: all 80 of seed 004's codes, the demo's own three untouched
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {entry.code for entry in LIBRARY} <= codes
    assert IndicatorVersion.objects.get(indicator__code="B-F-01").data_auditor == "财务总监"
    # and the cascade goes out to Excel with its rows
    sheet = to_bytes(cascade_workbook())
    assert sheet[:2] == b"PK"


def test_the_annual_cycle_rolls_up_the_published_months() -> None:
    """The 2026 annual form takes 40% from the mean of the year's published monthly
    totals (v1.1 §15): opened, each appraisee's result says which months it used."""
    from jixiao.appraisals import services as appraisal_services

    load()
    hr = User.objects.get(username="hr")
    annual = Cycle.objects.get(code="TK-2026")
    appraisal_services.cycle_open(cycle=annual, actor=hr)
    employee = (
        Result.objects.filter(
            appraisal__cycle__code="TK-2026-09", appraisal__employee__isnull=False
        )
        .values_list("appraisal__employee", flat=True)
        .first()
    )
    appraisal = Appraisal.objects.get(cycle=annual, employee=employee)
    result = Result.objects.get(appraisal=appraisal)
    used = result.facts["rollup"]["monthly_totals"]
    months = {Result.objects.get(pk=one["result"]).appraisal.cycle.code for one in used}
    assert months <= {"TK-2026-08", "TK-2026-09"} and "TK-2026-09" in months
    values = [one["value"] for one in used]
    item = next(i for i in result.data["items"] if i["name"] == "月度考核平均分")
    assert item["score"] == pytest.approx(sum(values) / len(values))


# -- what the guide shows: 自评, an appeal for HR, each role's home (issue 13) ----------
def _home(username: str, url: str = "/") -> str:
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, (username, url)
    text = response.content.decode()
    assert text.count('name="language"') == 1, "one language selector, in the header"
    return text


def _section(text: str, marker: str) -> str:
    assert marker in text, marker
    return text.split(marker, 1)[1].split("</section>", 1)[0]


def test_the_staff_assess_themselves_and_an_appeal_waits_for_hr() -> None:
    from jixiao.appraisals.models import Appeal, Rating
    from jixiao.appraisals.workflow import AppealState

    load()
    for code in MONTHS:
        staff = Appraisal.objects.filter(
            cycle__code=code, scheme_version__scheme__code="STAFF-M"
        ).select_related("result", "employee")
        own = Rating.objects.filter(appraisal__in=staff, role="self")
        assert own.count() == 10 * staff.count() > 0, code  # ten items each
        # 自评 is for reference (weight 0): each item's score is the supervisor's
        appraisal = staff.get(employee__number="T1002")
        scores = {f.item: f.value for f in appraisal.facts.filter(kind="score")} or {
            i["code"]: i["score"] for i in appraisal.result.data["items"]
        }
        for item in appraisal.result.data["items"]:
            assert item["score"] == pytest.approx(scores[item["code"]])
    # 李强's own account gave his; HR entered the paper forms of those without one
    liqiang = User.objects.get(username="liqiang")
    assert Rating.objects.filter(role="self", appraisal__employee__user=liqiang).count() == 30
    assert set(
        Rating.objects.filter(role="self", appraisal__employee__user=liqiang).values_list(
            "recorded_by__username", flat=True
        )
    ) <= {"liqiang"}

    appeal = Appeal.objects.get()
    assert appeal.state == AppealState.RECEIVED and appeal.filed_by == liqiang
    assert (appeal.appraisal.cycle.code, appeal.item) == ("TK-2026-09", "工作效率")
    assert appeal.appraisal.state == AppraisalState.APPEALED
    waiting = _section(_home("hr", "/hr/"), 'id="appeals-due"')
    assert "李强" in waiting and f"/appeals/{appeal.pk}/" in waiting


def test_each_roles_home_says_what_to_do_next() -> None:
    load()
    # HR: cycles by stage, completion bars, overdue work by unit
    hr = _home("hr", "/hr/")
    stages = _section(hr, 'id="stages"') if "<section" in hr else hr
    assert "草稿" in stages and "校准" in stages and "已公示" in stages
    assert 'class="meter small' in hr and 'id="overdue-units"' in hr

    # the general manager: the October calibration due, and his team by state
    gm = _home("zongjingli")
    calibrations = _section(gm, 'id="calibrations"')
    october = Cycle.objects.get(code="TK-2026-10")
    assert "2026年10月月度考核" in calibrations
    assert f"/hr/cycles/{october.pk}/calibration/" in calibrations
    team = _section(gm, 'id="team-states"')
    assert "2026年10月月度考核" in team and "校准" in team and 'class="meter' in team

    # a department manager: the interviews to hold, one click away from the team's states
    manager = _section(_home("zhangmin"), 'id="team-states"')
    assert "/waiting/interviews/" in manager and "去处理" in manager

    # the employee and data owner: the next step, the last result, the history chart
    employee = _home("liqiang")
    step = _section(employee, 'id="next-step"')
    assert "2026年10月月度考核" in step and 'aria-current="step"' in step
    last = _section(employee, 'id="last-result"')
    assert "2026年9月月度考核" in last and "<polyline" in last
    assert last.count("<circle") == 2  # August and September, published
    data = _section(employee, 'id="data-items"')
    assert "预算执行偏差率" in data and "5 / 5" in data and "100%" in data

    # the provider's contact: its contract months as a table and a chart
    provider = _home("wuliu")
    months = _section(provider, 'id="contract-months"')
    assert months.count("<rect") == 2  # August and September, published
    rows = months.split("<tbody>", 1)[1]
    assert rows.count("<tr>") == 2 and "适应期" in rows and "5%" in rows
    assert "服务费扣减" in months and "达标KPI数" in months and "未达标KPI数" in months


def test_the_providers_contact_acknowledges_targets_and_appeals() -> None:
    """wuliu stands for the provider: acknowledges its targets and appeals its result."""
    from django.test import Client

    from jixiao.appraisals import services
    from jixiao.appraisals.models import Appeal
    from jixiao.schemes.models import Scheme

    load()
    hr = User.objects.get(username="hr")
    wuliu = User.objects.get(username="wuliu")
    provider = Unit.objects.get(code=company.PROVIDER)
    november = services.cycle_create(
        actor=hr, code="TK-2026-11", name="2026年11月月度考核", period_kind="month",
        period="2026-11",
    )  # fmt: skip
    services.cycle_add_scheme(cycle=november, scheme=Scheme.objects.get(code="3PL-WH"), actor=hr)
    services.population_rule_add(cycle=november, actor=hr, kind="provider", unit=provider)
    services.cycle_eligibility_compute(cycle=november, actor=hr)
    services.cycle_open(cycle=november, actor=hr)
    appraisal = Appraisal.objects.get(cycle=november, unit=provider)
    services.targets_sign(appraisal=appraisal, actor=hr)

    step = _section(_home("wuliu"), 'id="next-step"')
    assert "2026年11月月度考核" in step and f"/appraisals/{appraisal.pk}/targets/" in step
    assert "请查看并确认公司已签署的目标" in step
    services.targets_acknowledge(appraisal=appraisal, actor=wuliu)
    appraisal.refresh_from_db()
    assert appraisal.state == AppraisalState.COLLECTING

    september = Appraisal.objects.get(cycle__code="TK-2026-09", unit=provider)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(wuliu)
    page = client.get(f"/appraisals/{september.pk}/result/").content.decode()
    assert f"/appraisals/{september.pk}/appeal/" in page  # the appeal form
    response = client.post(
        f"/appraisals/{september.pk}/appeal/", {"item": "", "reason": "9月货损系承运商责任"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(appraisal=september)
    assert appeal.filed_by == wuliu


def test_the_exports_put_units_in_the_headings_and_keep_numbers() -> None:
    """绩效工资（元） heads a column of numbers in the CSV and in Excel; the result page
    says ¥ (issue 13: the CSV showed 4666.6667 with no unit)."""
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from jixiao.spreadsheets.results import results_workbook
    from tests.apps.test_jobs_exports import exported_csv

    load()
    september = Cycle.objects.get(code="TK-2026-09")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username="hr"))
    rows = exported_csv(client, september)
    header = rows[0]
    assert "绩效工资（元）" in header and "pay amount" not in header
    pay = header.index("绩效工资（元）")
    paid = [row[pay] for row in rows[1:] if row[pay]]
    assert paid and all(float(cell) == round(float(cell), 2) for cell in paid)  # to the fen
    assert not any("no_bonus" in cell for row in rows for cell in row)  # flags in words
    assert any("不发奖金" in cell for row in rows[1:] for cell in row)

    appraisals = list(
        Appraisal.objects.filter(cycle=september).select_related("result").order_by("pk")
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        workbook = results_workbook(appraisals)
    staff = workbook["STAFF-M"]
    heading = [cell.value for cell in staff[1]]
    assert "绩效工资（元）" in heading and not any(str(h).startswith("outcome:") for h in heading)
    column = heading.index("绩效工资（元）") + 1
    values = [staff.cell(row=r, column=column).value for r in range(2, staff.max_row + 1)]
    assert values and all(isinstance(v, int | float) for v in values if v is not None)
    provider = workbook["3PL-WH"]
    heading = [cell.value for cell in provider[1]]
    assert "服务费扣减比例（%）" in heading
    fee = provider.cell(row=2, column=heading.index("服务费扣减比例（%）") + 1).value
    assert fee == 5  # September withholds 5 %
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert load_workbook(buffer)  # a workbook Excel opens

    result = Appraisal.objects.get(cycle=september, employee__number="T1002")
    text = client.get(f"/appraisals/{result.pk}/result/").content.decode()
    assert "¥" in text
