"""The Excel imports' background jobs: a facts import (`facts_import_queue` takes the
upload, this writes it, all or nothing, with its progress on the import page), the
results workbook of a cycle (kept as the job's output file), and the daily deletion
of old uploaded workbooks and exports (`imports_cleanup`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django import app

from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_enqueue, job_run
from jixiao.spreadsheets.services import (
    FACTS_IMPORT_JOB,
    RESULTS_EXPORT_JOB,
    facts_import_run,
    imports_cleanup,
    results_export_run,
)

IMPORTS_CLEANUP_JOB = "imports_cleanup"


@job_kind(FACTS_IMPORT_JOB, label=_("importing facts"))
def facts_import_task(*, job: Job, actor: Any) -> str:
    cycle = facts_import_run(job=job, actor=actor)
    return reverse("spreadsheets:facts_import", args=[cycle.pk])


@job_kind(RESULTS_EXPORT_JOB, label=_("exporting the results workbook"))
def results_export_task(*, job: Job, actor: Any) -> str:
    cycle = results_export_run(job=job, actor=actor)
    return reverse("spreadsheets:results_export_file", args=[cycle.pk, job.pk])


@job_kind(IMPORTS_CLEANUP_JOB, label=_("deleting old uploaded workbooks"), whole=False)
def imports_cleanup_task(*, job: Job, actor: Any) -> str:
    imports_cleanup()
    return ""


@app.periodic(cron="30 3 * * *", periodic_id="imports_cleanup")
@app.task(
    name="jixiao.spreadsheets.imports_cleanup", queue="jixiao", queueing_lock="imports-cleanup"
)
def imports_cleanup_periodic_task(timestamp: int) -> None:
    job = job_enqueue(kind=IMPORTS_CLEANUP_JOB, target=None, actor=None, dispatch=False)
    job_run(job_id=job.pk)
