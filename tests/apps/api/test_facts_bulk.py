"""The bulk upload of facts: recorded and recomputed, idempotent per row, all or
nothing with an error per row, and scoped for service tokens."""

from __future__ import annotations

import datetime
import time
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.api.models import IdempotencyKey
from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.models import Appraisal, Cycle, Event, Fact, Rating, Result
from jixiao.appraisals.workflow import CycleState
from jixiao.core.models import AuditEvent
from jixiao.organization.models import Employee
from tests.apps.api.conftest import assert_error
from tests.apps.conftest import appraisal_of
from tests.apps.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
ITEM = "预算执行偏差率"


def row(key: str, employee: str, name: str, value: Any, **more: Any) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "cycle": "2026-10",
        "employee": employee,
        "kind": "input",
        "item": ITEM,
        "key": name,
        "value": value,
        **more,
    }


def month(employee: str = "1002", actual: float = 990000) -> list[dict[str, Any]]:
    return [
        row(f"2026-10/{employee}/budget", employee, "budget", 1000000),
        row(f"2026-10/{employee}/actual", employee, "actual", actual),
    ]


def item_score(appraisal: Appraisal, code: str = ITEM) -> Any:
    result = Result.objects.get(appraisal=appraisal)
    return next(item["score"] for item in result.data["items"] if item["code"] == code)


def test_a_service_token_records_its_figures_and_the_results_follow(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace, hr: Any
) -> None:
    response = apis.finance_system.post("/facts/bulk", {"rows": month(actual=960000)})
    assert response.status_code == 202, response.content  # a job, done at once in the tests
    body = response.json()
    assert response["Location"] == body["links"]["self"] == f"/api/v1/jobs/{body['id']}"
    assert body["kind"] == "facts_upload" and body["state"] == "done"
    assert body["outcome"] == {"rows": 2, "recorded": 2, "changed": 0, "unchanged": 0}
    assert apis.finance_system.get(f"/jobs/{body['id']}").json()["outcome"] == body["outcome"]
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    facts = Fact.objects.filter(appraisal=appraisal)
    assert {(f.key, f.value, f.source) for f in facts} == {
        ("budget", 1000000, "api"),
        ("actual", 960000, "api"),
    }
    assert item_score(appraisal) == 80  # 0.96 matched >= 95%
    upload = AuditEvent.objects.filter(action="facts.uploaded").get()
    assert upload.actor == hr and upload.after["recorded"] == 2
    assert AuditEvent.objects.filter(action="fact.recorded").count() == 2


