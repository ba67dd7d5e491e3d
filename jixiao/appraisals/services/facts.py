"""Recording facts: values, inputs, targets, events, ratings, direct scores,
adjustments. Each function builds one command of the fact pipeline
(`services/pipeline`) and has it checked and written there, as every channel
(forms, Excel, API, admin, demo) does: a fact is never overwritten silently (a
change needs a reason and the audit log keeps the old value), and every change
recomputes the results of the appraisal's group while the cycle is open."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.models import (
    AdjustmentEntry,
    Appraisal,
    Event,
    Fact,
    FactKind,
    FactSource,
    Rating,
)
from jixiao.appraisals.services.pipeline import (
    CLOSED_APPRAISAL_STATES,
    CLOSED_CYCLE_STATES,
    SINGLE_RATER_ROLES,
    AdjustmentCommand,
    Command,
    EventCommand,
    InputCommand,
    RatingCommand,
    ScoreCommand,
    ValueCommand,
    change_problems,
    facts_apply,
    refuse,
)
from jixiao.appraisals.services.results import appraisal_recompute
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import ServiceError

__all__ = [
    "CLOSED_APPRAISAL_STATES",
    "CLOSED_CYCLE_STATES",
    "SINGLE_RATER_ROLES",
    "adjustment_record",
    "adjustment_remove",
    "event_record",
    "event_remove",
    "fact_record",
    "fact_remove",
    "rating_record",
]


def _one(command: Command, actor: Any, reason: str) -> Any:
    """Write one command; its row (the stored one when nothing changed)."""
    [written] = facts_apply(commands=[command], actor=actor, reason=reason)
    return written.record


def fact_record(
    *,
    appraisal: Appraisal,
    actor: Any,
    kind: str,
    value: Any,
    item: str = "",
    key: str = "",
    source: str = FactSource.FORM,
    note: str = "",
    reason: str = "",
) -> Fact:
    """Record a value (`kind="value"`), an input (`"input"`, named by `key`; without an
    item it is the appraisee's) or a score given directly (`"score"`)."""
    if kind not in FactKind.values:
        raise ServiceError(_("unknown kind of fact: %(kind)s") % {"kind": kind})
    if kind != FactKind.INPUT and key:
        raise ServiceError(_("a value or a score belongs to an item and has no name"))
    shape: dict[str, Any] = {"appraisal": appraisal, "item": item, "source": source}
    shape.update(value=value, note=note, reason=reason)
    command: Command
    if kind == FactKind.INPUT:
        command = InputCommand(key=key, **shape)
    elif kind == FactKind.VALUE:
        command = ValueCommand(**shape)
    else:
        command = ScoreCommand(**shape)
    fact = _one(command, actor, reason)
    if fact is None:  # unchanged: the stored fact
        fact = Fact.objects.get(appraisal=appraisal, item=item, kind=kind, key=key)
    return fact  # type: ignore[no-any-return]


def rating_record(
    *,
    appraisal: Appraisal,
    actor: Any,
    item: str,
    role: str,
    value: Any,
    rater: Any = None,
    comment: str = "",
    reason: str = "",
) -> Rating:
    """A rating of an item in a role. Self, supervisor and skip-level roles hold one
    rating each; other roles (peer …) one per rater. HR may enter a rating on
    behalf of its `rater`."""
    command = RatingCommand(
        appraisal=appraisal,
        item=item,
        role=role,
        value=value,
        rater=rater,
        comment=comment,
        reason=reason,
    )
    rating = _one(command, actor, reason)
    if rating is None:
        stored = Rating.objects.filter(appraisal=appraisal, item=item, role=role)
        if role not in SINGLE_RATER_ROLES:
            stored = stored.filter(rater=rater or actor)
        rating = stored.get()
    return rating  # type: ignore[no-any-return]


def event_record(
    *,
    appraisal: Appraisal,
    actor: Any,
    name: str,
    occurred_on: datetime.date,
    description: str,
    item: str = "",
    count: int = 1,
    size: float | None = None,
    evidence: File | None = None,  # type: ignore[type-arg]
    source: str = FactSource.FORM,
    reason: str = "",
) -> Event:
    """Record what happened (事实记录): an event of an item (or of the appraisee, for
    adjustments), on a date, with a description and optional evidence (stored when
    the transaction commits)."""
    command = EventCommand(
        appraisal=appraisal,
        item=item,
        name=name,
        occurred_on=occurred_on,
        description=description,
        count=count,
        size=size,
        evidence=evidence,
        source=source,
        reason=reason,
    )
    return _one(command, actor, reason)  # type: ignore[no-any-return]


def adjustment_record(
    *, appraisal: Appraisal, actor: Any, name: str, amount: float, reason: str
) -> AdjustmentEntry:
    """An amount for a bonus or penalty adjustment of the scheme (§7), with its reason."""
    command = AdjustmentCommand(appraisal=appraisal, name=name, amount=amount, reason=reason)
    return _one(command, actor, reason)  # type: ignore[no-any-return]


# -- removals: the same state and rights check, then the row goes --------------------------
def _removal(appraisal: Appraisal, actor: Any, item: str, reason: str, refusal: str) -> None:
    problems = change_problems(appraisal=appraisal, actor=actor, item=item, reason=reason)
    if problems:
        refuse(problems)
    if not reason.strip():
        raise ServiceError(refusal)


def _remove(row: Any, appraisal: Appraisal, actor: Any, action: str, reason: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=action, target=row, before=snapshot(row), reason=reason)
        row.delete()
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)


def fact_remove(*, fact: Fact, actor: Any, reason: str) -> None:
    _removal(fact.appraisal, actor, fact.item, reason, _("removing a fact needs a reason"))
    _remove(fact, fact.appraisal, actor, "fact.removed", reason)


def event_remove(*, event: Event, actor: Any, reason: str) -> None:
    _removal(event.appraisal, actor, event.item, reason, _("removing an event needs a reason"))
    _remove(event, event.appraisal, actor, "event.removed", reason)


def adjustment_remove(*, entry: AdjustmentEntry, actor: Any, reason: str) -> None:
    refusal = _("removing an adjustment needs a reason")
    _removal(entry.appraisal, actor, "", reason, refusal)
    _remove(entry, entry.appraisal, actor, "adjustment.removed", reason)
