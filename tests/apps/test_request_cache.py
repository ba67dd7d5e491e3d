"""A web request reads the person's employee record once, however many rules ask for
it; outside a request nothing is cached, so a record linked later is found at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from jixiao.core.request_cache import RequestCacheMiddleware
from jixiao.organization import access
from jixiao.organization.access import employee_of, subordinate_ids, subordinates
from jixiao.organization.models import Employee
from tests.apps.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_outside_a_request_every_call_reads_the_database() -> None:
    user = UserFactory(username="zhang")
    assert employee_of(user) is None
    employee = EmployeeFactory(user=user)
    assert employee_of(user) == employee  # not a stale None


def test_within_a_request_the_employee_is_read_once_and_dropped_after() -> None:
    user = UserFactory(username="li")
    employee = EmployeeFactory(user=user)
    found: list[object] = []

    def view(request: HttpRequest) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            found.extend(employee_of(user) for _n in range(5))
            assert employee_of(user).unit.name  # type: ignore[union-attr]  # unit read with it
        assert len(queries) == 1
        return HttpResponse("ok")

    RequestCacheMiddleware(view)(HttpRequest())
    assert found == [employee] * 5
    with CaptureQueriesContext(connection) as queries:
        employee_of(user)
    assert len(queries) == 1  # the request's cache is gone


def test_the_subtree_below_a_manager_is_read_once_per_request_and_stops_at_a_cycle() -> None:
    boss = EmployeeFactory()
    a, b = EmployeeFactory(supervisor=boss), EmployeeFactory(supervisor=boss)
    a1 = EmployeeFactory(supervisor=a)
    a11 = EmployeeFactory(supervisor=a1)
    EmployeeFactory()  # someone elsewhere
    assert subordinate_ids(boss) == {a.pk, b.pk, a1.pk, a11.pk}
    assert subordinate_ids(a) == {a1.pk, a11.pk}
    assert subordinate_ids(a11) == set()
    below = Employee.objects.filter(pk__in=subordinates(boss))
    assert set(below.values_list("pk", flat=True)) == {a.pk, b.pk, a1.pk, a11.pk}
    # a loop the forms refuse (a's supervisor below a) may come from old data: it ends
    Employee.objects.filter(pk=a.pk).update(supervisor=a11)
    assert subordinate_ids(a) == {a1.pk, a11.pk, a.pk}
    assert subordinate_ids(boss) == {b.pk}

    def view(request: HttpRequest) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            for _n in range(3):
                assert subordinate_ids(a1) == {a11.pk, a.pk, a1.pk}
                assert Employee.objects.filter(pk__in=subordinates(a1)).count() == 3
        assert len(queries) == 1 + 3  # the subtree once, then the three counts
        return HttpResponse("ok")

    RequestCacheMiddleware(view)(HttpRequest())


def test_a_subtree_above_the_array_limit_is_read_whole_and_queried_recursively(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(access, "_AS_ARRAY_AT_MOST", 2)  # as 2,000 below the head
    boss = EmployeeFactory()
    a, b = EmployeeFactory(supervisor=boss), EmployeeFactory(supervisor=boss)
    a1 = EmployeeFactory(supervisor=a)
    everyone = {a.pk, b.pk, a1.pk}

    def view(request: HttpRequest) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            for _n in range(2):
                assert subordinate_ids(boss) == everyone
                assert set(Employee.objects.filter(pk__in=subordinates(boss))) == {a, b, a1}
        assert len(queries) == 2 + 2  # the first three, all of them, then the two reads
        assert "RECURSIVE" in queries[-1]["sql"]  # not an array of thousands
        return HttpResponse("ok")

    RequestCacheMiddleware(view)(HttpRequest())
