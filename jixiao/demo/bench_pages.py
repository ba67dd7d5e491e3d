"""Measuring the main pages of each role on whatever company is in the database
(`manage.py bench_pages`): each page is requested with Django's test client as
that person, and its status, SQL query count, size and time (median of a few
requests, after one to warm up) are printed. No web server is needed; the
figures are the application's own cost (no network, no gunicorn).

The people are found in the data, not by name, so the tool measures the demo
company as well as a `bench_company` one: an HR administrator, a committee
member of the latest cycle, the manager with the most direct reports, an
employee appraised in both cycles, a data owner and a provider's contact."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.workflow import CycleState
from jixiao.organization.models import Employee, UnitKind
from jixiao.schemes.models import Scheme

SLOW_SECONDS = 5.0


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: str
    user: User


@dataclass(frozen=True)
class Measured:
    role: str
    name: str
    url: str
    status: int
    queries: int
    bytes: int
    median_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cycles() -> tuple[Cycle | None, Cycle | None]:
    """The latest published (or closed) cycle and the latest one still being scored."""
    ordered = Cycle.objects.order_by("-start", "-pk")
    published = ordered.filter(state__in=[CycleState.PUBLISHED, CycleState.CLOSED]).first()
    current = ordered.exclude(
        state__in=[CycleState.PUBLISHED, CycleState.CLOSED, CycleState.DRAFT, CycleState.CANCELLED]
    ).first()
    return published, current


def _appraisal(cycle: Cycle | None, employee: Employee | None) -> Appraisal | None:
    if cycle is None or employee is None:
        return None
    return Appraisal.objects.filter(cycle=cycle, employee=employee).first()


def pages() -> Iterator[Page]:
    """Each role's main pages, for the people found in the data."""
    published, current = _cycles()
    latest = current or published
    hr = User.objects.filter(is_hr=True, is_active=True).order_by("pk").first()
    if hr is not None:
        yield from _hr_pages(hr, published, current)
    committee = latest.committee.order_by("pk").first() if latest is not None else None
    if committee is not None:
        yield Page("committee", "home", reverse("portal:home"), committee)
        if current is not None:
            url = reverse("hr:cycle_calibration", args=[current.pk])
            yield Page("committee", "calibration", url, committee)
    manager = (
        Employee.objects.filter(user__isnull=False)
        .annotate(reports_count=Count("reports"))
        .order_by("-reports_count", "number")
        .first()
    )
    if manager is not None and manager.user is not None:
        yield from _manager_pages(manager, manager.user, published, current)
    employee = (
        Employee.objects.filter(user__isnull=False, reports__isnull=True, is_data_owner=False)
        .filter(appraisals__cycle=latest, user__is_hr=False)
        .exclude(unit__kind=UnitKind.PROVIDER)
        .order_by("number")
        .first()
    )
    if employee is not None and employee.user is not None:
        yield from _own_pages("employee", employee, employee.user, published, current)
    owner = Employee.objects.filter(is_data_owner=True, user__isnull=False).order_by("number")
    found = owner.first()
    if found is not None and found.user is not None:
        yield Page("data owner", "home", reverse("portal:home"), found.user)
        yield Page("data owner", "data entry", reverse("portal:data_owner"), found.user)
    contact = Employee.objects.filter(unit__kind=UnitKind.PROVIDER, user__isnull=False).first()
    if contact is not None and contact.user is not None:
        yield Page("provider", "home", reverse("portal:home"), contact.user)
        mine = Appraisal.objects.filter(cycle=published, unit=contact.unit).first()
        if mine is not None:
            url = reverse("portal:appraisal_result", args=[mine.pk])
            yield Page("provider", "result", url, contact.user)


