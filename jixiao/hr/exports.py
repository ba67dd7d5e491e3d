"""The outcomes of a cycle (domain.md §3.9): grade, pay coefficient and amount,
salary step, label outcomes (training …), one row per appraisal. CSV here; the
spreadsheets app adds Excel.

Units go in the column's heading (绩效工资（元）) and the cells stay numbers a
spreadsheet can add up (`jixiao.appraisals.outcome_columns`, which the Excel
workbook of results uses too)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.outcome_columns import flags_text, outcome_cell, outcome_header
from jixiao.appraisals.outcome_labels import label_names, result_labels
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.progress import progress_report
from jixiao.schemes.engine import engine_scheme

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    total = len(results)
    progress_report(stage=gettext_noop("writing the outcomes"), done=0, total=total)
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
    for done, result in enumerate(results, 1):
        if done % 500 == 0:
            progress_report(stage=gettext_noop("writing the outcomes"), done=done, total=total)
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


def outcomes_csv(cycle: Cycle) -> bytes:
    """The outcomes as CSV: UTF-8 with a BOM (so Excel reads the Chinese), formulas
    neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in outcome_rows(cycle):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")
