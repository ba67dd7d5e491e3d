"""Helpers that services build on: create or update one object, validated, with
its audit event, in one transaction. The domain services in each app call these
and add their own rules and permission checks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from jixiao.core.audit import audit_record, snapshot

M = TypeVar("M", bound=models.Model)


def audited_create(
    model: type[M], *, actor: Any, action: str, reason: str = "", **fields: Any
) -> M:
    """Create, validate (`full_clean`) and save an object, and record `action`."""
    with transaction.atomic():
        instance = model(**fields)
        instance.full_clean()
        instance.save()
        audit_record(
            actor=actor, action=action, target=instance, after=snapshot(instance), reason=reason
        )
    return instance


def audited_update(
    instance: M,
    *,
    actor: Any,
    action: str,
    changes: Mapping[str, Any],
    allowed: Collection[str],
    reason: str = "",
) -> M:
    """Apply `changes` (only fields in `allowed`), validate, save and record what changed.

    Nothing is written, and no event recorded, when no value actually changes.
    """
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"{type(instance).__name__} cannot change {', '.join(unknown)} here")
    with transaction.atomic():
        before = snapshot(instance, changes)
        for name, value in changes.items():
            setattr(instance, name, value)
        after = snapshot(instance, changes)
        changed = [name for name in before if before[name] != after[name]]
        if not changed:
            return instance
        instance.full_clean()
        instance.save()
        audit_record(
            actor=actor,
            action=action,
            target=instance,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            reason=reason,
        )
    return instance