def _hr_pages(hr: User, published: Cycle | None, current: Cycle | None) -> Iterator[Page]:
    for name, url_name in (
        ("home", "hr:home"),
        ("organisation", "hr:organisation"),
        ("employees", "hr:employee_list"),
        ("positions", "hr:position_list"),
        ("dictionary", "hr:indicator_list"),
        ("schemes", "hr:scheme_list"),
        ("cycles", "hr:cycle_list"),
        ("audit log", "hr:audit_list"),
        ("strategy map", "strategy:map"),
        ("cascade", "strategy:cascade"),
        ("coverage", "strategy:coverage"),
    ):
        yield Page("HR", name, reverse(url_name), hr)
    scheme = Scheme.objects.order_by("code").first()
    if scheme is not None:
        yield Page("HR", "scheme", reverse("hr:scheme_detail", args=[scheme.code]), hr)
    for label, cycle in (("published", published), ("calibration", current)):
        if cycle is None:
            continue
        for name, url_name in (
            ("cycle", "hr:cycle_detail"),
            ("eligibility", "hr:cycle_eligibility"),
            ("comparison", "hr:cycle_analysis"),
            ("calibration", "hr:cycle_calibration"),
            ("export", "hr:cycle_export"),
            ("fairness", "hr:cycle_fairness"),
            ("talent review", "talent:review"),
            ("360 progress", "surveys:cycle"),
        ):
            url = reverse(url_name, args=[cycle.pk])
            yield Page("HR", f"{name} ({label})", url, hr)


def _manager_pages(
    manager: Employee, user: User, published: Cycle | None, current: Cycle | None
) -> Iterator[Page]:
    yield Page("manager", "home", reverse("portal:home"), user)
    yield Page("manager", "team", reverse("portal:team"), user)
    yield Page("manager", "notices", reverse("portal:notice_list"), user)
    report = manager.reports.filter(appraisals__cycle=current or published).order_by("number")
    first = report.first()
    mine = _appraisal(current, first)
    if mine is not None:
        url = reverse("portal:appraisal_detail", args=[mine.pk])
        yield Page("manager", "a report's appraisal", url, user)
    theirs = _appraisal(published, first)
    if theirs is not None:
        url = reverse("portal:appraisal_result", args=[theirs.pk])
        yield Page("manager", "a report's result", url, user)


def _own_pages(
    role: str, employee: Employee, user: User, published: Cycle | None, current: Cycle | None
) -> Iterator[Page]:
    yield Page(role, "home", reverse("portal:home"), user)
    mine = _appraisal(current, employee)
    if mine is not None:
        yield Page(role, "appraisal", reverse("portal:appraisal_detail", args=[mine.pk]), user)
    done = _appraisal(published, employee)
    if done is not None:
        yield Page(role, "result", reverse("portal:appraisal_result", args=[done.pk]), user)
    yield Page(role, "notices", reverse("portal:notice_list"), user)
    yield Page(role, "appeals", reverse("portal:appeal_list"), user)


def _content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


class _Counter:
    """Counts the SQL statements run (as `CaptureQueriesContext` would, without its
    log of at most 9,000 queries: some pages run more)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(page: Page, *, repeat: int = 3) -> Measured:
    """One page: one request to warm up (and to count its queries), then `repeat`
    timed ones; the median time (a page whose first request took over `SLOW_SECONDS`
    is timed by that request alone)."""
    # a failing page is measured as its 500, not raised: the others are still measured
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(page.user)
    started = time.perf_counter()
    queries = _Counter()
    with connection.execute_wrapper(queries):
        response = client.get(page.url, secure=True)  # over HTTPS, as behind the proxy
        body = _content(response)
    count = queries.count
    first = (time.perf_counter() - started) * 1000
    times = [first] if first > SLOW_SECONDS * 1000 else []  # a slow page: once is enough
    for _ in range(0 if times else repeat):
        started = time.perf_counter()
        _content(client.get(page.url, secure=True))
        times.append((time.perf_counter() - started) * 1000)
    return Measured(
        role=page.role,
        name=page.name,
        url=page.url,
        status=response.status_code,
        queries=count,
        bytes=len(body),
        median_ms=round(statistics.median(times), 1),
    )


def grown(small: list[dict[str, Any]], large: list[dict[str, Any]]) -> list[str]:
    """The pages (by role and name) whose query count or size grows from the small
    company's figures to the large one's (sizes: by more than a quarter)."""
    before = {(row["role"], row["name"]): row for row in small}
    found = []
    for row in large:
        was = before.get((row["role"], row["name"]))
        if was is None:
            continue
        notes = []
        if row["queries"] > was["queries"]:
            notes.append(f"queries {was['queries']} → {row['queries']}")
        if row["bytes"] > was["bytes"] * 1.25 and row["bytes"] - was["bytes"] > 2_000:
            notes.append(f"bytes {was['bytes']:,} → {row['bytes']:,}")
        if notes:
            found.append(f"{row['role']:<10} {row['name']:<28} {'; '.join(notes)}")
    return found
