"""The bulk upload of facts: many rows, each with its sender's idempotency key.

The whole batch is checked first — every row's appraisal, item, value, cycle and
scope — and nothing is written unless every row passes (`FactsRejected` carries
one `RowError` per problem). Then every row is recorded in one transaction
through the appraisals' fact services, and each group of appraisals they touched
is recomputed once. A row whose key was seen before with the same content is
`unchanged`; the same key with other content is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jixiao.api.access import Principal, appraisals_in_scope, service_may_record
from jixiao.api.models import IdempotencyKey
from jixiao.appraisals.access import can_rate, can_record_facts
from jixiao.appraisals.models import Appraisal, Fact, FactSource, Rating
from jixiao.appraisals.services import event_record, fact_record, rating_record, recompute_once
from jixiao.appraisals.services.facts import (
    CLOSED_APPRAISAL_STATES,
    CLOSED_CYCLE_STATES,
    SINGLE_RATER_ROLES,
)
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core import roles
from jixiao.core.audit import audit_record
from jixiao.core.errors import ServiceError
from jixiao.schemes.engine import engine_scheme
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.rules.numeric import DirectRule
from jixiao.scoring.rules.tables import LevelsRule

KINDS = ("value", "input", "score", "event", "rating")
MAX_ROWS = 20_000
RECORDED, CHANGED, UNCHANGED = "recorded", "changed", "unchanged"


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
    if len(rows) > MAX_ROWS:
        raise ServiceError(
            _("at most %(count)s rows per request") % {"count": MAX_ROWS},
        )
    plans = _check(principal, rows)
    errors = [error for plan in plans for error in plan.errors]
    if errors:
        raise FactsRejected(errors)
    return _write(principal, plans)


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
    checker = _RowChecker(principal, [p.appraisal for p in plans if p.appraisal is not None])
    for index, plan in enumerate(plans):
        if plan.outcome is None and not plan.errors and plan.appraisal is not None:
            checker.check(index, plan)
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


class _RowChecker:
    """Checks one row at a time against what was fetched once for the batch."""

    def __init__(self, principal: Principal, appraisals: list[Appraisal]) -> None:
        self.principal = principal
        self.user = principal.user
        self.token = principal.service
        self.schemes: dict[int, EngineScheme] = {}
        self.sources: dict[int, dict[str, str]] = {}
        for appraisal in appraisals:
            version = appraisal.scheme_version
            if version.pk not in self.schemes:
                self.schemes[version.pk] = engine_scheme(version)
                self.sources[version.pk] = dict(version.items.values_list("code", "source"))
        ids = {appraisal.pk for appraisal in appraisals}
        self.facts = {
            (f.appraisal_id, f.item, f.kind, f.key): f.value
            for f in Fact.objects.filter(appraisal_id__in=ids).only(
                "appraisal_id", "item", "kind", "key", "value"
            )
        }
        self.ratings: dict[tuple[int, str, str, int | None], Any] = {}
        for rating in Rating.objects.filter(appraisal_id__in=ids):
            rater = None if rating.role in SINGLE_RATER_ROLES else rating.rater_id
            self.ratings[(rating.appraisal_id, rating.item, rating.role, rater)] = rating.value
        self.allowed: dict[tuple[int, str], bool] = {}

    def check(self, index: int, plan: _Plan) -> None:
        row, appraisal = plan.row, plan.appraisal
        assert appraisal is not None
        if row.kind not in KINDS:
            plan.fail(index, "kind", "invalid", _("kind is one of: %s") % ", ".join(KINDS))
            return
        scheme = self.schemes[appraisal.scheme_version_id]
        items = {item.code: item for item in scheme.items}
        if row.item and row.item not in items:
            plan.fail(index, "item", "unknown_item", _("the scheme has no such item"))
            return
        if not row.item and row.kind not in ("input", "event"):
            plan.fail(index, "item", "required", _("this kind of fact belongs to an item"))
            return
        if not self._may(index, plan, appraisal):
            return
        if not self._open(index, plan, appraisal):
            return
        rule = items[row.item].rule if row.item else None
        {
            "value": self._value,
            "input": self._input,
            "score": self._score,
            "event": self._event,
            "rating": self._rating,
        }[row.kind](index, plan, rule)

    # who and when
    def _may(self, index: int, plan: _Plan, appraisal: Appraisal) -> bool:
        row = plan.row
        if self.token is not None:
            source = self.sources[appraisal.scheme_version_id].get(row.item)
            if row.kind == "rating" or not service_may_record(
                self.token, source=source, cycle_state=appraisal.cycle.state
            ):
                plan.fail(
                    index,
                    "item",
                    "out_of_scope",
                    _("outside this token's scope (data sources and cycle states)"),
                )
                return False
            return True
        if row.kind == "rating":
            allowed = can_rate(self.user, appraisal, row.key)
        else:
            cache_key = (appraisal.pk, row.item)
            if cache_key not in self.allowed:
                self.allowed[cache_key] = can_record_facts(self.user, appraisal, row.item)
            allowed = self.allowed[cache_key]
        if not allowed:
            plan.fail(index, "item", "not_allowed", _("you may not record this fact"))
        return allowed

    def _open(self, index: int, plan: _Plan, appraisal: Appraisal) -> bool:
        cycle_state = CycleState(appraisal.cycle.state)
        if (
            cycle_state in CLOSED_CYCLE_STATES
            or AppraisalState(appraisal.state) in CLOSED_APPRAISAL_STATES
        ):
            plan.fail(
                index, "cycle", "cycle_closed", _("the cycle does not take facts at this stage")
            )
            return False
        if cycle_state == CycleState.PUBLISHED:
            if self.token is None and not roles.is_hr(self.user):
                plan.fail(
                    index, "cycle", "cycle_closed", _("after publication only HR changes facts")
                )
                return False
            if not plan.row.reason.strip():
                plan.fail(
                    index, "reason", "reason_required", _("a change after publication needs one")
                )
                return False
        return True

    # values
    def _changing(self, index: int, plan: _Plan, existing: Any, missing: bool) -> None:
        if not missing and existing != plan.row.value and not plan.row.reason.strip():
            plan.fail(
                index, "reason", "reason_required", _("changing a recorded fact needs a reason")
            )

    def _fact(self, index: int, plan: _Plan, kind: str, key: str = "") -> None:
        row = plan.row
        assert plan.appraisal is not None
        address = (plan.appraisal.pk, row.item, kind, key)
        self._changing(index, plan, self.facts.get(address), address not in self.facts)
        self.facts[address] = row.value  # a later row of the batch changes this one

    def _value(self, index: int, plan: _Plan, rule: Any) -> None:
        if plan.row.key:
            plan.fail(index, "key", "invalid", _("a value has no name"))
        elif isinstance(rule, LevelsRule):
            if not _on_scale(rule, index, plan):
                return
        elif not _number(plan.row.value):
            plan.fail(index, "value", "not_a_number", _("the value is not a number"))
        if not plan.errors:
            self._fact(index, plan, "value")

    def _input(self, index: int, plan: _Plan, rule: Any) -> None:
        row = plan.row
        if not row.key:
            plan.fail(index, "key", "required", _("an input needs a name"))
        elif row.item and not _number(row.value):
            plan.fail(index, "value", "not_a_number", _("the value is not a number"))
        elif not _number(row.value) and not isinstance(row.value, str):
            plan.fail(index, "value", "invalid", _("an input is a number or a word"))
        else:
            self._fact(index, plan, "input", row.key)

    def _score(self, index: int, plan: _Plan, rule: Any) -> None:
        value = plan.row.value
        if not _number(value):
            plan.fail(index, "value", "not_a_number", _("the value is not a number"))
        elif isinstance(rule, DirectRule) and not _within(value, rule.min, rule.max):
            plan.fail(index, "value", "outside_scale", _("the score is outside the item's range"))
        else:
            self._fact(index, plan, "score")

    def _event(self, index: int, plan: _Plan, rule: Any) -> None:
        row = plan.row
        if not row.key:
            plan.fail(index, "key", "required", _("an event needs a name"))
        if not (_number(row.value) and float(row.value).is_integer() and row.value >= 1):
            plan.fail(index, "value", "invalid", _("an event's value is its count, 1 or more"))
        if row.size is not None and row.size < 0:
            plan.fail(index, "size", "invalid", _("an event's size is 0 or more"))
        if row.occurred_on is None:
            plan.fail(index, "occurred_on", "required", _("say when it happened"))
        if not row.description.strip():
            plan.fail(index, "description", "required", _("say what happened"))

    def _rating(self, index: int, plan: _Plan, rule: Any) -> None:
        row = plan.row
        assert plan.appraisal is not None
        if not row.key:
            plan.fail(index, "key", "required", _("a rating names its role"))
            return
        if isinstance(rule, LevelsRule):
            if not _on_scale(rule, index, plan):
                return
        elif not _number(row.value):
            plan.fail(index, "value", "not_a_number", _("the value is not a number"))
            return
        elif isinstance(rule, DirectRule) and not _within(row.value, rule.min, rule.max):
            plan.fail(index, "value", "outside_scale", _("the rating is outside the scale"))
            return
        rater = None if row.key in SINGLE_RATER_ROLES else self.user.pk
        address = (plan.appraisal.pk, row.item, row.key, rater)
        self._changing(index, plan, self.ratings.get(address), address not in self.ratings)
        self.ratings[address] = row.value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _on_scale(rule: LevelsRule, index: int, plan: _Plan) -> bool:
    value = plan.row.value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        plan.fail(index, "value", "outside_scale", _("the value is not on the item's scale"))
        return False
    _points, problems = rule.rating_points(np.array([value], dtype=object))
    if problems:
        levels = ", ".join(name for name, _score in rule.levels)
        plan.fail(
            index,
            "value",
            "outside_scale",
            _("the value is not on the item's scale (%(levels)s)") % {"levels": levels},
        )
        return False
    return True


# -- the write -----------------------------------------------------------------
def _write(principal: Principal, plans: list[_Plan]) -> list[str]:
    actor = principal.user
    token = principal.service
    outcomes: list[str] = []
    new_keys: list[IdempotencyKey] = []
    with transaction.atomic(), recompute_once(actor=actor, reason=_upload_reason(principal)):
        for index, plan in enumerate(plans):
            if plan.outcome is not None:
                outcomes.append(plan.outcome)
                continue
            try:
                outcome = _record(plan, actor)
            except ServiceError as exc:  # changed since the check: refuse the whole batch
                raise FactsRejected([RowError(index, "", "refused", exc.message)]) from exc
            outcomes.append(outcome)
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


def _record(plan: _Plan, actor: Any) -> str:
    row, appraisal = plan.row, plan.appraisal
    assert appraisal is not None
    if row.kind == "event":
        event_record(
            appraisal=appraisal,
            actor=actor,
            item=row.item,
            name=row.key,
            occurred_on=row.occurred_on,  # type: ignore[arg-type]
            description=row.description,
            count=int(row.value),
            size=row.size,
            source=FactSource.API,
            reason=row.reason,
        )
        return RECORDED
    if row.kind == "rating":
        existing = Rating.objects.filter(appraisal=appraisal, item=row.item, role=row.key)
        if row.key not in SINGLE_RATER_ROLES:
            existing = existing.filter(rater=actor)
        before = existing.values_list("value", flat=True).first()
        found = existing.exists()
        rating_record(
            appraisal=appraisal,
            actor=actor,
            item=row.item,
            role=row.key,
            value=row.value,
            comment=row.note,
            reason=row.reason,
        )
        return _outcome(found, before, row.value)
    kind, key = row.kind, row.key if row.kind == "input" else ""
    existing_fact = Fact.objects.filter(
        appraisal=appraisal, item=row.item, kind=kind, key=key
    ).first()
    fact_record(
        appraisal=appraisal,
        actor=actor,
        kind=kind,
        value=row.value,
        item=row.item,
        key=key,
        source=FactSource.API,
        note=row.note,
        reason=row.reason,
    )
    return _outcome(existing_fact is not None, getattr(existing_fact, "value", None), row.value)


def _outcome(found: bool, before: Any, after: Any) -> str:
    if not found:
        return RECORDED
    return UNCHANGED if before == after else CHANGED