def test_sending_the_same_batch_twice_records_nothing_twice(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    rows = [
        *month(),
        {
            "idempotency_key": "2026-10/1002/violation/1",
            "appraisal": appraisal_of(open_cycle, Employee.objects.get(number="1002")).pk,
            "kind": "event",
            "item": "部门管理",
            "key": "violation",
            "value": 1,
            "occurred_on": "2026-10-08",
            "description": "未按流程审批付款",
        },
    ]
    first = apis.hr.post("/facts/bulk", {"rows": rows}).json()
    events, audit = Event.objects.count(), AuditEvent.objects.count()
    second = apis.hr.post("/facts/bulk", {"rows": rows})
    assert second.status_code == 202
    assert first["outcome"]["recorded"] == 3
    assert second.json()["outcome"] == {"rows": 3, "recorded": 0, "changed": 0, "unchanged": 3}
    assert Event.objects.count() == events == 1
    assert IdempotencyKey.objects.count() == 3
    # only the upload's own event, and its job's (queued, done)
    assert AuditEvent.objects.count() == audit + 3


def test_a_key_sent_again_with_other_content_is_refused(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    apis.finance_system.post("/facts/bulk", {"rows": month()})
    changed = month(actual=950000)
    error = assert_error(
        apis.finance_system.post("/facts/bulk", {"rows": changed}), 422, "invalid_rows"
    )
    assert error["details"] == [
        {
            "row": 1,
            "field": "idempotency_key",
            "code": "key_reused",
            "message": "this key was already used for a different row",
        }
    ]


def test_keys_belong_to_their_sender(apis: SimpleNamespace, open_cycle: Cycle) -> None:
    apis.finance_system.post("/facts/bulk", {"rows": month()})
    again = apis.hr.post("/facts/bulk", {"rows": month()}).json()  # HR's own keys
    assert again["outcome"]["unchanged"] == 2  # same values
    assert IdempotencyKey.objects.count() == 4


def test_a_change_with_a_new_key_needs_a_reason_and_is_reported_changed(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    apis.finance_system.post("/facts/bulk", {"rows": month()})
    fix = [row("fix-1", "1002", "actual", 1000000)]
    error = assert_error(
        apis.finance_system.post("/facts/bulk", {"rows": fix}), 422, "invalid_rows"
    )
    assert error["details"][0]["code"] == "reason_required"
    fix[0]["reason"] = "财务部更正月报"
    body = apis.finance_system.post("/facts/bulk", {"rows": fix}).json()
    assert body["outcome"]["changed"] == 1
    event = AuditEvent.objects.filter(action="fact.changed").get()
    assert (event.before["value"], event.after["value"], event.reason) == (
        990000,
        1000000,
        "财务部更正月报",
    )


def test_one_bad_row_and_nothing_is_written_with_an_error_per_row(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace, hr: Any
) -> None:
    other = appraisal_services.cycle_create(
        actor=hr, code="2026-11", name="11月", period_kind="month", period="2026-11"
    )
    assert other.state == CycleState.DRAFT
    manager = appraisal_of(open_cycle, company.manager).pk
    rows = [
        *month(),  # good
        row("r2", "9999", "actual", 1),  # unknown employee
        {**row("r3", "1002", "actual", 1), "appraisal": 99999, "cycle": None},  # unknown appraisal
        row("r4", "1002", "x", 1, item="不存在的指标"),  # item not in the scheme
        row("r5", "1003", "actual", "很多"),  # not a number
        {**row("r6", "1003", "", 7), "kind": "value", "item": "内部控制管理"},  # off the scale
        row("r7", "1001", "actual", 1, cycle="2026-11"),  # no appraisal in a draft cycle
        {**row("r8", "1003", "", "高"), "kind": "score", "item": "部门管理", "appraisal": manager},
        row("2026-10/1002/budget", "1003", "budget", 1),  # the same key twice in the batch
        {**row("r10", "1003", "violation", 1), "kind": "event", "item": "部门管理"},
        {"idempotency_key": "r11", "kind": "input", "value": 1, "key": "x"},  # no appraisal
    ]
    response = apis.hr.post("/facts/bulk", {"rows": rows})
    error = assert_error(response, 422, "invalid_rows")
    codes = {(d["row"], d["code"]) for d in error["details"]}
    assert codes == {
        (2, "unknown_appraisal"),
        (3, "unknown_appraisal"),
        (4, "unknown_item"),
        (5, "not_a_number"),
        (6, "outside_scale"),
        (7, "unknown_appraisal"),
        (8, "not_a_number"),
        (9, "duplicate_key"),
        (10, "required"),
        (11, "required"),
    }
    assert "11 rows" not in error["message"] and "10 rows" in error["message"]
    assert Fact.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=["fact.recorded", "facts.uploaded"]).exists()


def test_a_cycle_that_does_not_take_facts_is_refused(
    apis: SimpleNamespace, open_cycle: Cycle, hr: Any
) -> None:
    appraisal_services.cycle_transition(cycle=open_cycle, actor=hr, to=CycleState.COLLECTING)
    open_cycle.state = CycleState.CLOSED
    open_cycle.save(update_fields=["state"])
    error = assert_error(apis.hr.post("/facts/bulk", {"rows": month()}), 422, "invalid_rows")
    assert {d["code"] for d in error["details"]} == {"cycle_closed"}


def test_a_service_token_stays_inside_its_scope(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace, hr: Any
) -> None:
    production_rows = [row("p1", "1002", "actual", 1)]
    error = assert_error(
        apis.production_system.post("/facts/bulk", {"rows": production_rows}), 422, "invalid_rows"
    )
    assert error["details"][0]["code"] == "unknown_appraisal"  # not in its scope: unknown
    outside = [
        {
            **row("f1", "1002", "violation", 1),
            "kind": "event",
            "item": "部门管理",
            "occurred_on": "2026-10-08",
            "description": "迟到",
        },
        {**row("f2", "1002", "supervisor", 4), "kind": "rating", "item": "内部控制管理"},
        {**row("f3", "1002", "loss", 0), "item": ""},
    ]
    error = assert_error(
        apis.finance_system.post("/facts/bulk", {"rows": outside}), 422, "invalid_rows"
    )
    assert {(d["row"], d["code"]) for d in error["details"]} == {
        (0, "out_of_scope"),  # 部门管理 has no 财务部 source
        (1, "out_of_scope"),  # ratings are people's
        (2, "out_of_scope"),  # appraisee-level inputs have no source
    }
    appraisal_services.cycle_transition(cycle=open_cycle, actor=hr, to=CycleState.COLLECTING)
    appraisal_services.cycle_transition(cycle=open_cycle, actor=hr, to=CycleState.REVIEW)
    narrow = apis.hr.post(
        "/tokens/service",
        {"name": "只在收集期", "sources": ["财务部"], "cycle_states": ["collecting"]},
    ).json()["secret"]
    from tests.apps.api.conftest import Api

    error = assert_error(Api(narrow).post("/facts/bulk", {"rows": month()}), 422, "invalid_rows")
    assert {d["code"] for d in error["details"]} == {"out_of_scope"}


def test_people_record_what_their_role_allows(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    assert apis.owner.post("/facts/bulk", {"rows": month()}).status_code == 202
    assert apis.manager.post("/facts/bulk", {"rows": month("1003")}).status_code == 202
    error = assert_error(
        apis.clerk.post("/facts/bulk", {"rows": month("1002", 1)}), 422, "invalid_rows"
    )
    assert {d["code"] for d in error["details"]} == {"not_allowed"}  # not one's own figures
    error = assert_error(
        apis.worker.post("/facts/bulk", {"rows": month("1003")}), 422, "invalid_rows"
    )
    assert {d["code"] for d in error["details"]} == {"unknown_appraisal"}
    rating = [{**row("s1", "1002", "supervisor", 4), "kind": "rating", "item": "内部控制管理"}]
    assert apis.manager.post("/facts/bulk", {"rows": rating}).status_code == 202
    assert Rating.objects.get().rater == company.manager.user
    assert item_score(appraisal_of(open_cycle, company.clerks[0]), "内部控制管理") == 80
    off_scale = [{**rating[0], "idempotency_key": "s2", "value": 6, "reason": "x"}]
    error = assert_error(apis.manager.post("/facts/bulk", {"rows": off_scale}), 422, "invalid_rows")
    assert error["details"][0]["code"] == "outside_scale"
    self_rating = [{**rating[0], "idempotency_key": "s3", "key": "self"}]
    error = assert_error(
        apis.other_clerk.post("/facts/bulk", {"rows": self_rating}), 422, "invalid_rows"
    )
    assert error["details"][0]["code"] == "unknown_appraisal"


def test_the_request_shape_is_checked_before_anything(apis: SimpleNamespace, db: Any) -> None:
    assert_error(apis.hr.post("/facts/bulk", {"rows": []}), 422, "invalid_request")
    assert_error(apis.hr.post("/facts/bulk", {"rows": [{"kind": "input"}]}), 422, "invalid_request")
    assert_error(apis.anonymous.post("/facts/bulk", {"rows": month()}), 401, "unauthenticated")


# -- 10,000 facts in one request -------------------------------------------------------------
def test_ten_thousand_facts_in_one_request(
    apis: SimpleNamespace, hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    """1,000 accountants × 10 facts: a budget, an actual, a level and 7 events each."""
    people = EmployeeFactory.create_batch(997, unit=company.finance, supervisor=company.manager)
    cycle = appraisal_services.cycle_open(cycle=draft_cycle, actor=hr)
    numbers = sorted(
        Appraisal.objects.filter(cycle=cycle).values_list("employee__number", flat=True)
    )
    assert len(numbers) == 1001 and len(people) == 997
    numbers = numbers[:1000]
    rows: list[dict[str, Any]] = []
    for index, number in enumerate(numbers):
        actual = 1000000 + (index % 15) * 10000  # deviations 0 % .. 14 %
        rows += month(number, actual)
        rows.append(
            {
                **row(f"{number}/level", number, "", index % 5 + 1),
                "kind": "value",
                "item": "内部控制管理",
            }
        )
        for n in range(7):
            rows.append(
                {
                    **row(f"{number}/event/{n}", number, "violation" if n < 3 else "late_day", 1),
                    "kind": "event",
                    "item": "部门管理",
                    "occurred_on": str(datetime.date(2026, 10, n + 1)),
                    "description": "考勤记录",
                }
            )
    assert len(rows) == 10_000
    started = time.perf_counter()
    response = apis.hr.post("/facts/bulk", {"rows": rows})
    elapsed = time.perf_counter() - started
    assert response.status_code == 202, response.content[:2000]
    assert response.json()["outcome"]["recorded"] == 10_000
    print(f"\n10,000 facts recorded and recomputed in one request: {elapsed:.1f} s")
    assert Fact.objects.count() == 3000 and Event.objects.count() == 7000
    bands = [(0.98, 100), (0.95, 80), (0.90, 60), (-1, 20)]
    for index, number in enumerate(numbers[::97]):
        position = numbers.index(number)
        deviation = 1 - (position % 15) * 0.01
        expected_budget = next(score for floor, score in bands if deviation >= floor - 1e-9)
        expected_level = (position % 5 + 1) * 20
        subtotal = expected_budget * 0.5 + 50 * 0.25 + expected_level * 0.25  # 100−3×10−4×5
        result = Result.objects.get(appraisal__cycle=cycle, appraisal__employee__number=number)
        assert result.total == pytest.approx(subtotal), (index, number)
    again = apis.hr.post("/facts/bulk", {"rows": rows}).json()
    assert again["outcome"]["unchanged"] == 10_000 and Event.objects.count() == 7000


def test_a_fact_for_someone_outside_the_cycle_is_refused_and_nothing_is_written(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    """An existing employee who has no appraisal in the cycle (hired after it opened)."""
    newcomer = EmployeeFactory(unit=company.finance, supervisor=company.manager)
    assert not Appraisal.objects.filter(cycle=open_cycle, employee=newcomer).exists()
    facts_before, events_before = Fact.objects.count(), AuditEvent.objects.count()
    rows = [*month(), *month(employee=newcomer.number)]
    error = assert_error(apis.hr.post("/facts/bulk", {"rows": rows}), 422, "invalid_rows")
    assert [(d["row"], d["code"]) for d in error["details"]] == [
        (2, "unknown_appraisal"),
        (3, "unknown_appraisal"),
    ]
    assert Fact.objects.count() == facts_before  # the valid rows were not written either
    assert AuditEvent.objects.count() == events_before
