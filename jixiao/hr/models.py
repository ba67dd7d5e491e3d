"""Calibration changes (校准): a total or a grade changed by HR or the committee,
with the value before, the value after and the written reason, kept and shown;
and the confirmations of a calibration the committee reviewed after the facts or
the ranks changed (before = after, with the new computed value)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalibratedField(models.TextChoices):
    TOTAL = "total", _("total")
    GRADE = "grade", _("grade")


class CalibrationKind(models.TextChoices):
    CHANGED = "changed", _("changed")
    CONFIRMED = "confirmed", _("confirmed on review")


class CalibrationChange(models.Model):
    result = models.ForeignKey(
        "appraisals.Result",
        verbose_name=_("result"),
        on_delete=models.CASCADE,
        related_name="calibration_changes",
    )
    field = models.CharField(_("field"), max_length=10, choices=CalibratedField.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CalibrationKind.choices, default=CalibrationKind.CHANGED
    )
    computed = models.CharField(
        _("computed"),
        max_length=40,
        blank=True,
        help_text=_("the value the engine computed for the field when this was decided"),
    )
    before = models.CharField(_("before"), max_length=40, blank=True)
    after = models.CharField(_("after"), max_length=40)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("calibration change")
        verbose_name_plural = _("calibration changes")
        ordering = ["result", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="hr_calibration_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.field} {self.before} → {self.after}"
