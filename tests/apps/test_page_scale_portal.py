"""The portal's pages do not grow with the company (issue 11): each role's main page
runs the same number of SQL queries, and about the same number of bytes, for a
company of 50 as for one of 500 — and the manager's pages for a team of 50 direct
reports as for one of 500. Companies are built by the benchmark generator
(`tests/apps/scale_world.py`); lists show a page at a time (`jixiao.core.listing`)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from jixiao.appraisals.models import Appeal, Appraisal, Result
from jixiao.appraisals.workflow import AppealState
from jixiao.core.listing import Sort, listing
from jixiao.organization.models import Employee, Unit
from tests.apps.scale_world import World, assert_flat, at_sizes, build_world, measure

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 20)


def _appeals(world: World) -> None:
    """Two open appeals for every published appraisal (the whole result and one item),
    so the appeals lists fill more than a page at both sizes and grow with the company."""
    published = Appraisal.objects.filter(cycle=world.published, employee__isnull=False)
    Appeal.objects.bulk_create(
        Appeal(
            appraisal=appraisal,
            item=item,
            reason="考勤记录有误",
            filed_by=world.employee
            if appraisal.employee.user_id == world.employee.pk
            else world.hr,
            decide_by=DAY,
            answer_by=DAY + datetime.timedelta(days=10),
            state=AppealState.RECEIVED,
        )
        for appraisal in published.select_related("employee")
        for item in ("", "考勤")
    )


def _owner_of_finance(world: World) -> None:
    """The generator's finance people sit in 会计核算部 …; the forms' figures come from
    财务部: the data owner's unit is given that name, so their page has figures to enter."""
    Unit.objects.filter(employees__user=world.owner).update(name="财务部")


def _pages(world: World) -> dict[str, Any]:
    _appeals(world)
    _owner_of_finance(world)
    own = Appraisal.objects.get(cycle=world.published, employee__user=world.employee)
    provider = Appraisal.objects.get(cycle=world.published, unit__employees__user=world.provider)
    result = reverse("portal:appraisal_result", args=[own.pk])
    return {
        "manager home": measure(world.manager, reverse("portal:home")),
        "manager team": measure(world.manager, reverse("portal:team")),
        "manager notices": measure(world.manager, reverse("portal:notice_list")),
        "committee home": measure(world.committee, reverse("portal:home")),
        "committee appeals": measure(world.committee, reverse("portal:appeal_list")),
        "employee home": measure(world.employee, reverse("portal:home")),
        "employee result": measure(world.employee, result),
        "employee appeals": measure(world.employee, reverse("portal:appeal_list")),
        "HR appeals": measure(world.hr, reverse("portal:appeal_list")),
        "data owner home": measure(world.owner, reverse("portal:home")),
        "data owner data entry": measure(world.owner, reverse("portal:data_owner")),
        "provider home": measure(world.provider, reverse("portal:home")),
        "provider result": measure(
            world.provider, reverse("portal:appraisal_result", args=[provider.pk])
        ),
    }


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> dict[int, dict[str, Any]]:
    with django_db_blocker.unblock():
        return at_sizes((50, 500), _pages)


@pytest.mark.parametrize(
    "page",
    [
        "manager home",
        "manager notices",
        "committee home",
        "committee appeals",
        "employee home",
        "employee result",
        "employee appeals",
        "HR appeals",
        "data owner home",
        "data owner data entry",
        "provider home",
        "provider result",
    ],
)
def test_the_page_does_not_grow_with_the_company(measured: Any, page: str) -> None:
    assert_flat(measured, page)


def test_the_team_page_costs_the_same_queries_in_any_company(measured: Any) -> None:
    """The workshop has 10 operators in the company of 50 and 30 in that of 500: the
    page grows by its rows up to a page of 50 (the team of 500 is below), its queries
    not at all."""
    small, large = measured[50]["manager team"], measured[500]["manager team"]
    assert small.status == large.status == 200
    assert large.queries <= small.queries
    assert 0 < _rows(small.text, "team") < _rows(large.text, "team") <= 50


def _rows(text: str, table: str) -> int:
    body = text.split(f'<table class="{table}">', 1)[1].split("</table>", 1)[0]
    return len(re.findall(r'href="/(?:appraisals|appeals)/\d+/"', body))


def _total(text: str) -> int:
    found = re.search(r"共 (\d+) 条", text)
    assert found, "the list does not say how many rows it has"
    return int(found.group(1))


