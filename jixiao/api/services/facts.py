"""The bulk upload of facts: many rows, each with its sender's idempotency key.

The whole batch is checked first — every row's appraisal and key here, a service
token's scope, then everything else by the fact pipeline (`facts_check`: the
appraisal's state, the person's rights, the item's rule) — and nothing is written
unless every row passes (`FactsRejected` carries one `RowError` per problem, in
the same words as the forms and the Excel import). Then every row is written by
`facts_apply` in one transaction, and each group of appraisals they touched is
recomputed once. A row whose key was seen before with the same content is
`unchanged`; the same key with other content is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jixiao.api.access import Principal, appraisals_in_scope, service_may_record
from jixiao.api.models import IdempotencyKey, Token
from jixiao.appraisals.models import Appraisal, FactSource
from jixiao.appraisals.services import recompute_once
from jixiao.appraisals.services.pipeline import (
    CHANGED,
    RECORDED,
    UNCHANGED,
    Command,
    EventCommand,
    FactsRefused,
    InputCommand,
    Problem,
    RatingCommand,
    ScoreCommand,
    ValueCommand,
    facts_apply,
    facts_check,
)
from jixiao.core.audit import audit_record
from jixiao.core.errors import ServiceError
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_enqueue
from jixiao.schemes.models import SchemeItem

KINDS = ("value", "input", "score", "event", "rating")
# Rows a request may carry: each is checked inside the request (issue 11: no web request
# over 2 s; 20,000 rows took about 2.4 s to check on the 2-core benchmark machine).
MAX_ROWS = 10_000


@dataclass(frozen=True)
class FactRow:
    """One fact to record. The appraisal is named by its id, or by the cycle's
    code and the employee's number (or the unit's code, for a unit or provider)."""

    idempotency_key: str
    kind: str
    value: Any
    appraisal: int | None = None
    cycle: str | None = None
    employee: str | None = None
    unit: str | None = None
    item: str = ""
    key: str = ""
    size: float | None = None
    occurred_on: datetime.date | None = None
    description: str = ""
    reason: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The row as JSON (a job's arguments); `FactRow.from_json` reads it back."""
        data = asdict(self)
        if self.occurred_on is not None:
            data["occurred_on"] = self.occurred_on.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FactRow:
        occurred = data.get("occurred_on")
        date = datetime.date.fromisoformat(occurred) if occurred else None
        return cls(**{**data, "occurred_on": date})

    def fingerprint(self) -> str:
        content = {k: v for k, v in asdict(self).items() if k != "idempotency_key"}
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    message: str


