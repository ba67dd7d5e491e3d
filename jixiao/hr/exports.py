"""The outcomes of a cycle (domain.md §3.9): grade, pay coefficient and amount,
salary step, label outcomes (training …), one row per appraisal. CSV here; the
spreadsheets app adds Excel.

Units go in the column's heading (绩效工资（元）) and the cells stay numbers a
spreadsheet can add up: `outcome_header` and `outcome_cell` are the one place that
says how an outcome is exported (the Excel workbook of results uses them too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.outcome_labels import label_names, result_labels
from jixiao.appraisals.workflow import AppraisalState
from jixiao.schemes.engine import engine_scheme

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# an outcome's name in a heading and its unit (None: a plain number or words)
OUTCOME_COLUMNS: dict[str, tuple[Promise, Promise | str | None]] = {
    "pay": (gettext_lazy("performance pay"), gettext_lazy("yuan")),
    "salary_step": (gettext_lazy("salary steps"), None),
    "salary_grade": (gettext_lazy("new salary grade"), None),
    "fee_deduction": (gettext_lazy("share of the service fee withheld"), "%"),
    "reference_period": (gettext_lazy("adaptation period (适应期)"), None),
    "failed_items": (gettext_lazy("KPIs not met"), None),
    "triggers": (gettext_lazy("contract clauses triggered"), None),
}
FLAG_WORDS: dict[str, Promise] = {
    "no_bonus": gettext_lazy("no bonus (the score stands)"),
    "quota_tie": gettext_lazy("tied over the quota"),
}


def with_unit(name: Any, unit: Any) -> str:
    """A column heading with its unit: 绩效工资（元）."""
    if unit is None:
        return str(name)
    return _("%(name)s (%(unit)s)") % {"name": name, "unit": unit}


def outcome_header(name: str) -> str:
    label, unit = OUTCOME_COLUMNS.get(name, (name, None))
    return with_unit(label, unit)


def outcome_cell(name: str, value: Any) -> Any:
    """The outcome as a number where it is one (money to the fen, the share of a fee
    in per cent), yes/no and lists in words."""
    if value is None:
        return None
    if name == "pay" and isinstance(value, int | float):
        return round(float(value), 2)
    if name == "fee_deduction" and isinstance(value, int | float):
        return round(float(value) * 100, 4)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(str(entry) for entry in value)
    return value


def flags_text(flags: list[Any]) -> str:
    return "、".join(str(FLAG_WORDS.get(str(flag), flag)) for flag in flags)


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would run as a formula (domain.md §6)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _coefficient(result: Result) -> float | None:
    outcomes = engine_scheme(result.scheme_version).outcomes
    if outcomes.pay is None or not result.grade:
        return None
    value = outcomes.pay.coefficients.get(result.grade)
    return None if value is None else float(value)


def outcome_rows(cycle: Cycle) -> Iterator[list[Any]]:
    results = list(
        Result.objects.filter(appraisal__cycle=cycle)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .select_related("appraisal__employee", "appraisal__unit", "scheme_version__scheme")
        .order_by("appraisal__pk")
    )
    labels = list(dict.fromkeys(name for r in results for name in label_names(r)))  # §12 v1.1
    yield [
        _("employee number"),
        _("name"),
        _("department"),
        _("scheme"),
        _("total"),
        _("rank"),
        _("grade"),
        _("pay coefficient"),
        outcome_header("pay"),
        outcome_header("salary_step"),
        outcome_header("salary_grade"),
        _("flags"),
        *labels,  # the scheme's own words (培训, 晋升)
    ]
    for result in results:
        appraisal = result.appraisal
        outcomes = result.outcomes or {}
        shown = result_labels(result)  # after calibration
        yield [
            appraisal.appraisee_id,
            appraisal.appraisee_name,
            appraisal.attributes.get("department", ""),
            result.scheme_version.scheme.code,
            result.total,
            result.rank,
            result.grade,
            _coefficient(result),
            outcome_cell("pay", outcomes.get("pay")),
            outcomes.get("salary_step"),
            outcomes.get("salary_grade"),
            flags_text(result.flags),
            *(shown.get(name) for name in labels),
        ]
