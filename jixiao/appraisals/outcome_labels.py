"""A result's label outcomes (scheme-language §12, v1.1: training, promotion …) as
they stand after calibration: from the result's total and grade in force (the
calibrated ones where the committee changed them), by the scheme's own tables.

The engine gives them with the computed result; a calibration changes the total
or the grade on top of it (ADR 0003), so every page, export and API answer that
shows a label outcome asks here instead of reading `result.outcomes`.
"""

from __future__ import annotations

from typing import Any

from jixiao.appraisals.models import Result
from jixiao.schemes.engine import engine_scheme
from jixiao.scoring.grading import label_of


def label_names(result: Result) -> list[str]:
    """The names of the label outcomes of the result's scheme, in the scheme's order."""
    return [outcome.name for outcome in engine_scheme(result.scheme_version).outcomes.labels]


def result_labels(result: Result) -> dict[str, str | None]:
    """Each label outcome of the result, following its calibrated total and grade;
    None where no row matches or the result has errors."""
    outcomes = engine_scheme(result.scheme_version).outcomes
    if not outcomes.labels:
        return {}
    if result.errors or result.total is None:
        return dict.fromkeys((outcome.name for outcome in outcomes.labels), None)
    data: dict[str, Any] = result.data or {}
    normalized = data.get("normalized")
    return {
        outcome.name: label_of(
            outcome,
            total=float(result.total),
            normalized=None if normalized is None else float(normalized),
            grade=result.grade or None,
        )
        for outcome in outcomes.labels
    }


def result_outcomes(result: Result) -> dict[str, Any]:
    """The result's outcomes with its label outcomes as they stand after calibration."""
    return {**(result.outcomes or {}), **result_labels(result)}


def cycle_clauses(cycle: Any) -> list[tuple[int, str, str, list[str]]]:
    """The contract clauses listed in a cycle's results (§12): (appraisal id,
    appraisee, clause, the periods whose facts made it hold), by appraisee."""
    results = (
        Result.objects.filter(appraisal__cycle=cycle, outcomes__has_key="trigger_periods")
        .select_related("appraisal__employee", "appraisal__unit")
        .order_by("appraisal_id")
    )
    found = []
    for result in results:
        periods = (result.outcomes or {}).get("trigger_periods") or {}
        for clause, months in periods.items():
            appraisal = result.appraisal
            found.append((appraisal.pk, appraisal.appraisee_name, str(clause), list(months)))
    return sorted(found, key=lambda row: (row[1], row[0]))
