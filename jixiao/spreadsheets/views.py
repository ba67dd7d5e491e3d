"""The Excel pages under /spreadsheets/: an upload page per kind of import showing
what the import did, or the problems with the annotated workbook to download;
the scheme-form review; and a download link for every export.

HR may use every page; a data owner the fact-entry template and the fact import
of the cycles they see (the service then checks each row's item). Anyone else,
and any object a user may not see, gets the same 404 as a page that does not
exist.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.appraisals.access import appraisals_visible_to, cycles_visible_to
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.jobs.kinds import KINDS
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.selectors import job_get, job_latest_for, job_of
from jixiao.jobs.services import job_output_open
from jixiao.schemes.models import Scheme
from jixiao.schemes.services import SchemeInvalid, scheme_save
from jixiao.spreadsheets import access, services
from jixiao.spreadsheets.models import ImportBatch
from jixiao.spreadsheets.pdf import pdf_available
from jixiao.spreadsheets.writers import CellProblem

XLSX = services.XLSX_TYPE
SESSION_KEY = "spreadsheets_annotated"
KEEP_SECONDS = 24 * 3600


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))


class FactsUploadForm(UploadForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("needed when the file changes facts already recorded"),
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _download(data: bytes, name: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _visible_cycle(request: HttpRequest, pk: int) -> Cycle:
    cycle = cycles_visible_to(request.user).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


# -- the annotated workbook of a refused import -------------------------------------
def _annotated_dir() -> Path:
    folder = Path(
        getattr(settings, "JIXIAO_ANNOTATED_DIR", None)
        or Path(tempfile.gettempdir()) / "jixiao-annotated"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_annotated(request: HttpRequest, data: bytes) -> str:
    """Store the annotated workbook for its uploader only; returns its token."""
    folder = _annotated_dir()
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.xlsx").write_bytes(data)
    tokens = list(request.session.get(SESSION_KEY, []))[-19:]
    request.session[SESSION_KEY] = [*tokens, token]
    return token


@login_required(login_url="login")
def annotated_download(request: HttpRequest, token: str) -> FileResponse:
    if token not in request.session.get(SESSION_KEY, []):
        raise Http404
    name = _("problems") + ".xlsx"
    if token.startswith("job-"):  # an import job's, kept in the storage workers share
        job = Job.objects.filter(pk=token[4:], requested_by_id=request.user.pk).first()
        stored = (job.outcome or {}).get("annotated") if job is not None else None
        if not stored or not default_storage.exists(stored):
            raise Http404
        return FileResponse(
            default_storage.open(stored, "rb"),
            as_attachment=True,
            filename=name,
            content_type=XLSX,
        )
    path = _annotated_dir() / f"{token}.xlsx"
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


def _run_import(
    request: HttpRequest, form: forms.Form, run: Any, context: dict[str, Any]
) -> dict[str, Any]:
    """Call the import service with the uploaded file; what the page shows."""
    upload = form.cleaned_data["file"]
    try:
        outcome = run(file=upload, name=upload.name)
    except NotAllowed:
        raise Http404 from None
    except ServiceError as error:  # the whole file refused (too big, damaged, hostile)
        messages.error(request, str(error.message))
        context["refused"] = True
        return context
    context["outcome"] = outcome
    context["refused"] = not outcome.ok
    context["problems"] = outcome.problems[:200]
    if outcome.annotated:
        context["token"] = _keep_annotated(request, outcome.annotated)
    return context


def _import_page(
    request: HttpRequest, context: dict[str, Any], run: Any, form_class: type[UploadForm]
) -> HttpResponse:
    form = form_class(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        context = _run_import(request, form, lambda **kw: run(form=form, **kw), context)
    context.setdefault("recent", [])
    status = 400 if context.get("refused") or (request.method == "POST" and form.errors) else 200
    return render(request, "spreadsheets/import.html", context, status=status)


# -- the index -----------------------------------------------------------------------
@login_required(login_url="login")
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    hr = access.can_manage_spreadsheets(user)
    owner = access.can_import_facts(user)
    _require(hr or owner or access.can_read_results(user))
    cycles = cycles_visible_to(user).exclude(state="draft").order_by("-start") if owner else []
    if hr or access.can_read_results(user):
        cycles = cycles_visible_to(user).order_by("-start")
    context = {
        "hr": hr,
        "owner": owner,
        "reads_results": access.can_read_results(user),
        "prints_forms": access.can_print_forms(user),
        "cycles": cycles,
        "schemes": Scheme.objects.order_by("code") if hr else [],
        "imports": ImportBatch.objects.select_related("actor", "cycle")[:10] if hr else [],
    }
    return render(request, "spreadsheets/index.html", context)


# -- facts: an import is a background job ---------------------------------------------
@login_required(login_url="login")
def facts_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The upload is taken at once (or refused: too big, not allowed) and imported by a
    job; the page follows its progress and then shows what it did, or the problems."""
    _require(access.can_import_facts(request.user))
    cycle = _visible_cycle(request, pk)
    form = FactsUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "title": _("Import facts: %(cycle)s") % {"cycle": cycle.name},
        "kind": "facts",
        "cycle": cycle,
        "form": form,
        "recent": [],
    }
    job = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.facts_import_queue(
                file=upload,
                actor=request.user,
                cycle=cycle,
                reason=form.cleaned_data.get("reason", ""),
                name=upload.name,
            )
        except NotAllowed:
            raise Http404 from None
        except ServiceError as error:  # the whole file refused (too big …)
            messages.error(request, str(error.message))
            context["refused"] = True
    elif request.GET.get("job", "").isdigit():
        job = _import_job(request, cycle, int(request.GET["job"]))
    if job is not None:
        context.update(_import_job_context(request, job_get(pk=job.pk) or job))
    posted = request.method == "POST"
    status = 400 if context.get("refused") or (posted and form.errors) else 200
    return render(request, "spreadsheets/import.html", context, status=status)


