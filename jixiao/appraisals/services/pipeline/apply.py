"""`facts_apply`: the one function that writes fact commands.

It checks the batch (`facts_check`) and refuses all of it when any command has a
problem (`FactsRefused`, carrying every `Problem`). Otherwise, in one
transaction: new facts, ratings and events are inserted (in bulk when there are
many), a change of a stored fact or rating is made on the locked row with its
before and after in the audit log, and every group of appraisals touched is
recomputed once at the end. An evidence file is written to storage only when the
transaction commits, so a refused or rolled-back event leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jixiao.appraisals.models import AdjustmentEntry, Appraisal, Event, Fact, Rating
from jixiao.appraisals.services.pipeline.book import SINGLE_RATER_ROLES, FactBook
from jixiao.appraisals.services.pipeline.check import (
    CHANGED,
    RECORDED,
    UNCHANGED,
    Review,
    facts_review,
)
from jixiao.appraisals.services.pipeline.commands import (
    FACT_KINDS,
    AdjustmentCommand,
    Command,
    EventCommand,
    InputCommand,
    Problem,
    RatingCommand,
)
from jixiao.appraisals.services.results import appraisal_recompute, recompute_once
from jixiao.core.audit import audit_record, audit_record_many, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.progress import progress_report
from jixiao.core.uploads import upload_store

RECORDING = gettext_noop("recording the facts")
BULK = 2  # from two new rows of a kind on: one insert (a savepoint), one audit statement
FACT_FIELDS = ["value", "source", "note", "recorded_by"]
RATING_FIELDS = ["value", "rater", "comment"]


class FactsRefused(ServiceError):
    """Nothing was written: `problems` says why, one `Problem` per fault."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        messages = list(dict.fromkeys(problem.message for problem in problems))
        super().__init__("; ".join(messages), details=list(problems))
        self.problems = list(problems)

    def __str__(self) -> str:
        return str(self.message)


class FactsForbidden(FactsRefused, NotAllowed):
    """Refused because of the person's rights (a missing page in the browser)."""


def refuse(problems: Sequence[Problem]) -> None:
    if any(problem.forbidden for problem in problems):
        raise FactsForbidden(problems)
    raise FactsRefused(problems)


@dataclass(frozen=True)
class Written:
    """What writing one command did, and the row it wrote (None when unchanged)."""

    outcome: str
    record: models.Model | None


def facts_apply(
    *, commands: Sequence[Command], actor: Any, reason: str = "", book: FactBook | None = None
) -> list[Written]:
    """Check and write a batch of commands, all or nothing; audited, recomputed once."""
    commands = list(commands)
    with transaction.atomic(), recompute_once(actor=actor, reason=reason):
        review = facts_review(commands=commands, actor=actor, reason=reason, book=book)
        if review.problems:
            refuse(review.problems)
        progress_report(stage=RECORDING, done=0, total=len(commands))
        written = _Writer(commands, review, actor, reason).write()
        progress_report(stage=RECORDING, done=len(commands), total=len(commands))
        touched: dict[int, Appraisal] = {}
        for command, done in zip(commands, written, strict=True):
            if done.outcome != UNCHANGED:
                touched.setdefault(command.appraisal.pk, command.appraisal)
        for appraisal in touched.values():
            appraisal_recompute(appraisal=appraisal, actor=actor, reason=reason)
    return written


