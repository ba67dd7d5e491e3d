"""The API's background jobs: a bulk upload of facts, checked at once by the request
(refused: 422 with every problem) and written here, all or nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.api.services.facts import UPLOAD_JOB, facts_upload_run
from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_outcome


@job_kind(UPLOAD_JOB, label=_("recording uploaded facts"))
def facts_upload_task(*, job: Job, actor: Any) -> str:
    job_outcome(job=job, outcome=facts_upload_run(job=job, actor=actor))
    return ""