@login_required(login_url="login")
def facts_import_job(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    """The progress of an import, polled by its page; once finished, the page reloads
    with what the import did."""
    _require(access.can_import_facts(request.user))
    cycle = _visible_cycle(request, pk)
    found = _import_job(request, cycle, job)
    if found.finished:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("spreadsheets:facts_import", args=[cycle.pk]) + (
            f"?job={found.pk}"
        )
        return response
    return render(request, "spreadsheets/_import_job.html", _import_job_context(request, found))


def _import_job(request: HttpRequest, cycle: Cycle, pk: int) -> Job:
    """An import job of this cycle asked for by this person (anyone else: 404)."""
    job = job_get(pk=pk)
    if (
        job is None
        or job.kind != services.FACTS_IMPORT_JOB
        or job.requested_by_id != request.user.pk
        or job.arguments.get("cycle") != cycle.pk
    ):
        raise Http404
    return job


@dataclass
class _Shown:
    """An import job's outcome as the import page shows an `ImportOutcome`."""

    ok: bool
    summary: str
    rows: int
    added: int
    changed: int
    unchanged: int
    problems: list[CellProblem]

    @property
    def nothing_changed(self) -> bool:
        return self.ok and self.added == 0 and self.changed == 0


def _import_job_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    kind = KINDS.get(job.kind)
    context: dict[str, Any] = {"job": job, "job_label": kind.label if kind else job.kind}
    found = job.outcome or {}
    if not job.finished or "summary" not in found:
        context["refused"] = job.state == JobState.FAILED
        return context
    problems = [CellProblem(**problem) for problem in found.get("problems", [])]
    shown = _Shown(
        ok=bool(found.get("ok")),
        summary=str(found["summary"]),
        rows=int(found.get("rows", 0)),
        added=int(found.get("added", 0)),
        changed=int(found.get("changed", 0)),
        unchanged=int(found.get("unchanged", 0)),
        problems=problems,
    )
    context.update(outcome=shown, problems=problems, refused=not shown.ok)
    context["problem_count"] = int(found.get("problem_count", len(problems)))
    if found.get("annotated"):
        token = f"job-{job.pk}"
        tokens = [t for t in request.session.get(SESSION_KEY, []) if t != token][-19:]
        request.session[SESSION_KEY] = [*tokens, token]
        context["token"] = token
    return context


@login_required(login_url="login")
def template_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require(access.can_export_facts_template(request.user))
    cycle = _visible_cycle(request, pk)
    data = services.export_facts_template(cycle=cycle, actor=request.user)
    return _download(data, f"template-{cycle.code}.xlsx")


@login_required(login_url="login")
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The results workbook as a job: POST asks for it (the same job while one runs),
    GET shows the latest one's progress, then its file (`?poll=1`: the progress alone,
    which HTMX polls)."""
    _require(access.can_read_results(request.user))
    cycle = _visible_cycle(request, pk)
    if request.method == "POST":
        services.results_export_queue(cycle=cycle, actor=request.user)
        return redirect("spreadsheets:results_export", pk=cycle.pk)
    job = job_latest_for(target=cycle, kinds=[services.RESULTS_EXPORT_JOB])
    kind = KINDS.get(services.RESULTS_EXPORT_JOB)
    context = {
        "cycle": cycle,
        "job": job,
        "job_label": kind.label if kind else "",
        "poll_url": reverse("spreadsheets:results_export", args=[cycle.pk]),
    }
    if request.GET.get("poll"):
        response = render(request, "hr/_job_progress.html", context)
        if job is None or job.finished:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "spreadsheets/results_export.html", context)


@login_required(login_url="login")
def results_export_file(request: HttpRequest, pk: int, job: int) -> FileResponse:
    """A finished export's workbook, for whoever may export the results (audited)."""
    _require(access.can_read_results(request.user))
    cycle = _visible_cycle(request, pk)
    found = job_of(pk=job, kind=services.RESULTS_EXPORT_JOB, target=cycle)
    if found is None:
        raise Http404
    output = job_output_open(job=found, actor=request.user)
    if output is None:
        raise Http404
    file, name, content_type = output
    return FileResponse(file, as_attachment=True, filename=name, content_type=content_type)


