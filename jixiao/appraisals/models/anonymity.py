"""The company's anonymity policy for 360 ratings (issue 16, domain.md §3a): how many
raters an anonymous aggregate needs before anyone but the raters reads it, and whether
HR (and the auditor) may read the names behind anonymous answers. One row, changed
by HR on the anonymity page (`anonymity_policy_set`, audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LEAST_RATERS_DEFAULT = 3
LEAST_RATERS_FLOOR = 2  # two raters already tell each other's answer: never fewer
LEAST_RATERS_CEILING = 50


class AnonymityPolicy(models.Model):
    least_raters = models.PositiveSmallIntegerField(
        _("least raters for a combined figure"),
        default=LEAST_RATERS_DEFAULT,
        help_text=_(
            "peer, subordinate, customer and external ratings reach the appraisee and the"
            " managers only combined, from this many raters"
        ),
    )
    hr_sees_names = models.BooleanField(
        _("HR may see who gave anonymous ratings"),
        default=False,
        help_text=_("each time HR reads the names it is written to the audit log"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("anonymity policy")
        verbose_name_plural = _("anonymity policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(least_raters__gte=LEAST_RATERS_FLOOR),
                name="appraisals_anonymity_least_raters_floor",
            ),
        ]

    def __str__(self) -> str:
        return str(_("anonymity policy"))
