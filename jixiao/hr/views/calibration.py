"""Calibration (校准) of a cycle: the groups' summary (counts against quotas), then
one group at a time — its grade distribution against its quotas (one chart), a
page of its results searched, filtered by flag and grade and sorted, the flags in
words (同分超额 …) only where they mean something — and changes of a total or a
grade with a required reason, the before and after kept and shown. A calibrated
result whose facts or ranks moved afterwards awaits review: the page shows the
computed values before → after and the facts that changed, and the committee
confirms the calibration or changes it, with a reason."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.workflow import CycleState
from jixiao.core.errors import ServiceError
from jixiao.core.listing import Sort, listing
from jixiao.hr.access import can_calibrate, can_see_calibration
from jixiao.hr.forms import CalibrateForm, ReviewConfirmForm
from jixiao.hr.selectors import (
    FLAG_WORDS,
    calibration_groups,
    group_members,
    group_of,
    group_results,
    results_awaiting_review,
    results_in_order,
)
from jixiao.hr.services import result_calibrate, result_review_confirm
from jixiao.hr.views.base import is_htmx, refused, signed_in
from jixiao.hr.views.fairness import drifting_units, outliers


def _cycle_for(request: HttpRequest, pk: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=pk).first()
    if cycle is None or not can_see_calibration(request.user, cycle):
        raise Http404
    return cycle


SORTS = (
    Sort("rank", _l("rank"), ("rank", "appraisal__employee__number")),
    Sort("total", _l("total"), ("total", "appraisal__employee__number")),
    Sort("number", _l("employee number"), ("appraisal__employee__number",)),
    Sort("name", _l("name"), ("appraisal__employee__name",)),
)
PER_PAGE_CHOICES = (10, 25, 50, 100)  # rows of a group on a page (`?per=`)
PER_PAGE = 25  # by default: each row carries two forms, 50 rows were a third of the page's time
SEARCH = (
    "appraisal__employee__name",
    "appraisal__employee__number",
    "appraisal__unit__name",
    "appraisal__attributes__department",
)


@signed_in
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    """The groups' summary (counts against quotas), then one group at a time: its
    chart and a page of its results, searched, filtered by flag and grade, sorted."""
    cycle = _cycle_for(request, pk)
    groups = calibration_groups(cycle)
    asked = request.GET.get("group", "")
    group = next((g for g in groups if g.key == asked), groups[0] if groups else None)
    flag = request.GET.get("flag", "")
    flag = flag if flag == "any" or flag in FLAG_WORDS else ""
    grade = request.GET.get("grade", "")
    grade = grade if group is not None and grade in group.grades else ""
    asked = request.GET.get("per", "")
    per_page = int(asked) if asked.isdigit() and int(asked) in PER_PAGE_CHOICES else PER_PAGE
    rows = None
    members = []
    if group is not None:
        rows = listing(
            request,
            group_results(cycle, group, flag=flag, grade=grade).values_list("pk", flat=True),
            search=SEARCH,
            sorts=SORTS,
            per_page=per_page,
        )
        members = group_members(group, results_in_order(list(rows.rows)))
    may_calibrate = can_calibrate(request.user, cycle)
    awaiting_count = sum(g.awaiting for g in groups)
    awaiting = results_awaiting_review(cycle) if awaiting_count else []
    in_calibration = cycle.state == CycleState.CALIBRATION
    context = {
        "cycle": cycle,
        "groups": [g for g in groups if not g.small],
        "small_groups": [g for g in groups if g.small],
        "group": group,
        "listing": rows,
        "members": members,
        "flag": flag,
        "grade": grade,
        "per_page": per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "flag_choices": [("any", _("any flag")), *[(k, str(v)) for k, v in FLAG_WORDS.items()]],
        "quotas": ", ".join(
            f"{g} {quota * 100:g}%"
            for g, quota in zip(group.grades, group.quotas or [], strict=False)
        )
        if group is not None
        else "",
        "awaiting": [(result, group_of(groups, result)) for result in awaiting],
        "awaiting_count": awaiting_count,
        "can_calibrate": may_calibrate and in_calibration,
        # after publication, only the results an upheld appeal put up for review
        "can_review": may_calibrate
        and (in_calibration or (cycle.state == CycleState.PUBLISHED and bool(awaiting_count))),
        "form": CalibrateForm(),
        # the drifting units come after the page, from `calibration_drift` (the quota
        # drift reads the last cycles' results: a third of the page's time at 10,000)
        "fairness": outliers(cycle, request.user, with_units=False),
    }
    return render(request, "hr/calibration.html", context)


@signed_in
def calibration_drift(request: HttpRequest, pk: int) -> HttpResponse:
    """The calibration page's units drifting from the quotas over the last cycles: a
    fragment the page loads after itself (htmx), or a page of its own by its link."""
    cycle = _cycle_for(request, pk)
    units, cycles = drifting_units(cycle, request.user)
    template = "hr/_calibration_drift.html" if is_htmx(request) else "hr/calibration_drift.html"
    return render(request, template, {"cycle": cycle, "units": units, "cycles": cycles})


def _result_for(request: HttpRequest, cycle: Cycle, result_pk: int) -> Result:
    if not can_calibrate(request.user, cycle):
        raise Http404
    result = Result.objects.filter(pk=result_pk, appraisal__cycle=cycle).first()
    if result is None:
        raise Http404
    return result


def _back(cycle: Cycle, result: Result) -> HttpResponse:
    """Back to the result's group, at the result."""
    group = group_of(calibration_groups(cycle), result)
    query = f"?{urlencode({'group': group.key})}" if group is not None else ""
    url = reverse("hr:cycle_calibration", args=[cycle.pk])
    return redirect(f"{url}{query}#result-{result.pk}")


@signed_in
@require_POST
def calibrate(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    result = _result_for(request, cycle, result_pk)
    form = CalibrateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("a calibration needs a written reason"))
        return redirect("hr:cycle_calibration", pk=cycle.pk)
    data = form.cleaned_data
    try:
        result_calibrate(
            result=result,
            actor=request.user,
            reason=data["reason"],
            total=data.get("total"),
            grade=data.get("grade") or None,
        )
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(
            request, _("%(who)s calibrated") % {"who": result.appraisal.appraisee_name}
        )
    return _back(cycle, result)


@signed_in
@require_POST
def review_confirm(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    """The committee keeps a calibration that awaits review, with a reason."""
    cycle = _cycle_for(request, pk)
    result = _result_for(request, cycle, result_pk)
    form = ReviewConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("a confirmation needs a written reason"))
        return _back(cycle, result)
    try:
        result_review_confirm(result=result, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("the calibration of %(who)s is confirmed") % {"who": result.appraisal.appraisee_name},
        )
    return _back(cycle, result)