# -- the dictionary and the roster ------------------------------------------------
@login_required(login_url="login")
def dictionary_import(request: HttpRequest) -> HttpResponse:
    _require(access.can_manage_spreadsheets(request.user))

    def run(*, form: Any, file: Any, name: str) -> services.ImportOutcome:
        return services.import_dictionary(file=file, actor=request.user, name=name)

    context = {"title": _("Import the KPI dictionary"), "kind": "dictionary"}
    return _import_page(request, context, run, UploadForm)


@login_required(login_url="login")
def dictionary_export(request: HttpRequest) -> HttpResponse:
    _require(access.can_manage_spreadsheets(request.user))
    return _download(services.export_dictionary(actor=request.user), "dictionary.xlsx")


@login_required(login_url="login")
def roster_import(request: HttpRequest) -> HttpResponse:
    _require(access.can_manage_spreadsheets(request.user))

    def run(*, form: Any, file: Any, name: str) -> services.ImportOutcome:
        return services.import_roster(file=file, actor=request.user, name=name)

    context = {"title": _("Import the organisation and roster"), "kind": "roster"}
    return _import_page(request, context, run, UploadForm)


@login_required(login_url="login")
def roster_export(request: HttpRequest) -> HttpResponse:
    _require(access.can_manage_spreadsheets(request.user))
    return _download(services.export_roster(actor=request.user), "roster.xlsx")


# -- schemes as the familiar form ---------------------------------------------------
@login_required(login_url="login")
def scheme_import(request: HttpRequest) -> HttpResponse:
    """Upload a familiar form; the draft document, its notes and problems for review."""
    _require(access.can_manage_spreadsheets(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    status = 400 if request.method == "POST" else 200  # a refusal, unless the draft is read
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = services.import_scheme_form(file=upload, actor=request.user, name=upload.name)
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            context.update(text=draft.text, notes=draft.notes, problems=draft.problems)
            context["file_name"] = upload.name
            return render(request, "spreadsheets/scheme_review.html", context)
    return render(request, "spreadsheets/scheme_import.html", context, status=status)


@require_POST
@login_required(login_url="login")
def scheme_draft_save(request: HttpRequest) -> HttpResponse:
    """Save the reviewed (and perhaps corrected) draft through the schemes service."""
    _require(access.can_manage_spreadsheets(request.user))
    text = request.POST.get("text", "")
    comment = request.POST.get("comment", "") or _("imported from an Excel form")
    try:
        version = scheme_save(actor=request.user, text=text, comment=comment)
    except SchemeInvalid as error:
        problems = [str(problem) for problem in error.problems]
        context = {"text": text, "notes": [], "problems": problems, "comment": comment}
        return render(request, "spreadsheets/scheme_review.html", context, status=400)
    except ServiceError as error:
        context = {"text": text, "notes": [], "problems": [str(error)], "comment": comment}
        return render(request, "spreadsheets/scheme_review.html", context, status=400)
    messages.success(
        request,
        _("Scheme %(code)s saved as version %(number)s.")
        % {"code": version.scheme.code, "number": version.number},
    )
    return redirect("spreadsheets:index")


@login_required(login_url="login")
def scheme_export(request: HttpRequest, code: str) -> HttpResponse:
    _require(access.can_manage_spreadsheets(request.user))
    scheme = Scheme.objects.filter(code=code).first()
    version = scheme.current_version if scheme is not None else None
    if version is None:
        raise Http404
    try:
        data = services.export_scheme_form(version=version, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("spreadsheets:index")
    return _download(data, f"scheme-{code}.xlsx")


# -- printable per-person forms -------------------------------------------------------
@login_required(login_url="login")
def form_list(request: HttpRequest, pk: int) -> HttpResponse:
    _require(access.can_print_forms(request.user))
    cycle = _visible_cycle(request, pk)
    appraisals = (
        appraisals_visible_to(request.user)
        .filter(cycle=cycle)
        .select_related("result")
        .order_by("unit__code", "employee__number")
    )
    context = {"cycle": cycle, "appraisals": appraisals, "pdf": pdf_available()}
    return render(request, "spreadsheets/form_list.html", context)


def _printable(request: HttpRequest, pk: int) -> Appraisal:
    _require(access.can_print_forms(request.user))
    appraisal = (
        appraisals_visible_to(request.user)
        .select_related("cycle", "scheme_version", "employee__position", "unit", "result")
        .filter(pk=pk)
        .first()
    )
    if appraisal is None:
        raise Http404
    return appraisal


@login_required(login_url="login")
def form_export(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _printable(request, pk)
    data = services.export_appraisal_form(appraisal=appraisal, actor=request.user)
    return _download(data, f"form-{appraisal.cycle.code}-{appraisal.appraisee_id}.xlsx")


@login_required(login_url="login")
def form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _printable(request, pk)
    try:
        data = services.export_appraisal_form(appraisal=appraisal, actor=request.user, pdf=True)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("spreadsheets:form_list", pk=appraisal.cycle_id)
    name = f"form-{appraisal.cycle.code}-{appraisal.appraisee_id}.pdf"
    return _download(data, name, "application/pdf")
