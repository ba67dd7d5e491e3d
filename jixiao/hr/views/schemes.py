"""Schemes: the list, a scheme as the familiar form, the document editor with the
engine's problems beside their lines (re-checked as you type), the version
history, and the trial calculation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core.errors import ServiceError
from jixiao.hr.access import can_change
from jixiao.hr.familiar import form_rows
from jixiao.hr.forms import SchemeDocumentForm
from jixiao.hr.trial import trial_form, trial_score
from jixiao.hr.views.base import hr_page, hr_reader, is_htmx, refused
from jixiao.organization.models import Position, Unit
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import Scheme, SchemeVersion
from jixiao.schemes.selectors import scheme_get, scheme_list
from jixiao.schemes.services import SchemeInvalid, scheme_check, scheme_save
from jixiao.scoring import Problem
from jixiao.strategy.selectors import assignment_problems

NEW_SCHEME = """\
code: NEW-SCHEME
name: 新考核表
period: month
items:
  - name: 工作完成率
    weight: 100
    rule:
      bands: [[">= 100%", 100], [">= 90%", 80], [else, 60]]
grades: [[">= 90", 优秀], [">= 80", 良好], [">= 60", 合格], [else, 差]]
"""


def _version(scheme: Scheme, number: str | None) -> SchemeVersion:
    versions = scheme.versions.all()
    found = versions.filter(number=number).first() if number else scheme.current_version
    if found is None:
        raise Http404
    return found


@hr_page
def scheme_list_view(request: HttpRequest) -> HttpResponse:
    schemes = scheme_list(visible_to=request.user).prefetch_related("versions")
    rows = [(scheme, scheme.current_version) for scheme in schemes]
    context = {"rows": rows, "can_change": can_change(request.user)}
    return render(request, "hr/scheme_list.html", context)


def _policy_problems(scheme: Scheme, version: SchemeVersion) -> dict[int, list[str]]:
    """The selection policy's problems for each assignment to a position (issue 15),
    checked once per tier, not once per position."""
    assigned = [a for a in scheme.assignments.select_related("position") if a.position]
    by_tier = {
        tier: assignment_problems(version.pk, tier)
        for tier in {a.position.tier for a in assigned if a.position}
    }
    return {a.pk: by_tier[a.position.tier] for a in assigned if a.position}


@hr_page
def scheme_detail(request: HttpRequest, code: str) -> HttpResponse:
    scheme = scheme_get(visible_to=request.user, code=code)
    version = _version(scheme, request.GET.get("version"))
    parsed = engine_scheme(version)
    context = {
        "scheme": scheme,
        "version": version,
        "warnings": _warnings(version),
        "assignments": scheme.assignments.select_related("position", "unit"),
        "policy": _policy_problems(scheme, version),
        "positions": Position.objects.order_by("code"),
        "units": Unit.objects.order_by("code"),
        "rows": form_rows(parsed, version.text),
        "engine": parsed,
        "versions": scheme.versions.order_by("-number").select_related("created_by"),
        "can_change": can_change(request.user),
    }
    return render(request, "hr/scheme_detail.html", context)


def _warnings(version: SchemeVersion) -> list[Problem]:
    """The version's design warnings in the reader's language (those stored with the
    version are in the language of whoever saved it)."""
    try:
        return list(scheme_check(version.text).warnings)
    except SchemeInvalid:  # a version saved before a stricter check: its stored warnings
        return []


# -- the editor -------------------------------------------------------------------
def check_context(text: str) -> dict[str, Any]:
    """The engine's verdict on a document, arranged for showing beside its lines."""
    problems: list[Problem]
    unread = False
    try:
        parsed = scheme_check(text)
        problems = list(parsed.warnings)
    except SchemeInvalid as exc:
        problems, unread = list(exc.problems), exc.unread
    errors = [p for p in problems if p.severity == "error"]
    by_line: dict[int, list[Problem]] = {}
    unplaced: list[Problem] = []
    lines = [] if unread else text.splitlines()  # past a cap: not listed back, only refused
    for problem in problems:
        if not unread and problem.line is not None and 1 <= problem.line <= max(len(lines), 1):
            by_line.setdefault(problem.line, []).append(problem)
        else:
            unplaced.append(problem)
    listing = [
        {
            "number": number,
            "text": line,
            "problems": by_line.get(number, []),
            "severity": _severity(by_line.get(number, [])),
        }
        for number, line in enumerate(lines, start=1)
    ]
    return {
        "errors": len(errors),
        "warnings": len(problems) - len(errors),
        "listing": listing,
        "unplaced": unplaced,
        "ok": not errors,
    }


def _severity(problems: list[Problem]) -> str:
    if any(p.severity == "error" for p in problems):
        return "error"
    return "warning" if problems else ""


@hr_page
def scheme_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scheme = scheme_get(visible_to=request.user, code=code) if code else None
    if scheme is not None and request.method != "POST":
        current = scheme.current_version
        initial = {"text": current.text if current else ""}
    else:
        initial = {"text": NEW_SCHEME}
    form = SchemeDocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = scheme_save(
                actor=request.user,
                text=form.cleaned_data["text"],
                scheme=scheme,
                comment=form.cleaned_data["comment"],
            )
        except SchemeInvalid:
            messages.error(request, _("the scheme does not pass the check; nothing was saved"))
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(
                request,
                _("saved as version %(number)s") % {"number": version.number},
            )
            return redirect("hr:scheme_detail", code=version.scheme.code)
    text = form.data.get("text") if form.is_bound else initial["text"]
    context = {"scheme": scheme, "form": form, "check": check_context(text or "")}
    return render(request, "hr/scheme_edit.html", context)


@hr_reader
@require_POST
def scheme_check_view(request: HttpRequest) -> HttpResponse:
    """The HTMX partial: the document's problems, beside their lines."""
    context = {"check": check_context(request.POST.get("text", ""))}
    return render(request, "hr/_scheme_check.html", context)


# -- the trial calculation ----------------------------------------------------------
@hr_reader
def scheme_trial(request: HttpRequest, code: str) -> HttpResponse:
    scheme = scheme_get(visible_to=request.user, code=code)
    version = _version(scheme, request.GET.get("version") or request.POST.get("version"))
    parsed = engine_scheme(version)
    values = request.POST if request.method == "POST" else {}
    period = str(values.get("period", "")) if values else ""
    result = trial_score(parsed, {k: v for k, v in values.items() if "|" in k}, period)
    context = {"scheme": scheme, "version": version, "result": result, "values": values}
    if request.method == "POST" and is_htmx(request):
        return render(request, "hr/_trial_result.html", context)
    items, adjustments = trial_form(parsed)
    context.update({"items": items, "adjustments": adjustments, "period": period})
    return render(request, "hr/scheme_trial.html", context)
