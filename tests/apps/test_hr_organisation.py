"""Organisation and dictionary pages: changes go through the services, audited."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.core.models import AuditEvent
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.services import indicator_save
from jixiao.organization.models import Employee
from tests.apps.test_hr_pages import signed_in

pytestmark = pytest.mark.django_db


def test_hr_adds_and_edits_an_employee(hr: Any, company: SimpleNamespace) -> None:
    client = signed_in(hr)
    page = client.post(
        "/hr/employees/new/",
        {
            "number": "1009",
            "name": "陈静",
            "unit": company.finance.pk,
            "position": company.clerk_position.pk,
            "supervisor": company.manager.pk,
            "hire_date": "2024-03-01",
            "status": "active",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    employee = Employee.objects.get(number="1009")
    assert AuditEvent.objects.filter(action="employee.created", target_id=str(employee.pk))
    page = client.post(
        f"/hr/employees/{employee.pk}/",
        {
            "name": "陈静",
            "unit": company.finance.pk,
            "position": company.clerk_position.pk,
            "supervisor": company.manager.pk,
            "hire_date": "2024-03-01",
            "status": "probation",
        },
    )
    assert page.status_code == 302
    event = AuditEvent.objects.get(action="employee.updated")
    assert event.after == {"status": "probation"}
    listing = client.get("/hr/employees/", {"q": "陈"}).content.decode()
    assert "陈静" in listing and "李强" not in listing


def test_the_tree_shows_units_below_their_parents(hr: Any, company: SimpleNamespace) -> None:
    page = signed_in(hr).get("/hr/organisation/").content.decode()
    assert page.index("生产部") < page.index("一车间")


def test_incomplete_entries_are_marked_and_editing_makes_a_version(hr: Any) -> None:
    import datetime

    indicator_save(actor=hr, code="X-F-01", effective_from=datetime.date(2026, 1, 1), name="回款率")
    client = signed_in(hr)
    listing = client.get("/hr/indicators/").content.decode()
    assert 'class="incomplete"' in listing
    detail = client.get("/hr/indicators/X-F-01/").content.decode()
    assert ("回款率" in detail and "definition" in detail.lower()) or "定义" in detail
    page = client.post(
        "/hr/indicators/X-F-01/edit/",
        {
            "effective_from": "2026-02-01",
            "name": "回款率",
            "definition": "实际回款 ÷ 应回款",
            "quantitative": "on",
            "controllable": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    assert IndicatorVersion.objects.filter(indicator__code="X-F-01").count() == 2
