"""A result's label outcomes (scheme-language §12, v1.1: training, promotion …) as
they stand after calibration: from the result's total and grade in force (the
calibrated ones where the committee changed them), by the scheme's own tables.

The engine gives them with the computed result; a calibration changes the total
or the grade on top of it (ADR 0003), so every page, export and API answer that
shows a label outcome asks here instead of reading `result.outcomes`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.scoring import group_inputs
from jixiao.appraisals.workflow import AppraisalState
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.facts import floats
from jixiao.scoring.grading import EVERYONE, label_of, pay_column
from jixiao.scoring.numbers import output_number
from jixiao.scoring.population import salary_steps


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
    rows = (  # the outcomes and the names only: not the facts, data and wording
        Result.objects.filter(appraisal__cycle=cycle, outcomes__has_key="trigger_periods")
        .values_list(
            "appraisal_id", "outcomes", "appraisal__employee__name", "appraisal__unit__name"
        )
        .order_by("appraisal_id")
    )
    found = []
    for appraisal, outcomes, person, unit in rows:
        periods = (outcomes or {}).get("trigger_periods") or {}
        for clause, months in periods.items():
            found.append((appraisal, str(person or unit), str(clause), list(months)))
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


# -- pay and salary by the values in force ------------------------------------------------
GROUP_OUTCOMES = ("pay", "salary_step", "salary_grade")


def outcomes_in_force(cycle_id: int, version_id: int) -> dict[int, dict[str, Any]]:
    """The pay and salary outcomes of a group (a cycle's appraisals on one scheme
    version) by the grades and totals in force — the committee's where it calibrated
    — as the engine computes them (`pay_column`, `salary_steps`: a calibrated grade
    changes the shares of everyone paid from the same pool). Only the results whose
    stored outcomes differ, by result id; frozen results are counted, never changed.
    Empty, without reading the group, when nobody in it is calibrated."""
    version = SchemeVersion.objects.get(pk=version_id)
    outcomes = engine_scheme(version).outcomes
    pay, salary = outcomes.pay, outcomes.salary
    if pay is None and salary is None:
        return {}
    group = Result.objects.filter(
        appraisal__cycle_id=cycle_id, scheme_version_id=version_id
    ).exclude(appraisal__state=AppraisalState.WITHDRAWN)
    if not group.exclude(calibrated={}).exists():
        return {}
    rows = list(
        group.order_by("pk").values_list(
            "pk",
            "total",
            "grade",
            "errors",
            "calibrated",
            "outcomes",
            "frozen_at",
            "data__attributes",
            "data__flags",
            "data__outcomes",
            "facts__appraisee__inputs",
        )
    )
    ok = np.array([not row[3] and row[1] is not None for row in rows], dtype=bool)
    found: dict[int, dict[str, Any]] = {
        row[0]: {
            **(row[9] or {}),
            **{k: v for k, v in (row[5] or {}).items() if k not in GROUP_OUTCOMES},
        }
        for row in rows
    }
    if pay is not None:
        grades = np.array(
            [row[2] or None if good else None for row, good in zip(rows, ok, strict=True)],
            dtype=object,
        )
        within = [(row[7] or {}).get(pay.within) if pay.within else EVERYONE for row in rows]
        inputs = group_inputs(Cycle(pk=cycle_id)).get(pay.within or EVERYONE, {})
        no_bonus = np.array(["no_bonus" in (row[8] or []) for row in rows], dtype=bool)
        amounts, _problems = pay_column(pay, within, inputs, grades, no_bonus)
        for row, good, amount in zip(rows, ok, amounts, strict=True):
            found[row[0]]["pay"] = output_number(float(amount)) if good else None
    if salary is not None:
        totals = np.array(
            [
                float(row[1]) if good and row[1] is not None else np.nan
                for row, good in zip(rows, ok, strict=True)
            ]
        )

        def column(name: str | None) -> np.ndarray:
            values = [(row[10] or {}).get(name) if name else None for row in rows]
            return floats(np.array(values, dtype=object))

        step, new = salary_steps(
            totals, salary.steps, column(salary.current), column(salary.min), column(salary.max)
        )
        for row, good, one, grade in zip(rows, ok, step, new, strict=True):
            found[row[0]]["salary_step"] = output_number(float(one)) if good else None
            found[row[0]]["salary_grade"] = output_number(float(grade)) if good else None
    return {row[0]: found[row[0]] for row in rows if found[row[0]] != (row[5] or {}) and not row[6]}
