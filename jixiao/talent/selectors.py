"""Reading a talent review: counts per box from one aggregate, the people of a box a
page at a time, and the comparison with the previous review."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from jixiao.talent.models import Placement, TalentReview


def box_counts(review: TalentReview) -> dict[tuple[int, int], int]:
    rows = (
        Placement.objects.filter(review=review, performance__isnull=False, potential__isnull=False)
        .order_by()
        .values("performance", "potential")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[int, int], int] = {}
    for row in rows:
        performance, potential = row["performance"], row["potential"]
        if performance is not None and potential is not None:
            counts[(performance, potential)] = row["n"]
    return counts


def unplaced(review: TalentReview) -> QuerySet[Placement]:
    """People whose potential is not rated yet (or who have no total)."""
    return (
        Placement.objects.filter(review=review).filter(performance__isnull=True)
        | Placement.objects.filter(review=review, potential__isnull=True)
    ).select_related("appraisal__employee", "appraisal__unit")


def box_people(review: TalentReview, box: tuple[int, int]) -> QuerySet[Placement]:
    return Placement.objects.filter(
        review=review, performance=box[0], potential=box[1]
    ).select_related("appraisal__employee", "appraisal__unit")


def previous_review(review: TalentReview) -> TalentReview | None:
    return (
        TalentReview.objects.filter(cycle__pk__lt=review.cycle_id)
        .select_related("cycle")
        .order_by("-cycle__pk")
        .first()
    )


@dataclass(frozen=True)
class Comparison:
    previous: TalentReview
    before: dict[tuple[int, int], int]
    moved_up: int  # people in both reviews whose box is higher (performance + potential)
    moved_down: int
    stayed: int


def compare(review: TalentReview) -> Comparison | None:
    """Counts per box in the previous review, and how the same people moved."""
    previous = previous_review(review)
    if previous is None:
        return None

    def boxes(of: TalentReview) -> dict[int, tuple[int, int]]:
        rows = Placement.objects.filter(
            review=of,
            performance__isnull=False,
            potential__isnull=False,
            appraisal__employee__isnull=False,
        ).values_list("appraisal__employee_id", "performance", "potential")
        found: dict[int, tuple[int, int]] = {}
        for employee, perf, pot in rows.iterator(chunk_size=5000):
            if employee is not None and perf is not None and pot is not None:
                found[employee] = (perf, pot)
        return found

    now, then = boxes(review), boxes(previous)
    moves: Counter[str] = Counter()
    for employee, box in now.items():
        old = then.get(employee)
        if old is None:
            continue
        change = sum(box) - sum(old)
        moves["up" if change > 0 else "down" if change < 0 else "same"] += 1
    return Comparison(
        previous=previous,
        before=box_counts(previous),
        moved_up=moves["up"],
        moved_down=moves["down"],
        stayed=moves["same"],
    )
