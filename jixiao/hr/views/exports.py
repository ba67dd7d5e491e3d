"""The outcomes export of a cycle, as a background job: HR presses 导出 (POST), the
page follows the job's progress (HTMX), then offers the file; a finished export can
be downloaded again until its file is deleted (JIXIAO_IMPORT_KEEP_DAYS). Who may
download it is who may read the cycle on the HR pages, as when the export ran in the
request; the download is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from jixiao.appraisals.selectors import cycle_get
from jixiao.hr.access import can_change
from jixiao.hr.tasks import OUTCOMES_EXPORT_JOB
from jixiao.hr.views.base import hr_page
from jixiao.hr.views.jobs import job_context
from jixiao.jobs.selectors import job_latest_for, job_of
from jixiao.jobs.services import job_enqueue, job_output_open


@hr_page
def cycle_export(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the latest export of the cycle (its progress, or its file); POST: export
    now (the same job when one is already queued or running)."""
    cycle = cycle_get(visible_to=request.user, pk=pk)
    if request.method == "POST":
        job_enqueue(kind=OUTCOMES_EXPORT_JOB, target=cycle, actor=request.user)
        return redirect("hr:cycle_export", pk=cycle.pk)
    job = job_latest_for(target=cycle, kinds=[OUTCOMES_EXPORT_JOB])
    context = {"cycle": cycle, "can_change": can_change(request.user), **job_context(job)}
    return render(request, "hr/cycle_export.html", context)


@hr_page
def cycle_export_file(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    cycle = cycle_get(visible_to=request.user, pk=pk)
    found = job_of(pk=job, kind=OUTCOMES_EXPORT_JOB, target=cycle)
    if found is None:
        raise Http404
    output = job_output_open(job=found, actor=request.user)
    if output is None:
        raise Http404
    file, name, content_type = output
    with file:  # a CSV of outcomes: a few megabytes at most
        response = HttpResponse(file.read(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
