"""A web request reads the person's employee record once, however many rules ask for
it; outside a request nothing is cached, so a record linked later is found at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from jixiao.core.request_cache import RequestCacheMiddleware
from jixiao.organization.access import employee_of
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