class FactsRejected(ServiceError):
    """Some rows cannot be recorded; nothing was. `details` holds a `RowError` per problem."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _("%(count)s rows cannot be recorded; nothing was recorded")
            % {"count": len({error.row for error in errors})},
            details=errors,
        )
        self.errors = errors


@dataclass
class _Plan:
    """What the check found out about one row, for the write."""

    row: FactRow
    appraisal: Appraisal | None = None
    outcome: str | None = None  # decided before writing (a repeated key)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, index: int, where: str, code: str, message: str) -> None:
        self.errors.append(RowError(index, where, code, message))


def facts_upsert(*, principal: Principal, rows: Sequence[FactRow]) -> list[str]:
    """Record a batch of facts, all or nothing; returns each row's outcome:
    `recorded`, `changed` or `unchanged`."""
    plans, commands, command_rows = _checked(principal, rows, whole=False)
    return _write(principal, plans, commands, command_rows)


def facts_upload_check(*, principal: Principal, rows: Sequence[FactRow]) -> None:
    """Check a whole batch at once — every row's shape, key and appraisal here, then
    every command by the fact pipeline's check — and refuse it with every problem
    (`FactsRejected`) before anything is queued."""
    _checked(principal, rows, whole=True)


def _checked(
    principal: Principal, rows: Sequence[FactRow], *, whole: bool
) -> tuple[list[_Plan], list[Command], list[int]]:
    """The rows checked; `whole`: by the pipeline too even when the rows' own checks
    pass (otherwise `facts_apply` checks them as it writes)."""
    if len(rows) > MAX_ROWS:
        raise ServiceError(
            _("at most %(count)s rows per request") % {"count": MAX_ROWS},
        )
    plans = _check(principal, rows)
    commands, command_rows = _commands(principal, plans)
    errors = [error for plan in plans for error in plan.errors]
    if errors or whole:  # the pipeline's word on the other rows too, all in one answer
        problems = facts_check(commands=commands, actor=principal.user)
        errors += _row_errors(problems, command_rows)
    if errors:
        raise FactsRejected(sorted(errors, key=lambda error: error.row))
    return plans, commands, command_rows


# -- the check -----------------------------------------------------------------
def _keys_scope(principal: Principal) -> Q:
    if principal.service is not None:
        return Q(token=principal.service)
    return Q(user=principal.user, token__isnull=True)


def _check(principal: Principal, rows: Sequence[FactRow]) -> list[_Plan]:
    plans = [_Plan(row) for row in rows]
    seen: dict[str, int] = {}
    for index, plan in enumerate(plans):
        key = plan.row.idempotency_key.strip()
        if not key:
            plan.fail(index, "idempotency_key", "required", _("every row needs a key"))
        elif key in seen:
            plan.fail(
                index,
                "idempotency_key",
                "duplicate_key",
                _("the same key as row %(row)s") % {"row": seen[key]},
            )
        else:
            seen[key] = index
    known = {
        entry.key: entry
        for entry in IdempotencyKey.objects.filter(_keys_scope(principal), key__in=list(seen))
    }
    for index, plan in enumerate(plans):
        entry = known.get(plan.row.idempotency_key.strip())
        if entry is None:
            continue
        if entry.fingerprint == plan.row.fingerprint():
            plan.outcome = UNCHANGED
        else:
            plan.fail(
                index,
                "idempotency_key",
                "key_reused",
                _("this key was already used for a different row"),
            )
    _resolve_appraisals(principal, plans)
    return plans


def _resolve_appraisals(principal: Principal, plans: list[_Plan]) -> None:
    """Each row's appraisal, among those the caller may see; an appraisal they may
    not see is as unknown as one that does not exist."""
    visible = appraisals_in_scope(principal).select_related(
        "cycle", "employee", "unit", "scheme_version"
    )
    ids = {p.row.appraisal for p in plans if p.row.appraisal is not None}
    by_id = {a.pk: a for a in visible.filter(pk__in=ids)} if ids else {}
    named = {(p.row.cycle, p.row.employee or p.row.unit) for p in plans if p.row.cycle}
    by_name: dict[tuple[str, str], Appraisal] = {}
    if named:
        cycles = {cycle for cycle, _who in named}
        for appraisal in visible.filter(cycle__code__in=cycles):
            by_name[(appraisal.cycle.code, appraisal.appraisee_id)] = appraisal
    for index, plan in enumerate(plans):
        if plan.outcome is not None or plan.errors:
            continue
        row = plan.row
        if row.appraisal is not None:
            plan.appraisal = by_id.get(row.appraisal)
            where = "appraisal"
        elif row.cycle and (row.employee or row.unit):
            plan.appraisal = by_name.get((row.cycle, row.employee or row.unit or ""))
            where = "employee" if row.employee else "unit"
        else:
            plan.fail(
                index,
                "appraisal",
                "required",
                _("name the appraisal, or the cycle and the employee (or unit)"),
            )
            continue
        if plan.appraisal is None:
            plan.fail(index, where, "unknown_appraisal", _("no such appraisal"))


def _command(plan: _Plan) -> Command | None:
    """The row as a command of the fact pipeline; None for an unknown kind."""
    row, appraisal = plan.row, plan.appraisal
    assert appraisal is not None
    common: dict[str, Any] = {
        "appraisal": appraisal,
        "item": row.item,
        "source": FactSource.API,
        "reason": row.reason,
    }
    if row.kind == "value":
        return ValueCommand(value=row.value, note=row.note, **common)
    if row.kind == "input":
        return InputCommand(key=row.key, value=row.value, note=row.note, **common)
    if row.kind == "score":
        return ScoreCommand(value=row.value, note=row.note, **common)
    if row.kind == "rating":
        return RatingCommand(role=row.key, value=row.value, comment=row.note, **common)
    if row.kind == "event":
        return EventCommand(
            name=row.key,
            occurred_on=row.occurred_on,
            description=row.description,
            count=row.value,
            size=row.size,
            **common,
        )
    return None


def _shape(index: int, plan: _Plan) -> None:
    """What only the API's row shape can get wrong: its kind, a name on a value."""
    row = plan.row
    if row.kind not in KINDS:
        plan.fail(index, "kind", "invalid", _("kind is one of: %s") % ", ".join(KINDS))
    elif row.kind in ("value", "score") and row.key:
        plan.fail(index, "key", "invalid", _("a value has no name"))


def _in_scope(principal: Principal, plans: list[_Plan]) -> None:
    """A service token records only the items of its data sources, in its cycle states."""
    token = principal.service
    if token is None:
        return
    versions = {p.appraisal.scheme_version_id for p in plans if p.appraisal is not None}
    sources = {
        (version, code): source
        for version, code, source in SchemeItem.objects.filter(version_id__in=versions).values_list(
            "version_id", "code", "source"
        )
    }
    for index, plan in enumerate(plans):
        appraisal = plan.appraisal
        if appraisal is None or plan.outcome is not None or plan.errors:
            continue
        source = sources.get((appraisal.scheme_version_id, plan.row.item))
        if plan.row.kind == "rating" or not service_may_record(
            token, source=source, cycle_state=appraisal.cycle.state
        ):
            plan.fail(
                index,
                "item",
                "out_of_scope",
                _("outside this token's scope (data sources and cycle states)"),
            )


