"""Calibration (校准) of a cycle, per group: the grade distribution against its
quotas (a chart), outliers and `quota_tie` flags, and changes of a total or a
grade with a required reason, the before and after kept and shown. A calibrated
result whose facts or ranks moved afterwards awaits review: the page shows the
computed values before → after and the facts that changed, and the committee
confirms the calibration or changes it, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.workflow import CycleState
from jixiao.core.errors import ServiceError
from jixiao.hr.access import can_calibrate, can_see_calibration
from jixiao.hr.forms import CalibrateForm, ReviewConfirmForm
from jixiao.hr.selectors import calibration_groups, results_awaiting_review
from jixiao.hr.services import result_calibrate, result_review_confirm
from jixiao.hr.views.base import refused, signed_in


def _cycle_for(request: HttpRequest, pk: int) -> Cycle:
    cycle = Cycle.objects.filter(pk=pk).first()
    if cycle is None or not can_see_calibration(request.user, cycle):
        raise Http404
    return cycle


@signed_in
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    groups = [
        {
            "group": group,
            "chart_id": f"chart-{index}",
            "data_id": f"chart-{index}-data",
            "quotas": ", ".join(
                f"{grade} {quota * 100:g}%"
                for grade, quota in zip(group.grades, group.quotas or [], strict=False)
            ),
        }
        for index, group in enumerate(calibration_groups(cycle))
    ]
    may_calibrate = can_calibrate(request.user, cycle)
    awaiting = results_awaiting_review(cycle)
    in_calibration = cycle.state == CycleState.CALIBRATION
    context = {
        "cycle": cycle,
        "groups": groups,
        "awaiting": awaiting,
        "can_calibrate": may_calibrate and in_calibration,
        # after publication, only the results an upheld appeal put up for review
        "can_review": may_calibrate
        and (in_calibration or (cycle.state == CycleState.PUBLISHED and bool(awaiting))),
        "form": CalibrateForm(),
    }
    return render(request, "hr/calibration.html", context)


def _result_for(request: HttpRequest, cycle: Cycle, result_pk: int) -> Result:
    if not can_calibrate(request.user, cycle):
        raise Http404
    result = Result.objects.filter(pk=result_pk, appraisal__cycle=cycle).first()
    if result is None:
        raise Http404
    return result


def _back(cycle: Cycle, result: Result) -> HttpResponse:
    return redirect(reverse("hr:cycle_calibration", args=[cycle.pk]) + f"#result-{result.pk}")


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
