"""Companies of any size for the page-size tests: the benchmark generator
(`jixiao.demo.bench_company`, the same as `manage.py bench_company`) builds a
company of N employees with two scored monthly cycles — September published,
October in calibration — in about a second for 50 people and five for 500
(SQLite in memory).

A page "does not grow with the company" when it runs the same number of SQL
queries, and about the same number of bytes, for 50 people as for 500. The tests
build both companies in one module-scoped fixture, each inside a transaction that
is rolled back, measure their pages as a function of the `World`, and compare:

    @pytest.fixture(scope="module")
    def measured(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            return at_sizes((50, 500), lambda world: {
                "home": measure(world.hr, reverse("hr:home")),
                ...
            })

    @pytest.mark.django_db  # without a database test in the module, no test database
    def test_home(measured):
        assert_flat(measured, "home")

`World` names the people a page is seen by (HR, a committee member of October,
the manager with the most direct reports, an operator, a data owner, the
provider's contact) and the two cycles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.accounts.models import User
from jixiao.appraisals.models import Cycle
from jixiao.demo import bench_company, bench_cycles
from jixiao.demo.management.commands.bench_company import build
from jixiao.organization.models import Employee

T = TypeVar("T")
SIZES = (50, 500)


@dataclass(frozen=True)
class World:
    """A generated company: its size, its people by role, its two cycles."""

    employees: int
    hr: User
    committee: User
    manager: User  # the workshop manager, the most direct reports
    employee: User  # an operator of that workshop
    owner: User  # a data owner (finance)
    provider: User  # the warehouse provider's contact
    published: Cycle  # September 2026, published
    calibration: Cycle  # October 2026, in calibration


def build_world(employees: int, *, seed: int = 1) -> World:
    """Build a company of `employees` people in the current database (which must
    hold none) with the benchmark generator, and name its people and cycles."""
    build(employees=employees, seed=seed, say=lambda _line: None)
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[
                bench_company.HR_LOGIN,
                bench_company.COMMITTEE_LOGIN,
                bench_company.BIG_MANAGER_LOGIN,
                bench_company.EMPLOYEE_LOGIN,
                bench_company.DATA_OWNER_LOGIN,
                bench_company.PROVIDER_LOGIN,
            ]
        )
    }
    return World(
        employees=Employee.objects.count(),
        hr=users[bench_company.HR_LOGIN],
        committee=users[bench_company.COMMITTEE_LOGIN],
        manager=users[bench_company.BIG_MANAGER_LOGIN],
        employee=users[bench_company.EMPLOYEE_LOGIN],
        owner=users[bench_company.DATA_OWNER_LOGIN],
        provider=users[bench_company.PROVIDER_LOGIN],
        published=Cycle.objects.get(code=bench_cycles.SEPTEMBER[1]),
        calibration=Cycle.objects.get(code=bench_cycles.OCTOBER[1]),
    )


def at_sizes(sizes: Iterable[int], work: Callable[[World], T], *, seed: int = 1) -> dict[int, T]:
    """`work(world)` for a company of each size, each built inside a transaction
    rolled back afterwards (the database is left as it was). Call it with the
    database unblocked (`django_db_blocker.unblock()` in a module-scoped fixture)."""
    done: dict[int, T] = {}
    for size in sizes:
        with transaction.atomic():
            done[size] = work(build_world(size, seed=seed))
            transaction.set_rollback(True)
    return done


@dataclass(frozen=True)
class Measure:
    """One page as one person sees it: its status, SQL queries and bytes."""

    url: str
    status: int
    queries: int
    bytes: int
    text: str


def measure(user: User, url: str, *, language: str = "zh-hans") -> Measure:
    """Request `url` as `user` (after one warm-up request, so caches filled on a
    first visit are not counted) and count its queries and bytes."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Measure(url, response.status_code, len(queries), len(content), content.decode())


def assert_flat(
    measured: dict[int, dict[str, Measure]],
    page: str,
    *,
    extra_queries: int = 0,
    growth: float = 0.15,
    extra_bytes: int = 2_000,
) -> None:
    """The page answered 200 at every size, with no more queries at the largest
    size than at the smallest (plus `extra_queries`), and bytes grown by at most
    `growth` (plus `extra_bytes`: longer numbers and names)."""
    small, large = min(measured), max(measured)
    a, b = measured[small][page], measured[large][page]
    assert a.status == 200, f"{page} at {small}: {a.status}"
    assert b.status == 200, f"{page} at {large}: {b.status}"
    assert b.queries <= a.queries + extra_queries, (
        f"{page}: {a.queries} SQL queries for {small} employees, {b.queries} for {large}"
    )
    assert b.bytes <= a.bytes * (1 + growth) + extra_bytes, (
        f"{page}: {a.bytes} bytes for {small} employees, {b.bytes} for {large}"
    )


def largest_manager() -> Employee:
    """The employee with the most direct reports (the workshop manager)."""
    found: Any = (
        Employee.objects.annotate(reports_count=Count("reports"))
        .order_by("-reports_count", "number")
        .first()
    )
    return found
