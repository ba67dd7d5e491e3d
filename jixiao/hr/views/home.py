"""The HR overview: the cycles in progress with their completion and overdue work,
the departments with the most overdue work and the appeals waiting for HR, from
aggregates (the same queries for ten people as for ten thousand)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Case, Count, F, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.appraisals.models import Appeal, Appraisal, Cycle
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


STAGES = (  # the cycles by stage, in the order they pass
    CycleState.DRAFT,
    CycleState.TARGETS,
    CycleState.COLLECTING,
    CycleState.REVIEW,
    CycleState.CALIBRATION,
    CycleState.PUBLISHED,
)
RUNNING = (CycleState.TARGETS, CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION)
APPEALS_SHOWN = 8  # the appeals waiting for HR listed on the overview, nearest deadline first


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
        late = cycle_overdue_by_department(cycle, today) if cycle.state in RUNNING else Counter()
        total = sum(counts[cycle.pk].values())
        done = sum(counts[cycle.pk][state] for state in DONE_STATES)
        percent = round(100 * done / total) if total else None
        due = _next_deadline(cycle, today)
        rows.append((cycle, sum(late.values()), total, percent, due))
        late_units += [(cycle, unit, n) for unit, n in late.items()]
    late_units.sort(key=lambda row: (-row[2], row[1]))
    rows.sort(key=lambda row: (STAGES.index(row[0].state), -row[0].start.toordinal()))
    by_stage = Counter(cycle.state for cycle in cycles)
    stages = [(state, CycleState(state).label, by_stage[state]) for state in STAGES]
    waiting = Appeal.objects.filter(state__in=[AppealState.RECEIVED, AppealState.ACCEPTED])
    appeals = waiting.aggregate(
        waiting=Count("pk"),
        late=Count("pk", filter=Q(state=AppealState.RECEIVED, decide_by__lt=today))
        + Count("pk", filter=Q(state=AppealState.ACCEPTED, answer_by__lt=today)),
    )
    due_first = waiting.annotate(
        due=Case(
            When(state=AppealState.RECEIVED, then=F("decide_by")),
            default=F("answer_by"),
        )
    )
    context = {
        "cycles": rows,
        "stages": stages,
        "running": sum(by_stage[state] for state in RUNNING),
        "late_units": late_units[:OVERDUE_UNITS],
        "appeals": appeals,
        "appeals_due": list(
            due_first.select_related(
                "appraisal__employee", "appraisal__unit", "appraisal__cycle"
            ).order_by("due", "pk")[:APPEALS_SHOWN]
        ),
        "today": today,
        "schemes": scheme_list(visible_to=request.user, active=True).count(),
        "incomplete": len(indicator_list(visible_to=request.user, incomplete=True)),
    }
    return render(request, "hr/home.html", context)


def _next_deadline(cycle: Cycle, today: datetime.date) -> datetime.date | None:
    """The cycle's next stage deadline from today (its deadlines are prefetched)."""
    return min((d.due for d in cycle.deadlines.all() if d.due >= today), default=None)
