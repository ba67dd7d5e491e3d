"""Cycles, appraisals and results through the API, each role × each read, the
stage transitions (HR only), filters and pages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.workflow import CycleState
from jixiao.core.models import AuditEvent
from tests.apps.api.conftest import assert_error
from tests.apps.conftest import appraisal_of, record_full_facts

pytestmark = pytest.mark.django_db


def appraisees(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["appraisee"] for item in response.json()["items"])


FINANCE = ["1001", "1002", "1003", "1009"]


# -- cycles ---------------------------------------------------------------------------------
def test_a_draft_cycle_is_seen_by_hr_and_the_auditor_only(
    apis: SimpleNamespace, draft_cycle: Cycle
) -> None:
    for caller in (apis.hr, apis.auditor):
        assert caller.get("/cycles").json()["count"] == 1
        assert caller.get("/cycles/2026-10").json()["state"] == "draft"
    for caller in (apis.manager, apis.clerk, apis.committee, apis.finance_system):
        assert caller.get("/cycles").json()["count"] == 0
        assert_error(caller.get("/cycles/2026-10"), 404, "not_found")


def test_an_open_cycle_is_announced_to_everyone(apis: SimpleNamespace, open_cycle: Cycle) -> None:
    for caller in (apis.clerk, apis.worker, apis.finance_system):
        cycle = caller.get("/cycles/2026-10").json()
        assert (cycle["state"], cycle["schemes"], cycle["period"]) == (
            "targets",
            ["T-FIN"],
            "2026-10",
        )
    assert apis.clerk.get("/cycles", state="targets").json()["count"] == 1
    assert apis.clerk.get("/cycles", state="draft").json()["count"] == 0


def test_hr_moves_a_cycle_through_its_stages(apis: SimpleNamespace, draft_cycle: Cycle) -> None:
    opened = apis.hr.post("/cycles/2026-10/transition", {"to": "targets"})
    assert opened.status_code == 202, opened.content  # opening is a job
    job = apis.hr.get(opened["Location"].removeprefix("/api/v1")).json()
    assert (job["kind"], job["state"], job["done"], job["total"]) == ("cycle_open", "done", 4, 4)
    assert apis.hr.get("/cycles/2026-10").json()["state"] == "targets"
    assert Appraisal.objects.filter(cycle=draft_cycle).count() == 4  # opening made them
    moved = apis.hr.post("/cycles/2026-10/transition", {"to": "collecting", "reason": "按期"})
    assert moved.json()["state"] == "collecting"
    assert AuditEvent.objects.filter(action="cycle.moved", reason="按期").exists()


def test_a_move_the_table_does_not_hold_is_a_409(apis: SimpleNamespace, open_cycle: Cycle) -> None:
    error = assert_error(
        apis.hr.post("/cycles/2026-10/transition", {"to": "published"}), 409, "invalid_transition"
    )
    assert error["message"]
    assert_error(apis.hr.post("/cycles/2026-10/transition", {"to": "nonsense"}), 422, "refused")


def test_nobody_but_hr_moves_a_cycle(apis: SimpleNamespace, open_cycle: Cycle) -> None:
    for caller in (apis.manager, apis.clerk, apis.auditor, apis.committee, apis.owner):
        assert_error(
            caller.post("/cycles/2026-10/transition", {"to": "collecting"}), 403, "forbidden"
        )
    assert_error(
        apis.finance_system.post("/cycles/2026-10/transition", {"to": "collecting"}),
        403,
        "forbidden",
    )
    assert_error(apis.hr.post("/cycles/NOPE/transition", {"to": "collecting"}), 404, "not_found")
    open_cycle.refresh_from_db()
    assert open_cycle.state == CycleState.TARGETS


# -- appraisals -----------------------------------------------------------------------------
def test_each_role_sees_the_appraisals_the_access_rules_allow(
    apis: SimpleNamespace, committee_cycle: Cycle
) -> None:
    assert appraisees(apis.hr.get("/appraisals")) == FINANCE
    assert appraisees(apis.auditor.get("/appraisals")) == FINANCE
    assert appraisees(apis.committee.get("/appraisals")) == FINANCE
    assert appraisees(apis.boss.get("/appraisals")) == FINANCE
    assert appraisees(apis.manager.get("/appraisals")) == FINANCE
    assert appraisees(apis.owner.get("/appraisals")) == FINANCE  # 财务部 items: everyone's
    assert appraisees(apis.clerk.get("/appraisals")) == ["1002"]
    assert appraisees(apis.worker.get("/appraisals")) == []
    assert appraisees(apis.finance_system.get("/appraisals")) == FINANCE
    assert appraisees(apis.production_system.get("/appraisals")) == []


def test_another_departments_appraisal_is_the_same_404_as_a_missing_one(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    theirs = appraisal_of(open_cycle, company.clerks[0]).pk
    hidden = assert_error(apis.worker.get(f"/appraisals/{theirs}"), 404, "not_found")
    missing = assert_error(apis.worker.get("/appraisals/99999"), 404, "not_found")
    assert hidden == missing
    assert_error(apis.other_clerk.get(f"/appraisals/{theirs}"), 404, "not_found")
    assert_error(apis.production_system.get(f"/appraisals/{theirs}"), 404, "not_found")
    assert apis.clerk.get(f"/appraisals/{theirs}").json()["appraisee"] == "1002"


def test_an_appraisal_shows_its_facts_as_the_role_allows(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace, hr: Any
) -> None:
    clerk = company.clerks[0]
    appraisal = record_full_facts(open_cycle, clerk, hr, actual=990000, rating=4, violations=1)
    full = apis.manager.get(f"/appraisals/{appraisal.pk}").json()
    assert {f["key"] for f in full["facts"]} == {"actual", "budget"}
    assert [e["name"] for e in full["events"]] == ["violation"]
    assert [r["role"] for r in full["ratings"]] == ["supervisor"]
    own = apis.clerk.get(f"/appraisals/{appraisal.pk}").json()
    assert own["ratings"] == []  # the supervisor's rating shows once published
    owner = apis.owner.get(f"/appraisals/{appraisal.pk}").json()
    assert {f["item"] for f in owner["facts"]} == {"预算执行偏差率"}
    assert owner["events"] == [] and owner["ratings"] == []  # not their items
    system = apis.finance_system.get(f"/appraisals/{appraisal.pk}").json()
    assert {f["item"] for f in system["facts"]} == {"预算执行偏差率"}
    assert system["ratings"] == []


def test_appraisals_filter_by_cycle_unit_employee_and_state(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    assert appraisees(apis.hr.get("/appraisals", cycle="2026-10")) == FINANCE
    assert appraisees(apis.hr.get("/appraisals", unit="FIN")) == FINANCE
    assert appraisees(apis.hr.get("/appraisals", unit="PRD")) == []
    assert appraisees(apis.hr.get("/appraisals", employee="1003")) == ["1003"]
    assert appraisees(apis.hr.get("/appraisals", state="targets")) == FINANCE
    assert appraisees(apis.hr.get("/appraisals", state="published")) == []
    page = apis.hr.get("/appraisals", limit=3, offset=3).json()
    assert (page["count"], len(page["items"])) == (4, 1)
    assert_error(apis.hr.get("/appraisals", cycle="NOPE"), 404, "not_found")
    assert_error(apis.clerk.get("/appraisals", offset=-1), 422, "invalid_request")


# -- results ----------------------------------------------------------------------------------
def test_results_before_publication_are_hidden_from_the_appraisee(
    apis: SimpleNamespace, committee_cycle: Cycle, company: SimpleNamespace
) -> None:
    mine = appraisal_of(committee_cycle, company.clerks[0]).pk
    assert appraisees(apis.clerk.get("/results")) == []
    assert_error(apis.clerk.get(f"/appraisals/{mine}/result"), 404, "not_found")
    assert apis.manager.get(f"/appraisals/{mine}/result").status_code == 200
    assert appraisees(apis.committee.get("/results")) == FINANCE
    assert appraisees(apis.hr.get("/results")) == FINANCE


def test_each_role_sees_the_results_the_access_rules_allow(
    apis: SimpleNamespace, published: Cycle
) -> None:
    assert appraisees(apis.hr.get("/results")) == FINANCE
    assert appraisees(apis.auditor.get("/results")) == FINANCE
    assert appraisees(apis.committee.get("/results")) == FINANCE
    assert appraisees(apis.manager.get("/results")) == FINANCE  # theirs, once published
    assert appraisees(apis.clerk.get("/results")) == ["1002"]
    assert appraisees(apis.worker.get("/results")) == []
    assert appraisees(apis.owner.get("/results")) == ["1009"]  # entering facts ≠ reading results
    assert appraisees(apis.finance_system.get("/results")) == FINANCE  # read_results granted
    assert appraisees(apis.production_system.get("/results")) == []


def test_a_published_result_carries_the_trace(
    apis: SimpleNamespace, published: Cycle, company: SimpleNamespace
) -> None:
    mine = appraisal_of(published, company.clerks[0]).pk
    result = apis.clerk.get(f"/appraisals/{mine}/result").json()
    assert result["published"] is True and result["total"] is not None
    assert all(item["trace"] for item in result["data"]["items"])
    other = appraisal_of(published, company.clerks[1]).pk
    assert_error(apis.clerk.get(f"/appraisals/{other}/result"), 404, "not_found")
    assert appraisees(apis.hr.get("/results", cycle="2026-10", unit="FIN")) == FINANCE
    assert appraisees(apis.hr.get("/results", employee="1003")) == ["1003"]
    assert appraisees(apis.hr.get("/results", unit="PRD")) == []
