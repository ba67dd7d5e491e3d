"""The cycle in the browser, step by step, through the test client: the home page
of what waits, targets (set, sign, acknowledge, change requests), fact records
with evidence, 自评 / 复评 / 终评, the published result with traces, the interview
and the improvement plan, the data owner's entry, the team page."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Event, Fact, ImprovementPlan, Interview, Rating
from jixiao.appraisals.workflow import AppraisalState, CycleState
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, people, publish, to_calibration

pytestmark = pytest.mark.django_db
A = AppraisalState
HX = {"HTTP_HX_REQUEST": "true"}


def test_home_lists_what_waits_with_counts_and_deadlines(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    services.cycle_set_deadline(
        cycle=open_cycle, actor=hr, stage="targets", due=datetime.date(2026, 10, 5)
    )
    page = client_for(company.manager.user).get("/")
    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="waiting-targets_to_set"' in content
    assert '<span class="count">2</span>' in content  # the two accountants
    assert "2026-10-05" in content
    assert "李强" in content and "王芳" in content
    employee_home = client_for(company.clerks[0].user).get("/").content.decode()
    assert "waiting-targets_to_acknowledge" not in employee_home  # not signed yet


def test_targets_set_signed_acknowledged_and_changed_by_request(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    url = f"/appraisals/{appraisal.pk}/targets/"
    manager = client_for(company.manager.user)
    employee = client_for(company.clerks[0].user)
    partial = manager.post(url, {"action": "save", "t0-target": "1", "t0-challenge": "1.05"}, **HX)
    assert partial.status_code == 200
    assert b'id="targets"' in partial.content and b"<html" not in partial.content
    assert Fact.objects.get(appraisal=appraisal, key="challenge").value == 1.05
    refused = employee.post(url, {"action": "acknowledge"}, **HX)
    assert (
        "manager has not signed" in refused.content.decode()
        or "尚未签署" in refused.content.decode()
    )
    manager.post(url, {"action": "sign", "confirm": "1"})  # two items without a target
    assert "waiting-targets_to_acknowledge" in employee.get("/").content.decode()
    employee.post(url, {"action": "acknowledge"})
    appraisal.refresh_from_db()
    assert appraisal.state == A.COLLECTING
    assert appraisal.targets_signed_by == company.clerks[0].user
    # after acknowledgement the manager asks; the skip-level manager answers
    manager.post(
        url,
        {"action": "request", "item": "预算执行偏差率", "target": "0.98", "reason": "预算下调"},
    )
    change = appraisal.target_change_requests.get()
    assert change.previous_target == 1
    assert manager.post(url, {"action": "refuse", "request": change.pk}).status_code == 404
    boss = client_for(company.boss.user)
    boss.post(url, {"action": "refuse", "request": change.pk, "answer": "预算未调整"})
    assert Fact.objects.get(appraisal=appraisal, item="预算执行偏差率", key="target").value == 1
    manager.post(
        url,
        {"action": "request", "item": "预算执行偏差率", "target": "0.98", "reason": "预算下调"},
    )
    second = appraisal.target_change_requests.filter(state="pending").get()
    boss.post(url, {"action": "approve", "request": second.pk, "answer": ""})
    assert Fact.objects.get(appraisal=appraisal, item="预算执行偏差率", key="target").value == 0.98


@pytest.mark.django_db(transaction=True)  # the evidence file is written on commit
def test_facts_are_recorded_with_evidence(company: SimpleNamespace, open_cycle: Cycle) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    manager = client_for(company.manager.user)
    page = manager.post(
        f"/appraisals/{appraisal.pk}/events/",
        {
            "item": "部门管理",
            "name": "violation",
            "occurred_on": "2026-10-09",
            "description": "未按流程审批付款",
            "count": "1",
            "evidence": SimpleUploadedFile("审批单.pdf", b"%PDF-1.4\n"),
        },
        **HX,
    )
    assert page.status_code == 200
    event = Event.objects.get()
    assert event.evidence.name and event.recorded_by == company.manager.user
    assert "未按流程审批付款" in page.content.decode()
    own = client_for(company.clerks[0].user)
    assert "未按流程审批付款" in own.get(f"/appraisals/{appraisal.pk}/events/").content.decode()
    download = own.get(f"/events/{event.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4\n"


def test_self_supervisor_and_skip_level_ratings_by_role(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    url = f"/appraisals/{appraisal.pk}/ratings/"
    services.targets_sign(appraisal=appraisal, actor=company.manager.user)
    services.targets_acknowledge(appraisal=appraisal, actor=company.clerks[0].user)
    manager = client_for(company.manager.user)
    manager.post(url, {"action": "submit"})  # the scheme has no self rater: 复评 next
    appraisal.refresh_from_db()
    assert appraisal.state == A.SUPERVISOR_REVIEW
    page = manager.get(url).content.decode()
    assert "内部控制管理" in page
    assert "复评" in page or "Supervisor review" in page
    manager.post(url, {"action": "save", "r0-value": "4"})  # 内部控制管理, the one rated item
    rating = Rating.objects.get(appraisal=appraisal)
    assert (rating.role, rating.value, rating.rater) == ("supervisor", 4, company.manager.user)
    boss = client_for(company.boss.user)
    assert boss.post(url, {"action": "save", "r0-value": "5"}).status_code == 404
    manager.post(url, {"action": "submit"})
    appraisal.refresh_from_db()
    assert appraisal.state == A.CALIBRATION  # no skip-level rater in this scheme


def test_the_published_result_shows_every_trace_and_the_rank(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = publish(open_cycle, hr, company)
    page = client_for(company.clerks[0].user).get(f"/appraisals/{appraisal.pk}/result/")
    content = page.content.decode()
    result = appraisal.result
    for item in result.data["items"]:
        assert item["name"] in content
        assert str(item["trace"]).split()[0] in content
    assert f"{result.rank} / {result.ranked}" in content
    assert 'id="history-data"' in content and 'id="section-data"' in content
    assert "vendor/chartjs/chart.umd.min.js" in content


def test_interview_and_improvement_plan(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = publish(open_cycle, hr, company)
    url = f"/appraisals/{appraisal.pk}/interview/"
    manager = client_for(company.manager.user)
    assert "waiting-interviews" in manager.get("/").content.decode()
    manager.post(
        url,
        {
            "action": "interview",
            "held_on": "2026-11-12",
            "summary": "预算控制良好",
            "to_improve": "报表及时性",
            "next_goals": "偏差率≤2%",
        },
    )
    manager.post(
        url,
        {"action": "plan", "goals": "按时报表", "actions": "每周复核", "review_on": "2026-12-15"},
    )
    employee = client_for(company.clerks[0].user)
    assert "预算控制良好" in employee.get(url).content.decode()
    employee.post(url, {"action": "acknowledge"})
    interview = Interview.objects.get()
    assert interview.acknowledged_by == company.clerks[0].user
    assert ImprovementPlan.objects.get().goals == "按时报表"


def test_the_data_owner_enters_values_for_everyone(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    who = people(hr, auditor, company, open_cycle)
    client = client_for(who["data_owner"])
    page = client.get("/data/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "预算执行偏差率" in content and "李强" in content and "王芳" in content
    assert "waiting-facts" in client.get("/").content.decode()
    appraisal = appraisal_of(open_cycle, company.clerks[1])
    client.post(
        "/data/",
        {"appraisal": appraisal.pk, "item": "预算执行偏差率", "key": "actual", "value": "990000"},
        **HX,
    )
    fact = Fact.objects.get(appraisal=appraisal, key="actual")
    assert fact.value == 990000 and fact.recorded_by == who["data_owner"]


def test_the_data_owners_form_is_a_404_outside_the_figures_they_enter(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    """Only an appraisal of a running cycle, and an item whose source is one of the
    owner's (what their page lists); anyone else, or anything else, is a missing page
    and nothing is written."""
    who = people(hr, auditor, company, open_cycle)
    appraisal = appraisal_of(open_cycle, company.clerks[1])
    figure = {"appraisal": appraisal.pk, "item": "预算执行偏差率", "key": "actual"}
    figure["value"] = "990000"
    owner = client_for(who["data_owner"])
    not_theirs = {**figure, "item": "内部控制管理", "key": "", "value": "4"}  # no source
    assert owner.post("/data/", not_theirs, **HX).status_code == 404
    assert owner.post("/data/", {**figure, "appraisal": 10**9}, **HX).status_code == 404
    assert client_for(who["manager"]).post("/data/", figure, **HX).status_code == 404
    Cycle.objects.filter(pk=open_cycle.pk).update(state=CycleState.CLOSED)
    assert owner.post("/data/", figure, **HX).status_code == 404  # no longer running
    assert not Fact.objects.filter(appraisal=appraisal, key="actual").exists()


def test_the_team_page_lists_the_subtree_with_visible_results(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    publish(open_cycle, hr, company)
    content = client_for(company.boss.user).get("/team/").content.decode()
    assert "张敏" in content and "李强" in content and "王芳" in content
    assert client_for(company.clerks[0].user).get("/team/").status_code == 404


def test_pages_are_chinese_by_default_and_english_on_request(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    client = client_for(company.manager.user)
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的待办" in chinese
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What waits for me" in english


def test_committee_members_find_the_calibration_of_their_cycles_on_the_home_page(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    who = people(hr, auditor, company, open_cycle)
    link = f'href="/hr/cycles/{open_cycle.pk}/calibration/"'
    committee = client_for(who["committee"])
    assert link not in committee.get("/").content.decode()  # not in calibration yet
    to_calibration(open_cycle, hr, company)
    content = committee.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert link in content and "待校准的考核周期" in content
    assert committee.get(f"/hr/cycles/{open_cycle.pk}/calibration/").status_code == 200
    assert link not in client_for(who["manager"]).get("/").content.decode()  # not a member
    services.cycle_publish(cycle=open_cycle, actor=hr)
    assert link not in committee.get("/").content.decode()  # calibration is over
