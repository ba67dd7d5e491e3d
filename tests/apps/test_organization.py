"""Organisation services: units, positions, employees, absences, user links —
each audited, each refused to anyone but HR."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jixiao.core.errors import NotAllowed, NotFound, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.organization import services
from jixiao.organization.models import EmployeeStatus, Tier, UnitKind
from jixiao.organization.selectors import (
    employee_get,
    employee_list,
    unit_department,
    unit_descendant_ids,
)
from tests.apps.factories import UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 1)


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_units_form_a_tree_with_providers(hr: Any) -> None:
    company = services.unit_create(actor=hr, code="C", name="公司", kind=UnitKind.COMPANY)
    plant = services.unit_create(
        actor=hr, code="P", name="生产部", kind=UnitKind.DEPARTMENT, parent=company
    )
    shop = services.unit_create(
        actor=hr, code="P1", name="一车间", kind=UnitKind.WORKSHOP, parent=plant
    )
    provider = services.unit_create(actor=hr, code="3PL", name="某物流公司", kind=UnitKind.PROVIDER)
    assert unit_descendant_ids(company) == {company.pk, plant.pk, shop.pk}
    assert unit_department(shop) == plant
    assert provider.is_provider
    assert actions() == ["unit.created"] * 4


def test_a_unit_cannot_move_below_itself(hr: Any, company: SimpleNamespace) -> None:
    with pytest.raises(ServiceError, match="below itself"):
        services.unit_update(unit=company.production, actor=hr, parent=company.workshop)
    with pytest.raises(ServiceError, match="below itself"):
        services.unit_update(unit=company.production, actor=hr, parent=company.production)


def test_a_unit_update_records_only_what_changed(hr: Any, company: SimpleNamespace) -> None:
    services.unit_update(unit=company.finance, actor=hr, name="财务中心", reason="改名")
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.before == {"name": "财务部"}
    assert event.after == {"name": "财务中心"}
    assert event.reason == "改名"
    services.unit_update(unit=company.finance, actor=hr, name="财务中心")
    assert AuditEvent.objects.filter(action="unit.updated").count() == 1


def test_only_hr_changes_the_organisation(company: SimpleNamespace) -> None:
    someone = company.manager.user
    with pytest.raises(NotAllowed):
        services.unit_create(actor=someone, code="Y", name="X", kind=UnitKind.DEPARTMENT)
    with pytest.raises(NotAllowed):
        services.employee_update(employee=company.clerks[0], actor=someone, name="改")
    with pytest.raises(NotAllowed):
        services.unit_create(actor=None, code="Y", name="X", kind=UnitKind.DEPARTMENT)
    assert not AuditEvent.objects.exists()


def test_a_position_keeps_its_duties_and_grade_range(hr: Any, company: SimpleNamespace) -> None:
    position = services.position_create(
        actor=hr,
        code="QA-MGR",
        title="品质部经理",
        unit=company.production,
        tier=Tier.MIDDLE,
        family="management",
        responsibilities="负责质量体系",
        authorities="质量否决权",
        work_standards="外审一次通过",
        salary_grade_min=8,
        salary_grade_max=12,
    )
    assert position.responsibilities == "负责质量体系"
    with pytest.raises(ValidationError):
        services.position_update(position=position, actor=hr, salary_grade_min=13)
    position.refresh_from_db()
    assert position.salary_grade_min == 8


def test_unknown_fields_are_refused(hr: Any, company: SimpleNamespace) -> None:
    with pytest.raises(TypeError, match="number"):
        services.employee_update(employee=company.manager, actor=hr, number="X")


def test_employees_and_their_supervisors(hr: Any, company: SimpleNamespace) -> None:
    newcomer = services.employee_create(
        actor=hr,
        number="1009",
        name="孙七",
        unit=company.finance,
        hire_date=DAY,
        position=company.clerk_position,
        supervisor=company.manager,
    )
    assert newcomer.supervisor == company.manager
    with pytest.raises(ServiceError, match="report"):
        services.employee_update(employee=company.manager, actor=hr, supervisor=newcomer)
    with pytest.raises(ServiceError, match="report"):
        services.employee_update(employee=company.manager, actor=hr, supervisor=company.manager)


def test_an_employee_leaves(hr: Any, company: SimpleNamespace) -> None:
    clerk = services.employee_leave(
        employee=company.clerks[0], actor=hr, leave_date=DAY, reason="辞职"
    )
    assert clerk.status == EmployeeStatus.LEFT
    event = AuditEvent.objects.get(action="employee.left")
    assert event.after == {"leave_date": "2026-10-01", "status": "left"}
    with pytest.raises(ValidationError):
        services.employee_leave(
            employee=clerk, actor=hr, leave_date=datetime.date(2019, 1, 1), reason="录错"
        )


def test_a_user_links_to_at_most_one_employee(hr: Any, company: SimpleNamespace) -> None:
    account = UserFactory(username="newcomer")
    services.employee_link_user(employee=company.worker, user=None, actor=hr)
    services.employee_link_user(employee=company.worker, user=account, actor=hr)
    with pytest.raises(ServiceError, match="already linked"):
        services.employee_link_user(employee=company.clerks[0], user=account, actor=hr)
    event = AuditEvent.objects.filter(action="employee.user_linked").order_by("pk").last()
    assert event.after == {"user": account.pk}


def test_absences_are_recorded_changed_and_removed_with_a_reason(
    hr: Any, company: SimpleNamespace
) -> None:
    absence = services.absence_record(
        actor=hr,
        employee=company.worker,
        kind="sick",
        start=DAY,
        end=DAY + datetime.timedelta(days=9),
        note="住院",
    )
    assert absence.days == 10
    services.absence_update(absence=absence, actor=hr, end=DAY + datetime.timedelta(days=4))
    with pytest.raises(ValidationError):
        services.absence_update(absence=absence, actor=hr, end=DAY - datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="unknown kind"):
        services.absence_record(actor=hr, employee=company.worker, kind="x", start=DAY, end=DAY)
    with pytest.raises(ServiceError, match="reason"):
        services.absence_delete(absence=absence, actor=hr, reason="")
    services.absence_delete(absence=absence, actor=hr, reason="录入错误")
    assert company.worker.absences.count() == 0
    assert actions() == ["absence.recorded", "absence.updated", "absence.deleted"]


def test_employee_visibility_follows_the_supervisor_tree(
    company: SimpleNamespace, auditor: Any
) -> None:
    def visible(user: Any) -> set[str]:
        return set(employee_list(visible_to=user).values_list("number", flat=True))

    assert visible(company.boss.user) == {"0001", "1001", "1002", "1003"}
    assert visible(company.manager.user) == {"1001", "1002", "1003"}
    assert visible(company.clerks[0].user) == {"1002"}
    assert visible(UserFactory(username="nobody")) == set()
    assert len(visible(auditor)) == 5
    with pytest.raises(NotFound):
        employee_get(visible_to=company.clerks[0].user, pk=company.clerks[1].pk)
    with pytest.raises(NotFound):
        employee_get(visible_to=company.clerks[0].user, pk=999999)
