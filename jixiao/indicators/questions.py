"""The ten questions every KPI must answer (domain.md §2). Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TEN_QUESTIONS: tuple[tuple[str, Promise], ...] = (
    ("name", _("official name")),
    ("definition", _("definition")),
    ("purpose", _("purpose")),
    ("notes", _("notes")),
    ("collection", _("who collects the data and how")),
    ("data_source", _("data source")),
    ("formula", _("formula")),
    ("statistical_period", _("statistical period")),
    ("data_auditor", _("who audits the data")),
    ("unit", _("unit of measure")),
)
QUESTION_FIELDS = tuple(field for field, _label in TEN_QUESTIONS)


def missing_answers(answers: Mapping[str, object]) -> list[str]:
    """The fields of the ten questions left unanswered (missing, or only blanks)."""
    return [field for field in QUESTION_FIELDS if not str(answers.get(field) or "").strip()]
