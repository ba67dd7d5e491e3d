"""An appraisal: one appraisee (a person, or a unit or provider) in one cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.cycles import Cycle
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.models import TimestampedModel


class Appraisal(TimestampedModel):
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="appraisals"
    )
    employee = models.ForeignKey(
        "organization.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("unit or provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    scheme_version = models.ForeignKey(
        "schemes.SchemeVersion",
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AppraisalState.choices, default=AppraisalState.TARGETS
    )
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_("department, level, position … as they were when the cycle opened"),
    )
    targets_set_at = models.DateTimeField(
        _("targets signed by the manager at"), null=True, blank=True
    )
    targets_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("targets signed by the manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    targets_signed_at = models.DateTimeField(_("targets signed at"), null=True, blank=True)
    targets_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("targets signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["cycle", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(employee__isnull=False) & Q(unit__isnull=True))
                | (Q(employee__isnull=True) & Q(unit__isnull=False)),
                name="appraisals_appraisal_one_appraisee",
            ),
            models.UniqueConstraint(
                fields=["cycle", "employee"],
                condition=Q(employee__isnull=False),
                name="appraisals_one_appraisal_per_employee_and_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit"],
                condition=Q(unit__isnull=False),
                name="appraisals_one_appraisal_per_unit_and_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisee_name} · {self.cycle}"

    @property
    def appraisee_id(self) -> str:
        """The appraisee's id as the engine knows it: the 工号, or the unit's code."""
        if self.employee is not None:
            return str(self.employee.number)
        assert self.unit is not None
        return str(self.unit.code)

    @property
    def appraisee_name(self) -> str:
        appraisee = self.employee or self.unit
        assert appraisee is not None
        return str(appraisee.name)
