"""HR's exports as background jobs: the outcomes of a cycle as CSV, written by a
worker and kept as the job's output file (downloaded from the export page)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models import Cycle
from jixiao.hr.exports import outcomes_csv
from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_output_save

OUTCOMES_EXPORT_JOB = "outcomes_export"


@job_kind(OUTCOMES_EXPORT_JOB, label=_("exporting the outcomes"))
def outcomes_export_task(*, job: Job, actor: Any) -> str:
    cycle = Cycle.objects.get(pk=job.target_id)
    job_output_save(
        job=job,
        data=outcomes_csv(cycle),
        name=f"outcomes-{cycle.code}.csv",
        content_type="text/csv; charset=utf-8",
    )
    return reverse("hr:cycle_export_file", args=[cycle.pk, job.pk])
