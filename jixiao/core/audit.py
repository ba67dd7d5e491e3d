"""Writing the audit log. Services call `audit_record` inside the
`transaction.atomic()` block of the change they record: the change and its
event are committed together or not at all.

An event that other code must find again carries its links as data in
`context` (ids and codes: `{"appeal": 12, "fact": 345}`), found with a JSON
lookup (`context__appeal=12`), never by matching the `reason`, which is free
text in the writer's language (docs/adr/0005-audit-log-append-only.md)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from jixiao.core.bulk import copy_insert
from jixiao.core.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    context: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `action` is `"<entity>.<past-verb>"`, e.g. `"fact.recorded"`;
    `context` holds links to other records by id, for code that finds the event again."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("an audit event is written inside the transaction of its change")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        before=_json(before) if before is not None else None,
        after=_json(after) if after is not None else None,
        reason=reason,
        context=_json(context) if context is not None else {},
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    changes: Iterable[tuple[models.Model, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    reason: str = "",
    context: Mapping[str, Any] | None = None,
) -> int:
    """Append one event per (target, before, after), in one statement: for changes
    made in bulk (a recompute of thousands of results). Same rules as `audit_record`;
    each target's label must not need a query (load what `str(target)` reads). The
    `context`, if any, is the same for every event (the cause they share)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("an audit event is written inside the transaction of its change")
    who = actor if actor is not None and getattr(actor, "pk", None) else None
    links = _json(context) if context is not None else {}
    events = [
        AuditEvent(
            actor=who,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:200],
            before=_json(before) if before is not None else None,
            after=_json(after) if after is not None else None,
            reason=reason,
            context=dict(links),
        )
        for target, before, after in changes
    ]
    copy_insert(events)
    return len(events)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's concrete field values, JSON-ready (foreign keys as ids)."""
    wanted = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        if field.name in ("created_at", "updated_at"):
            continue
        values[field.name] = _value(getattr(instance, field.attname))
    return values


def _value(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _json(values: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): _value(value) for key, value in values.items()}
