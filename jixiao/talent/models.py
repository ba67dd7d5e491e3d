"""A talent review (人才盘点) of one cycle: performance from the cycle's results or
the year's (the mean of the year's published cycles, or the annual cycle's result)
by the thresholds HR sets; potential rated by the manager or the committee, or
read from a part of the form (a section or item such as 品质 / 能力, the seed's
second dimension), by thresholds too; each person placed in one of nine boxes; a
move away from where the figures put them is a calibration with a reason (and an
audit event)."""

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


class PerformanceSource(models.TextChoices):
    CYCLE = "cycle", _("this cycle's result")
    YEAR_MEAN = "year_mean", _("the mean of the year's published cycles")
    YEAR_RESULT = "year_result", _("the annual cycle's result")


class PotentialSource(models.TextChoices):
    RATING = "rating", _("rated by the manager or the committee")
    PART = "part", _("a part of the form (品质, 能力 …)")


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
    performance_source = models.CharField(
        _("performance from"),
        max_length=20,
        choices=PerformanceSource.choices,
        default=PerformanceSource.CYCLE,
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("the year whose results give performance")
    )
    potential_source = models.CharField(
        _("potential from"),
        max_length=20,
        choices=PotentialSource.choices,
        default=PotentialSource.RATING,
    )
    potential_part = models.CharField(
        _("section or item of the form"),
        max_length=200,
        blank=True,
        help_text=_("the section or item whose score is the potential, e.g. 品质 or 工作能力"),
    )
    potential_low_below = models.FloatField(
        _("potential low below"),
        null=True,
        blank=True,
        help_text=_("a score (percentage of the part's full marks) below this is low potential"),
    )
    potential_high_from = models.FloatField(
        _("potential high from"),
        null=True,
        blank=True,
        help_text=_("a score (percentage of the part's full marks) from this up is high potential"),
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
        return _level_of(total, self.low_below, self.high_from)

    def potential_of(self, score: float | None) -> int | None:
        if self.potential_low_below is None or self.potential_high_from is None:
            return None
        return _level_of(score, self.potential_low_below, self.potential_high_from)

    @property
    def potential_from_part(self) -> bool:
        return self.potential_source == PotentialSource.PART


def _level_of(value: float | None, low_below: float, high_from: float) -> int | None:
    if value is None:
        return None
    if value < low_below:
        return Level.LOW
    if value >= high_from:
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
    performance_value = models.FloatField(
        _("performance figure"),
        null=True,
        blank=True,
        help_text=_("the total (or the year's mean total) the performance level comes from"),
    )
    potential_value = models.FloatField(
        _("potential figure"),
        null=True,
        blank=True,
        help_text=_("the part's score as a percentage of its full marks"),
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
