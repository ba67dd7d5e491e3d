"""Recording facts: values, inputs, targets, events, ratings, direct scores,
adjustments. A fact is never overwritten silently: a change needs a reason and
the audit log keeps the old value. Every change recomputes the results of the
appraisal's group while the cycle is open; published results stay frozen."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.access import (
    SELF_ROLES,
    SKIP_LEVEL_ROLES,
    SUPERVISOR_ROLES,
    can_rate,
    can_record_facts,
)
from jixiao.appraisals.models import (
    AdjustmentEntry,
    Appraisal,
    Event,
    Fact,
    FactKind,
    FactSource,
    Rating,
)
from jixiao.appraisals.services.results import appraisal_recompute
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError

SINGLE_RATER_ROLES = SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES
CLOSED_CYCLE_STATES = frozenset({CycleState.DRAFT, CycleState.CLOSED, CycleState.CANCELLED})
CLOSED_APPRAISAL_STATES = frozenset({AppraisalState.CLOSED, AppraisalState.WITHDRAWN})


def _require_open(appraisal: Appraisal, actor: Any, reason: str) -> None:
    """Facts are recorded while the cycle runs; after publication only HR, with a reason."""
    appraisal.refresh_from_db(fields=["state"])  # decide on the stored states, not a stale copy
    appraisal.cycle.refresh_from_db(fields=["state"])
    if (
        CycleState(appraisal.cycle.state) in CLOSED_CYCLE_STATES
        or AppraisalState(appraisal.state) in CLOSED_APPRAISAL_STATES
    ):
        raise ServiceError(_("facts can no longer be recorded for this appraisal"))
    if appraisal.cycle.state == CycleState.PUBLISHED:
        if not roles.is_hr(actor):
            raise NotAllowed(_("after publication facts change only through HR"))
        if not reason.strip():
            raise ServiceError(_("a change after publication needs a reason"))


def _require_item(appraisal: Appraisal, item: str) -> None:
    if item and not appraisal.scheme_version.items.filter(code=item).exists():
        raise ServiceError(
            _("the scheme %(scheme)s has no item %(item)s")
            % {"scheme": appraisal.scheme_version, "item": item}
        )


def _check(appraisal: Appraisal, actor: Any, item: str, reason: str) -> None:
    _require_item(appraisal, item)
    if not can_record_facts(actor, appraisal, item):
        raise NotAllowed(_("you may not record facts of this item"))
    _require_open(appraisal, actor, reason)


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
    if kind == FactKind.INPUT and not key:
        raise ServiceError(_("an input needs a name"))
    if kind != FactKind.INPUT and (key or not item):
        raise ServiceError(_("a value or a score belongs to an item and has no name"))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ServiceError(_("a fact is a number or a word"))
    _check(appraisal, actor, item, reason)
    with transaction.atomic():
        same = Fact.objects.select_for_update().filter(
            appraisal=appraisal, item=item, kind=kind, key=key
        )
        fact = same.first()
        created = None
        if fact is None:
            created = _fact_create(
                appraisal=appraisal,
                item=item,
                kind=kind,
                key=key,
                value=value,
                source=source,
                note=note,
                recorded_by=actor,
            )
            fact = created or same.get()  # recorded by someone else meanwhile: a change
        if created is not None:
            audit_record(
                actor=actor,
                action="fact.recorded",
                target=fact,
                after=snapshot(fact),
                reason=reason,
            )
        else:
            if fact.value == value:
                return fact
            if not reason.strip():
                raise ServiceError(_("changing a recorded fact needs a reason"))
            before = snapshot(fact, ["value", "source", "note", "recorded_by"])
            fact.value, fact.source, fact.note, fact.recorded_by = value, source, note, actor
            fact.save()
            audit_record(
                actor=actor,
                action="fact.changed",
                target=fact,
                before=before,
                after=snapshot(fact, ["value", "source", "note", "recorded_by"]),
                reason=reason,
            )
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return fact


def _rating_create(**fields: Any) -> Rating | None:
    """A new rating, or None when the same rating (for a self, supervisor or skip-level
    role: any rating of the item in that role) was given at the same moment."""
    try:
        with transaction.atomic():
            return Rating.objects.create(**fields)
    except IntegrityError:
        return None


def _fact_create(**fields: Any) -> Fact | None:
    """A new fact, or None when someone recorded the same fact at the same moment (the
    unique constraint decides, once their transaction commits)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            return Fact.objects.create(**fields)
    except IntegrityError:
        return None


