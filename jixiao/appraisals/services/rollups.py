"""Roll-ups kept up to date (scheme-language v1.1 §15): after a result that a roll-up
used changed (an upheld appeal), the roll-up cycles not yet published are recomputed,
and HR is told about those published already (an audit event on each roll-up result,
`result.rollup_source_changed`, with the reason), to apply the change as a calibration.
Which results a roll-up uses: `jixiao.appraisals.rollups`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.rollups import appraisee_key
from jixiao.appraisals.workflow import SCORING_CYCLE_STATES, CycleState
from jixiao.core.audit import audit_record
from jixiao.schemes.engine import engine_scheme
from jixiao.scoring.model import PERIOD_KINDS


def rollups_refresh(*, appraisal: Appraisal, actor: Any, reason: str) -> list[Result]:
    """A result of `appraisal` changed after its publication (an upheld appeal): the
    roll-up cycles that use it are recomputed while they are not yet published; for
    those published already, HR is told on each roll-up result that used it (audit
    `result.rollup_source_changed`, with the reason), to apply it as a calibration.
    Returns the published roll-up results HR was told about."""
    from jixiao.appraisals.services.results import results_recompute  # it calls us

    source = appraisal.cycle
    longer = [
        kind
        for kind in PERIOD_KINDS
        if PERIOD_KINDS.index(kind) > PERIOD_KINDS.index(source.period_kind)
    ]
    cycles = Cycle.objects.filter(
        period_kind__in=longer, start__lte=source.start, end__gte=source.end
    ).exclude(state__in=[CycleState.DRAFT, CycleState.CANCELLED])
    told = []
    key = appraisee_key(appraisal)
    for cycle in cycles:
        mine = [
            other
            for other in Appraisal.objects.filter(cycle=cycle).select_related("scheme_version")
            if appraisee_key(other) == key and other.scheme_version is not None
        ]
        if not any(
            entry.period == source.period_kind
            for other in mine
            for entry in engine_scheme(other.scheme_version).history
        ):
            continue
        if CycleState(cycle.state) in SCORING_CYCLE_STATES:
            results_recompute(cycle=cycle, actor=actor, reason=reason)
            continue
        for other in mine:
            result = Result.objects.filter(appraisal=other).first()
            if result is None:
                continue
            used = (result.facts or {}).get("rollup") or {}
            if any(one["cycle"] == source.code for listed in used.values() for one in listed):
                with transaction.atomic():
                    # awaits review: HR applies the change as a calibration with a reason
                    # (or confirms the published figure); closing the cycle waits for it
                    Result.objects.filter(pk=result.pk).update(needs_review=True)
                    audit_record(
                        actor=actor,
                        action="result.rollup_source_changed",
                        target=result,
                        after={"cycle": source.code, "period": source.period, "needs_review": True},
                        reason=reason,
                    )
                result.needs_review = True
                told.append(result)
    return told
