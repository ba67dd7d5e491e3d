"""Results: the engine's output for an appraisal, with the scheme version and the
facts it was computed from. Frozen at publication."""

from __future__ import annotations

import copy
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal

# The flag of a result whose total or grade a calibration (校准) changed.
CALIBRATED_FLAG = "calibrated"


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
    wording = models.JSONField(
        _("wording"),
        default=dict,
        blank=True,
        help_text=_(
            "the traces, adjustment names and errors of the result in other languages than"
            " the engine's English, by language (zh: Chinese)"
        ),
    )
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

    def calibrated_values(self) -> dict[str, Any]:
        """The total and/or grade a calibration put in place of the engine's."""
        if CALIBRATED_FLAG not in (self.flags or []):
            return {}
        kept: dict[str, Any] = {}
        if self.total != self.data.get("total"):
            kept["total"] = self.total
        if (self.grade or "") != (self.data.get("grade") or ""):
            kept["grade"] = self.grade
        return kept

    def shown(self, language: str | None = None) -> dict[str, Any]:
        """The engine's result (`data`) with its traces, adjustment names and errors in
        `language` (by default the active one: Chinese for zh-hans). The numbers are
        the engine's; the English of `data` stays where no wording was stored."""
        code = engine_language(language or get_language() or "")
        words = (self.wording or {}).get(code)
        data: dict[str, Any] = self.data
        if not words:
            return data
        shown: dict[str, Any] = copy.deepcopy(data)
        items, adjustments = shown.get("items", []), shown.get("adjustments", [])
        if len(words.get("items", [])) == len(items):
            for item, trace in zip(items, words["items"], strict=True):
                item["trace"] = trace
        if len(words.get("adjustments", [])) == len(adjustments):
            for adjustment, said in zip(adjustments, words["adjustments"], strict=True):
                adjustment.update(name=said["name"], trace=said["trace"])
        if len(words.get("errors", [])) == len(shown.get("errors", [])):
            shown["errors"] = list(words["errors"])
        return shown


def engine_language(code: str) -> str:
    """The engine's wording for a Django language code: zh for any Chinese, else en."""
    return "zh" if code.lower().startswith("zh") else "en"
