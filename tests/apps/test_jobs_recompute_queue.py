"""The recompute's and the uploads' jobs on the real queue (Procrastinate workers on
PostgreSQL; skipped on SQLite): a fact write's group job is run by a worker; two
people writing on one group at the same moment are both rescored and both counted by
the one group job; a worker killed in the middle of an upload leaves no fact behind,
and the upload is retried and written once."""

from __future__ import annotations

import datetime
import signal
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connections
from django.test import override_settings

from jixiao.accounts.models import User
from jixiao.api.access import Principal
from jixiao.api.services.facts import FactRow, facts_upload
from jixiao.appraisals import services
from jixiao.appraisals.groups import GROUP_JOB
from jixiao.appraisals.models import Appraisal, Cycle, Event, Result
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.services import job_run
from jixiao.jobs.tasks import jobs_stalled_retry
from tests.apps import test_jobs_queue as queue_tests
from tests.apps.conftest import appraisal_of, record_full_facts
from tests.apps.test_concurrency import race
from tests.apps.test_jobs_queue import queue_row, queue_row_id, wait_for

# the queue tests' fixtures: PostgreSQL only (an empty queue), and worker processes
_postgresql_only = queue_tests._postgresql_only
worker = queue_tests.worker

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    with override_settings(JIXIAO_JOBS="immediate"):  # everyone scored, ranks at once
        for who, actual in ((company.manager, 1_000_000), *((c, 990_000) for c in company.clerks)):
            record_full_facts(open_cycle, who, hr, actual=actual, rating=4)
    return open_cycle


def violation(appraisal_pk: int, username: str, day: int) -> Any:
    def call() -> Any:
        return services.event_record(
            appraisal=Appraisal.objects.get(pk=appraisal_pk),
            actor=User.objects.get(username=username),
            item="部门管理",
            name="violation",
            occurred_on=datetime.date(2026, 10, day),
            description="未按流程审批付款",
        )

    return call


@override_settings(JIXIAO_GROUP_DELAY=0)
def test_a_worker_runs_the_group_job_a_fact_write_asked_for(
    hr: Any, company: SimpleNamespace, scored: Cycle, worker: Any
) -> None:
    manager = appraisal_of(scored, company.manager)
    assert Result.objects.get(appraisal=manager).rank == 1
    violation(manager.pk, "hr", 5)()
    job = Job.objects.get(kind=GROUP_JOB, state=JobState.QUEUED)
    assert queue_row(job)["lock"] == f"appraisals.group:{job.target_id}"
    worker()
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).exists())
    assert Result.objects.get(appraisal=manager).rank == 3  # 92.5 after 95 and 95: ranked again


def test_two_writers_on_one_group_are_both_rescored_and_one_job_ranks_both(
    hr: Any, company: SimpleNamespace, scored: Cycle
) -> None:
    first, second = (appraisal_of(scored, clerk) for clerk in company.clerks)
    outcomes = race(violation(first.pk, "hr", 5), violation(second.pk, "hr", 6))
    assert all(isinstance(outcome, Event) for outcome in outcomes), outcomes
    for appraisal in (first, second):  # each one's own total counts its violation
        assert Result.objects.get(appraisal=appraisal).total == 92.5
    [job] = Job.objects.filter(kind=GROUP_JOB)
    with connections["default"].cursor() as cursor:  # this test runs the job itself
        cursor.execute("DELETE FROM procrastinate_jobs")
    job_run(job_id=job.pk)
    ranks = sorted(Result.objects.filter(appraisal__cycle=scored).values_list("rank", flat=True))
    assert ranks == [1, 2, 2]


def test_a_worker_killed_in_the_middle_of_an_upload_leaves_no_fact_and_it_is_retried(
    hr: Any, company: SimpleNamespace, scored: Cycle, worker: Any
) -> None:
    events = Event.objects.count()
    rows = [
        FactRow(
            idempotency_key=f"late/{n}",
            kind="event",
            value=1,
            cycle=scored.code,
            employee=company.clerks[n % 2].number,
            item="部门管理",
            key="late_day",
            occurred_on=datetime.date(2026, 10, 1 + n % 28),
            description="迟到",
        )
        for n in range(6000)
    ]
    job = facts_upload(principal=Principal(user=hr), rows=rows)
    doomed = worker()
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.RUNNING).exists())
    time.sleep(0.5)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    assert Event.objects.count() == events  # its transaction died with it
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING
    time.sleep(2)
    assert jobs_stalled_retry(seconds_since_heartbeat=1) == [queue_row_id(job)]
    worker()
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).first(), 180)
    assert done.attempts == 2 and done.outcome["recorded"] == 6000
    assert Event.objects.count() == events + 6000


def test_the_batches_of_an_upload_share_one_group_recompute(
    hr: Any, company: SimpleNamespace, scored: Cycle, monkeypatch: Any
) -> None:
    """An API upload that changes much of a group leaves the group to its job (queued in
    the upload's transaction), so the next batch joins it: one recompute for both."""
    monkeypatch.setattr("jixiao.appraisals.services.results.ALONE_LIMIT", 1)  # 3 is many
    people = (company.manager, *company.clerks)
    before = {a.pk: Result.objects.get(appraisal=a).total for a in scored.appraisals.all()}

    def batch(day: int) -> Job:
        rows = [
            FactRow(
                idempotency_key=f"day{day}/{person.number}",
                kind="event",
                value=1,
                cycle=scored.code,
                employee=person.number,
                item="部门管理",
                key="violation",
                occurred_on=datetime.date(2026, 10, day),
                description="未按流程审批付款",
            )
            for person in people
        ]
        upload = facts_upload(principal=Principal(user=hr), rows=rows)
        ran = job_run(job_id=upload.pk)  # as a worker runs it
        assert ran is not None and ran.state == JobState.DONE, ran and ran.errors
        return ran

    batch(5)
    batch(6)
    group = Job.objects.get(kind=GROUP_JOB)  # one, queued by the first batch, joined
    assert group.state == JobState.QUEUED
    assert Event.objects.filter(name="violation").count() == 6
    after_uploads = {a.pk: Result.objects.get(appraisal=a).total for a in scored.appraisals.all()}
    assert after_uploads == before  # not recomputed by the uploads: by the group's job
    assert job_run(job_id=group.pk).state == JobState.DONE
    for appraisal in scored.appraisals.all():  # each one's two violations now counted
        assert Result.objects.get(appraisal=appraisal).total < before[appraisal.pk]
