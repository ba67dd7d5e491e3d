"""Recomputing results. When a fact changes before publication, the results of
the appraisal's group (same cycle, same scheme version) are recomputed through
the engine and stored; from publication on they are frozen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections, transaction
from django.db.models import Field
from django.utils import timezone

from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.models.results import CALIBRATED_FLAG
from jixiao.appraisals.scoring import Scored, score_group, with_facts
from jixiao.appraisals.workflow import SCORING_CYCLE_STATES, AppraisalState, CycleState
from jixiao.core.audit import audit_record, audit_record_many
from jixiao.schemes.models import SchemeVersion

# Groups waiting to be recomputed inside `recompute_once` (None: recompute at once).
_pending: ContextVar[dict[tuple[int, int], Appraisal] | None] = ContextVar(
    "jixiao_pending_recompute", default=None
)


@contextmanager
def recompute_once(*, actor: Any, reason: str = "") -> Iterator[None]:
    """Record many facts, then recompute each group they touched once, at the end
    (an import, the demo company). Nothing is recomputed if the block fails."""
    if _pending.get() is not None:  # already inside one: the outer block recomputes
        yield
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get() or {}
    finally:
        _pending.reset(token)
    for appraisal in pending.values():
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)


def results_recompute(
    *, cycle: Cycle, actor: Any, scheme_version: SchemeVersion | None = None, reason: str = ""
) -> int:
    """Score the cycle's appraisals (or those of one scheme version) and store every
    result that changed. Returns how many changed. Frozen results are never touched.

    One recomputation of a cycle at a time: the cycle's row stays locked until the
    change that asked for it commits, and the facts are read after the lock is taken,
    so two people recording facts at once are both counted (the second one's result
    is computed from both facts, not from its own only)."""
    with transaction.atomic():
        cycle.state = (
            Cycle.objects.select_for_update().values_list("state", flat=True).get(pk=cycle.pk)
        )
        if CycleState(cycle.state) not in SCORING_CYCLE_STATES:
            return 0
        appraisals = Appraisal.objects.filter(cycle=cycle).exclude(state=AppraisalState.WITHDRAWN)
        if scheme_version is not None:
            appraisals = appraisals.filter(scheme_version=scheme_version)
        groups: dict[int, list[Appraisal]] = {}
        for appraisal in with_facts(appraisals).order_by("pk"):
            groups.setdefault(appraisal.scheme_version_id, []).append(appraisal)
        changed = 0
        for members in groups.values():
            scored, warnings = score_group(cycle, members[0].scheme_version, members)
            changed += _store_group(scored, warnings, actor=actor, reason=reason)
    return changed


def appraisal_recompute(*, appraisal: Appraisal, actor: Any, reason: str = "") -> int:
    """Recompute after a change to one appraisal: its whole group is scored again,
    since ranks and distributions depend on everyone in it."""
    pending = _pending.get()
    if pending is not None:
        pending.setdefault((appraisal.cycle_id, appraisal.scheme_version_id), appraisal)
        return 0
    return results_recompute(
        cycle=appraisal.cycle, actor=actor, scheme_version=appraisal.scheme_version, reason=reason
    )


def _summary(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "total": result.total,
        "grade": result.grade,
        "rank": result.rank,
        "errors": len(result.errors),
        "facts_digest": result.facts_digest,
    }


RESULT_FIELDS = (
    "scheme_version_id", "facts", "facts_digest", "data", "wording", "subtotal", "total", "rank",
    "ranked", "grade", "band_grade", "flags", "outcomes", "errors", "warnings", "computed_at",
)  # fmt: skip


def _fill(result: Result, one: Scored, warnings: list[str], now: Any) -> None:
    """Put one engine result (and the facts it came from) into a Result row."""
    data = one.result
    values = {
        "scheme_version_id": one.appraisal.scheme_version_id,
        "facts": one.facts,
        "facts_digest": one.digest,
        "data": data,
        "wording": one.wording,
        "subtotal": data["subtotal"],
        "total": data["total"],
        "rank": data["rank"],
        "ranked": data["ranked"],
        "grade": data["grade"] or "",
        "band_grade": data["band_grade"] or "",
        "flags": data["flags"],
        "outcomes": data["outcomes"],
        "errors": data["errors"],
        "warnings": warnings,
        "computed_at": now,
    }
    for name in RESULT_FIELDS:
        setattr(result, name, values[name])


def _unchanged(existing: Result, one: Scored) -> bool:
    return (
        existing.facts_digest == one.digest
        and existing.scheme_version_id == one.appraisal.scheme_version_id
        and existing.data == one.result
        and existing.wording == one.wording
    )


def _store_group(scored: list[Scored], warnings: list[str], *, actor: Any, reason: str) -> int:
    """Store a scored group in a few statements (an import recomputes thousands at once):
    the group's results are read and locked in one query, new ones inserted and changed
    ones updated in bulk, each change with its audit event. Frozen results stay as they
    are; an unchanged result is not written again."""
    if not scored:
        return 0
    now = timezone.now()
    existing = {
        result.appraisal_id: result
        for result in Result.objects.select_for_update().filter(
            appraisal__in=[one.appraisal.pk for one in scored]
        )
    }
    created: list[Result] = []
    updated: list[Result] = []
    written: list[tuple[Result, dict[str, Any] | None]] = []
    for one in scored:
        found = existing.get(one.appraisal.pk)
        if found is not None and (found.frozen or _unchanged(found, one)):
            continue
        result = found if found is not None else Result(appraisal=one.appraisal)
        written.append((result, _summary(found)))
        result.appraisal = one.appraisal  # already loaded: its label needs no query
        _fill(result, one, warnings, now)
        (updated if found is not None else created).append(result)
    Result.objects.bulk_create(created, batch_size=500)  # sets their keys
    _update_rows(updated)
    audit_record_many(
        actor=actor,
        action="result.computed",
        changes=[(result, before, _summary(result)) for result, before in written],
        reason=reason,
    )
    return len(written)


def _update_rows(results: list[Result]) -> None:
    """UPDATE the result fields of many rows with one prepared statement run for each
    row (`bulk_update` builds a CASE per field and row: minutes for ten thousand)."""
    if not results:
        return
    connection = connections[Result.objects.db]
    quote = connection.ops.quote_name
    fields: list[Field[Any, Any]] = [
        field for name in RESULT_FIELDS if isinstance(field := Result._meta.get_field(name), Field)
    ]
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    key = quote(str(Result._meta.pk.column if Result._meta.pk else "id"))
    sql = f"UPDATE {quote(Result._meta.db_table)} SET {assignments} WHERE {key} = %s"
    rows = [
        [field.get_db_prep_save(getattr(result, field.attname), connection) for field in fields]
        + [result.pk]
        for result in results
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def results_correct_on_appeal(*, appraisal: Appraisal, actor: Any, reason: str) -> int:
    """After an upheld appeal: score the appraisal's group again from the corrected facts
    and store every published result that changed (ranks and distributions depend on
    the whole group), each with its audit event and the appeal's reason. This is the
    one way a published result changes apart from calibration. Returns how many changed.
    Like `results_recompute`, it locks the cycle first and reads the facts after.

    The other appraisees' facts did not change, so a calibrated total or grade of
    theirs stays in force (the committee decided it); the appellant's result takes
    the corrected values, and its audit event shows the calibrated ones it replaces."""
    changed = 0
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=appraisal.cycle_id).values_list("pk").get()
        members = list(
            with_facts(
                Appraisal.objects.filter(
                    cycle=appraisal.cycle, scheme_version=appraisal.scheme_version
                ).exclude(state=AppraisalState.WITHDRAWN)
            ).order_by("pk")
        )
        scored, warnings = score_group(appraisal.cycle, appraisal.scheme_version, members)
        now = timezone.now()
        for one in scored:
            appellant = one.appraisal.pk == appraisal.pk
            changed += _store_corrected(one, warnings, now, actor, reason, appellant=appellant)
    return changed


def _store_corrected(
    one: Scored, warnings: list[str], now: Any, actor: Any, reason: str, *, appellant: bool
) -> int:
    existing = Result.objects.select_for_update().filter(appraisal=one.appraisal).first()
    if existing is None or (existing.data == one.result and existing.wording == one.wording):
        return 0
    before = _summary(existing)
    calibrated = {} if appellant else existing.calibrated_values()
    _fill(existing, one, warnings, now)
    for field, value in calibrated.items():  # the committee's decision stays in force
        setattr(existing, field, value)
    if calibrated:
        existing.flags = [*existing.flags, CALIBRATED_FLAG]
    existing.save()
    audit_record(
        actor=actor,
        action="result.corrected",
        target=existing,
        before=before,
        after=_summary(existing),
        reason=reason,
    )
    return 1
