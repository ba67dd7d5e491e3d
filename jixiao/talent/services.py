"""Starting a talent review (performance from the cycle's or the year's results,
potential rated or read from a part of the form), rating potential, moving a person
to another box (a calibration with a reason); each change audited in its
transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.talent.access import can_change_review, can_rate_potential
from jixiao.talent.figures import performance_by_person, potential_by_person, source_cycles
from jixiao.talent.models import Level, PerformanceSource, Placement, PotentialSource, TalentReview


def _level(value: Any, what: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ServiceError(_("%(what)s must be low, middle or high") % {"what": what})
    return level


def review_start(
    *,
    cycle: Cycle,
    actor: Any,
    low_below: float,
    high_from: float,
    performance_source: str = PerformanceSource.CYCLE,
    year: int | None = None,
    potential_source: str = PotentialSource.RATING,
    potential_part: str = "",
    potential_low_below: float | None = None,
    potential_high_from: float | None = None,
) -> TalentReview:
    """Place everyone appraised in the cycle (people, not withdrawn) by their figures
    and the thresholds (HR only). Performance: this cycle's total, or the year's
    (`year`, by default the cycle's): the mean of its published cycles or the annual
    cycle's result. Potential: rated afterwards by the managers or the committee, or
    the score of a part of the form (a section or item, in % of its full marks) by
    its own thresholds."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR starts a talent review"))
    _in_order(low_below, high_from)
    if performance_source not in PerformanceSource.values:
        raise ServiceError(_("choose where performance comes from"))
    if potential_source not in PotentialSource.values:
        raise ServiceError(_("choose where potential comes from"))
    if performance_source != PerformanceSource.CYCLE and year is None:
        year = cycle.start.year
    from_part = potential_source == PotentialSource.PART
    if from_part:
        if not potential_part.strip():
            raise ServiceError(_("name the section or item whose score is the potential"))
        if potential_low_below is None or potential_high_from is None:
            raise ServiceError(_("give both potential thresholds as numbers"))
        _in_order(potential_low_below, potential_high_from)
    if TalentReview.objects.filter(cycle=cycle).exists():
        raise ServiceError(_("this cycle already has a talent review"))
    cycles = source_cycles(cycle, performance_source, year)
    performance = performance_by_person(cycles)
    potential = potential_by_person(cycles, potential_part) if from_part else {}
    with transaction.atomic():
        review = TalentReview.objects.create(
            cycle=cycle,
            low_below=low_below,
            high_from=high_from,
            performance_source=performance_source,
            year=year if performance_source != PerformanceSource.CYCLE else None,
            potential_source=potential_source,
            potential_part=potential_part.strip() if from_part else "",
            potential_low_below=potential_low_below if from_part else None,
            potential_high_from=potential_high_from if from_part else None,
            created_by=actor,
        )
        people = (
            Appraisal.objects.filter(cycle=cycle, employee__isnull=False)
            .exclude(state=AppraisalState.WITHDRAWN)
            .values_list("pk", "employee_id")
            .order_by("pk")
        )
        Placement.objects.bulk_create(
            [
                Placement(
                    review=review,
                    appraisal_id=appraisal,
                    performance=review.performance_of(performance.get(employee)),
                    performance_value=performance.get(employee),
                    potential=review.potential_of(potential.get(employee)),
                    potential_value=potential.get(employee),
                )
                for appraisal, employee in people.iterator(chunk_size=2000)
                if employee is not None
            ],
            batch_size=1000,
        )
        audit_record(
            actor=actor, action="talent.review_started", target=review, after=snapshot(review)
        )
    return review


def _in_order(low_below: float, high_from: float) -> None:
    if low_below >= high_from:
        raise ServiceError(
            _("the low threshold (%(low)s) must be below the high one (%(high)s)")
            % {"low": low_below, "high": high_from}
        )


def potential_set(*, placement: Placement, actor: Any, level: Any, reason: str = "") -> Placement:
    appraisal = Appraisal.objects.select_related("cycle", "employee__supervisor").get(
        pk=placement.appraisal_id
    )
    if not can_rate_potential(actor, appraisal):
        raise NotAllowed(_("you may not rate this person's potential"))
    review = TalentReview.objects.only("potential_source", "potential_part").get(
        pk=placement.review_id
    )
    if review.potential_from_part:
        raise ServiceError(
            _(
                "potential comes from the form's “%(part)s” here and is not rated by hand;"
                " the committee may move the person, with a reason"
            )
            % {"part": review.potential_part}
        )
    value = _level(level, _("potential"))
    with transaction.atomic():
        before = {"potential": placement.potential}
        placement.potential = value
        placement.save(update_fields=["potential"])
        audit_record(
            actor=actor,
            action="talent.potential_set",
            target=placement,
            before=before,
            after={"potential": value},
            reason=reason,
        )
    return placement


def placement_move(
    *, placement: Placement, actor: Any, performance: Any, potential: Any, reason: str
) -> Placement:
    """Put a person in another box than the figures gave: a calibration, with a reason."""
    if not can_change_review(actor, placement.review.cycle):
        raise NotAllowed(_("only HR and the committee move people between boxes"))
    if not reason.strip():
        raise ServiceError(_("say why the person moves to another box"))
    wanted = (_level(performance, _("performance")), _level(potential, _("potential")))
    with transaction.atomic():
        before = {"performance": placement.performance, "potential": placement.potential}
        placement.performance, placement.potential = wanted
        placement.moved = True
        placement.reason = reason.strip()
        placement.save(update_fields=["performance", "potential", "moved", "reason"])
        audit_record(
            actor=actor,
            action="talent.moved",
            target=placement,
            before=before,
            after={"performance": wanted[0], "potential": wanted[1]},
            reason=reason.strip(),
        )
    return placement
