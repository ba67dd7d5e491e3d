"""Organisation, dictionary and schemes through the API: what each role reads,
what HR writes, and the refusals (another department's people are as unknown as
people who do not exist)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.core.models import AuditEvent
from jixiao.indicators.services import indicator_save
from jixiao.organization.models import Employee, Unit
from tests.apps.api.conftest import assert_error
from tests.apps.conftest import SCHEME

pytestmark = pytest.mark.django_db


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [employee["number"] for employee in response.json()["items"]]


# -- employees: each role sees what the web shows it ------------------------------------
def test_each_role_sees_the_employees_the_access_rules_allow(apis: SimpleNamespace) -> None:
    everyone = ["0001", "1001", "1002", "1003", "1009", "2001"]
    assert numbers(apis.hr.get("/employees")) == everyone
    assert numbers(apis.auditor.get("/employees")) == everyone
    assert numbers(apis.boss.get("/employees")) == ["0001", "1001", "1002", "1003", "1009"]
    assert numbers(apis.manager.get("/employees")) == ["1001", "1002", "1003", "1009"]
    assert numbers(apis.clerk.get("/employees")) == ["1002"]
    assert numbers(apis.worker.get("/employees")) == ["2001"]
    assert numbers(apis.committee.get("/employees")) == []  # not linked to an employee


def test_another_departments_employee_is_the_same_404_as_a_missing_one(
    apis: SimpleNamespace,
) -> None:
    hidden = assert_error(apis.worker.get("/employees/1002"), 404, "not_found")
    missing = assert_error(apis.worker.get("/employees/9999"), 404, "not_found")
    assert hidden == missing
    assert apis.manager.get("/employees/1002").json()["name"] == "李强"


def test_a_service_token_sees_only_the_appraisees_of_its_scope(
    apis: SimpleNamespace, open_cycle: Any
) -> None:
    assert numbers(apis.finance_system.get("/employees")) == ["1001", "1002", "1003", "1009"]
    assert numbers(apis.production_system.get("/employees")) == []
    assert_error(apis.production_system.get("/employees/1002"), 404, "not_found")


def test_employees_filter_by_unit_and_status_and_page(apis: SimpleNamespace) -> None:
    assert numbers(apis.hr.get("/employees", unit="PRD")) == ["2001"]
    assert numbers(apis.hr.get("/employees", unit="FIN", status="active")) == [
        "1001",
        "1002",
        "1003",
        "1009",
    ]
    page = apis.hr.get("/employees", limit=2, offset=2).json()
    assert (page["count"], page["limit"], page["offset"]) == (6, 2, 2)
    assert [e["number"] for e in page["items"]] == ["1002", "1003"]
    assert_error(apis.hr.get("/employees", limit=0), 422, "invalid_request")
    assert_error(apis.hr.get("/employees", limit=501), 422, "invalid_request")
    assert_error(apis.hr.get("/employees", unit="NOPE"), 404, "not_found")


# -- units and positions are public inside the company ---------------------------------
def test_everyone_reads_units_and_positions(apis: SimpleNamespace) -> None:
    for caller in (apis.hr, apis.clerk, apis.worker, apis.finance_system):
        units = caller.get("/units").json()
        assert [u["code"] for u in units["items"]] == ["C", "FIN", "PRD", "PRD-1"]
        positions = caller.get("/positions", unit="FIN").json()["items"]
        assert {p["code"] for p in positions} == {"FIN-ACC", "FIN-MGR"}
    assert apis.clerk.get("/units/PRD-1").json()["parent"] == "PRD"
    assert apis.clerk.get("/units", parent="PRD").json()["count"] == 1
    assert apis.clerk.get("/units", kind="workshop").json()["count"] == 1
    assert apis.clerk.get("/positions/FIN-MGR").json()["tier"] == "middle"
    assert_error(apis.clerk.get("/units/NOPE"), 404, "not_found")
    assert_error(apis.clerk.get("/positions/NOPE"), 404, "not_found")


# -- writes: HR only ----------------------------------------------------------------------
def test_hr_adds_and_changes_units_positions_and_employees(apis: SimpleNamespace, hr: Any) -> None:
    unit = apis.hr.post(
        "/units", {"code": "FIN-2", "name": "资金科", "kind": "section", "parent": "FIN"}
    )
    assert unit.status_code == 201 and unit.json()["parent"] == "FIN"
    position = apis.hr.post(
        "/positions",
        {
            "code": "FIN-CASH",
            "title": "出纳",
            "unit": "FIN-2",
            "tier": "staff",
            "family": "professional",
        },
    )
    assert position.status_code == 201
    employee = apis.hr.post(
        "/employees",
        {
            "number": "1010",
            "name": "孙出纳",
            "unit": "FIN-2",
            "position": "FIN-CASH",
            "supervisor": "1001",
            "hire_date": "2026-03-01",
        },
    )
    assert employee.status_code == 201 and employee.json()["supervisor"] == "1001"
    changed = apis.hr.patch("/employees/1010", {"name": "孙梅", "reason": "改名"})
    assert changed.json()["name"] == "孙梅"
    assert apis.hr.patch("/units/FIN-2", {"name": "资金管理科"}).json()["name"] == "资金管理科"
    assert apis.hr.patch("/positions/FIN-CASH", {"title": "资金专员"}).json()["title"] == "资金专员"
    event = AuditEvent.objects.filter(action="employee.updated").get()
    assert event.actor == hr and event.reason == "改名"
    assert Employee.objects.get(number="1010").unit == Unit.objects.get(code="FIN-2")


def test_nobody_but_hr_writes_the_organisation(apis: SimpleNamespace) -> None:
    unit = {"code": "X", "name": "某部", "kind": "department"}
    for caller in (apis.manager, apis.clerk, apis.auditor, apis.owner, apis.boss):
        assert_error(caller.post("/units", unit), 403, "forbidden")
        assert_error(caller.patch("/units/FIN", {"name": "x"}), 403, "forbidden")
    assert_error(apis.manager.patch("/employees/1002", {"name": "x"}), 403, "forbidden")
    assert_error(apis.clerk.patch("/employees/2001", {"name": "x"}), 404, "not_found")
    assert_error(apis.finance_system.post("/units", unit), 403, "forbidden")
    assert not Unit.objects.filter(code="X").exists()


def test_invalid_writes_say_what_is_wrong(apis: SimpleNamespace) -> None:
    error = assert_error(
        apis.hr.post("/units", {"code": "FIN", "name": "重复", "kind": "nonsense"}), 422, "invalid"
    )
    assert {detail["field"] for detail in error["details"]} == {"code", "kind"}
    error = assert_error(apis.hr.post("/units", {"code": "Y"}), 422, "invalid_request")
    assert {detail["field"] for detail in error["details"]} >= {"body.body.name", "body.body.kind"}
    assert_error(apis.hr.patch("/units/FIN", {"parent": "FIN"}), 422, "refused")
    assert_error(apis.hr.patch("/employees/1001", {"supervisor": "1002"}), 422, "refused")
    assert_error(apis.hr.post("/employees", {"number": "x"}), 422, "invalid_request")


def test_a_malformed_body_is_a_400_not_a_crash(apis: SimpleNamespace) -> None:
    response = apis.hr.client.post(
        "/api/v1/units",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {apis.hr.secret}"},
    )
    assert_error(response, 400, "bad_request")


# -- dictionary and schemes --------------------------------------------------------------
def test_the_dictionary_is_read_by_everyone(apis: SimpleNamespace, hr: Any) -> None:
    indicator_save(
        actor=hr,
        code="X-F-01",
        effective_from=datetime.date(2026, 1, 1),
        name="预算执行偏差率",
        data_source="财务部",
    )
    for caller in (apis.clerk, apis.worker, apis.finance_system):
        listed = caller.get("/indicators").json()
        assert [i["code"] for i in listed["items"]] == ["X-F-01"]
    one = apis.clerk.get("/indicators/X-F-01").json()
    assert one["name"] == "预算执行偏差率" and one["incomplete"] is True
    assert apis.clerk.get("/indicators", incomplete=False).json()["count"] == 0
    assert_error(apis.clerk.get("/indicators/NOPE"), 404, "not_found")


def test_schemes_are_read_with_their_items(apis: SimpleNamespace, scheme: Any) -> None:
    assert [s["code"] for s in apis.worker.get("/schemes").json()["items"]] == ["T-FIN"]
    detail = apis.worker.get("/schemes/T-FIN").json()
    assert detail["versions"] == [1] and detail["current"]["text"] == SCHEME
    items = {item["code"]: item for item in detail["current"]["items"]}
    assert items["预算执行偏差率"]["source"] == "财务部"
    assert apis.worker.get("/schemes/T-FIN/versions/1").json()["version"] == 1
    assert_error(apis.worker.get("/schemes/T-FIN/versions/2"), 404, "not_found")
    assert_error(apis.worker.get("/schemes/NOPE"), 404, "not_found")


def test_a_scheme_document_is_checked_with_its_problems(apis: SimpleNamespace) -> None:
    good = apis.hr.post("/schemes/validate", {"text": SCHEME}).json()
    assert good["valid"] is True and good["code"] == "T-FIN"
    assert good["items"] == ["预算执行偏差率", "部门管理", "内部控制管理"]
    broken = SCHEME.replace("bands:", "bandz:")
    bad = apis.hr.post("/schemes/validate", {"text": broken}).json()
    assert bad["valid"] is False
    assert bad["problems"] and all(p["message"] for p in bad["problems"])
    assert any(p["line"] for p in bad["problems"])


def test_a_scheme_is_trial_scored_with_given_facts(apis: SimpleNamespace) -> None:
    facts = {
        "period": "2026-10",
        "appraisees": [
            {
                "id": "E1",
                "name": "王芳",
                "attributes": {"department": "财务部"},
                "facts": {
                    "预算执行偏差率": {"inputs": {"actual": 1010000, "budget": 1000000}},
                    "部门管理": {"events": {"violation": 1}},
                    "内部控制管理": {"ratings": {"supervisor": 4}},
                },
            }
        ],
    }
    response = apis.hr.post("/schemes/trial", {"text": SCHEME, "facts": facts})
    assert response.status_code == 200, response.content
    result = response.json()["results"][0]
    assert (result["total"], result["grade"]) == (92.5, "优秀")
    error = assert_error(
        apis.hr.post("/schemes/trial", {"text": SCHEME, "facts": {"appraisees": 3}}),
        422,
        "invalid_facts",
    )
    assert error["details"] and "message" in error["details"][0]
    assert_error(
        apis.hr.post("/schemes/trial", {"text": "code: [", "facts": facts}),
        422,
        "invalid_scheme",
    )
