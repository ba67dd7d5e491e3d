"""A kind of job for the job tests (registered when this module is imported, in the
test process or in a worker subprocess): it renames its cycle — a change that must be
rolled back if the job fails — then counts `steps`, sleeping `pause` seconds at each
and reporting its progress; it can refuse (`refuse_at`), break (`break_at`), or break
on its first attempt only (`flaky`)."""

from __future__ import annotations

import time
from typing import Any

from django.db import connections

from jixiao.appraisals.models import Cycle
from jixiao.core.errors import ServiceError
from jixiao.core.progress import progress_report
from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.jobs.selectors import job_get

# What a job saw of its own progress while it ran: (stage, done, total) read back.
SEEN: list[tuple[str, int, int | None]] = []


@job_kind("test_steps", label="test steps")
def test_steps_task(*, job: Job, actor: Any) -> str:
    options = job.arguments
    cycle = Cycle.objects.get(pk=job.target_id)
    cycle.name = f"{cycle.name} (changed by job {job.pk})"
    cycle.save(update_fields=["name"])
    if options.get("flaky") and job.attempts == 1:
        raise RuntimeError("a passing failure")
    steps = int(options.get("steps", 3))
    for step in range(1, steps + 1):
        if step == options.get("refuse_at"):
            raise ServiceError(f"第 {step} 步不行", details=["原因一", "原因二"])
        if step == options.get("break_at"):
            raise RuntimeError("a bug")
        time.sleep(float(options.get("pause", 0)))
        progress_report(stage="counting", done=step, total=steps)
        if options.get("watch") == "outside":
            SEEN.append(_read_from_outside(job.pk))
        elif options.get("watch"):
            seen = job_get(pk=job.pk)
            assert seen is not None
            SEEN.append((seen.stage, seen.done, seen.total))
    return f"/done/{job.pk}"


def _read_from_outside(job_id: int) -> tuple[str, int, int | None]:
    """The job's row as another connection sees it (PostgreSQL: what a page sees)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT stage, done, total FROM jobs_job WHERE id = %s", [job_id])
            row = cursor.fetchone()
    finally:
        other.close()
    return (row[0], row[1], row[2]) if row else ("", 0, None)
