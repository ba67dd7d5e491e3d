"""A talent review (人才盘点) of one cycle: performance from the cycle's results by
the thresholds HR sets, potential rated by the manager or the committee, each
person placed in one of nine boxes; a move away from where the figures put them is
a calibration with a reason (and an audit event)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models import Appraisal, Cycle


class Level(models.IntegerChoices):
    LOW = 1, _("low")
    MIDDLE = 2, _("middle")
    HIGH = 3, _("high")


# (performance, potential) → what the box is called (the common 9-box names)
BOXES: dict[tuple[int, int], object] = {
    (3, 3): _("star"),
    (3, 2): _("high performer"),
    (3, 1): _("solid professional"),
    (2, 3): _("rising talent"),
    (2, 2): _("core player"),
    (2, 1): _("steady contributor"),
    (1, 3): _("enigma: potential not yet shown"),
    (1, 2): _("needs development"),
    (1, 1): _("under-performer"),
}


class TalentReview(models.Model):
    cycle = models.OneToOneField(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="talent_review"
    )
    low_below = models.FloatField(
        _("performance low below"), help_text=_("a total below this is low performance")
    )
    high_from = models.FloatField(
        _("performance high from"), help_text=_("a total from this up is high performance")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("talent review")
        verbose_name_plural = _("talent reviews")

    def __str__(self) -> str:
        return str(self.cycle)

    def performance_of(self, total: float | None) -> int | None:
        if total is None:
            return None
        if total < self.low_below:
            return Level.LOW
        if total >= self.high_from:
            return Level.HIGH
        return Level.MIDDLE


class Placement(models.Model):
    review = models.ForeignKey(
        TalentReview,
        verbose_name=_("talent review"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="+"
    )
    performance = models.PositiveSmallIntegerField(
        _("performance"), choices=Level.choices, null=True, blank=True
    )
    potential = models.PositiveSmallIntegerField(
        _("potential"), choices=Level.choices, null=True, blank=True
    )
    moved = models.BooleanField(_("moved by calibration"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["review", "appraisal"], name="talent_one_placement"),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} {self.performance}×{self.potential}"

    @property
    def box(self) -> tuple[int, int] | None:
        if self.performance is None or self.potential is None:
            return None
        return (self.performance, self.potential)
