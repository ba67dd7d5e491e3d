"""The HR pages through the test client: who may see them, and what they show."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jixiao.appraisals.models import Cycle, Eligibility
from jixiao.appraisals.workflow import CycleState
from jixiao.schemes.models import SchemeVersion
from tests.apps.conftest import SCHEME
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    "/hr/",
    "/hr/organisation/",
    "/hr/positions/",
    "/hr/employees/",
    "/hr/indicators/",
    "/hr/schemes/",
    "/hr/schemes/T-FIN/",
    "/hr/schemes/T-FIN/trial/",
    "/hr/cycles/",
    "/hr/audit/",
]


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_hr_and_the_auditor_see_every_page(
    url: str, hr: Any, auditor: Any, scheme: SchemeVersion, company: SimpleNamespace
) -> None:
    assert signed_in(hr).get(url).status_code == 200
    assert signed_in(auditor).get(url).status_code == 200


@pytest.mark.parametrize("url", [*PAGES, "/hr/schemes/NOPE/"])
def test_anyone_else_gets_the_same_404(
    url: str, scheme: SchemeVersion, company: SimpleNamespace
) -> None:
    page = signed_in(company.clerks[0].user).get(url)
    assert page.status_code == 404


def test_signed_out_people_are_sent_to_the_login_page(client: Client) -> None:
    page = client.get("/hr/schemes/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_the_auditor_cannot_change_anything(auditor: Any, scheme: SchemeVersion) -> None:
    page = signed_in(auditor).post("/hr/schemes/T-FIN/edit/", {"text": SCHEME, "comment": "x"})
    assert page.status_code == 404


def test_the_base_page_loads_the_vendored_libraries_and_offers_both_languages(hr: Any) -> None:
    page = signed_in(hr).get("/hr/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "/static/css/app.css" in page
    assert 'value="en"' in page and 'value="zh-hans"' in page
    assert "cdn" not in page.lower()
    assert 'href="/hr/schemes/"' in page  # HR's navigation


def test_an_employee_does_not_get_the_hr_navigation(client: Client, company: Any) -> None:
    page = signed_in(company.clerks[0].user).get("/accounts/login/").content.decode()
    assert 'href="/hr/schemes/"' not in page


def test_the_scheme_is_shown_as_the_familiar_form(hr: Any, scheme: SchemeVersion) -> None:
    page = signed_in(hr).get("/hr/schemes/T-FIN/").content.decode()
    for heading in ("考核因素", "权数", "考核指标", "考核方法", "数据来源", "得分标准"):
        assert heading in page
    assert "预算执行偏差率" in page and "财务部" in page
    assert "预算执行偏差率 ≥ 98% scores 100; ≥ 95% scores 80" in page  # the engine's describe()
    zh = signed_in(hr).get("/hr/schemes/T-FIN/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "预算执行偏差率 ≥ 98% 得 100 分；≥ 95% 得 80 分" in zh
    assert ">25<" in page  # 部门管理: 50 × 25/50, the effective weight


def test_the_check_shows_an_error_beside_its_line(hr: Any, scheme: SchemeVersion) -> None:
    broken = SCHEME.replace("        rule: {deduct:", "        rulle: {deduct:")
    line = (
        broken.splitlines().index(
            "        rulle: {deduct: {per: {violation: {each: 10}, late_day: {each: 5}}}}"
        )
        + 1
    )
    page = signed_in(hr).post("/hr/schemes/check/", {"text": broken}, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-line="{line}"' in text
    assert "rule" in text and "error" in text


def test_the_check_speaks_the_readers_language_and_names_the_place(
    hr: Any, scheme: SchemeVersion
) -> None:
    broken = SCHEME.replace(
        "weight: 25\n        rule: {levels", "weight: -1\n        rule: {levels"
    )
    assert broken != SCHEME
    client = signed_in(hr)
    zh = client.post(
        "/hr/schemes/check/",
        {"text": broken},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "的权重: 不能小于 0，实为 -1" in zh
    assert "「" in zh and "must be at least" not in zh
    en = client.post("/hr/schemes/check/", {"text": broken}, HTTP_HX_REQUEST="true")
    assert "weight: must be at least 0, got -1" in en.content.decode()


def test_saving_a_broken_document_saves_nothing(hr: Any, scheme: SchemeVersion) -> None:
    broken = SCHEME.replace(
        "weight: 25\n        rule: {levels", "weight: -1\n        rule: {levels"
    )
    page = signed_in(hr).post("/hr/schemes/T-FIN/edit/", {"text": broken, "comment": "x"})
    assert page.status_code == 200
    assert SchemeVersion.objects.filter(scheme__code="T-FIN").count() == 1


def test_saving_a_good_document_makes_a_new_version(hr: Any, scheme: SchemeVersion) -> None:
    changed = SCHEME.replace("[else, 20]]", "[else, 10]]")
    page = signed_in(hr).post("/hr/schemes/T-FIN/edit/", {"text": changed, "comment": "稍严"})
    assert page.status_code == 302
    assert SchemeVersion.objects.filter(scheme__code="T-FIN").count() == 2


def test_the_trial_calculation_scores_what_is_typed(hr: Any, scheme: SchemeVersion) -> None:
    values = {
        "version": "1",
        "in|预算执行偏差率|actual": "990000",
        "in|预算执行偏差率|budget": "1000000",
        "ev|部门管理|violation": "1",
        "r|内部控制管理|supervisor": "4",
    }
    page = signed_in(hr).post("/hr/schemes/T-FIN/trial/", values, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'id="trial-total">92.5<' in text
    assert "violation 1: 1 × 10 = 10; 100 − 10 = 90" in text
    assert "优秀" in text


def test_the_trial_form_asks_for_what_each_rule_needs(hr: Any, scheme: SchemeVersion) -> None:
    text = signed_in(hr).get("/hr/schemes/T-FIN/trial/").content.decode()
    for name in (
        "in|预算执行偏差率|actual",
        "ev|部门管理|violation",
        "r|内部控制管理|supervisor",
        "adj|重大违纪",
    ):
        assert f'name="{name}"' in text


def test_hr_creates_a_cycle_and_overrides_an_eligibility(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    client = signed_in(hr)
    page = client.post(
        "/hr/cycles/new/",
        {
            "code": "2026-11",
            "name": "2026年11月考核",
            "period_kind": "month",
            "period": "2026-11",
            "appeal_window_days": "5",
        },
    )
    assert page.status_code == 302
    assert Cycle.objects.filter(code="2026-11", state=CycleState.DRAFT).exists()
    client.post(f"/hr/cycles/{draft_cycle.pk}/eligibility/")
    entry = Eligibility.objects.get(cycle=draft_cycle, employee=company.clerks[0])
    url = f"/hr/cycles/{draft_cycle.pk}/eligibility/{entry.pk}/"
    client.post(url, {"decision": "exclude", "reason": ""})  # a reason is required
    entry.refresh_from_db()
    assert entry.decision == ""
    client.post(url, {"decision": "exclude", "reason": "借调外单位"})
    entry.refresh_from_db()
    assert entry.decision == "exclude" and entry.decision_reason == "借调外单位"
    page = client.get(f"/hr/cycles/{draft_cycle.pk}/eligibility/").content.decode()
    assert "借调外单位" in page
    client.post(f"/hr/cycles/{draft_cycle.pk}/move/", {"to": "targets"})
    draft_cycle.refresh_from_db()
    assert draft_cycle.state == CycleState.TARGETS
    assert draft_cycle.appraisals.count() == 2  # the manager and one clerk


def test_progress_and_overdue_work(hr: Any, open_cycle: Cycle) -> None:
    import datetime

    from jixiao.appraisals.services import cycle_set_deadline

    cycle_set_deadline(cycle=open_cycle, actor=hr, stage="targets", due=datetime.date(2020, 1, 10))
    page = signed_in(hr).get(f"/hr/cycles/{open_cycle.pk}/").content.decode()
    assert "财务部" in page  # a row of the progress table
    assert page.count('class="num">3<') >= 1  # three appraisals set targets
    assert "张敏" in page.split('id="overdue"')[1]  # overdue, waiting for the appraisee
