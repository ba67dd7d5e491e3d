"""Starting a talent review, rating potential, moving a person to another box (a
calibration with a reason); each change audited in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.talent.access import can_change_review, can_rate_potential
from jixiao.talent.models import Level, Placement, TalentReview


def _level(value: Any, what: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ServiceError(_("%(what)s must be low, middle or high") % {"what": what})
    return level


def result_total(result: Result) -> float | None:
    """The total in force: the calibrated one where calibration decided it."""
    calibrated = (result.calibrated or {}).get("total")
    return float(calibrated) if calibrated is not None else result.total


def review_start(*, cycle: Cycle, actor: Any, low_below: float, high_from: float) -> TalentReview:
    """Place everyone of the cycle who has a result, by the thresholds (HR only)."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR starts a talent review"))
    if low_below >= high_from:
        raise ServiceError(
            _("the low threshold (%(low)s) must be below the high one (%(high)s)")
            % {"low": low_below, "high": high_from}
        )
    if TalentReview.objects.filter(cycle=cycle).exists():
        raise ServiceError(_("this cycle already has a talent review"))
    with transaction.atomic():
        review = TalentReview.objects.create(
            cycle=cycle, low_below=low_below, high_from=high_from, created_by=actor
        )
        results = Result.objects.filter(appraisal__cycle=cycle).only(
            "appraisal_id", "total", "calibrated"
        )
        Placement.objects.bulk_create(
            [
                Placement(
                    review=review,
                    appraisal_id=result.appraisal_id,
                    performance=review.performance_of(result_total(result)),
                )
                for result in results.iterator(chunk_size=2000)
            ],
            batch_size=1000,
        )
        audit_record(
            actor=actor, action="talent.review_started", target=review, after=snapshot(review)
        )
    return review


def potential_set(*, placement: Placement, actor: Any, level: Any, reason: str = "") -> Placement:
    appraisal = Appraisal.objects.select_related("cycle", "employee__supervisor").get(
        pk=placement.appraisal_id
    )
    if not can_rate_potential(actor, appraisal):
        raise NotAllowed(_("you may not rate this person's potential"))
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
