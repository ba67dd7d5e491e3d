"""The HR overview: the cycles in progress and what needs attention."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.appraisals.selectors import cycle_list
from jixiao.appraisals.workflow import CycleState
from jixiao.hr.selectors import cycle_overdue
from jixiao.hr.views.base import hr_page
from jixiao.indicators.selectors import indicator_list
from jixiao.schemes.selectors import scheme_list


@hr_page
def home(request: HttpRequest) -> HttpResponse:
    cycles = cycle_list(visible_to=request.user).exclude(
        state__in=[CycleState.CLOSED, CycleState.CANCELLED]
    )
    today = timezone.localdate()
    context = {
        "cycles": [(cycle, len(cycle_overdue(cycle, today))) for cycle in cycles],
        "schemes": scheme_list(visible_to=request.user, active=True).count(),
        "incomplete": len(indicator_list(visible_to=request.user, incomplete=True)),
    }
    return render(request, "hr/home.html", context)
