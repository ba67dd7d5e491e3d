"""The Excel imports' background jobs: a facts import (`facts_import_queue` takes the
upload, this writes it, all or nothing, with its progress on the import page)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.spreadsheets.services import FACTS_IMPORT_JOB, facts_import_run


@job_kind(FACTS_IMPORT_JOB, label=_("importing facts"))
def facts_import_task(*, job: Job, actor: Any) -> str:
    cycle = facts_import_run(job=job, actor=actor)
    return reverse("spreadsheets:facts_import", args=[cycle.pk])
