"""The talent review page of a cycle: the 9-box with counts and names, rating
potential, moving a person with a reason, and the comparison with the last review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.appraisals.models import Cycle
from jixiao.core.errors import ServiceError
from jixiao.talent import services
from jixiao.talent.access import can_change_review, can_review
from jixiao.talent.models import (
    BOXES,
    Level,
    PerformanceSource,
    Placement,
    PotentialSource,
    TalentReview,
)
from jixiao.talent.selectors import box_counts, box_people, compare, unplaced

NAMES_PER_BOX = 8


def _cycle(request: HttpRequest, pk: int) -> Cycle:
    cycle = get_object_or_404(Cycle, pk=pk)
    if not can_review(request.user, cycle):
        raise Http404
    return cycle


def _box(text: str) -> tuple[int, int] | None:
    try:
        performance, potential = (int(part) for part in text.split("-"))
    except ValueError:
        return None
    return (performance, potential) if (performance, potential) in BOXES else None


def _number(text: str | None) -> float | None:
    """A number the form gave, None where it gave nothing (ValueError: not a number)."""
    text = (text or "").strip()
    return float(text) if text else None


def _start_fields(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    year = _number(post.get("year"))
    return {
        "low_below": float(post.get("low_below", "")),
        "high_from": float(post.get("high_from", "")),
        "performance_source": post.get("performance_source") or PerformanceSource.CYCLE,
        "year": int(year) if year is not None else None,
        "potential_source": post.get("potential_source") or PotentialSource.RATING,
        "potential_part": post.get("potential_part", ""),
        "potential_low_below": _number(post.get("potential_low_below")),
        "potential_high_from": _number(post.get("potential_high_from")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    found = TalentReview.objects.filter(cycle=cycle).first()
    if found is None:
        if request.method == "POST":
            try:
                services.review_start(cycle=cycle, actor=request.user, **_start_fields(request))
            except ValueError:
                messages.error(request, _("Give the thresholds and the year as numbers."))
            except ServiceError as error:
                messages.error(request, str(error))
            return redirect("talent:review", pk=cycle.pk)
        return render(
            request,
            "talent/start.html",
            {
                "cycle": cycle,
                "performance_sources": PerformanceSource.choices,
                "potential_sources": PotentialSource.choices,
                "year": cycle.start.year,
            },
        )
    counts = box_counts(found)
    grid = []
    for potential in (3, 2, 1):
        row = []
        for performance in (1, 2, 3):
            box = (performance, potential)
            people = list(box_people(found, box)[:NAMES_PER_BOX])
            row.append(
                {
                    "key": f"{performance}-{potential}",
                    "name": BOXES[box],
                    "count": counts.get(box, 0),
                    "people": people,
                    "more": counts.get(box, 0) > len(people),
                }
            )
        grid.append(row)
    chosen = _box(request.GET.get("box", ""))
    listed = box_people(found, chosen) if chosen else unplaced(found)
    page = Paginator(listed.order_by("pk"), 25).get_page(request.GET.get("page"))
    comparison = compare(found)
    context = {
        "cycle": cycle,
        "review": found,
        "grid": grid,
        "chosen": chosen and {"key": f"{chosen[0]}-{chosen[1]}", "name": BOXES[chosen]},
        "page": page,
        "levels": Level.choices,
        "may_change": can_change_review(request.user, cycle),
        "comparison": comparison,
        "before": comparison
        and [
            [
                {"name": BOXES[(perf, pot)], "count": comparison.before.get((perf, pot), 0)}
                for perf in (1, 2, 3)
            ]
            for pot in (3, 2, 1)
        ],
        "placed": sum(counts.values()),
    }
    return render(request, "talent/review.html", context)


@login_required
@require_POST
def placement_change(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    placement = get_object_or_404(
        Placement.objects.select_related("review__cycle"), pk=placement_pk, review__cycle=cycle
    )
    try:
        if request.POST.get("performance"):
            services.placement_move(
                placement=placement,
                actor=request.user,
                performance=request.POST.get("performance"),
                potential=request.POST.get("potential"),
                reason=request.POST.get("reason", ""),
            )
        else:
            services.potential_set(
                placement=placement, actor=request.user, level=request.POST.get("potential")
            )
        messages.success(request, _("Saved."))
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(request.POST.get("next") or f"/talent/cycles/{cycle.pk}/")
