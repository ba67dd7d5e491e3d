"""Background jobs: `GET /jobs/{id}` says how a job stands. A job is visible to whoever
may see its target (a cycle's jobs to those who may see the cycle); a job with no
target only to the person who asked for it. Endpoints that start a job answer 202
with the job's address in `Location` and its body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from jixiao.api.access import Principal, cycles_in_scope
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, IdPath
from jixiao.core.errors import NotFound, ServiceError
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.selectors import job_get

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    state: str
    stage: str
    done: int
    total: int | None
    errors: list[str]
    outcome: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: dict[str, str]


# Who may see the target of a job, by target type; a later kind of job (an import, a
# bulk upload) adds its target type here.
TARGET_ACCESS: dict[str, Callable[[Principal, str], bool]] = {
    "appraisals.cycle": lambda caller, pk: cycles_in_scope(caller).filter(pk=pk).exists(),
    # a group's job (its cycle and scheme version): whoever may see the cycle
    "appraisals.group": lambda caller, key: (
        cycles_in_scope(caller).filter(pk=key.split(":", 1)[0]).exists()
    ),
}


def job_visible(caller: Principal, job: Job) -> bool:
    if job.target_type == "api.facts_upload":  # an upload: its sender's (token or person)
        return _sent_by(caller, job)
    if not job.target_type:
        return caller.service is None and job.requested_by_id == caller.user.pk
    check = TARGET_ACCESS.get(job.target_type)
    return check is not None and check(caller, job.target_id)


def _sent_by(caller: Principal, job: Job) -> bool:
    """A data system sees the uploads of its own token; a person those they sent."""
    if caller.service is not None:
        return bool(job.arguments.get("service")) and job.arguments.get("token") == (
            caller.service.pk
        )
    return job.requested_by_id == caller.user.pk and not job.arguments.get("service")


def job_out(request: HttpRequest, job: Job) -> dict[str, Any]:
    links = {"self": reverse("api-v1:jobs_get", kwargs={"job_id": job.pk})}
    if job.result_url:
        links["result"] = job.result_url
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "stage": _(job.stage) if job.stage else "",
        "done": job.done,
        "total": job.total,
        "errors": [str(error) for error in job.errors],
        "outcome": dict(job.outcome or {}),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "links": links,
    }


def job_accepted(request: HttpRequest, response: HttpResponse, job: Job) -> Status[Any]:
    """The answer of an endpoint that started `job`: 202 and where to follow it. A job
    the server ran at once (the immediate runner) and that was refused answers as the
    refusal would (422 with its problems)."""
    if job.state == JobState.FAILED:
        raise ServiceError(job.errors[0] if job.errors else "", details=job.errors[1:])
    body = job_out(request, job)
    response["Location"] = body["links"]["self"]
    return Status(202, body)


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    url_name="jobs_get",
    summary="How a background job stands: state, stage, done/total, errors, links",
)
def jobs_get(request: HttpRequest, job_id: IdPath) -> dict[str, Any]:
    job = job_get(pk=job_id)
    if job is None or not job_visible(principal(request), job):
        raise NotFound("job")
    return job_out(request, job)
