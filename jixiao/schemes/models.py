"""Schemes and their versions. A version is immutable: its document, the
engine's warnings when it was saved, and its items (for links and data owners)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.models import TimestampedModel


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    HALF = "half", _("half year")
    YEAR = "year", _("year")


class Scheme(TimestampedModel):
    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def current_version(self) -> SchemeVersion | None:
        return self.versions.order_by("-number").first()


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("document"))
    digest = models.CharField(_("SHA-256 of the document"), max_length=64, editable=False)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"], name="schemes_version_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} v{self.number}"


class SchemeItem(models.Model):
    """One item of a scheme version, as the engine read it."""

    version = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    section = models.CharField(_("section of the form"), max_length=300, blank=True)
    rule = models.CharField(_("rule"), max_length=30)
    weight = models.FloatField(_("effective weight"))
    full = models.FloatField(_("full score"))
    source = models.CharField(_("data source"), max_length=200, blank=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scheme_items",
    )

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="schemes_item_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentScope(models.TextChoices):
    MEMBERS = "members", _("the people of the unit")
    UNIT = "unit", _("the unit itself")


class SchemeAssignment(TimestampedModel):
    """A scheme assigned to a position, or to a unit or provider: to the people in
    it (and below it), or to the unit itself as the appraisee."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.ForeignKey(
        "organization.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scheme_assignments",
    )
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("unit or provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scheme_assignments",
    )
    scope = models.CharField(
        _("applies to"),
        max_length=10,
        choices=AssignmentScope.choices,
        default=AssignmentScope.MEMBERS,
    )

    class Meta:
        verbose_name = _("scheme assignment")
        verbose_name_plural = _("scheme assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(position__isnull=False) & Q(unit__isnull=True))
                | (Q(position__isnull=True) & Q(unit__isnull=False)),
                name="schemes_assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["scheme", "position"],
                condition=Q(position__isnull=False),
                name="schemes_assignment_position_unique",
            ),
            models.UniqueConstraint(
                fields=["scheme", "unit", "scope"],
                condition=Q(unit__isnull=False),
                name="schemes_assignment_unit_unique",
            ),
        ]

    def __str__(self) -> str:
        target = self.position or self.unit
        return f"{self.scheme.code} → {target}"
