"""The one menu (jixiao.portal.menu): each role and state shows the entries that lead
somewhere and only those, in a constant number of queries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.workflow import CycleState
from jixiao.portal.menu import menu_for
from tests.apps.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERYONE = ["home", "calendar", "notices", "tokens"]
HR_PAGES = [
    "hr_home",
    "hr_organisation",
    "hr_indicators",
    "hr_schemes",
    "hr_cycles",
    "hr_audit",
    "hr_lockouts",
]


def keys(user: Any, path: str = "") -> list[str]:
    return [entry.key for entry in menu_for(user, path=path)]


def test_hr_has_its_pages_excel_the_api_docs_the_admin_appeals_and_what_waits(hr: Any) -> None:
    shown = keys(hr)

    assert set(shown) >= {*EVERYONE, *HR_PAGES, "appeals", "spreadsheets", "api_docs", "admin"}
    assert not {"team", "data", "appraisal", "calibration"} & set(shown)


def test_the_auditor_reads_the_hr_pages_but_gets_no_api_docs(auditor: Any) -> None:
    shown = keys(auditor)

    assert set(shown) >= {*EVERYONE, *HR_PAGES, "appeals", "spreadsheets"}
    assert "api_docs" not in shown


def test_someone_without_a_team_data_or_appraisal_sees_only_what_everyone_has(
    company: SimpleNamespace,
) -> None:
    assert keys(company.worker.user) == ["home", "appeals", *EVERYONE[1:]]


def test_a_user_without_an_employee_sees_no_appeals() -> None:
    assert keys(UserFactory()) == EVERYONE


def test_my_team_only_for_someone_with_a_report(company: SimpleNamespace) -> None:
    assert "team" in keys(company.manager.user)
    assert "team" in keys(company.boss.user)
    assert "team" not in keys(company.clerks[0].user)


def test_data_entry_and_excel_only_for_a_data_owner(company: SimpleNamespace) -> None:
    clerk = company.clerks[0]
    assert not {"data", "spreadsheets"} & set(keys(clerk.user))

    clerk.is_data_owner = True
    clerk.save()

    assert {"data", "spreadsheets"} <= set(keys(clerk.user))


def test_my_appraisal_once_a_cycle_is_open(
    draft_cycle: Cycle, company: SimpleNamespace, hr: Any
) -> None:
    clerk = company.clerks[0]
    assert "appraisal" not in keys(clerk.user)  # a draft cycle's appraisal is not shown

    services.cycle_open(cycle=draft_cycle, actor=hr)

    entry = next(e for e in menu_for(clerk.user) if e.key == "appraisal")
    appraisal = Appraisal.objects.get(cycle=draft_cycle, employee=clerk)
    assert entry.url == reverse("portal:appraisal_detail", args=[appraisal.pk])
    assert Client().get(entry.url).status_code == 302  # (signed out: to the login)
    client = Client()
    client.force_login(clerk.user)
    assert client.get(entry.url).status_code == 200


def test_calibration_only_for_a_committee_member_of_a_cycle_in_calibration(
    open_cycle: Cycle, company: SimpleNamespace
) -> None:
    boss = company.boss.user
    open_cycle.committee.add(boss)
    assert "calibration" not in keys(boss)  # the cycle is still collecting facts

    Cycle.objects.filter(pk=open_cycle.pk).update(state=CycleState.CALIBRATION)

    entry = next(e for e in menu_for(boss) if e.key == "calibration")
    assert entry.url == reverse("hr:cycle_calibration", args=[open_cycle.pk])
    assert "calibration" not in keys(company.manager.user)


def test_the_current_entry_is_the_longest_address_that_starts_the_path(hr: Any) -> None:
    def current(path: str) -> list[str]:
        return [e.key for e in menu_for(hr, path=path) if e.current]

    assert current("/") == ["home"]
    assert current("/hr/") == ["hr_home"]
    assert current("/hr/cycles/5/calibration/") == ["hr_cycles"]
    assert current("/appeals/3/") == ["appeals"]
    assert current("/nowhere/") == []


def count_queries(user: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        menu_for(user, path="/")
    return len(queries)


def test_the_menu_costs_the_same_queries_for_a_small_and_a_large_team(
    open_cycle: Cycle, company: SimpleNamespace
) -> None:
    manager = company.manager
    small = count_queries(manager.user)

    for _n in range(30):  # thirty more reports, and reports of theirs
        report = EmployeeFactory(unit=company.finance, supervisor=manager)
        EmployeeFactory(unit=company.finance, supervisor=report)

    # the employee with a team, latest appraisal and result; the account's calibration, surveys
    assert small == 2
    assert count_queries(manager.user) == small
    assert count_queries(company.worker.user) == small


def test_every_page_shows_the_menu_once_and_one_language_selector(
    company: SimpleNamespace, hr: Any
) -> None:
    client = Client()
    client.force_login(company.manager.user)
    for url in ("/", "/team/", "/appeals/"):
        page = client.get(url).content.decode()
        assert page.count('class="site-nav"') == 1
        assert page.count('name="language"') == 1
        assert page.count(f'href="{reverse("portal:team")}"') >= 1
        assert f'href="{reverse("portal:data_owner")}"' not in page  # not a data owner
    client.force_login(hr)
    page = client.get(reverse("hr:cycle_list")).content.decode()
    for name in ("portal:home", "portal:appeal_list", "spreadsheets:index", "admin:index"):
        assert f'href="{reverse(name)}"' in page
    assert 'href="/api/v1/docs"' in page


def test_the_result_tab_only_when_a_result_may_be_seen(
    open_cycle: Cycle, company: SimpleNamespace
) -> None:
    clerk = company.clerks[0]
    appraisal = Appraisal.objects.get(cycle=open_cycle, employee=clerk)
    client = Client()
    client.force_login(clerk.user)

    page = client.get(reverse("portal:appraisal_detail", args=[appraisal.pk])).content.decode()

    assert reverse("portal:appraisal_targets", args=[appraisal.pk]) in page
    assert reverse("portal:appraisal_result", args=[appraisal.pk]) not in page
    assert client.get(reverse("portal:appraisal_result", args=[appraisal.pk])).status_code == 404


def test_the_raters_of_an_item_are_said_in_words(
    open_cycle: Cycle, company: SimpleNamespace
) -> None:
    clerk = company.clerks[0]
    appraisal = Appraisal.objects.get(cycle=open_cycle, employee=clerk)
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    client.force_login(clerk.user)

    page = client.get(reverse("portal:appraisal_detail", args=[appraisal.pk])).content.decode()

    assert "评分人 上级" in page
    assert "supervisor" not in page


def test_a_rating_s_role_is_said_in_the_reader_s_words() -> None:
    from django.utils import translation

    from jixiao.portal.templatetags.portal_words import rater

    with translation.override("zh-hans"):
        assert (rater("supervisor"), rater("self"), rater("peer")) == ("上级", "自评", "同事")
