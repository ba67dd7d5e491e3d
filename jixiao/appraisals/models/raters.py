"""Who rates an appraisal besides its appraisee and their managers (360, domain.md
§3a): peers, subordinates, internal customers (other departments) and external
raters are assigned — by HR, the manager, or a rule — and only an assigned rater
may rate in that role. An appraisee may propose peers for the manager to approve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal
from jixiao.appraisals.models.cycles import Cycle
from jixiao.core.models import TimestampedModel


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("proposed by the appraisee")
    ASSIGNED = "assigned", _("assigned")
    DECLINED = "declined", _("declined")


class RaterAssignment(TimestampedModel):
    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("appraisal"),
        on_delete=models.CASCADE,
        related_name="rater_assignments",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="rater_assignments",
    )
    role = models.CharField(_("rater role"), max_length=30)
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.ASSIGNED,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    items = models.JSONField(
        _("items to rate"),
        default=list,
        blank=True,
        help_text=_("item codes; empty: every item of the form that this rater type rates"),
    )
    reopened_until = models.DateField(
        _("reopened until"),
        null=True,
        blank=True,
        help_text=_("HR lets this rater answer after the survey's deadline, up to this day"),
    )
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("rater assignment")
        verbose_name_plural = _("rater assignments")
        ordering = ["appraisal", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "rater", "role"], name="appraisals_one_assignment_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.role} · {self.rater}"


class SurveyDeadline(TimestampedModel):
    """The last day of a cycle's 360 survey, for every rater type (`role` empty) or
    for one; the rater type's own deadline wins. After it, ratings by assigned raters
    are refused unless HR reopens the survey for them (`reopened_until`)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="survey_deadlines"
    )
    role = models.CharField(_("rater role"), max_length=30, blank=True)
    due = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("survey deadline")
        verbose_name_plural = _("survey deadlines")
        ordering = ["cycle", "role"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "role"], name="appraisals_survey_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.role or '*'} · {self.due}"