def test_the_lists_are_paged_and_say_how_many(measured: Any) -> None:
    for size in (50, 500):
        hr_appeals = measured[size]["HR appeals"].text
        assert 'rel="next"' in hr_appeals and _rows(hr_appeals, "appeals") == 50
    employee = measured[500]["employee appeals"].text
    assert _rows(employee, "appeals") == 2  # only their own two
    assert "共 2 条" in employee


def test_the_data_owner_enters_a_page_of_figures(measured: Any) -> None:
    for size in (50, 500):
        page = measured[size]["data owner data entry"].text
        rows = page.split('<table class="data">', 1)[1].split("</table>", 1)[0]
        assert 0 < rows.count('name="appraisal"') <= 50 * 2, size  # at most two keys a row


def test_the_committee_home_lists_calibration_not_every_appraisal(measured: Any) -> None:
    for size in (50, 500):
        page = measured[size]["committee home"]
        assert page.status == 200
        assert reverse("hr:cycle_calibration", args=[_cycle_pk(page.text)]) in page.text


def _cycle_pk(text: str) -> int:
    found = re.search(r"/hr/cycles/(\d+)/calibration/", text)
    assert found, "no calibration link on the committee's home page"
    return int(found.group(1))


# -- a team of 50 and one of 500 ------------------------------------------------------
def _grow_team(world: World, reports: int) -> Employee:
    """Give the workshop manager `reports` direct reports, each appraised in both
    cycles like the operator `world.employee` (September published with a result)."""
    manager = Employee.objects.get(user=world.manager)
    model = Employee.objects.get(user=world.employee)
    missing = reports - Employee.objects.filter(supervisor=manager).count()
    people = Employee.objects.bulk_create(
        Employee(
            number=f"T{n:05d}",
            name=f"操作工{n}",
            unit=model.unit,
            position=model.position,
            supervisor=manager,
            hire_date=model.hire_date,
        )
        for n in range(missing)
    )
    for appraisal in Appraisal.objects.filter(employee=model).select_related("result"):
        copies = Appraisal.objects.bulk_create(
            Appraisal(
                cycle=appraisal.cycle,
                employee=person,
                scheme_version=appraisal.scheme_version,
                state=appraisal.state,
                attributes=appraisal.attributes,
                targets_set_at=appraisal.targets_set_at,
                targets_signed_at=appraisal.targets_signed_at,
            )
            for person in people
        )
        result = getattr(appraisal, "result", None)
        if result is not None:
            rows = []
            for copy in copies:
                row = Result.objects.get(pk=result.pk)
                row.pk, row.appraisal = None, copy
                rows.append(row)
            Result.objects.bulk_create(rows)
    assert Employee.objects.filter(supervisor=manager).count() == reports
    return manager