class _Writer:
    def __init__(self, commands: list[Command], review: Review, actor: Any, reason: str) -> None:
        self.commands = commands
        self.review = review
        self.actor = actor
        self.recorder = actor if getattr(actor, "pk", None) else None
        self.reason = reason
        self.written: list[Written | None] = [None] * len(commands)

    def reason_of(self, command: Command) -> str:
        return (command.reason or self.reason).strip()

    def write(self) -> list[Written]:
        """New rows first (in bulk when many), then the changes, in the batch's order: a
        later command that changes what an earlier one of the batch records finds it."""
        new_facts: list[int] = []
        new_ratings: list[int] = []
        new_events: list[int] = []
        changes: list[int] = []
        for index, command in enumerate(self.commands):
            outcome = self.review.outcomes[index]
            if outcome == UNCHANGED:
                self.written[index] = Written(UNCHANGED, None)
            elif isinstance(command, AdjustmentCommand):
                self.written[index] = Written(RECORDED, self.adjustment(index, command))
            elif isinstance(command, EventCommand):
                if command.evidence is not None:
                    self.written[index] = Written(RECORDED, self.event_with_evidence(index))
                else:
                    new_events.append(index)
            elif outcome == RECORDED:
                (new_ratings if isinstance(command, RatingCommand) else new_facts).append(index)
            else:
                changes.append(index)
        self.insert(new_facts, self.fact_row, "fact.recorded")
        self.insert(new_ratings, self.rating_row, "rating.recorded")
        self.insert(new_events, self.event_row, "event.recorded")
        for index in changes:
            self.written[index] = self.one(index)
        return [done or Written(UNCHANGED, None) for done in self.written]

    # -- new rows, in bulk --------------------------------------------------------------
    def insert(self, indexes: list[int], build: Any, action: str) -> None:
        if not indexes:
            return
        if len(indexes) < BULK:
            for index in indexes:
                self.written[index] = self.one(index)
            return
        rows = [build(index) for index in indexes]
        try:
            with transaction.atomic():  # a savepoint: someone may have written one meanwhile
                created = type(rows[0]).objects.bulk_create(rows, batch_size=1000)
        except IntegrityError:
            for index in indexes:  # one at a time: the ones written meanwhile are changes
                self.written[index] = self.one(index)
            return
        reasons = {self._audit_reason(index, action) for index in indexes}
        if len(reasons) == 1:
            audit_record_many(
                actor=self.actor,
                action=action,
                changes=[(row, None, snapshot(row)) for row in created],
                reason=reasons.pop(),
            )
        else:
            for index, row in zip(indexes, created, strict=True):
                audit_record(
                    actor=self.actor,
                    action=action,
                    target=row,
                    after=snapshot(row),
                    reason=self._audit_reason(index, action),
                )
        for index, row in zip(indexes, created, strict=True):
            self.written[index] = Written(RECORDED, row)

    def _audit_reason(self, index: int, action: str) -> str:
        return "" if action == "rating.recorded" else self.reason_of(self.commands[index])

    def fact_row(self, index: int) -> Fact:
        command: Any = self.commands[index]
        return Fact(
            appraisal=command.appraisal,
            item=command.item,
            kind=FACT_KINDS[type(command)],
            key=command.key if isinstance(command, InputCommand) else "",
            value=self.review.values[index],
            source=command.source,
            note=command.note[:300],
            recorded_by=self.recorder,
        )

    def rating_row(self, index: int) -> Rating:
        command: Any = self.commands[index]
        return Rating(
            appraisal=command.appraisal,
            item=command.item,
            role=command.role,
            rater=command.rater or self.actor,
            value=self.review.values[index],
            comment=command.comment,
            recorded_by=self.recorder,
        )

    def event_row(self, index: int) -> Event:
        command: Any = self.commands[index]
        return Event(
            appraisal=command.appraisal,
            item=command.item,
            name=command.name,
            occurred_on=command.occurred_on,
            count=int(command.count),
            size=None if command.size is None else float(command.size),
            description=command.description,
            source=command.source,
            recorded_by=self.recorder,
        )

    # -- one row at a time ----------------------------------------------------------------
    def one(self, index: int) -> Written:
        command = self.commands[index]
        if isinstance(command, EventCommand):
            event = self.event_row(index)
            event.save()
            audit_record(
                actor=self.actor,
                action="event.recorded",
                target=event,
                after=snapshot(event),
                reason=self.reason_of(command),
            )
            return Written(RECORDED, event)
        if isinstance(command, RatingCommand):
            return self.rating(index, command)
        return self.fact(index)

    def fact(self, index: int) -> Written:
        """Insert the fact, or change the stored one (locked) — a change needs a reason."""
        command: Any = self.commands[index]
        row = self.fact_row(index)
        same = Fact.objects.select_for_update().filter(
            appraisal=row.appraisal, item=row.item, kind=row.kind, key=row.key
        )
        stored = same.first()
        if stored is None:
            created = _create(row)
            if created is not None:
                audit_record(
                    actor=self.actor,
                    action="fact.recorded",
                    target=created,
                    after=snapshot(created),
                    reason=self.reason_of(command),
                )
                return Written(RECORDED, created)
            stored = same.get()  # recorded by someone else meanwhile: a change
        if stored.value == row.value:
            return Written(UNCHANGED, stored)
        if not self.reason_of(command):
            raise ServiceError(_("changing a recorded fact needs a reason"))
        before = snapshot(stored, FACT_FIELDS)
        stored.value, stored.source, stored.note = row.value, row.source, row.note
        stored.recorded_by = row.recorded_by
        stored.save()
        audit_record(
            actor=self.actor,
            action="fact.changed",
            target=stored,
            before=before,
            after=snapshot(stored, FACT_FIELDS),
            reason=self.reason_of(command),
        )
        return Written(CHANGED, stored)

    def rating(self, index: int, command: RatingCommand) -> Written:
        row = self.rating_row(index)
        existing = Rating.objects.select_for_update().filter(
            appraisal=row.appraisal, item=row.item, role=row.role
        )
        if row.role not in SINGLE_RATER_ROLES:
            existing = existing.filter(rater=row.rater)
        stored = existing.first()
        if stored is None:
            created = _create(row)
            if created is not None:
                audit_record(
                    actor=self.actor,
                    action="rating.recorded",
                    target=created,
                    after=snapshot(created),
                )
                return Written(RECORDED, created)
            stored = existing.get()  # rated by someone else meanwhile: a change
        if stored.value == row.value and stored.rater_id == row.rater.pk:
            return Written(UNCHANGED, stored)
        if not self.reason_of(command):
            raise ServiceError(_("changing a rating needs a reason"))
        before = snapshot(stored, RATING_FIELDS)
        stored.value, stored.rater, stored.comment = row.value, row.rater, row.comment
        stored.recorded_by = row.recorded_by
        stored.save()
        audit_record(
            actor=self.actor,
            action="rating.changed",
            target=stored,
            before=before,
            after=snapshot(stored, RATING_FIELDS),
            reason=self.reason_of(command),
        )
        return Written(CHANGED, stored)

    def event_with_evidence(self, index: int) -> Event:
        """The event now; its file when (and only if) the transaction commits."""
        command: Any = self.commands[index]
        event = self.event_row(index)
        upload_store(field=event.evidence, upload=command.evidence)  # reserves the name
        event.save()
        audit_record(
            actor=self.actor,
            action="event.recorded",
            target=event,
            after=snapshot(event),
            reason=self.reason_of(command),
        )
        return event

    def adjustment(self, index: int, command: AdjustmentCommand) -> AdjustmentEntry:
        entry = AdjustmentEntry.objects.create(
            appraisal=command.appraisal,
            name=command.name,
            amount=float(self.review.values[index]),
            reason=self.reason_of(command),
            recorded_by=self.recorder,
        )
        audit_record(
            actor=self.actor,
            action="adjustment.recorded",
            target=entry,
            after=snapshot(entry),
            reason=self.reason_of(command),
        )
        return entry


def _create(row: models.Model) -> Any:
    """Insert the row, or None when the same one was written at the same moment (the
    unique constraint decides, once the other transaction commits)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            row.save(force_insert=True)
            return row
    except IntegrityError:
        return None
