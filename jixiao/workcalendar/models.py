"""HR's corrections of the working calendar: a day that is (or is not) a working
day although the published calendar says otherwise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core.models import TimestampedModel


class CalendarCorrection(TimestampedModel):
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"