@pytest.fixture(scope="module")
def teams(django_db_setup: Any, django_db_blocker: Any) -> dict[int, dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(50)
        for reports in (50, 500):
            with transaction.atomic():
                _grow_team(world, reports)
                done[reports] = {
                    "home": measure(world.manager, reverse("portal:home")),
                    "team": measure(world.manager, reverse("portal:team")),
                    "team, last page": measure(world.manager, reverse("portal:team") + "?page=99"),
                    "team, searched": measure(world.manager, reverse("portal:team") + "?q=T00001"),
                    "interviews": measure(
                        world.manager, reverse("portal:waiting_list", args=["interviews"])
                    ),
                }
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    return done


@pytest.mark.parametrize("page", ["home", "team", "team, searched", "interviews"])
def test_the_managers_pages_do_not_grow_with_the_team(teams: Any, page: str) -> None:
    assert_flat(teams, page)


def test_the_team_page_shows_one_page_of_the_team(teams: Any) -> None:
    small, large = teams[50]["team"].text, teams[500]["team"].text
    assert _rows(small, "team") == 50  # one cycle, everyone on one page
    assert _rows(large, "team") == 50  # the first 50 of 500
    assert _total(small) >= 50 and _total(large) >= 500 and 'rel="next"' in large
    last = teams[500]["team, last page"].text  # ?page=99: the last page
    pages = -(-_total(large) // 50)
    assert f'aria-current="page">{pages}<' in last and 'rel="next"' not in last
    assert _rows(last, "team") == _total(large) - 50 * (pages - 1)


def test_the_managers_home_lists_the_first_few_and_links_to_all(teams: Any) -> None:
    home = teams[500]["home"].text
    section = home.split('id="waiting-interviews"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li") == 10
    assert "全部 500" in section or "全部 5" in section
    assert reverse("portal:waiting_list", args=["interviews"]) in section
    interviews = teams[500]["interviews"].text
    assert len(re.findall(r'<li[^>]*><a href="/appraisals/', interviews)) == 50
    assert 'rel="next"' in interviews


def test_the_team_is_searched_by_name_number_and_department() -> None:
    world = build_world(50)
    manager = _grow_team(world, 60)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.manager)
    url = reverse("portal:team")
    by_name = client.get(url, {"q": "操作工7"}).content.decode()  # 操作工7, 操作工70 …
    assert "操作工7<" in by_name and "操作工8<" not in by_name
    by_number = client.get(url, {"q": "T00042"}).content.decode()
    assert _rows(by_number, "team") == 1 and "操作工42<" in by_number
    unit = Employee.objects.get(user=world.employee).unit  # the workshop
    by_unit = client.get(url, {"q": unit.name, "reports": manager.pk}).content.decode()
    assert _total(by_unit) == manager.reports.filter(unit=unit).count() > 50
    nobody = client.get(url, {"q": "没有这个人"}).content.decode()
    assert "没有符合条件的人。" in nobody
    descending = client.get(url, {"sort": "-number"}).content.decode()
    numbers = re.findall(r"<td>(T\d{5}|[A-Z]*\d+)</td>", descending)
    assert numbers == sorted(numbers, reverse=True)


def test_the_providers_contact_finds_the_providers_appraisal_and_result(measured: Any) -> None:
    """Issue 13: the contact's home was empty although the provider's result was out."""
    for size in (50, 500):
        home = measured[size]["provider home"].text
        mine = home.split('<section class="card mine">', 1)[1].split("</section>", 1)[0]
        assert re.search(r'href="/appraisals/\d+/"', mine)
        assert re.search(r'href="/appraisals/\d+/result/">结果</a>', mine)  # September's


def test_the_employee_home_links_the_published_result_only(measured: Any) -> None:
    home = measured[500]["employee home"].text
    mine = home.split('<section class="card mine">', 1)[1].split("</section>", 1)[0]
    assert mine.count("<tr>") == 1 + 2  # the heading, September and October
    assert len(re.findall(r'href="/appraisals/\d+/result/"', mine)) == 1  # September only


# -- the list kit ------------------------------------------------------------------------
def test_the_list_kit_keeps_the_address_and_toggles_the_sort() -> None:
    request = RequestFactory().get(
        "/x/", {"q": " 张  三 ", "sort": "-name", "page": "3", "cycle": "4"}
    )
    rows = listing(
        request,
        list(range(500)),
        sorts=[Sort("name", "姓名", ("employee__name",)), Sort("number", "工号", ("n",))],
        matches=lambda row, text: True,
        per_page=10,
    )
    assert (rows.query, rows.sort, rows.total, rows.page.number) == ("张 三", "-name", 500, 3)
    assert rows.hidden == [("cycle", "4")]  # kept by the search form
    assert rows.previous_url.endswith("page=2") and rows.next_url.endswith("page=4")
    assert [link.number if link else None for link in rows.page_links] == [
        1, 2, 3, 4, 5, None, 50,
    ]  # fmt: skip
    assert rows.links["name"].url == "?cycle=4&q=%E5%BC%A0+%E4%B8%89&sort=name"  # back up
    assert rows.links["name"].arrow == " ↓" and rows.links["number"].arrow == ""
    assert "page=" not in rows.links["number"].url  # a new order starts at page 1
    unknown = listing(RequestFactory().get("/x/", {"sort": "password"}), [], sorts=rows.sorts)
    assert unknown.sort == "name"  # an order not offered is not applied


def test_a_search_of_the_appeals_finds_the_appellant() -> None:
    world = build_world(50)
    _appeals(world)
    me = Employee.objects.get(user=world.employee)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.hr)
    found = client.get(reverse("portal:appeal_list"), {"q": me.number}).content.decode()
    assert _total(found) == 2 and _rows(found, "appeals") == 2  # the two appeals of one person
    decided = client.get(reverse("portal:appeal_list"), {"state": "decided"}).content.decode()
    assert _total(decided) == 0


@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("manager home", 'id="team-states"'),
        ("committee home", 'id="calibrations"'),
        ("employee home", 'id="next-step"'),
        ("employee home", 'id="last-result"'),
        ("data owner home", 'id="data-items"'),
        ("provider home", 'id="contract-months"'),
    ],
)
def test_each_home_shows_its_role_at_both_sizes(measured: Any, page: str, section: str) -> None:
    """Issue 13: the sections a role's home page adds are there in both companies, so
    the flat query counts above cover them."""
    for size in (50, 500):
        assert section in measured[size][page].text, (size, page)
