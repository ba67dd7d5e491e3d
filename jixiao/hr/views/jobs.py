"""A background job's progress on the HR pages: the partial the cycle page polls
(HTMX, every second) until the job has finished; then the page reloads once."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.appraisals.selectors import cycle_get
from jixiao.hr.views.base import hr_page
from jixiao.jobs.kinds import KINDS
from jixiao.jobs.models import Job
from jixiao.jobs.selectors import job_get


def job_context(job: Job | None) -> dict[str, object]:
    if job is None:
        return {"job": None}
    kind = KINDS.get(job.kind)
    return {"job": job, "job_label": kind.label if kind else job.kind}


@hr_page
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get(pk=pk)
    if job is None or job.target_type != "appraisals.cycle":
        raise Http404
    cycle_get(visible_to=request.user, pk=int(job.target_id))  # NotFound → 404
    response = render(request, "hr/_job_progress.html", job_context(job))
    if request.GET.get("poll") and job.finished:
        response["HX-Refresh"] = "true"  # the cycle page shows what the job changed
    return response
