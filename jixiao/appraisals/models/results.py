"""Results: the engine's output for an appraisal, with the scheme version and the
facts it was computed from. Frozen at publication."""

from __future__ import annotations

import copy
from dataclasses import dataclass
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
    # The calibration (校准) in force: a decision on top of the computed result.
    calibrated = models.JSONField(
        _("calibrated values"),
        default=dict,
        blank=True,
        help_text=_(
            "the total and/or grade the calibration decided, by field; a recomputation"
            " never replaces them"
        ),
    )
    calibrated_on = models.JSONField(
        _("computed when calibrated"),
        default=dict,
        blank=True,
        help_text=_(
            "the computed total, grade and rank and the facts the calibration was"
            " decided (or last confirmed) on"
        ),
    )
    needs_review = models.BooleanField(
        _("awaiting review"),
        default=False,
        db_index=True,
        help_text=_(
            "the facts or the computed rank changed after the calibration: the committee"
            " must confirm or change it before publication"
        ),
    )
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

    def computed(self) -> dict[str, Any]:
        """What the engine computed (`data`), the values a calibration is decided on."""
        data = self.data or {}
        return {
            "total": data.get("total"),
            "grade": data.get("grade") or "",
            "rank": data.get("rank"),
        }

    def basis(self) -> dict[str, Any]:
        """The computed values and the facts as they are now: what a calibration
        decided (or confirmed) now is decided on (`calibrated_on`)."""
        return {**self.computed(), "facts_digest": self.facts_digest, "facts": self.facts}

    def moved_since_calibration(self) -> bool:
        """Whether the facts or the computed total, grade or rank differ from those the
        calibration in force was decided on."""
        if not self.calibrated:
            return False
        then = self.calibrated_on or {}
        if then.get("facts_digest") != self.facts_digest:
            return True
        return any(then.get(name) != value for name, value in self.computed().items())

    def review(self) -> Review | None:
        """What changed since the calibration in force was decided, when it awaits the
        committee's review: the computed values before → after and the facts that
        changed (by item, or by the appraisee's own input, event or adjustment)."""
        if not self.needs_review:
            return None
        then = self.calibrated_on or {}
        now = self.computed()
        moved = [
            (name, then.get(name), now[name])
            for name in ("total", "grade", "rank")
            if then.get(name) != now[name]
        ]
        facts_then, facts_now = then.get("facts") or {}, self.facts or {}
        groups = (facts_then.get("groups") or {}) != (facts_now.get("groups") or {})
        return Review(moved, changed_facts(facts_then, facts_now), groups)

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


@dataclass(frozen=True)
class Review:
    """A calibrated result awaiting review: the computed values that moved (name,
    before, after) and the names of the facts that changed."""

    moved: list[tuple[str, Any, Any]]
    facts: list[str]
    groups: bool  # the group inputs (shared by the whole group) changed


def changed_facts(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The names of the facts that differ between two stored facts entries (items,
    the appraisee's own inputs, events and adjustments)."""
    old, new = before.get("appraisee") or {}, after.get("appraisee") or {}
    names: list[str] = []
    for part in ("facts", "inputs", "events", "adjustments"):
        mine, theirs = old.get(part) or {}, new.get(part) or {}
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name) and name not in names:
                names.append(name)
    return names


def engine_language(code: str) -> str:
    """The engine's wording for a Django language code: zh for any Chinese, else en."""
    return "zh" if code.lower().startswith("zh") else "en"
