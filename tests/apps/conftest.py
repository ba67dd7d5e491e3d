"""Fixtures for the database tests: a small company with a finance department,
a scheme for it, and a cycle (draft or open)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.organization.models import Tier, UnitKind
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_assign, scheme_save
from tests.apps.factories import (
    AuditorFactory,
    EmployeeFactory,
    HrFactory,
    PositionFactory,
    UnitFactory,
    UserFactory,
)

SCHEME = """\
code: T-FIN
name: 财务部考核表
period: month
sections:
  - name: 财务指标
    weight: 50
    items:
      - name: 预算执行偏差率
        weight: 50
        source: 财务部
        measure: "1 - abs(actual - budget) / budget"
        rule:
          bands: [[">= 98%", 100], [">= 95%", 80], [">= 90%", 60], [else, 20]]
  - name: 运营指标
    weight: 50
    items:
      - name: 部门管理
        weight: 25
        rule: {deduct: {per: {violation: {each: 10}, late_day: {each: 5}}}}
      - name: 内部控制管理
        weight: 25
        rule: {levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}
raters: {final: [supervisor]}
adjustments:
  - name: 重大违纪
    penalty: {range: [0, 20]}
grades: [[">= 90", 优秀], [">= 80", 良好], [">= 60", 合格], [else, 差]]
ranking: {within: department}
"""

HIRED = datetime.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _language_of_the_settings() -> Any:
    """A request's LocaleMiddleware leaves its language active on the thread; each test
    starts from the settings' language (English in tests), whatever ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def hr(db: Any) -> Any:
    return HrFactory(username="hr")


@pytest.fixture
def auditor(db: Any) -> Any:
    return AuditorFactory(username="auditor")


@pytest.fixture
def company(db: Any) -> SimpleNamespace:
    """总经理 → 财务部经理 → two accountants; a production department beside finance."""
    root = UnitFactory(code="C", name="公司", kind=UnitKind.COMPANY)
    finance = UnitFactory(code="FIN", name="财务部", parent=root)
    production = UnitFactory(code="PRD", name="生产部", parent=root)
    workshop = UnitFactory(code="PRD-1", name="一车间", kind=UnitKind.WORKSHOP, parent=production)
    manager_position = PositionFactory(
        code="FIN-MGR", title="财务部经理", unit=finance, tier=Tier.MIDDLE
    )
    clerk_position = PositionFactory(code="FIN-ACC", title="会计", unit=finance, tier=Tier.STAFF)
    boss = EmployeeFactory(
        number="0001", name="总经理", unit=root, user=UserFactory(username="boss")
    )
    manager = EmployeeFactory(
        number="1001",
        name="张敏",
        unit=finance,
        position=manager_position,
        supervisor=boss,
        user=UserFactory(username="zhangmin"),
    )
    clerks = [
        EmployeeFactory(
            number=f"100{n}",
            name=name,
            unit=finance,
            position=clerk_position,
            supervisor=manager,
            user=UserFactory(username=f"clerk{n}"),
        )
        for n, name in ((2, "李强"), (3, "王芳"))
    ]
    worker = EmployeeFactory(
        number="2001", name="赵六", unit=workshop, user=UserFactory(username="worker")
    )
    return SimpleNamespace(
        root=root,
        finance=finance,
        production=production,
        workshop=workshop,
        manager_position=manager_position,
        clerk_position=clerk_position,
        boss=boss,
        manager=manager,
        clerks=clerks,
        worker=worker,
    )


@pytest.fixture
def scheme(hr: Any) -> SchemeVersion:
    return scheme_save(actor=hr, text=SCHEME)


@pytest.fixture
def draft_cycle(hr: Any, company: SimpleNamespace, scheme: SchemeVersion) -> Cycle:
    """October 2026 for the finance department, with the T-FIN scheme assigned to it."""
    scheme_assign(actor=hr, scheme=scheme.scheme, unit=company.finance)
    cycle = appraisal_services.cycle_create(
        actor=hr, code="2026-10", name="2026年10月考核", period_kind="month", period="2026-10"
    )
    appraisal_services.cycle_add_scheme(cycle=cycle, scheme=scheme.scheme, actor=hr)
    appraisal_services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=company.finance)
    return cycle


@pytest.fixture
def open_cycle(hr: Any, draft_cycle: Cycle) -> Cycle:
    return appraisal_services.cycle_open(cycle=draft_cycle, actor=hr)


def appraisal_of(cycle: Cycle, employee: Any) -> Appraisal:
    return Appraisal.objects.get(cycle=cycle, employee=employee)


def record_full_facts(
    cycle: Cycle, employee: Any, actor: Any, *, actual: float, rating: int, violations: int = 0
) -> Appraisal:
    """Everything the T-FIN scheme needs for one appraisee."""
    appraisal = appraisal_of(cycle, employee)
    record = appraisal_services.fact_record
    record(
        appraisal=appraisal,
        actor=actor,
        kind="input",
        item="预算执行偏差率",
        key="budget",
        value=1000000,
    )
    record(
        appraisal=appraisal,
        actor=actor,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=actual,
    )
    appraisal_services.rating_record(
        appraisal=appraisal,
        actor=actor,
        item="内部控制管理",
        role="supervisor",
        value=rating,
        rater=employee.supervisor.user,
    )
    for day in range(violations):
        appraisal_services.event_record(
            appraisal=appraisal,
            actor=actor,
            item="部门管理",
            name="violation",
            occurred_on=datetime.date(2026, 10, 5 + day),
            description="未按流程审批付款",
        )
    return appraisal
