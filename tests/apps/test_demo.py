"""The demo company loads through the services, scores everyone, and loads once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appraisal, Cycle, Eligibility, GroupInput, Result
from jixiao.appraisals.selectors import appraisal_list, result_list
from jixiao.appraisals.workflow import CycleState
from jixiao.core.models import AuditEvent
from jixiao.demo import company
from jixiao.indicators.models import IndicatorVersion
from jixiao.organization.models import Employee, Unit, UnitKind
from jixiao.schemes.models import AssignmentScope, Scheme, SchemeAssignment

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
    }
    october = Cycle.objects.get(code="TK-2026-10")
    results = Result.objects.select_related("appraisal__cycle")
    assert results.count() == october.appraisals.count() == 57
    assert all(result.total is not None and not result.errors for result in results)
    assert {r.appraisal.cycle for r in results} == {october}
    assert october.state == CycleState.CALIBRATION
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
    for username, _role in company.LOGINS:
        assert f"  {username} " in printed
        assert User.objects.filter(username=username, is_active=True).exists()

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
    staff = Result.objects.filter(appraisal__scheme_version__scheme__code="STAFF-M")
    pools = {g.value: g.amount for g in GroupInput.objects.filter(cycle=october, key="pool")}
    assert set(pools) == {r.appraisal.attributes["level"] for r in staff} == {"员工", "基层"}
    assert {r.grade for r in staff} == {"A", "B", "C", "D", "E"}
    for level, pool in pools.items():
        paid = [r.outcomes["pay"] for r in staff if r.appraisal.attributes["level"] == level]
        assert sum(paid) == pytest.approx(pool)
    assert sum(1 for r in staff if "no_bonus" in r.flags) == 2  # 林涛's leave, 冯刚's loss

    # the warehouse provider: the 3PL KPI scheme, its first month a reference (fee 0)
    provider = Appraisal.objects.get(cycle=october, unit__code=company.PROVIDER)
    assert provider.scheme_version.scheme.code == "3PL-WH"
    assert provider.result.outcomes["fee_deduction"] == 0
    assert provider.result.outcomes["reference_period"] is True
    met = {item["code"]: item["met"] for item in provider.result.data["items"]}
    assert sorted(code for code, ok in met.items() if not ok) == ["KPI-L3-03", "KPI-L3-05"]

    # its contact sees the provider's appraisal, and no result before publication
    contact = User.objects.get(username="wuliu")
    assert list(appraisal_list(visible_to=contact)) == [provider]
    assert not result_list(visible_to=contact).exists()

    # the annual 360: assigned to the company's people, a draft cycle with eligibility
    annual = Cycle.objects.get(code="TK-2026")
    assert annual.state == CycleState.DRAFT and not annual.appraisals.exists()
    assert SchemeAssignment.objects.filter(
        scheme__code="STAFF-360", unit__code="TK", scope=AssignmentScope.MEMBERS
    ).exists()
    eligibility = Eligibility.objects.filter(cycle=annual)
    assert {e.scheme.code for e in eligibility if e.eligible} == {"STAFF-360"}
    assert eligibility.filter(employee__position__tier="middle").count() == 8