def fact_remove(*, fact: Fact, actor: Any, reason: str) -> None:
    appraisal = fact.appraisal
    _check(appraisal, actor, fact.item, reason)
    if not reason.strip():
        raise ServiceError(_("removing a fact needs a reason"))
    with transaction.atomic():
        audit_record(
            actor=actor, action="fact.removed", target=fact, before=snapshot(fact), reason=reason
        )
        fact.delete()
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)


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
    adjustments), on a date, with a description and optional evidence."""
    _check(appraisal, actor, item, reason)
    if not description.strip():
        raise ServiceError(_("say what happened"))
    with transaction.atomic():
        event = Event(
            appraisal=appraisal,
            item=item,
            name=name,
            occurred_on=occurred_on,
            count=count,
            size=size,
            description=description,
            source=source,
            recorded_by=actor,
        )
        if evidence is not None:
            event.evidence.save(evidence.name or "evidence", evidence, save=False)
        event.full_clean()
        event.save()
        audit_record(
            actor=actor, action="event.recorded", target=event, after=snapshot(event), reason=reason
        )
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return event


def event_remove(*, event: Event, actor: Any, reason: str) -> None:
    appraisal = event.appraisal
    _check(appraisal, actor, event.item, reason)
    if not reason.strip():
        raise ServiceError(_("removing an event needs a reason"))
    with transaction.atomic():
        audit_record(
            actor=actor, action="event.removed", target=event, before=snapshot(event), reason=reason
        )
        event.delete()
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)


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
    rater = rater or actor
    _require_item(appraisal, item)
    if rater != actor and not roles.is_hr(actor):
        raise NotAllowed(_("only HR may enter a rating on behalf of someone else"))
    if not can_rate(actor, appraisal, role):
        raise NotAllowed(_("you may not rate this appraisal in this role"))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ServiceError(_("a rating is a number or a level name"))
    _require_open(appraisal, actor, reason)
    with transaction.atomic():
        existing = Rating.objects.select_for_update().filter(
            appraisal=appraisal, item=item, role=role
        )
        if role not in SINGLE_RATER_ROLES:
            existing = existing.filter(rater=rater)
        rating = existing.first()
        created = None
        if rating is None:
            created = _rating_create(
                appraisal=appraisal,
                item=item,
                role=role,
                rater=rater,
                value=value,
                comment=comment,
                recorded_by=actor,
            )
            rating = created or existing.get()  # rated by someone else meanwhile: a change
        if created is not None:
            audit_record(
                actor=actor, action="rating.recorded", target=rating, after=snapshot(rating)
            )
        else:
            if rating.value == value and rating.rater_id == rater.pk:
                return rating
            if not reason.strip():
                raise ServiceError(_("changing a rating needs a reason"))
            before = snapshot(rating, ["value", "rater", "comment"])
            rating.value, rating.rater, rating.comment = value, rater, comment
            rating.recorded_by = actor
            rating.save()
            audit_record(
                actor=actor,
                action="rating.changed",
                target=rating,
                before=before,
                after=snapshot(rating, ["value", "rater", "comment"]),
                reason=reason,
            )
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return rating


def adjustment_record(
    *, appraisal: Appraisal, actor: Any, name: str, amount: float, reason: str
) -> AdjustmentEntry:
    """An amount for a bonus or penalty adjustment of the scheme (§7), with its reason."""
    if not reason.strip():
        raise ServiceError(_("an adjustment needs a reason"))
    _check(appraisal, actor, "", reason)
    with transaction.atomic():
        entry = AdjustmentEntry.objects.create(
            appraisal=appraisal, name=name, amount=amount, reason=reason, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="adjustment.recorded",
            target=entry,
            after=snapshot(entry),
            reason=reason,
        )
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return entry


def adjustment_remove(*, entry: AdjustmentEntry, actor: Any, reason: str) -> None:
    appraisal = entry.appraisal
    _check(appraisal, actor, "", reason)
    if not reason.strip():
        raise ServiceError(_("removing an adjustment needs a reason"))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="adjustment.removed",
            target=entry,
            before=snapshot(entry),
            reason=reason,
        )
        entry.delete()
        appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
