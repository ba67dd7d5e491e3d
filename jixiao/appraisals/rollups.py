"""Roll-ups (scheme-language v1.1 §15): a cycle whose period is a year, a half or a
quarter takes part of its score from the results already published for the shorter
periods inside it ("年度考核得分 = 月度考核平均分 × 40% + 年终考核得分 × 60%").

The scheme declares such inputs under `history` (`monthly_totals: {period: month}`);
here each appraisee's lists are filled from their results of the cycles whose kind of
period is the input's and whose period lies inside the roll-up cycle's: the results of
published or closed cycles, with the calibrated total where a calibration decided one
(`value: normalized` takes the normalized total; a result without one counts as a
missing period, `null`). One result a period, oldest first.

`rollup_fill` writes the lists into the appraisees' facts before the engine scores
them, and returns, per appraisee, which results it used — the result keeps that
(`facts["rollup"]`), so it says where each number came from and links to them, and
its facts digest changes when one of them does: the next recomputation of the
roll-up cycle picks up a later change (an upheld appeal, a calibration). After an
upheld appeal the service `rollups_refresh` (services/rollups.py) recomputes the
roll-up cycles not yet published that used the changed result, and tells HR about
those already published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.scoring.model import PERIOD_KINDS, Scheme

# The cycles whose results a roll-up uses: their results are final (after calibration).
SOURCE_STATES = (CycleState.PUBLISHED, CycleState.CLOSED)


def appraisee_key(appraisal: Appraisal) -> tuple[str, int]:
    """An appraisee across cycles: the employee, or the unit appraised itself."""
    if appraisal.employee_id is not None:
        return ("employee", int(appraisal.employee_id))
    return ("unit", int(appraisal.unit_id or 0))


def _value(result: Result, kind: str) -> float | None:
    """The number a roll-up takes from a result: the calibrated total where a calibration
    decided one, else the computed total; or the normalized total."""
    if kind == "normalized":
        found = (result.data or {}).get("normalized")
        return None if found is None else float(found)
    calibrated = (result.calibrated or {}).get("total")
    if calibrated is not None:
        return float(calibrated)
    return None if result.total is None else float(result.total)


def rollup_sources(
    *, cycle: Cycle, scheme: Scheme, appraisals: Sequence[Appraisal]
) -> dict[tuple[str, int], dict[str, list[dict[str, Any]]]]:
    """For each appraisee (by `_appraisee_key`), each history input's results: one a
    period, oldest first, `{"result": pk, "cycle": code, "period": p, "value": v}`."""
    if not scheme.history or not appraisals:
        return {}
    own = PERIOD_KINDS.index(cycle.period_kind) if cycle.period_kind in PERIOD_KINDS else 0
    kinds = {entry.period for entry in scheme.history if PERIOD_KINDS.index(entry.period) < own}
    if not kinds:
        return {}
    employees = {a.employee_id for a in appraisals if a.employee_id is not None}
    units = {a.unit_id for a in appraisals if a.employee_id is None}
    who = Q(appraisal__employee_id__in=employees) | Q(
        appraisal__employee__isnull=True, appraisal__unit_id__in=units
    )
    found = (
        Result.objects.filter(who)
        .filter(
            appraisal__cycle__period_kind__in=kinds,
            appraisal__cycle__start__gte=cycle.start,
            appraisal__cycle__end__lte=cycle.end,
            appraisal__cycle__state__in=SOURCE_STATES,
        )
        .exclude(appraisal__cycle=cycle)
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .select_related("appraisal__cycle")
        .order_by("appraisal__cycle__start", "appraisal__cycle_id", "pk")
    )
    by_appraisee: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = {}
    seen: set[tuple[tuple[str, int], str, str]] = set()
    for result in found:
        source = result.appraisal
        key = appraisee_key(source)
        for entry in scheme.history:
            if entry.period != source.cycle.period_kind:
                continue
            once = (key, entry.name, source.cycle.period)
            if once in seen:  # two cycles of one period: the first counts
                continue
            seen.add(once)
            by_appraisee.setdefault(key, {}).setdefault(entry.name, []).append(
                {
                    "result": result.pk,
                    "cycle": source.cycle.code,
                    "period": source.cycle.period,
                    "value": _value(result, entry.value),
                }
            )
    return by_appraisee


def rollup_fill(
    *,
    cycle: Cycle,
    scheme: Scheme,
    appraisals: Sequence[Appraisal],
    entries: Sequence[dict[str, Any]],
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Fill the history inputs of the appraisees' facts entries (one per appraisal, as
    `facts_document` gives them) from their earlier results; returns by appraisee id
    which results each list was made of (to keep with the result)."""
    if not scheme.history:
        return {}
    sources = rollup_sources(cycle=cycle, scheme=scheme, appraisals=appraisals)
    used: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for appraisal, entry in zip(appraisals, entries, strict=True):
        mine = sources.get(appraisee_key(appraisal), {})
        inputs = entry.setdefault("inputs", {})
        for history in scheme.history:
            listed = mine.get(history.name, [])
            inputs[history.name] = [one["value"] for one in listed]
        used[str(entry["id"])] = {
            history.name: mine.get(history.name, []) for history in scheme.history
        }
    return used


def rollup_results(result: Result) -> list[Result]:
    """The results a roll-up result was computed from, oldest first (for links)."""
    kept = (result.facts or {}).get("rollup") or {}
    ids = [one["result"] for listed in kept.values() for one in listed]
    found = {r.pk: r for r in Result.objects.filter(pk__in=ids).select_related("appraisal__cycle")}
    return [found[pk] for pk in ids if pk in found]
