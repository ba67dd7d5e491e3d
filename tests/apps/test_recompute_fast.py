"""A fact write rescores its one appraisee at once and leaves the group's steps (ranks,
grades, pay) to one job per group (docs/adr/0008-recompute-design.md): the write's
queries do not grow with the group, many writes make one job, the pages say 排名更新中
until it has run, and what it stores is what a whole recompute stores. Opening a cycle
decides eligibility in a number of queries that does not grow with the company."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from jixiao.appraisals import services
from jixiao.appraisals.groups import GROUP_JOB, group_pending, groups_pending
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Result
from jixiao.appraisals.scoring import GROUP_FIELDS
from jixiao.core.models import AuditEvent
from jixiao.jobs import threads
from jixiao.jobs.models import Job, JobState
from tests.apps.conftest import appraisal_of, record_full_facts
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.test_jobs import drain, queued  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

pending_runner = pytest.mark.usefixtures("queued")


@pytest.fixture
def scored(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    """Everyone of the finance department scored (immediate runner: groups at once)."""
    for who, actual, rating in (
        (company.manager, 1_000_000, 4),
        (company.clerks[0], 1_000_000, 5),
        (company.clerks[1], 1_030_000, 4),
    ):
        record_full_facts(open_cycle, who, hr, actual=actual, rating=rating)
    drain()  # with the thread runner (`queued`), the group's job has waited until now
    return open_cycle


def violation(appraisal: Appraisal, actor: Any, day: int = 5) -> None:
    import datetime

    services.event_record(
        appraisal=appraisal,
        actor=actor,
        item="部门管理",
        name="violation",
        occurred_on=datetime.date(2026, 10, day),
        description="未按流程审批付款",
    )


def result_of(cycle: Cycle, employee: Any) -> Result:
    return Result.objects.get(appraisal=appraisal_of(cycle, employee))


def group_jobs() -> list[Job]:
    """The group jobs asked for since the fixtures scored everyone."""
    return list(Job.objects.filter(kind=GROUP_JOB).exclude(pk__in=SETUP).order_by("pk"))


SETUP: set[int] = set()


@pytest.fixture(autouse=True)
def _after_setup(request: pytest.FixtureRequest) -> Any:
    """Forget the jobs the fixtures made (the `scored` company's own)."""
    if "scored" in request.fixturenames:
        request.getfixturevalue("scored")
    SETUP.clear()
    SETUP.update(Job.objects.values_list("pk", flat=True))
    yield


@pending_runner
def test_a_fact_rescores_its_appraisee_at_once_and_the_group_job_ranks_after(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    top = company.clerks[0]
    before = result_of(scored, top)
    assert before.rank == 1 and before.total == 100

    for day in (5, 6, 7):
        violation(appraisal_of(scored, top), hr, day=day)

    now = result_of(scored, top)
    assert now.total == 92.5  # its own total at once: three violations, −30% of 25 points
    assert now.rank == before.rank and now.grade == before.grade  # the group's, as it was
    [job] = group_jobs()
    assert job.state == JobState.QUEUED
    assert group_pending(cycle_id=scored.pk, version_id=now.scheme_version_id)
    assert groups_pending(cycle_id=scored.pk) == {now.scheme_version_id}

    drain()

    job.refresh_from_db()
    assert job.state == JobState.DONE and not groups_pending(cycle_id=scored.pk)
    ranked = result_of(scored, top)
    assert ranked.total == 92.5 and ranked.rank == 2 and ranked.grade == "优秀"
    assert result_of(scored, company.manager).rank == 1
    # what the job stored is what a whole recompute stores: nothing left to change
    assert services.results_recompute(cycle=scored, actor=hr) == 0


@pending_runner
def test_many_writes_on_a_group_make_one_job(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    asked = AuditEvent.objects.filter(action="job.queued").count()
    for day, who in enumerate([company.manager, *company.clerks, company.manager], start=5):
        violation(appraisal_of(scored, who), hr, day=day)
    assert len(group_jobs()) == 1
    assert AuditEvent.objects.filter(action="job.queued").count() == asked + 1
    drain()
    assert [job.state for job in group_jobs()] == [JobState.DONE]
    violation(appraisal_of(scored, company.manager), hr, day=20)  # after it ran: a new one
    assert [job.state for job in group_jobs()] == [JobState.DONE, JobState.QUEUED]


@pending_runner
def test_a_fact_write_costs_as_many_queries_in_a_group_of_3_as_in_one_of_40(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    small = measure_write(scored, company.clerks[0], hr)
    for n in range(37):
        EmployeeFactory(
            number=f"3{n:03d}",
            name=f"会计{n}",
            unit=company.finance,
            position=company.clerk_position,
            supervisor=company.manager,
            user=UserFactory(username=f"acc{n}"),
        )
    november = services.cycle_create(
        actor=hr, code="2026-11", name="2026年11月考核", period_kind="month", period="2026-11"
    )
    services.cycle_add_scheme(cycle=november, scheme=scored.cycle_schemes.get().scheme, actor=hr)
    services.population_rule_add(cycle=november, actor=hr, kind="unit", unit=company.finance)
    services.cycle_open(cycle=november, actor=hr)
    assert november.appraisals.count() == 40
    record_full_facts(november, company.clerks[0], hr, actual=1_000_000, rating=5)
    drain()
    large = measure_write(november, company.clerks[0], hr)
    assert large == small, (small, large)
    assert small <= 60


@pending_runner
@pytest.mark.django_db(transaction=True)  # the request's own transactions, as served
def test_the_data_owner_records_a_figure_in_40_queries_in_a_group_of_3_as_in_one_of_50(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    """The data owner's form (`POST /data/` as htmx sends it): the figure written, its
    appraisee rescored at once, the group's job asked for (the first write after it
    ran) or found (the next ones), the table re-rendered — in the same queries (at most
    40) whatever the size of the group."""
    threads.job_thread_start()  # its one look for the jobs left from before, done now
    owner = company.clerks[1]
    owner.is_data_owner = True  # of 财务部, the source of 预算执行偏差率
    owner.save()
    small = post_figure(owner.user, scored, company.clerks[0])
    for n in range(47):
        EmployeeFactory(
            number=f"3{n:03d}",
            name=f"会计{n}",
            unit=company.finance,
            position=company.clerk_position,
            supervisor=company.manager,
            user=UserFactory(username=f"acc{n}"),
        )
    november = services.cycle_create(
        actor=hr, code="2026-11", name="2026年11月考核", period_kind="month", period="2026-11"
    )
    services.cycle_add_scheme(cycle=november, scheme=scored.cycle_schemes.get().scheme, actor=hr)
    services.population_rule_add(cycle=november, actor=hr, kind="unit", unit=company.finance)
    services.cycle_open(cycle=november, actor=hr)
    assert november.appraisals.count() == 50
    for who in (company.clerks[0], company.manager):
        record_full_facts(november, who, hr, actual=1_000_000, rating=4)
    drain()
    large = post_figure(owner.user, november, company.clerks[0])
    assert large == small, (small, large)
    assert max(small) <= 40, small


def post_figure(user: Any, cycle: Cycle, employee: Any) -> list[int]:
    """Two figures for `employee` through the data owner's page, no group job queued
    before the first; the queries of each (as `manage.py bench_pages` counts them: not
    a transaction's BEGIN and COMMIT), after checking what it did. (Run outside a test
    transaction: inside one, the request's transactions would be savepoints.)"""
    appraisal = appraisal_of(cycle, employee)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HX_REQUEST="true")
    client.force_login(user)
    url = f"{reverse('portal:data_owner')}?cycle={cycle.pk}"
    before = Result.objects.get(appraisal=appraisal).total
    assert not group_pending(cycle_id=cycle.pk, version_id=appraisal.scheme_version_id)
    client.get(url)  # what a first request caches
    counts = []
    for actual in (1_200_000, 1_300_000):
        form = {"appraisal": appraisal.pk, "item": "预算执行偏差率", "key": "actual"}
        form.update(value=str(actual), reason="财务系统更正")
        with CaptureQueriesContext(connection) as queries:
            page = client.post(url, form, secure=True)
        counts.append(sum(q["sql"] not in ("BEGIN", "COMMIT") for q in queries.captured_queries))
        assert page.status_code == 200
        assert "已保存" in page.content.decode()
        stored = Fact.objects.get(appraisal=appraisal, item="预算执行偏差率", key="actual")
        assert stored.value == actual
    assert Result.objects.get(appraisal=appraisal).total != before  # rescored at once
    assert group_pending(cycle_id=cycle.pk, version_id=appraisal.scheme_version_id)
    assert AuditEvent.objects.filter(action="fact.changed", target_id=str(stored.pk)).count() >= 2
    return counts


def measure_write(cycle: Cycle, employee: Any, actor: Any) -> int:
    appraisal = appraisal_of(cycle, employee)
    with CaptureQueriesContext(connection) as queries:
        violation(appraisal, actor, day=25)
    return len(queries)


@pending_runner
def test_a_result_page_says_its_ranks_are_being_updated(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    template = Template("{% load appraisal_groups %}[{% ranks_pending_note result %}]")
    violation(appraisal_of(scored, company.clerks[1]), hr)
    result = result_of(scored, company.clerks[0])  # another of the same group
    with translation.override("zh-hans"):
        assert "排名更新中" in template.render(Context({"result": result}))
    drain()
    with translation.override("zh-hans"):
        assert "排名更新中" not in template.render(Context({"result": result}))


def test_an_appraisee_scored_alone_keeps_what_the_group_decided(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    """The lone pass fills the appraisee's own part; the group's part is the stored one."""
    from jixiao.appraisals.scoring import score_group, with_facts

    appraisal = with_facts(Appraisal.objects.filter(pk=appraisal_of(scored, company.clerks[1]).pk))
    [alone], _warnings = score_group(
        scored, appraisal[0].scheme_version, list(appraisal), alone=True
    )
    stored = result_of(scored, company.clerks[1])
    assert all(alone.result[name] is None for name in GROUP_FIELDS)
    assert alone.result["total"] == stored.total and alone.result["items"] == stored.data["items"]
    assert alone.digest == stored.facts_digest


def test_opening_a_cycle_decides_eligibility_in_queries_that_do_not_grow(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    small = eligibility_queries(draft_cycle, hr)
    for n in range(30):
        EmployeeFactory(
            number=f"4{n:03d}",
            name=f"出纳{n}",
            unit=company.finance,
            position=company.clerk_position if n % 2 else None,
            supervisor=company.manager,
        )
    large = eligibility_queries(draft_cycle, hr)
    assert draft_cycle.eligibilities.count() == 33
    assert large == small, (small, large)


def eligibility_queries(cycle: Cycle, actor: Any) -> int:
    """The queries of a check that finds every candidate stored already (after one that
    stores the new ones)."""
    services.cycle_eligibility_compute(cycle=cycle, actor=actor)
    with CaptureQueriesContext(connection) as queries:
        services.cycle_eligibility_compute(cycle=cycle, actor=actor)
    return len(queries)
