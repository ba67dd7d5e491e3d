"""Recomputing results. When a fact changes before publication, the results of
the appraisal's group (same cycle, same scheme version) are recomputed through
the engine and stored; from publication on they are frozen.

A calibration (校准) is a decision on top of the computed result (domain.md §2):
a recomputation stores the engine's output (`Result.data`, rank, flags …) but
never replaces a calibrated total or grade. When the facts or the computed
total, grade or rank of a calibrated result move away from those the
calibration was decided on, the result is marked for review (`needs_review`,
audit event `result.review_needed`); publication waits until the committee
confirms or changes it (`jixiao.hr.services`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, transaction
from django.db.models import F, Field, JSONField
from django.utils import timezone
from django.utils.translation import gettext_noop

from jixiao.appraisals.groups import results_group_queue
from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.models.results import CALIBRATED_FLAG
from jixiao.appraisals.outcome_labels import GROUP_OUTCOMES, outcomes_in_force
from jixiao.appraisals.scoring import (
    GROUP_FIELDS,
    GROUP_FLAGS,
    Scored,
    score_group,
    with_appraisees,
    with_facts,
)
from jixiao.appraisals.services.rollups import rollups_refresh
from jixiao.appraisals.workflow import SCORING_CYCLE_STATES, AppraisalState, CycleState
from jixiao.core.audit import audit_record, audit_record_many
from jixiao.core.bulk import COPY_ROWS  # fewer rows (a fact written): plain statements
from jixiao.core.progress import progress_report
from jixiao.jobs.services import jobs_mode
from jixiao.schemes.models import SchemeVersion

# The appraisals recorded facts touched inside `recompute_once`, by group (None: at once).
_pending: ContextVar[dict[tuple[int, int], dict[int, Appraisal]] | None] = ContextVar(
    "jixiao_pending_recompute", default=None
)

# A change touching more of a group than this recomputes the whole group at once (an
# import, a bulk upload: one pass over the group costs less than many alone).
ALONE_LIMIT = 50


@contextmanager
def recompute_once(*, actor: Any, reason: str = "", queue_groups: bool = False) -> Iterator[None]:
    """Record many facts, then rescore what they touched once, at the end (an import,
    the demo company). Nothing is recomputed if the block fails.

    `queue_groups` (the API's bulk facts, which come in many batches): a group of which
    more than ALONE_LIMIT appraisals changed is left to the group's job (`results_group`)
    instead of being recomputed here, so the batches of one upload that come before the
    job runs share one recompute (under the immediate job runner, recomputed here)."""
    if _pending.get() is not None:  # already inside one: the outer block recomputes
        yield
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get() or {}
    finally:
        _pending.reset(token)
    if pending:
        progress_report(stage=gettext_noop("computing results"))
    for members in pending.values():
        if queue_groups and len(members) > ALONE_LIMIT and jobs_mode() != "immediate":
            _queue_group(next(iter(members.values())), actor=actor)
        else:
            _rescore(list(members.values()), actor=actor, reason=reason)


def _queue_group(member: Appraisal, *, actor: Any) -> None:
    """The group of `member` recomputed by its job (the one queued, or a new one); until
    it runs, the group's ranks and the changed results are being updated (排名更新中)."""
    with transaction.atomic():
        state = cycle_lock(member.cycle_id, shared=True)
        if CycleState(state) in SCORING_CYCLE_STATES:
            results_group_queue(
                cycle_id=member.cycle_id, version_id=member.scheme_version_id, actor=actor
            )


def results_recompute(
    *, cycle: Cycle, actor: Any, scheme_version: SchemeVersion | None = None, reason: str = ""
) -> int:
    """Score the cycle's appraisals (or those of one scheme version) and store every
    result that changed. Returns how many changed. Frozen results are never touched.

    One recomputation of a cycle at a time: the cycle's row stays locked until the
    change that asked for it commits, and the facts are read after the lock is taken,
    so a fact recorded meanwhile (which holds the row shared, `_rescore`) is either
    counted here or waits until this commits and then asks for its group again."""
    with transaction.atomic():
        cycle.state = cycle_lock(cycle.pk)
        if CycleState(cycle.state) not in SCORING_CYCLE_STATES:
            return 0
        appraisals = Appraisal.objects.filter(cycle=cycle).exclude(state=AppraisalState.WITHDRAWN)
        if scheme_version is not None:
            appraisals = appraisals.filter(scheme_version=scheme_version)
        groups: dict[int, list[Appraisal]] = {}
        for appraisal in with_appraisees(appraisals).order_by("pk"):
            groups.setdefault(appraisal.scheme_version_id, []).append(appraisal)
        versions = SchemeVersion.objects.in_bulk(list(groups))
        for members in groups.values():
            for appraisal in members:  # one cycle and version object each, not one a row
                appraisal.cycle, appraisal.scheme_version = (
                    cycle,
                    versions[appraisal.scheme_version_id],
                )
        changed = 0
        for members in groups.values():
            scored, warnings = score_group(cycle, members[0].scheme_version, members)
            changed += _store_group(scored, warnings, actor=actor, reason=reason)
            outcomes_in_force_store(
                cycle_id=cycle.pk, version_id=members[0].scheme_version_id, actor=actor
            )
    return changed


def appraisal_recompute(*, appraisal: Appraisal, actor: Any, reason: str = "") -> int:
    """Rescore after a change to one appraisal: the appraisal alone at once, and its
    group's ranks, distribution, normalisation and pay shares by the group's job
    (`results_group`), one job however many changes come before it runs."""
    pending = _pending.get()
    if pending is not None:
        group = (appraisal.cycle_id, appraisal.scheme_version_id)
        pending.setdefault(group, {}).setdefault(appraisal.pk, appraisal)
        return 0
    return _rescore([appraisal], actor=actor, reason=reason)


def _rescore(members: list[Appraisal], *, actor: Any, reason: str) -> int:
    """Members of one group changed. Under the immediate job runner (the tests) or when
    many changed, the whole group is recomputed now; otherwise each is scored alone and
    the group's steps are queued (`results_group_queue`)."""
    cycle, version = members[0].cycle, members[0].scheme_version
    if len(members) > ALONE_LIMIT or jobs_mode() == "immediate":
        return results_recompute(cycle=cycle, actor=actor, scheme_version=version, reason=reason)
    with transaction.atomic():
        state = cycle_lock(cycle.pk, shared=True)
        if CycleState(state) not in SCORING_CYCLE_STATES:
            return 0
        # Each appraisal's row locked, then its facts read: two people writing on one
        # appraisal at once are both counted by the one who stores last.
        alone = list(
            with_facts(
                Appraisal.objects.select_for_update(of=("self",))
                .filter(pk__in=sorted(member.pk for member in members))
                .exclude(state=AppraisalState.WITHDRAWN)
            ).order_by("pk")
        )
        changed = 0
        if alone:
            scored, warnings = score_group(cycle, version, alone, alone=True)
            changed = _store_group(scored, warnings, actor=actor, reason=reason, alone=True)
        results_group_queue(cycle_id=cycle.pk, version_id=version.pk, actor=actor)
    return changed


def cycle_lock(cycle_id: int, *, shared: bool = False) -> str:
    """Lock the cycle's row for this transaction and return its state: exclusively for a
    recomputation of its groups, shared for a change that rescores a few appraisals
    (PostgreSQL `FOR SHARE`: such changes run side by side, and wait for a recompute).
    SQLite has one writer at a time: the exclusive lock is taken by writing at once."""
    if connection.vendor == "postgresql" and shared:
        table = connection.ops.quote_name(Cycle._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT state FROM {table} WHERE id = %s FOR SHARE", [cycle_id])
            return str(cursor.fetchone()[0])
    if connection.vendor == "sqlite" and not shared:
        Cycle.objects.filter(pk=cycle_id).update(state=F("state"))
    return str(Cycle.objects.select_for_update().values_list("state", flat=True).get(pk=cycle_id))


def _summary(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    summary: dict[str, Any] = {
        "total": result.total,
        "grade": result.grade,
        "rank": result.rank,
        "errors": len(result.errors),
        "facts_digest": result.facts_digest,
    }
    if result.calibrated:  # the values shown are the committee's: say what was computed
        summary["computed"] = result.computed()
        summary["needs_review"] = result.needs_review
    return summary


RESULT_FIELDS = (
    "scheme_version_id", "facts", "facts_digest", "data", "wording", "subtotal", "total", "rank",
    "ranked", "grade", "band_grade", "flags", "outcomes", "errors", "warnings", "computed_at",
    "needs_review",
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
    for name, value in values.items():
        setattr(result, name, value)
    _keep_calibration(result)


def _keep_calibration(result: Result) -> None:
    """The calibration in force stays over the engine's values; once its facts or
    computed values differ from those it was decided on, the result awaits review
    until the committee decides (a fact changed back does not decide for it)."""
    if not result.calibrated:
        result.needs_review = False
        return
    for field, value in result.calibrated.items():
        setattr(result, field, value)
    if CALIBRATED_FLAG not in result.flags:
        result.flags = [*result.flags, CALIBRATED_FLAG]
    result.needs_review = result.needs_review or result.moved_since_calibration()


def _review_change(result: Result) -> tuple[Result, dict[str, Any], dict[str, Any]]:
    """The audit change of a calibrated result newly marked for review: what the
    calibration was decided on → what is computed now, with the facts that changed."""
    then = result.calibrated_on or {}
    review = result.review()
    return (
        result,
        {name: then.get(name) for name in ("total", "grade", "rank")},
        {
            **result.computed(),
            "calibrated": dict(result.calibrated),
            "facts_changed": review.facts if review else [],
        },
    )


def _unchanged(existing: Result, one: Scored) -> bool:
    return (
        existing.facts_digest == one.digest
        and existing.scheme_version_id == one.appraisal.scheme_version_id
        and existing.data == one.result
        and existing.wording == one.wording
    )


def _store_group(
    scored: list[Scored], warnings: list[str], *, actor: Any, reason: str, alone: bool = False
) -> int:
    """Store a scored group in a few statements (an import recomputes thousands at once):
    the group's results are read and locked in one query, new ones inserted and changed
    ones updated in bulk, each change with its audit event. Frozen results stay as they
    are; an unchanged result is not written again. `alone`: the appraisals were scored
    without their group, which keeps deciding their rank, grade and pay (`_with_group`)."""
    if not scored:
        return 0
    now = timezone.now()
    settled = set() if alone else _settled(scored)
    existing = {
        result.appraisal_id: result
        for result in Result.objects.select_for_update(of=("self",)).filter(
            appraisal__in=[one.appraisal.pk for one in scored if one.appraisal.pk not in settled]
        )
    }
    created: list[Result] = []
    updated: list[Result] = []
    written: list[tuple[Result, dict[str, Any] | None]] = []
    reviews: list[tuple[Any, Any, Any]] = []
    for one in scored:
        if one.appraisal.pk in settled:
            continue
        found = existing.get(one.appraisal.pk)
        if alone:
            one = _with_group(one, found)
        if found is not None and (found.frozen or _unchanged(found, one)):
            continue
        result = found if found is not None else Result(appraisal=one.appraisal)
        written.append((result, _summary(found)))
        was_waiting = found is not None and found.needs_review
        in_force = {  # pay and salary as the group's job last decided them, in force
            name: found.outcomes[name]
            for name in GROUP_OUTCOMES
            if alone and found is not None and name in (found.outcomes or {})
        }
        result.appraisal = one.appraisal  # already loaded: its label needs no query
        _fill(result, one, found.warnings if alone and found is not None else warnings, now)
        result.outcomes = {**result.outcomes, **in_force}
        if result.needs_review and not was_waiting:
            reviews.append(_review_change(result))
        (updated if found is not None else created).append(result)
    _write_rows(created, updated)  # sets the new ones' keys
    audit_record_many(
        actor=actor,
        action="result.computed",
        changes=[(result, before, _summary(result)) for result, before in written],
        reason=reason,
    )
    audit_record_many(actor=actor, action="result.review_needed", changes=reviews, reason=reason)
    return len(written)


def _with_group(one: Scored, found: Result | None) -> Scored:
    """A result scored alone, with what its group decided last (rank, grade, normalised
    total, pay and salary, a quota tie) until the group's job decides again."""
    before = found.data if found is not None and found.data else {}
    data = dict(one.result)
    for name in GROUP_FIELDS:
        data[name] = before.get(name)
    data["outcomes"] = {**(before.get("outcomes") or {}), **data["outcomes"]}
    kept = [flag for flag in before.get("flags") or [] if flag in GROUP_FLAGS]
    data["flags"] = [*data["flags"], *kept]
    return replace(one, result=data)


def outcomes_in_force_store(
    *,
    cycle_id: int,
    version_id: int,
    actor: Any,
    reason: str = "",
    context: dict[str, Any] | None = None,
) -> int:
    """Pay and salary outcomes by the grades and totals in force (a calibration moves
    the pool's shares of the whole group: `outcomes_in_force`), stored on the results
    whose outcomes change, each with an audit event; the engine's own stay in `data`.
    Returns how many changed."""
    wanted = outcomes_in_force(cycle_id, version_id)
    if not wanted:
        return 0
    results = list(
        Result.objects.filter(pk__in=wanted).select_related(
            "appraisal__employee", "appraisal__unit", "appraisal__cycle"
        )
    )
    changes = []
    for result in results:
        was, now = result.outcomes or {}, wanted[result.pk]
        names = [name for name in GROUP_OUTCOMES if name in was or name in now]
        before = {name: was.get(name) for name in names}
        after = {name: now.get(name) for name in names}
        result.outcomes = now
        changes.append((result, before, after))
    Result.objects.bulk_update(results, ["outcomes"], batch_size=500)
    audit_record_many(
        actor=actor,
        action="result.outcomes_in_force",
        changes=changes,
        reason=reason,
        context=context,
    )
    return len(results)


def _settled(scored: list[Scored]) -> set[int]:
    """The appraisals of a scored group whose stored result is frozen or already what
    was scored (`_unchanged`), every stored result of the group locked. On PostgreSQL
    the database compares the JSON (`jsonb` equality, as Python's `==` compares the
    decoded values): the stored results are not read back and decoded, which cost
    more than scoring them. Elsewhere nothing is settled here: `_store_group` reads
    each result and compares it itself."""
    connection = connections[Result.objects.db]
    if connection.vendor != "postgresql":
        return set()
    table = connection.ops.quote_name(Result._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT appraisal_id FROM {table} WHERE appraisal_id = ANY(%s) FOR UPDATE",
            [[one.appraisal.pk for one in scored]],
        )
        stored = {pk for (pk,) in cursor.fetchall()}
        if not stored:  # a new group: nothing to compare
            return set()
        cursor.execute(
            "CREATE TEMPORARY TABLE jixiao_scored (appraisal_id integer, scheme_version_id"
            " integer, facts_digest text, data jsonb, wording jsonb) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY jixiao_scored FROM STDIN") as copy:
            for one in (one for one in scored if one.appraisal.pk in stored):
                copy.write_row(
                    (
                        one.appraisal.pk,
                        one.appraisal.scheme_version_id,
                        one.digest,
                        _json_text(one.result),
                        _json_text(one.wording),
                    )
                )
        cursor.execute(
            "SELECT r.appraisal_id, r.frozen_at IS NOT NULL OR (r.facts_digest = s.facts_digest"
            " AND r.scheme_version_id = s.scheme_version_id AND r.data = s.data"
            f" AND r.wording = s.wording) FROM {table} r JOIN jixiao_scored s"
            " ON s.appraisal_id = r.appraisal_id"
        )
        found = cursor.fetchall()
        cursor.execute("DROP TABLE jixiao_scored")
    return {pk for pk, same in found if same}


def _json_text(value: Any, encoder: Any = DjangoJSONEncoder) -> str:
    """A JSON value as the database reads it (`jsonb`: spacing and key order do not
    matter), encoded once."""
    return json.dumps(value, cls=encoder, ensure_ascii=False, separators=(",", ":"))


def _write_rows(created: list[Result], updated: list[Result]) -> None:
    """INSERT the new results (setting their keys) and UPDATE the changed ones. On
    PostgreSQL every row goes through one COPY into a temporary table, then one INSERT
    and one UPDATE from it: each JSON document encoded once, as COPY text, with no
    statement per row (a prepared statement run per row took seconds for 10,000, and
    Django's `bulk_create` — arrays of JSON quoted on the client — 74 s)."""
    if not created and not updated:
        return
    connection = connections[Result.objects.db]
    if connection.vendor != "postgresql" or len(created) + len(updated) < COPY_ROWS:
        Result.objects.bulk_create(created, batch_size=500)
        _update_rows(updated)
        return
    quote = connection.ops.quote_name
    table = quote(Result._meta.db_table)
    fields = [field for field in Result._meta.concrete_fields if not field.primary_key]
    columns = [quote(str(field.column)) for field in fields]
    changed = {quote(str(Result._meta.get_field(name).column)) for name in RESULT_FIELDS}  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE jixiao_results AS SELECT * FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(
            f"COPY jixiao_results (id, {', '.join(columns)}) FROM STDIN"
        ) as copy:
            for result, add in [*((r, True) for r in created), *((r, False) for r in updated)]:
                row = [_copy_value(field, result, add, connection) for field in fields]
                copy.write_row([None if add else result.pk, *row])
        if created:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)}"
                " FROM jixiao_results WHERE id IS NULL RETURNING id, appraisal_id"
            )
            keys = dict((appraisal, pk) for pk, appraisal in cursor.fetchall())
            for result in created:
                result.pk = keys[result.appraisal_id]
                result._state.adding = False
                result._state.db = connection.alias
        if updated:
            assignments = ", ".join(
                f"{column} = n.{column}" for column in columns if column in changed
            )
            cursor.execute(
                f"UPDATE {table} r SET {assignments} FROM jixiao_results n"
                " WHERE n.id IS NOT NULL AND r.id = n.id"
            )
        cursor.execute("DROP TABLE jixiao_results")


def _copy_value(field: Any, result: Result, add: bool, connection: Any) -> Any:
    """One column of a result as COPY writes it (JSON as text)."""
    value = field.pre_save(result, add)
    if isinstance(field, JSONField):
        return None if value is None else _json_text(value, field.encoder)
    return field.get_db_prep_save(value, connection)


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


def results_correct_on_appeal(
    *, appraisal: Appraisal, actor: Any, reason: str, appeal: int | None = None
) -> int:
    """After an upheld appeal: score the appraisal's group again from the corrected facts
    and store every published result that changed (ranks and distributions depend on
    the whole group), each with its audit event and the appeal's reason. This is the
    one way a published result changes apart from calibration. Returns how many changed.
    Like `results_recompute`, it locks the cycle first and reads the facts after.

    A calibrated total or grade stays in force here as in any recomputation, the
    appellant's included: the committee decided it on facts that the appeal has now
    corrected, so where the computed values moved the result is marked for review
    (with the computed values beside it) and HR or the committee confirms the
    calibration or changes it, with a reason (`jixiao.hr.services`). Each event
    carries the appeal's id (`context`), so its page finds what the appeal changed."""
    context = {"appeal": appeal} if appeal is not None else None
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
            changed += _store_corrected(one, warnings, now, actor, reason, context)
        outcomes_in_force_store(
            cycle_id=appraisal.cycle_id,
            version_id=appraisal.scheme_version_id,
            actor=actor,
            reason=reason,
            context=context,
        )
    if changed:  # the roll-ups that used this result (v1.1 §15): recomputed, or HR told
        rollups_refresh(appraisal=appraisal, actor=actor, reason=reason)
    return changed


def _store_corrected(
    one: Scored,
    warnings: list[str],
    now: Any,
    actor: Any,
    reason: str,
    context: dict[str, Any] | None = None,
) -> int:
    existing = (
        Result.objects.select_for_update(of=("self",)).filter(appraisal=one.appraisal).first()
    )
    if existing is None or (existing.data == one.result and existing.wording == one.wording):
        return 0
    before = _summary(existing)
    was_waiting = existing.needs_review
    _fill(existing, one, warnings, now)  # keeps the calibration in force, if any
    existing.save()
    audit_record(
        actor=actor,
        action="result.corrected",
        target=existing,
        before=before,
        after=_summary(existing),
        reason=reason,
        context=context,
    )
    if existing.needs_review and not was_waiting:
        target, then, after = _review_change(existing)
        audit_record(
            actor=actor,
            action="result.review_needed",
            target=target,
            before=then,
            after=after,
            reason=reason,
            context=context,
        )
    return 1
