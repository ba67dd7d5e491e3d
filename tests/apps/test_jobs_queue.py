"""The queue's own guarantees, with real Procrastinate workers on PostgreSQL (skipped
on SQLite): a job is deferred in the transaction that asks for it, two jobs on one
cycle never run at once (the lock), an unexpected failure is retried, and a worker
killed with `kill -9` in the middle of a job leaves the data as before the job, which
is then given back to the queue (stalled-job handling) and finished by another worker.

The workers are subprocesses on the test database; they know the test kind of job
(tests/apps/job_kinds.py) through tests/apps/job_worker.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from jixiao.appraisals.models import Cycle
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.services import job_enqueue
from jixiao.jobs.tasks import jobs_stalled_retry
from tests.apps import job_kinds

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgresql_only() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("Procrastinate's queue is PostgreSQL's (with SQLite jobs run in a thread)")
    with connection.cursor() as cursor:  # not Django models: the test flush leaves them
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_periodic_defers CASCADE")
    with override_settings(JIXIAO_JOBS="procrastinate"):
        yield


@pytest.fixture
def worker() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start worker processes on the test database; all are stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )

    def start(concurrency: int = 1) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "JIXIAO_JOBS": "procrastinate",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.apps.job_worker", str(concurrency)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(condition: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("waited too long")


def queue_row(job: Job) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, lock, queueing_lock, attempts FROM procrastinate_jobs"
            " WHERE args->>'job_id' = %s",
            [str(job.pk)],
        )
        rows = cursor.fetchall()
    assert len(rows) == 1, rows
    status, lock, queueing_lock, attempts = rows[0]
    return {"status": status, "lock": lock, "queueing_lock": queueing_lock, "attempts": attempts}


@pytest.fixture
def cycle(draft_cycle: Cycle) -> Cycle:
    return draft_cycle


def test_a_job_is_queued_in_the_transaction_that_asks_for_it(hr: Any, cycle: Cycle) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(kind="cycle_open", target=cycle, actor=hr)
        raise RuntimeError("the request fails after asking")
    assert not Job.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor.fetchone()[0] == 0
    job = job_enqueue(kind="cycle_open", target=cycle, actor=hr)
    assert queue_row(job) == {
        "status": "todo",
        "lock": f"appraisals.cycle:{cycle.pk}",
        "queueing_lock": f"job:{job.pk}",
        "attempts": 0,
    }


def test_a_worker_opens_the_cycle_and_the_page_sees_its_progress(
    hr: Any, cycle: Cycle, worker: Any
) -> None:
    job_kinds.SEEN.clear()
    watched = job_enqueue(
        kind="test_steps", target=cycle, actor=hr, arguments={"steps": 3, "watch": "outside"}
    )
    job_run_here(watched)  # in this process: a second connection sees each stage
    assert job_kinds.SEEN[0] == ("counting", 1, 3) and job_kinds.SEEN[-1] == ("counting", 3, 3)
    job = job_enqueue(kind="cycle_open", target=cycle, actor=hr)
    worker()
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).first())
    assert (done.done, done.total) == (3, 3)
    cycle.refresh_from_db()
    assert cycle.state == "targets"
    assert queue_row(job)["status"] == "succeeded"


def job_run_here(job: Job) -> None:
    from jixiao.jobs.services import job_run

    with connection.cursor() as cursor:  # not for the workers: this test runs it itself
        cursor.execute("DELETE FROM procrastinate_jobs WHERE args->>'job_id' = %s", [str(job.pk)])
    job_run(job_id=job.pk)


def test_two_jobs_on_one_cycle_never_run_at_once(hr: Any, cycle: Cycle, worker: Any) -> None:
    first = job_enqueue(kind="test_steps", target=cycle, actor=hr, arguments={"pause": 0.3})
    second = job_enqueue(kind="cycle_open", target=cycle, actor=hr)
    worker(concurrency=2)
    wait_for(lambda: Job.objects.filter(state__in=["done", "failed"]).count() == 2)
    one, two = Job.objects.get(pk=first.pk), Job.objects.get(pk=second.pk)
    assert one.state == two.state == JobState.DONE
    spans = sorted([(one.started_at, one.finished_at), (two.started_at, two.finished_at)])
    assert spans[0][1] <= spans[1][0], spans  # one after the other


def test_an_unexpected_failure_is_retried(hr: Any, cycle: Cycle, worker: Any) -> None:
    job = job_enqueue(kind="test_steps", target=cycle, actor=hr, arguments={"flaky": True})
    worker()
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).first())
    assert done.attempts == 2 and done.errors == []
    assert queue_row(job)["attempts"] == 2
    cycle.refresh_from_db()
    assert cycle.name.endswith(f"(changed by job {job.pk})")  # the second attempt's change


def test_a_worker_killed_mid_job_leaves_the_data_as_before_and_the_job_is_retried(
    hr: Any, cycle: Cycle, worker: Any
) -> None:
    name = cycle.name
    job = job_enqueue(
        kind="test_steps", target=cycle, actor=hr, arguments={"steps": 40, "pause": 0.1}
    )
    doomed = worker()
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.RUNNING, done__gte=5).exists())
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    cycle.refresh_from_db()
    assert cycle.name == name  # the renaming died with the worker's transaction
    assert queue_row(job)["status"] == "doing"  # the queue does not know yet
    time.sleep(2)
    assert jobs_stalled_retry(seconds_since_heartbeat=1) == [queue_row_id(job)]
    assert queue_row(job)["status"] == "todo"
    worker()
    done = wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).first())
    assert done.attempts == 2 and (done.done, done.total) == (40, 40)
    cycle.refresh_from_db()
    assert cycle.name == f"{name} (changed by job {job.pk})"


def queue_row_id(job: Job) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE args->>'job_id' = %s", [str(job.pk)]
        )
        return int(cursor.fetchone()[0])


def test_two_people_asking_at_the_same_moment_get_the_same_job(hr: Any, cycle: Cycle) -> None:
    import threading

    barrier = threading.Barrier(2)
    found: list[int] = []

    def ask() -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                job = job_enqueue(kind="cycle_open", target=cycle, actor=hr)
                time.sleep(0.3)  # both transactions open at once
            found.append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 2 and found[0] == found[1]
    assert Job.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        assert cursor.fetchone()[0] == 1
