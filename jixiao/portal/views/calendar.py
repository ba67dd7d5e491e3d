"""The working calendar: the days that differ from Monday to Friday (holidays and
调休 working weekends) and HR's corrections."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.portal.forms import CalendarCorrectionForm
from jixiao.portal.views.appraisals import invalid
from jixiao.portal.views.common import after_post, page_or_partial, run
from jixiao.workcalendar.access import can_correct_calendar, corrections_visible_to
from jixiao.workcalendar.services import calendar_correction_remove, calendar_correction_set
from jixiao.workcalendar.workdays import corrections_between, is_workday


def calendar_context(request: HttpRequest) -> dict[str, Any]:
    start = timezone.localdate()
    end = start + datetime.timedelta(days=120)
    corrections = corrections_between(start, end)
    special = []
    day = start
    while day <= end:
        working = is_workday(day, corrections)
        if working != (day.weekday() < 5):
            special.append({"day": day, "working": working, "corrected": day in corrections})
        day += datetime.timedelta(days=1)
    return {
        "special": special,
        "corrections": corrections_visible_to(request.user).order_by("-date")[:50],
        "may_correct": can_correct_calendar(request.user),
        "form": CalendarCorrectionForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def working_calendar(request: HttpRequest) -> HttpResponse:
    page, partial = "portal/calendar.html", "portal/_calendar.html"
    if request.method == "POST":
        if not can_correct_calendar(request.user):
            raise Http404
        _calendar_post(request)
        return after_post(request, page, partial, lambda: calendar_context(request))
    return page_or_partial(request, page, partial, calendar_context(request))


def _calendar_post(request: HttpRequest) -> None:
    if request.POST.get("action") == "remove":
        found = corrections_visible_to(request.user).filter(pk=request.POST.get("pk") or 0).first()
        if found is None:
            raise Http404
        run(
            request,
            lambda: calendar_correction_remove(
                correction=found, actor=request.user, reason=request.POST.get("reason", "")
            ),
            _("Correction removed."),
        )
        return
    form = CalendarCorrectionForm(request.POST)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return
    values = form.cleaned_data
    run(
        request,
        lambda: calendar_correction_set(actor=request.user, **values),
        _("Calendar corrected."),
    )
