"""The HR overview: the cycles in progress with their completion and overdue work,
the departments with the most overdue work and the appeals waiting for HR, from
aggregates (the same queries for ten people as for ten thousand)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.appraisals.models import Appeal, Appraisal
from jixiao.appraisals.selectors import cycle_list
from jixiao.appraisals.workflow import AppealState, AppraisalState, CycleState
from jixiao.hr.selectors import cycle_overdue_by_department
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

OVERDUE_UNITS = 10  # departments with the most overdue work, on the overview


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
    today = timezone.localdate()
    rows, late_units = [], []
    for cycle in cycles:
        late = cycle_overdue_by_department(cycle, today)
        total = sum(counts[cycle.pk].values())
        done = sum(counts[cycle.pk][state] for state in DONE_STATES)
        percent = round(100 * done / total) if total else None
        rows.append((cycle, sum(late.values()), total, percent))
        late_units += [(cycle, unit, n) for unit, n in late.items()]
    late_units.sort(key=lambda row: (-row[2], row[1]))
    appeals = Appeal.objects.filter(
        state__in=[AppealState.RECEIVED, AppealState.ACCEPTED]
    ).aggregate(
        waiting=Count("pk"),
        late=Count("pk", filter=Q(state=AppealState.RECEIVED, decide_by__lt=today))
        + Count("pk", filter=Q(state=AppealState.ACCEPTED, answer_by__lt=today)),
    )
    context = {
        "cycles": rows,
        "late_units": late_units[:OVERDUE_UNITS],
        "appeals": appeals,
        "schemes": scheme_list(visible_to=request.user, active=True).count(),
        "incomplete": len(indicator_list(visible_to=request.user, incomplete=True)),
    }
    return render(request, "hr/home.html", context)