def _commands(principal: Principal, plans: list[_Plan]) -> tuple[list[Command], list[int]]:
    """The rows to write, as commands, and the row of each command."""
    for index, plan in enumerate(plans):
        if plan.outcome is None and not plan.errors and plan.appraisal is not None:
            _shape(index, plan)
    _in_scope(principal, plans)
    commands: list[Command] = []
    rows: list[int] = []
    for index, plan in enumerate(plans):
        if plan.outcome is None and not plan.errors and plan.appraisal is not None:
            command = _command(plan)
            if command is not None:
                commands.append(command)
                rows.append(index)
    return commands, rows


def _row_errors(problems: Sequence[Problem], rows: list[int]) -> list[RowError]:
    return [
        RowError(rows[problem.index], problem.field, problem.code, problem.message)
        for problem in problems
    ]


# -- the write -----------------------------------------------------------------
def _write(
    principal: Principal, plans: list[_Plan], commands: list[Command], command_rows: list[int]
) -> list[str]:
    """Every row through `facts_apply`, in one transaction with the keys and the upload's
    audit event; the groups touched recomputed once, with the upload as the reason — a
    group much of which changed by its group's job, shared with the upload's next
    batches (`recompute_once(queue_groups=True)`)."""
    actor = principal.user
    token = principal.service
    outcomes = [plan.outcome or RECORDED for plan in plans]
    new_keys: list[IdempotencyKey] = []
    with (
        transaction.atomic(),
        recompute_once(actor=actor, reason=_upload_reason(principal), queue_groups=True),
    ):
        try:  # each row's own reason; the batch has none (a change needs its own)
            written = facts_apply(commands=commands, actor=actor)
        except FactsRefused as exc:  # changed since the check: refuse the whole batch
            raise FactsRejected(_row_errors(exc.problems, command_rows)) from exc
        except ServiceError as exc:
            raise FactsRejected([RowError(0, "", "refused", exc.message)]) from exc
        for index, done in zip(command_rows, written, strict=True):
            outcomes[index] = done.outcome
        for plan, outcome in zip(plans, outcomes, strict=True):
            if plan.outcome is None:
                new_keys.append(
                    IdempotencyKey(
                        user=actor,
                        token=token,
                        key=plan.row.idempotency_key.strip(),
                        fingerprint=plan.row.fingerprint(),
                        outcome=outcome,
                    )
                )
        IdempotencyKey.objects.bulk_create(new_keys, batch_size=1000)
        counts = {name: outcomes.count(name) for name in (RECORDED, CHANGED, UNCHANGED)}
        audit_record(
            actor=actor,
            action="facts.uploaded",
            target=token if token is not None else actor,
            after={"rows": len(plans), **counts, "token": token.prefix if token else None},
        )
    return outcomes


def _upload_reason(principal: Principal) -> str:
    token = principal.token
    return f"API ({token.name})" if token is not None else "API"


# -- the upload as a job ---------------------------------------------------------------
UPLOAD_JOB = "facts_upload"
UPLOAD_TARGET = "api.facts_upload"


def facts_upload(*, principal: Principal, rows: Sequence[FactRow]) -> Job:
    """Check the batch at once (`FactsRejected` with every problem), then queue its
    writing as a job (`facts_upload_task`), all or nothing. The same batch sent again
    by the same sender while its job is queued or running gets that job."""
    facts_upload_check(principal=principal, rows=rows)
    token = principal.token
    payload = [row.as_json() for row in rows]
    sender = f"token:{token.pk}" if token is not None else f"user:{principal.user.pk}"
    text = json.dumps([sender, payload], sort_keys=True, ensure_ascii=False, default=str)
    return job_enqueue(
        kind=UPLOAD_JOB,
        target=(UPLOAD_TARGET, hashlib.sha256(text.encode("utf-8")).hexdigest()),
        actor=principal.user,
        arguments={
            "token": token.pk if token is not None else None,
            "service": principal.service is not None,
            "rows": payload,
        },
    )


def facts_upload_run(*, job: Job, actor: Any) -> dict[str, int]:
    """The job's work: the batch checked again and written (`facts_upsert`); what it
    did, counted. A batch refused now (the facts changed since it was checked) fails
    the job with each row's problem and writes nothing."""
    token_pk = job.arguments.get("token")
    token = Token.objects.get(pk=token_pk) if token_pk else None
    principal = Principal(user=actor, token=token)
    rows = [FactRow.from_json(row) for row in job.arguments.get("rows", [])]
    try:
        outcomes = facts_upsert(principal=principal, rows=rows)
    except FactsRejected as exc:
        raise ServiceError(
            exc.message,
            details=[
                _("row %(row)s, %(field)s: %(message)s")
                % {"row": error.row, "field": error.field or "—", "message": error.message}
                for error in exc.errors
            ],
        ) from None
    return {
        "rows": len(rows),
        **{name: outcomes.count(name) for name in (RECORDED, CHANGED, UNCHANGED)},
    }
