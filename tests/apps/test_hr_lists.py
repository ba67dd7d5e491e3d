"""HR's lists and pickers that do not list the whole company: the population's
person and the committee by 工号 and login name, eligibility filtered and searched,
the progress's drill-down, and the employee list searched by department."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jixiao.appraisals.models import Cycle, PopulationRule
from jixiao.appraisals.services import cycle_set_deadline
from tests.apps.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_person_is_added_to_the_population_by_number(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    client = signed_in(hr)
    page = client.get(f"/hr/cycles/{draft_cycle.pk}/").content.decode()
    assert 'name="employee" maxlength="30"' in page  # a box for the number, no list
    url = f"/hr/cycles/{draft_cycle.pk}/population/"
    answer = client.post(url, {"kind": "employee", "employee": "9999"}, follow=True)
    assert "no employee with the number 9999" in answer.content.decode()
    client.post(url, {"kind": "employee", "employee": company.worker.number})
    assert PopulationRule.objects.filter(cycle=draft_cycle, employee=company.worker).exists()


def test_the_committee_is_kept_by_ticks_and_added_by_login_name(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    client = signed_in(hr)
    url = f"/hr/cycles/{draft_cycle.pk}/committee/"
    other = UserFactory(username="weiyuan")
    client.post(url, {"add": "boss, weiyuan"})
    assert set(draft_cycle.committee.values_list("username", flat=True)) == {"boss", "weiyuan"}
    page = client.get(f"/hr/cycles/{draft_cycle.pk}/").content.decode()
    assert f'name="members" value="{other.pk}" checked' in page
    assert 'value="' + str(hr.pk) + '"' not in page.split('id="committee-form"')[1][:2000]
    answer = client.post(url, {"members": [other.pk], "add": "nobody"}, follow=True)
    assert "no active account with the login name: nobody" in answer.content.decode()
    assert draft_cycle.committee.count() == 2  # refused: nothing changed
    client.post(url, {"members": [other.pk]})  # 总经理 unticked
    assert list(draft_cycle.committee.values_list("username", flat=True)) == ["weiyuan"]


def test_eligibility_is_filtered_and_searched(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    client = signed_in(hr)
    client.post(f"/hr/cycles/{draft_cycle.pk}/eligibility/")
    url = f"/hr/cycles/{draft_cycle.pk}/eligibility/"
    everyone = client.get(url).content.decode()
    assert everyone.count('<tr id="eligibility-') >= 3
    found = client.get(url, {"q": "王芳"}).content.decode()
    assert found.count('<tr id="eligibility-') == 1 and 'data-candidate="1003"' in found
    excluded = client.get(url, {"show": "excluded"}).content.decode()
    rows = excluded.count('<tr id="eligibility-')
    assert rows == int(everyone.split(" candidates, ")[1].split(" not appraised")[0])


def test_the_progress_drills_down_to_a_department_and_to_the_overdue(
    hr: Any, open_cycle: Cycle
) -> None:
    client = signed_in(hr)
    cycle_set_deadline(cycle=open_cycle, actor=hr, stage="targets", due=datetime.date(2020, 1, 10))
    detail = client.get(f"/hr/cycles/{open_cycle.pk}/").content.decode()
    assert f"/hr/cycles/{open_cycle.pk}/appraisals/?department=%E8%B4%A2%E5%8A%A1%E9%83%A8" in (
        detail
    )
    url = f"/hr/cycles/{open_cycle.pk}/appraisals/"
    page = client.get(url, {"department": "财务部"}).content.decode()
    assert all(name in page for name in ("张敏", "李强", "王芳"))
    assert client.get(url, {"department": "生产部"}).content.decode().count("<td>张敏") == 0
    late = client.get(url, {"overdue": "1"}).content.decode()
    assert "days overdue" in late and "李强" in late
    one = client.get(url, {"overdue": "1", "q": "李强"}).content.decode()
    assert "李强" in one and "王芳" not in one


def test_employees_are_found_by_department(hr: Any, company: SimpleNamespace) -> None:
    page = signed_in(hr).get("/hr/employees/", {"q": "一车间"}).content.decode()
    assert "赵六" in page and "李强" not in page


def test_an_eligibility_decision_returns_to_the_same_page_of_the_list(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    client = signed_in(hr)
    client.post(f"/hr/cycles/{draft_cycle.pk}/eligibility/")
    url = f"/hr/cycles/{draft_cycle.pk}/eligibility/"
    page = client.get(url, {"q": "王芳"}).content.decode()
    assert 'name="back" value="q=%E7%8E%8B%E8%8A%B3"' in page
    entry = draft_cycle.eligibilities.get(employee=company.clerks[1])
    answer = client.post(
        f"{url}{entry.pk}/",
        {"decision": "exclude", "reason": "借调", "back": "q=王芳&evil=1"},
    )
    assert answer["Location"] == f"{url}?q=%E7%8E%8B%E8%8A%B3#eligibility-{entry.pk}"


def test_the_overview_counts_completion_overdue_work_by_unit_and_appeals(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    from jixiao.appraisals import services
    from tests.apps.conftest import appraisal_of
    from tests.apps.portal_world import publish

    cycle_set_deadline(cycle=open_cycle, actor=hr, stage="targets", due=datetime.date(2020, 1, 10))
    page = signed_in(hr).get("/hr/").content.decode()
    assert 'style="width: 0%"' in page  # nobody has reached calibration: a bar at 0 %
    units = page.split('id="overdue-units"')[1]
    assert "财务部" in units and '<span class="badge bad">3</span>' in units
    publish(open_cycle, hr, company)
    services.appeal_file(
        appraisal=appraisal_of(open_cycle, company.clerks[0]),
        actor=company.clerks[0].user,
        reason="上级评分与事实不符",
    )
    page = signed_in(hr).get("/hr/").content.decode()
    waiting = page.split('id="appeals-waiting"')[1].split("</div></div>")[0]
    assert '<div class="stat">1</div>' in waiting
    assert 'id="overdue-units"' not in page  # published: nothing is overdue any more


def test_the_organisation_is_searched_by_unit_name_or_code(
    hr: Any, company: SimpleNamespace
) -> None:
    page = signed_in(hr).get("/hr/organisation/", {"q": "prd"}).content.decode()
    assert "生产部" in page and "一车间" in page and "财务部" not in page
