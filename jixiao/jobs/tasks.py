"""The Procrastinate side (PostgreSQL): one task runs any job of the table, and a
periodic task gives the jobs of a killed worker back to the queue.

`job_execute` runs under a Procrastinate lock named after the job's target, so two
jobs on one cycle never run at once; its queueing lock (`job:<id>`) keeps one job
from being queued twice. An unexpected failure is retried (RetryStrategy) until
JIXIAO_JOB_ATTEMPTS; a refusal (`ServiceError`) is final and is not retried."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.db import close_old_connections
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from jixiao.jobs.services import JobInterrupted, job_attempts, job_run

RETRY = RetryStrategy(max_attempts=job_attempts(), wait=2, retry_exceptions={JobInterrupted})


@app.task(name="jixiao.jobs.execute", queue="jixiao", pass_context=True, retry=RETRY)
def job_execute(context: JobContext, job_id: int) -> None:
    close_old_connections()
    try:
        job_run(job_id=job_id, may_retry=True)
    finally:
        close_old_connections()


# A worker that stops sending heartbeats for this long is dead (killed, machine gone):
# its running jobs go back to the queue; their work was rolled back with its connection.
STALLED_SECONDS = 60


def jobs_stalled_retry(*, seconds_since_heartbeat: float = STALLED_SECONDS) -> list[int]:
    """Put back in the queue the Procrastinate jobs of dead workers; their ids."""
    manager = app.job_manager

    async def retry() -> list[int]:
        stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
        ids = []
        for job in stalled:
            await manager.retry_job(job)
            ids.append(job.id or 0)
        return ids

    return async_to_sync(retry)()


@app.periodic(cron="* * * * *", periodic_id="stalled")
@app.task(name="jixiao.jobs.stalled_retry", queue="jixiao", queueing_lock="jobs-stalled")
def jobs_stalled_retry_task(timestamp: int) -> None:
    jobs_stalled_retry()
