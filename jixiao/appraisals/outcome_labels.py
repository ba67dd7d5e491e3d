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
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.grading import label_of


def label_names(result: Result) -> list[str]:
    """The names of the label outcomes of the result's scheme, in the scheme's order."""
    return [outcome.name for outcome in engine_scheme(result.scheme_version).outcomes.labels]


def result_labels(result: Result) -> dict[str, str | None]:
    """Each label outcome of the result, following its calibrated total and grade;
    None where no row matches or the result has errors."""
    return dict(_labels(engine_scheme(result.scheme_version), result))


def _labels(scheme: EngineScheme, result: Result) -> list[tuple[str, str | None]]:
    ok = not result.errors and result.total is not None
    normalized = (result.data or {}).get("normalized")
    return [
        (
            outcome.name,
            label_of(
                outcome,
                total=float(result.total),
                normalized=None if normalized is None else float(normalized),
                grade=result.grade or None,
            )
            if ok and result.total is not None
            else None,
        )
        for outcome in scheme.outcomes.labels
    ]


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


def labels_of(results: list[Result]) -> dict[int, list[tuple[str, str | None]]]:
    """Each result's label outcomes after calibration, (name, label) in the scheme's
    order, for a page of results: their scheme versions read in one query."""
    wanted = {result.scheme_version_id for result in results}
    versions = {
        version.pk: engine_scheme(version)
        for version in SchemeVersion.objects.filter(pk__in=wanted).select_related("scheme")
    }
    return {
        result.pk: _labels(versions[result.scheme_version_id], result)
        for result in results
        if versions[result.scheme_version_id].outcomes.labels
    }
