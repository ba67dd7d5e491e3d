"""Who rates an appraisal besides its appraisee and their managers (360, domain.md
§3a): peers, subordinates, internal customers (other departments) and external
raters are assigned — by HR, the manager, or a rule — and only an assigned rater
may rate in that role. An appraisee may propose peers for the manager to approve."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal
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
