"""Facts: what happened, per appraisal and item (scheme-language §3).

- `Fact`: a value, an input (item-level or appraisee-level) or a score given
  directly; one row per (appraisal, item, kind, key), changed only through the
  services, which keep the old value in the audit log.
- `Event`: one fact record (事实记录) — date, what happened, evidence, recorder.
- `Rating`: one rater's rating of an item, in a role (self, supervisor …).
- `AdjustmentEntry`: an amount for a bonus or penalty adjustment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal
from jixiao.core.models import TimestampedModel

# The rater roles that hold one rating per item, whoever gives it (self-assessment,
# the supervisor, the skip-level manager); spelled out for the database constraint.
SINGLE_RATER_ROLE_NAMES = ("direct", "indirect", "self", "skip_level", "supervisor")


class FactKind(models.TextChoices):
    VALUE = "value", _("value")
    INPUT = "input", _("input")
    SCORE = "score", _("score given directly")


class FactSource(models.TextChoices):
    FORM = "form", _("form")
    IMPORT = "import", _("Excel import")
    API = "api", _("API")


def _recorder() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class Fact(TimestampedModel):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="facts"
    )
    item = models.CharField(
        _("item"), max_length=200, blank=True, help_text=_("empty for the appraisee's own inputs")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FactKind.choices)
    key = models.CharField(_("name"), max_length=100, blank=True, help_text=_("the input's name"))
    value = models.JSONField(_("value"))
    source = models.CharField(
        _("source"), max_length=10, choices=FactSource.choices, default=FactSource.FORM
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = _recorder()

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["appraisal", "item", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "item", "kind", "key"], name="appraisals_fact_unique"
            ),
            models.CheckConstraint(
                condition=(Q(kind="input") & ~Q(key=""))
                | (~Q(kind="input") & Q(key="") & ~Q(item="")),
                name="appraisals_fact_shape",
            ),
        ]

    def __str__(self) -> str:
        where = self.item or _("appraisee")
        name = f".{self.key}" if self.key else ""
        return f"{where} {self.kind}{name} = {self.value}"


class Event(TimestampedModel):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="events"
    )
    item = models.CharField(
        _("item"), max_length=200, blank=True, help_text=_("empty for an adjustment's events")
    )
    name = models.CharField(_("event"), max_length=100, help_text=_("e.g. late_day, violation"))
    occurred_on = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("occurrences"), default=1)
    size = models.FloatField(
        _("size"), null=True, blank=True, help_text=_("days late, yuan lost …; empty for a count")
    )
    description = models.TextField(_("what happened"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=FactSource.choices, default=FactSource.FORM
    )
    recorded_by = _recorder()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["appraisal", "occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="appraisals_event_count"),
            models.CheckConstraint(
                condition=Q(size__isnull=True) | Q(size__gte=0), name="appraisals_event_size"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.item} {self.name}"


class Rating(TimestampedModel):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.CharField(_("item"), max_length=200)
    role = models.CharField(
        _("rater role"), max_length=30, help_text=_("self, supervisor, indirect, peer …")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.JSONField(_("rating"), help_text=_("a number or a level name"))
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = _recorder()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["appraisal", "item", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "item", "role", "rater"], name="appraisals_rating_unique"
            ),
            # self, supervisor and skip-level ratings: one per item, whoever gives it
            models.UniqueConstraint(
                fields=["appraisal", "item", "role"],
                condition=models.Q(role__in=SINGLE_RATER_ROLE_NAMES),
                name="appraisals_rating_single_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.role}: {self.value}"


class AdjustmentEntry(TimestampedModel):
    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("appraisal"),
        on_delete=models.CASCADE,
        related_name="adjustment_entries",
    )
    name = models.CharField(_("adjustment"), max_length=200)
    amount = models.FloatField(_("amount"))
    reason = models.TextField(_("reason"))
    recorded_by = _recorder()

    class Meta:
        verbose_name = _("adjustment entry")
        verbose_name_plural = _("adjustment entries")
        ordering = ["appraisal", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"
