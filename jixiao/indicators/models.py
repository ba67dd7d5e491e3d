"""The indicator dictionary. An `Indicator` is the stable identity (its code);
each change of its content is a new `IndicatorVersion` with effective dates,
so old cycles keep the version that was in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.models import TimestampedModel


class Perspective(models.TextChoices):
    FINANCIAL = "financial", _("financial")
    CUSTOMER = "customer", _("customer")
    INTERNAL = "internal", _("internal operations")
    LEARNING = "learning", _("learning and growth")


class Dimension(models.TextChoices):
    TIME = "time", _("time")
    COST = "cost", _("cost")
    QUALITY = "quality", _("quality")
    QUANTITY = "quantity", _("quantity")


class Category(models.TextChoices):
    PERFORMANCE = "performance", _("performance")
    ATTITUDE = "attitude", _("attitude")
    ABILITY = "ability", _("ability")


class Polarity(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")
    BAND = "band", _("target band")


class Indicator(TimestampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        current = self.versions.order_by("-number").first()
        return f"{self.code} {current.name}" if current else self.code


class IndicatorVersion(TimestampedModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    # the ten questions
    name = models.CharField(_("official name"), max_length=100)
    definition = models.TextField(_("definition"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    collection = models.TextField(_("who collects the data and how"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    formula = models.TextField(_("formula"), blank=True)
    statistical_period = models.CharField(_("statistical period"), max_length=50, blank=True)
    data_auditor = models.CharField(_("who audits the data"), max_length=100, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    # classification
    perspective = models.CharField(
        _("BSC perspective"), max_length=20, choices=Perspective.choices, blank=True
    )
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension.choices, blank=True
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    polarity = models.CharField(_("polarity"), max_length=20, choices=Polarity.choices, blank=True)
    quantitative = models.BooleanField(_("quantitative"), default=True)
    controllable = models.BooleanField(_("controllable by the holder"), default=True)
    operational = models.BooleanField(_("operational"), default=False)
    parent = models.ForeignKey(
        Indicator,
        verbose_name=_("parent indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="child_versions",
    )
    incomplete = models.BooleanField(_("incomplete"), default=True, editable=False)
    missing = models.JSONField(_("unanswered questions"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["indicator__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="indicators_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="indicators_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"
