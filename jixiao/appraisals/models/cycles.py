"""Cycles (考核周期): period, schemes, population, eligibility, deadlines, committee."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.workflow import CycleState
from jixiao.core.models import TimestampedModel
from jixiao.organization.models import Tier
from jixiao.schemes.models import PeriodKind


class Cycle(TimestampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period_kind = models.CharField(_("kind of period"), max_length=10, choices=PeriodKind.choices)
    period = models.CharField(
        _("period"), max_length=10, help_text=_("written 2026-10, 2026-Q4, 2026-H2 or 2026")
    )
    start = models.DateField(_("first day"), editable=False)
    end = models.DateField(_("last day"), editable=False)
    appraisal_date = models.DateField(
        _("appraisal date"), help_text=_("people who left before this day are not appraised")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CycleState.choices, default=CycleState.DRAFT
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committee"),
        blank=True,
        related_name="committee_cycles",
    )
    appeal_window_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=5)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    appeal_deadline = models.DateField(_("appeals until"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-start", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="appraisals_cycle_dates"),
        ]

    def __str__(self) -> str:
        return self.name


class CycleScheme(models.Model):
    """A scheme used in a cycle; `version` is frozen when the cycle opens."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="cycle_schemes"
    )
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        "schemes.SchemeVersion",
        verbose_name=_("frozen version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cycle scheme")
        verbose_name_plural = _("cycle schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "scheme"], name="appraisals_cycle_scheme_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.version or self.scheme}"


class PopulationKind(models.TextChoices):
    UNIT = "unit", _("the people of a unit")
    POSITION = "position", _("the holders of a position")
    TIER = "tier", _("everyone of a tier")
    EMPLOYEE = "employee", _("one person")
    PROVIDER = "provider", _("a unit or provider itself")


class PopulationRule(models.Model):
    """Who is in a cycle: the union of its rules."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="population_rules"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PopulationKind.choices)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    include_subunits = models.BooleanField(_("including the units below"), default=True)
    position = models.ForeignKey(
        "organization.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    employee = models.ForeignKey(
        "organization.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("population rule")
        verbose_name_plural = _("population rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit") & Q(unit__isnull=False))
                | (Q(kind="provider") & Q(unit__isnull=False))
                | (Q(kind="position") & Q(position__isnull=False))
                | (Q(kind="tier") & ~Q(tier=""))
                | (Q(kind="employee") & Q(employee__isnull=False)),
                name="appraisals_population_rule_has_its_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.position or self.employee or self.get_tier_display()
        return f"{self.get_kind_display()}: {target}"


class Stage(models.TextChoices):
    TARGETS = "targets", _("target setting")
    COLLECTING = "collecting", _("fact collection")
    SELF_REVIEW = "self_review", _("self-assessment")
    SUPERVISOR_REVIEW = "supervisor_review", _("supervisor review")
    SKIP_LEVEL_REVIEW = "skip_level_review", _("skip-level review")
    CALIBRATION = "calibration", _("calibration")
    INTERVIEW = "interview", _("interview")


class StageDeadline(models.Model):
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="deadlines"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    due = models.DateField(_("due"))

    class Meta:
        verbose_name = _("stage deadline")
        verbose_name_plural = _("stage deadlines")
        ordering = ["cycle", "due"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage"], name="appraisals_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.due}"


class EligibilityDecision(models.TextChoices):
    NONE = "", _("by the rules")
    INCLUDE = "include", _("include")
    EXCLUDE = "exclude", _("exclude")


class Eligibility(models.Model):
    """Whether one candidate is appraised in a cycle: the rules' reasons and HR's decision."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="eligibilities"
    )
    employee = models.ForeignKey(
        "organization.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("unit or provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    excluded = models.BooleanField(_("excluded by the rules"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    decision = models.CharField(
        _("HR decision"),
        max_length=10,
        choices=EligibilityDecision.choices,
        blank=True,
        default=EligibilityDecision.NONE,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibility")
        constraints = [
            models.CheckConstraint(
                condition=(Q(employee__isnull=False) & Q(unit__isnull=True))
                | (Q(employee__isnull=True) & Q(unit__isnull=False)),
                name="appraisals_eligibility_one_candidate",
            ),
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                condition=Q(employee__isnull=False),
                name="appraisals_eligibility_employee_unique",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit"],
                condition=Q(unit__isnull=False),
                name="appraisals_eligibility_unit_unique",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="appraisals_eligibility_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee or self.unit}"

    @property
    def eligible(self) -> bool:
        if self.decision == EligibilityDecision.INCLUDE:
            return True
        if self.decision == EligibilityDecision.EXCLUDE:
            return False
        return not self.excluded


class GroupInput(models.Model):
    """An input shared by a group (§14 `groups:`): a pay pool, a manager's score."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="group_inputs"
    )
    attribute = models.CharField(_("attribute"), max_length=50, help_text=_("e.g. level"))
    value = models.CharField(_("group name"), max_length=100, help_text=_("e.g. 中层"))
    key = models.CharField(_("input"), max_length=50, help_text=_("e.g. pool"))
    amount = models.FloatField(_("amount"))

    class Meta:
        verbose_name = _("group input")
        verbose_name_plural = _("group inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "attribute", "value", "key"], name="appraisals_group_input_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value}: {self.key} = {self.amount}"
