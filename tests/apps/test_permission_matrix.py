"""Every role × every action on every kind of object, through the pages by URL
(domain.md §1). A refusal is the same 404 as an object that does not exist."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Appraisal, Cycle
from jixiao.appraisals.workflow import AppraisalState
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import ROLES, client_for, people, publish, to_calibration

pytestmark = pytest.mark.django_db
A = AppraisalState
OK = (200, 302)

# action → (stage the cycle is brought to, the roles allowed)
MATRIX: dict[str, tuple[str, set[str]]] = {
    "view_appraisal": (
        "open",
        {"hr", "auditor", "committee", "manager", "skip_level", "data_owner", "employee"},
    ),
    "view_targets": (
        "open",
        {"hr", "auditor", "committee", "manager", "skip_level", "data_owner", "employee"},
    ),
    "set_target": ("open", {"hr", "manager", "skip_level"}),
    "sign_targets": ("open", {"hr", "manager", "skip_level"}),
    "acknowledge_targets": ("signed", {"employee"}),
    "request_target_change": ("acknowledged", {"hr", "manager", "skip_level", "employee"}),
    "record_event": ("acknowledged", {"hr", "manager", "skip_level", "data_owner"}),
    # the event is about 部门管理, an item without a data source: not the data owner's
    "download_evidence": (
        "evidence",
        {"hr", "auditor", "committee", "manager", "skip_level", "employee"},
    ),
    "self_assess": ("self_review", {"employee"}),
    "rate_supervisor": ("supervisor_review", {"manager"}),
    "rate_skip_level": ("skip_level_review", {"skip_level"}),
    "view_result_before_publication": (
        "calibration",
        {"hr", "auditor", "committee", "manager", "skip_level"},
    ),
    "view_published_result": (
        "published",
        {"hr", "auditor", "committee", "manager", "skip_level", "employee"},
    ),
    "file_appeal": ("published", {"employee"}),
    "view_appeal": ("appealed", {"hr", "auditor", "committee", "employee"}),
    "decide_appeal": ("appealed", {"hr", "committee"}),
    "record_interview": ("published", {"hr", "manager"}),
    "acknowledge_interview": ("interviewed", {"employee"}),
    "view_team": ("open", {"manager", "skip_level", "other_manager"}),
    "enter_data": ("acknowledged", {"data_owner"}),
    "correct_calendar": ("open", {"hr"}),
}


def _stage(stage: str, hr: Any, company: SimpleNamespace, cycle: Cycle, who: dict[str, Any]) -> Any:
    """Bring the cycle to a stage; return the object the action is about."""
    appraisal = appraisal_of(cycle, company.clerks[0])
    manager, employee = who["manager"], who["employee"]
    if stage == "open":
        return appraisal
    if stage in ("calibration", "published", "appealed", "interviewed"):
        return _after_review(stage, hr, company, cycle, who)
    services.targets_sign(appraisal=appraisal, actor=manager)
    if stage == "signed":
        return appraisal
    services.targets_acknowledge(appraisal=appraisal, actor=employee)
    if stage == "acknowledged":
        return appraisal
    if stage == "evidence":
        with TestCase.captureOnCommitCallbacks(execute=True):  # the file follows the commit
            return services.event_record(
                appraisal=appraisal,
                actor=manager,
                item="部门管理",
                name="violation",
                occurred_on=datetime.date(2026, 10, 9),
                description="未按流程审批付款",
                evidence=SimpleUploadedFile("单据.txt", b"scan"),
            )
    if stage in ("self_review", "supervisor_review", "skip_level_review"):
        for state in (A.SELF_REVIEW, A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
            if state == stage:
                return appraisal
    raise AssertionError(stage)


def _after_review(
    stage: str, hr: Any, company: SimpleNamespace, cycle: Cycle, who: dict[str, Any]
) -> Any:
    if stage == "calibration":
        to_calibration(cycle, hr, company)
        return appraisal_of(cycle, company.clerks[0])
    appraisal = publish(cycle, hr, company)
    if stage == "published":
        return appraisal
    if stage == "appealed":
        return services.appeal_file(
            appraisal=appraisal, actor=who["employee"], reason="考勤记录有误"
        )
    return services.interview_record(
        appraisal=appraisal,
        actor=who["manager"],
        held_on=datetime.date(2026, 11, 12),
        summary="总结",
    )


def _act(action: str, client: Client, target: Any) -> int:
    appraisal = target.appraisal if not isinstance(target, Appraisal) else target
    base = f"/appraisals/{appraisal.pk}"
    post: Callable[..., Any] = client.post
    calls: dict[str, Callable[[], Any]] = {
        "view_appraisal": lambda: client.get(f"{base}/"),
        "view_targets": lambda: client.get(f"{base}/targets/"),
        "set_target": lambda: post(f"{base}/targets/", {"action": "save", "t0-target": "1"}),
        "sign_targets": lambda: post(f"{base}/targets/", {"action": "sign"}),
        "acknowledge_targets": lambda: post(f"{base}/targets/", {"action": "acknowledge"}),
        "request_target_change": lambda: post(
            f"{base}/targets/",
            {"action": "request", "item": "预算执行偏差率", "target": "2", "reason": "预算调整"},
        ),
        "record_event": lambda: post(
            f"{base}/events/",
            {
                "item": "预算执行偏差率",
                "name": "late_day",
                "occurred_on": "2026-10-12",
                "description": "报表迟交",
                "count": "1",
            },
        ),
        "download_evidence": lambda: client.get(f"/events/{target.pk}/evidence/"),
        # the ratings form holds the ratings the person gives at this stage (r0: the first)
        "self_assess": lambda: post(f"{base}/ratings/", {"action": "save", "r0-value": "4"}),
        "rate_supervisor": lambda: post(f"{base}/ratings/", {"action": "save", "r0-value": "4"}),
        "rate_skip_level": lambda: post(f"{base}/ratings/", {"action": "save", "r0-value": "4"}),
        "view_result_before_publication": lambda: client.get(f"{base}/result/"),
        "view_published_result": lambda: client.get(f"{base}/result/"),
        "file_appeal": lambda: post(f"{base}/appeal/", {"item": "", "reason": "不服"}),
        "view_appeal": lambda: client.get(f"/appeals/{target.pk}/"),
        "decide_appeal": lambda: post(f"/appeals/{target.pk}/", {"action": "accept"}),
        "record_interview": lambda: post(
            f"{base}/interview/",
            {"action": "interview", "held_on": "2026-11-12", "summary": "面谈总结"},
        ),
        "acknowledge_interview": lambda: post(f"{base}/interview/", {"action": "acknowledge"}),
        "view_team": lambda: client.get("/team/"),
        "enter_data": lambda: client.get("/data/"),
        "correct_calendar": lambda: post(
            "/calendar/", {"date": "2026-12-31", "is_workday": "0", "reason": "公司年会"}
        ),
    }
    return int(calls[action]().status_code)


CASES = [(action, role) for action in MATRIX for role in ROLES]


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_permission_matrix(
    action: str,
    role: str,
    hr: Any,
    auditor: Any,
    company: SimpleNamespace,
    open_cycle: Cycle,
) -> None:
    who = people(hr, auditor, company, open_cycle)
    stage, allowed = MATRIX[action]
    target = _stage(stage, hr, company, open_cycle, who)
    status = _act(action, client_for(who[role]), target)
    if role in allowed:
        assert status in OK, f"{role} should be able to {action} (got {status})"
    else:
        assert status == 404, f"{role} must not {action} (got {status})"


def test_a_manager_of_another_department_gets_404_for_an_appraisal_by_url(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    who = people(hr, auditor, company, open_cycle)
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    client = client_for(who["other_manager"])
    refused = client.get(f"/appraisals/{appraisal.pk}/")
    missing = client.get("/appraisals/999999/")
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content


def test_an_employee_gets_404_for_a_colleagues_published_result(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    who = people(hr, auditor, company, open_cycle)
    appraisal = publish(open_cycle, hr, company)
    client = client_for(who["colleague"])
    refused = client.get(f"/appraisals/{appraisal.pk}/result/")
    missing = client.get("/appraisals/999999/result/")
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    own = appraisal_of(open_cycle, company.clerks[1])
    assert client.get(f"/appraisals/{own.pk}/result/").status_code == 200


def test_results_stay_hidden_from_the_appraisee_until_publication(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    who = people(hr, auditor, company, open_cycle)
    to_calibration(open_cycle, hr, company)
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    client = client_for(who["employee"])
    assert client.get(f"/appraisals/{appraisal.pk}/result/").status_code == 404
    services.cycle_publish(cycle=open_cycle, actor=hr)
    assert client.get(f"/appraisals/{appraisal.pk}/result/").status_code == 200
    assert Appeal.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
