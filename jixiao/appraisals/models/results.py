"""Results: the engine's output for an appraisal, with the scheme version and the
facts it was computed from. Frozen at publication."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal


class Result(models.Model):
    appraisal = models.OneToOneField(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="result"
    )
    scheme_version = models.ForeignKey(
        "schemes.SchemeVersion",
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    facts = models.JSONField(
        _("facts used"),
        encoder=DjangoJSONEncoder,
        help_text=_("the appraisee's facts as a facts file entry, with the period and groups"),
    )
    facts_digest = models.CharField(_("SHA-256 of the facts"), max_length=64)
    data = models.JSONField(_("result"), encoder=DjangoJSONEncoder)
    subtotal = models.FloatField(_("subtotal"), null=True, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    ranked = models.PositiveIntegerField(_("ranked"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    band_grade = models.CharField(_("band grade"), max_length=30, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    outcomes = models.JSONField(_("outcomes"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["appraisal__cycle", "rank", "appraisal"]

    def __str__(self) -> str:
        return f"{self.appraisal}: {self.total}"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None
