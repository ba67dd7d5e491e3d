"""The HR overview: the cycles in progress with their completion and overdue work,
from aggregates (the same queries for ten people as for ten thousand)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.appraisals.models import Appraisal
from jixiao.appraisals.selectors import cycle_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.hr.selectors import cycles_overdue_counts
from jixiao.hr.views.base import hr_page
from jixiao.indicators.selectors import indicator_list
from jixiao.schemes.selectors import scheme_list

# An appraisal is done with its people's work once it reaches calibration.
DONE_STATES = (
    AppraisalState.CALIBRATION,
    AppraisalState.PUBLISHED,
    AppraisalState.APPEALED,
    AppraisalState.CLOSED,
)


@hr_page
def home(request: HttpRequest) -> HttpResponse:
    cycles = list(
        cycle_list(visible_to=request.user)
        .exclude(state__in=[CycleState.CLOSED, CycleState.CANCELLED])
        .prefetch_related("deadlines")[:50]
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in (
        Appraisal.objects.filter(cycle__in=cycles)
        .exclude(state=AppraisalState.WITHDRAWN)
        .values("cycle_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["cycle_id"]][row["state"]] += row["n"]
    overdue = cycles_overdue_counts(cycles, timezone.localdate())
    rows = []
    for cycle in cycles:
        total = sum(counts[cycle.pk].values())
        done = sum(counts[cycle.pk][state] for state in DONE_STATES)
        percent = round(100 * done / total) if total else None
        rows.append((cycle, overdue[cycle.pk], total, percent))
    context = {
        "cycles": rows,
        "schemes": scheme_list(visible_to=request.user, active=True).count(),
        "incomplete": len(indicator_list(visible_to=request.user, incomplete=True)),
    }
    return render(request, "hr/home.html", context)
