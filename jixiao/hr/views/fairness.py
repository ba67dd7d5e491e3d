"""Fairness of a cycle's ratings (issue 16): raters' leniency and severity with
their z-scores, raters who give everyone the same score, self-rating gaps, and
how far calibration moved each unit. HR only: names of raters are shown here and
nowhere else; units under five people are marked (domain.md §3a)."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.accounts.models import User
from jixiao.appraisals.fairness import (
    SMALL_GROUP,
    rater_stats,
    rating_rows,
    self_gaps,
    unit_drift,
)
from jixiao.appraisals.models import Appraisal, Rating, Result
from jixiao.appraisals.selectors import cycle_get
from jixiao.core.listing import listing
from jixiao.hr.views.base import hr_page
from jixiao.organization.models import Unit

NOTABLE_Z = 2.0  # |z| at or above: said as clearly lenient / severe


@hr_page
def cycle_fairness(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get(visible_to=request.user, pk=pk)
    rows = rating_rows(Rating.objects.filter(appraisal__cycle=cycle))
    stats = sorted(
        rater_stats(rows), key=lambda s: (-(abs(s.z) if s.z is not None else -1), s.rater)
    )
    raters = listing(request, stats, per_page=25)
    shown = list(raters.rows)
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=[s.rater for s in shown])}
    gaps_by_appraisal: dict[int, list[float]] = defaultdict(list)
    for gap in self_gaps(rows):
        gaps_by_appraisal[gap.appraisal].append(gap.gap)
    gaps = sorted(
        ((appraisal, sum(v) / len(v), len(v)) for appraisal, v in gaps_by_appraisal.items()),
        key=lambda g: -abs(g[1]),
    )[:20]
    people = {
        a.pk: a.appraisee_name
        for a in Appraisal.objects.filter(pk__in=[g[0] for g in gaps]).select_related(
            "employee", "unit"
        )
    }
    drifts = unit_drift(Result.objects.filter(appraisal__cycle=cycle))
    drifts = sorted(drifts, key=lambda d: -abs(d.mean_change or 0))[:50]
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in=[d.unit for d in drifts])}
    context = {
        "cycle": cycle,
        "raters": raters,
        "rater_rows": [
            {
                "name": names.get(s.rater, "—"),
                "stats": s,
                "notable": s.z is not None and abs(s.z) >= NOTABLE_Z,
                "same_for_all": s.spread == 0 and s.people >= 3,
            }
            for s in shown
        ],
        "gaps": [
            {"name": people.get(a, "—"), "gap": gap, "items": n, "appraisal": a}
            for a, gap, n in gaps
        ],
        "drifts": [
            {
                "unit": units.get(d.unit, "—") if d.unit else "—",
                "drift": d,
                "small": d.people < SMALL_GROUP,
            }
            for d in drifts
        ],
        "notable_z": NOTABLE_Z,
        "small_group": SMALL_GROUP,
    }
    return render(request, "hr/cycle_fairness.html", context)
