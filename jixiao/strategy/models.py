"""The strategy map and what hangs from it (domain.md §2 "Strategy")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.core.models import TimestampedModel
from jixiao.indicators.models import Indicator, Perspective
from jixiao.organization.models import Position, Tier


class Objective(TimestampedModel):
    """A strategic objective (战略目标) in one BSC perspective."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    perspective = models.CharField(_("BSC perspective"), max_length=20, choices=Perspective.choices)
    description = models.TextField(_("description"), blank=True)
    causes = models.ManyToManyField(
        "self",
        verbose_name=_("drives"),
        symmetrical=False,
        related_name="caused_by",
        blank=True,
        help_text=_("the objectives this one leads to (cause → effect)"),
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="objectives", blank=True
    )

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["perspective", "code"]

    def __str__(self) -> str:
        return self.name


class SuccessFactor(TimestampedModel):
    """A key success factor (关键成功因素) of an objective."""

    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="factors"
    )
    name = models.CharField(_("name"), max_length=100)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="success_factors", blank=True
    )

    class Meta:
        verbose_name = _("key success factor")
        verbose_name_plural = _("key success factors")
        ordering = ["objective", "pk"]

    def __str__(self) -> str:
        return self.name


class Bone(models.TextChoices):
    """The fishbone's usual bones (人机料法环测); a company may name its own."""

    MAN = "man", pgettext_lazy("fishbone", "people")
    MACHINE = "machine", pgettext_lazy("fishbone", "equipment")
    MATERIAL = "material", pgettext_lazy("fishbone", "material")
    METHOD = "method", pgettext_lazy("fishbone", "method")
    ENVIRONMENT = "environment", pgettext_lazy("fishbone", "environment")
    MEASUREMENT = "measurement", pgettext_lazy("fishbone", "measurement")
    OTHER = "other", pgettext_lazy("fishbone", "other")


class Cause(TimestampedModel):
    """A cause on a bone of a success factor's fishbone, with the indicator it
    suggests (a candidate until it becomes a dictionary entry)."""

    factor = models.ForeignKey(
        SuccessFactor,
        verbose_name=_("key success factor"),
        on_delete=models.CASCADE,
        related_name="causes",
    )
    bone = models.CharField(_("bone"), max_length=20, choices=Bone.choices)
    text = models.CharField(_("cause"), max_length=200)
    candidate = models.CharField(_("candidate indicator"), max_length=100, blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["factor", "bone", "pk"]

    def __str__(self) -> str:
        return self.text


class Duty(TimestampedModel):
    """One duty (岗位职责) of a position, with its work standard and authority, and what
    measures it: indicators of the dictionary, and items of the position's form (by
    code; an item without an indicator can measure a duty too)."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="duties"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    duty = models.TextField(_("duty"))
    standard = models.TextField(_("work standard"), blank=True)
    authority = models.TextField(_("authority"), blank=True)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="duties", blank=True
    )
    items = models.JSONField(  # codes of items of the position's form measuring it directly
        _("items of the form"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["position", "order"]

    def __str__(self) -> str:
        return self.duty[:60]


class TierPolicy(models.Model):
    """How a tier's forms are made (the seeds' rules; HR may change them)."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    max_items = models.PositiveSmallIntegerField(_("most items"))
    min_weight = models.FloatField(_("least weight of an item (%)"))
    min_gap = models.FloatField(_("least gap between weights (%)"))
    kpi_share = models.PositiveSmallIntegerField(_("KPI share (%)"))
    max_work_goals = models.PositiveSmallIntegerField(_("most work goals"))
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("selection policy")
        verbose_name_plural = _("selection policies")

    def __str__(self) -> str:
        return self.get_tier_display()


class AhpAggregate(models.TextChoices):
    GEOMETRIC = "geometric", _("geometric mean (Saaty)")
    ARITHMETIC = "arithmetic", _("arithmetic mean (as Excel forms do)")


class AhpSession(TimestampedModel):
    """Weights by the analytic hierarchy process (层次分析法, scheme-language §16) for
    one part of a form — a section's items, or the form's top-level sections —
    from the pairwise judgements of invited experts."""

    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="+"
    )
    section = models.CharField(
        _("section"),
        max_length=300,
        blank=True,
        help_text=_("the section whose items are weighed (names joined by ›); empty: the sections"),
    )
    names = models.JSONField(_("criteria"))
    aggregate = models.CharField(
        _("how judgements are combined"),
        max_length=20,
        choices=AhpAggregate.choices,
        default=AhpAggregate.GEOMETRIC,
    )
    trim = models.PositiveSmallIntegerField(
        _("judgements dropped at each end"),
        default=0,
        help_text=_("with at least 2 × trim + 1 experts, the highest and lowest of each pair"),
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_version = models.ForeignKey(
        "schemes.SchemeVersion",
        verbose_name=_("applied as version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("AHP weighting")
        verbose_name_plural = _("AHP weightings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.section}".strip()


class AhpAnswer(TimestampedModel):
    """One invited expert's judgements: {"i-j": a_ij} for each pair i < j."""

    session = models.ForeignKey(
        AhpSession,
        verbose_name=_("AHP weighting"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    expert = models.ForeignKey(
        "accounts.User", verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    judgements = models.JSONField(_("judgements"), default=dict, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert's judgements")
        verbose_name_plural = _("experts' judgements")
        constraints = [
            models.UniqueConstraint(fields=["session", "expert"], name="strategy_one_answer_each"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.expert}"
