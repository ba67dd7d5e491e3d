"""`facts_check`: one decision whether a batch of fact commands may be written.

Each command is checked against the appraisal's state (its cycle takes facts;
after publication only HR, with a reason), the person's rights (`can_rate`,
`can_record_facts`) and the item's rule in the scheme (a level of the scale, a
number within the bounds, a rater role the scheme has, an input or event the
item reads). Everything the check needs is read once per batch (`FactBook`):
the appraisals' states, their schemes, the facts and ratings already stored.
A later command of the batch that writes the same fact as an earlier one is a
change of it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.appraisals.models import Appraisal
from jixiao.appraisals.services.pipeline import rules
from jixiao.appraisals.services.pipeline.book import SINGLE_RATER_ROLES, FactBook
from jixiao.appraisals.services.pipeline.commands import (
    FACT_KINDS,
    AdjustmentCommand,
    Command,
    EventCommand,
    InputCommand,
    Problem,
    RatingCommand,
    ScoreCommand,
    TargetCommand,
    ValueCommand,
)
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core import roles
from jixiao.core.errors import ServiceError
from jixiao.core.uploads import upload_check
from jixiao.scoring.model import Item

CLOSED_CYCLE_STATES = frozenset({CycleState.DRAFT, CycleState.CLOSED, CycleState.CANCELLED})
CLOSED_APPRAISAL_STATES = frozenset({AppraisalState.CLOSED, AppraisalState.WITHDRAWN})
RECORDED, CHANGED, UNCHANGED = "recorded", "changed", "unchanged"


@dataclass
class Review:
    """The check's answer: the problems, and for each command what writing it would
    do (`recorded`, `changed`, `unchanged`) and the value it would store."""

    problems: list[Problem] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)


def facts_check(
    *, commands: Sequence[Command], actor: Any, reason: str = "", book: FactBook | None = None
) -> list[Problem]:
    """Every problem of the batch, in the reader's language; none: it may be written."""
    return facts_review(commands=commands, actor=actor, reason=reason, book=book).problems


def facts_review(
    *, commands: Sequence[Command], actor: Any, reason: str = "", book: FactBook | None = None
) -> Review:
    if book is None or not book.covers(commands):
        appraisals = [command.appraisal for command in commands]
        rates = any(isinstance(command, RatingCommand) for command in commands)
        book = FactBook(appraisals=appraisals, actor=actor, ratings=rates)
    checker = _Checker(book, actor, reason)
    for index, command in enumerate(commands):
        checker.check(index, command)
    return checker.review


def change_problems(*, appraisal: Appraisal, actor: Any, item: str, reason: str) -> list[Problem]:
    """Whether `actor` may change or remove a fact of `item` now (the state and rights
    part of the check, for removals)."""
    book = FactBook(appraisals=[appraisal], actor=actor)
    checker = _Checker(book, actor, reason)
    command = Command(appraisal=appraisal, item=item)
    if checker.item_known(0, command) and checker.allowed(0, command):
        checker.open(0, command)
    return checker.review.problems


class _Checker:
    def __init__(self, book: FactBook, actor: Any, reason: str) -> None:
        self.book = book
        self.actor = actor
        self.reason = reason
        self.review = Review()
        self.is_hr = roles.is_hr(actor)
        self._failed = False
        self.written: dict[tuple[Any, ...], Any] = {}  # what the batch's earlier commands write

    def fail(
        self, index: int, where: str, code: str, message: str, forbidden: bool = False
    ) -> None:
        self.review.problems.append(Problem(index, where, code, message, forbidden))
        self._failed = True

    def reason_of(self, command: Command) -> str:
        return (command.reason or self.reason).strip()

    # -- one command --------------------------------------------------------------
    def check(self, index: int, command: Command) -> None:
        self._failed = False
        value: Any = None
        outcome = RECORDED
        known = self.item_known(index, command) and self.allowed(index, command)
        if known and self.open(index, command):
            value, outcome = self.kind(index, command)
        self.review.outcomes.append(outcome)
        self.review.values.append(value)

    def kind(self, index: int, command: Command) -> tuple[Any, str]:
        if isinstance(command, RatingCommand):
            return self.rating(index, command)
        if isinstance(command, ValueCommand | InputCommand | ScoreCommand):
            return self.fact(index, command)
        if isinstance(command, EventCommand):
            self.event(index, command)
        elif isinstance(command, AdjustmentCommand):
            return self.adjustment(index, command), RECORDED
        return None, RECORDED

    def item_known(self, index: int, command: Command) -> bool:
        appraisal = command.appraisal
        needs_item = isinstance(
            command, ValueCommand | ScoreCommand | RatingCommand | TargetCommand
        )
        if not command.item:
            if needs_item:
                self.fail(index, "item", "required", _("this kind of fact belongs to an item"))
            return not needs_item
        if self.book.item(appraisal, command.item) is None:
            scheme = self.book.scheme(appraisal)
            self.fail(
                index,
                "item",
                "unknown_item",
                _("the scheme %(scheme)s has no item %(item)s")
                % {"scheme": scheme.name, "item": command.item},
            )
            return False
        return True

    def _item_name(self, command: Command) -> str:
        item = self.book.item(command.appraisal, command.item) if command.item else None
        return item.name if item is not None else ""

    def allowed(self, index: int, command: Command) -> bool:
        appraisal = command.appraisal
        if isinstance(command, RatingCommand):
            rater = command.rater or self.actor
            if rater != self.actor and not self.is_hr:
                self.fail(
                    index,
                    "key",
                    "not_allowed",
                    _("only HR may enter a rating on behalf of someone else"),
                    forbidden=True,
                )
                return False
            if not self.book.may_rate(appraisal, command.role):
                self.fail(
                    index,
                    "key",
                    "not_allowed",
                    _("you may not give the %(role)s rating of this appraisal")
                    % {"role": command.role or "—"},
                    forbidden=True,
                )
                return False
            item = self.book.item(appraisal, command.item)
            code, message = (
                self.book.survey_refusal(appraisal, command.role, item, rater.pk, self.is_hr)
                if item is not None
                else ("", "")
            )
            if code:
                self.fail(index, "item", code, message, forbidden=code == "not_assigned")
                return False
            return True
        if self.book.may_record(appraisal, command.item):
            return True
        message = (
            _("you may not record facts of %(item)s") % {"item": self._item_name(command)}
            if command.item
            else _("you may not record facts of this appraisal")
        )
        self.fail(index, "item", "not_allowed", message, forbidden=True)
        return False

    def open(self, index: int, command: Command) -> bool:
        """The appraisal takes facts: its cycle runs; after publication HR, with a reason."""
        state, cycle_state = self.book.states.get(command.appraisal.pk, ("", ""))
        if cycle_state in CLOSED_CYCLE_STATES or state in CLOSED_APPRAISAL_STATES or not state:
            self.fail(
                index,
                "cycle",
                "cycle_closed",
                _("facts can no longer be recorded for this appraisal"),
            )
            return False
        if cycle_state == CycleState.PUBLISHED:
            if not self.is_hr:
                self.fail(
                    index,
                    "cycle",
                    "cycle_closed",
                    _("after publication facts change only through HR"),
                    forbidden=True,
                )
                return False
            if not self.reason_of(command):
                self.fail(
                    index,
                    "reason",
                    "reason_required",
                    _("a change after publication needs a reason"),
                )
                return False
        return True

    # -- values, inputs, scores ------------------------------------------------------
    def fact(
        self, index: int, command: ValueCommand | InputCommand | ScoreCommand
    ) -> tuple[Any, str]:
        item = self.book.item(command.appraisal, command.item) if command.item else None
        value: Any = command.value
        if isinstance(command, InputCommand):
            value = self.input(index, command, item)
        elif item is not None:
            scale = rules.value_scale(item) if isinstance(command, ValueCommand) else None
            scale = scale or rules.score_scale(item)
            value, code, message = scale.refusal(item, command.value)
            if code:
                self.fail(index, "value", code, message)
        if self._failed:
            return value, RECORDED
        key = command.key if isinstance(command, InputCommand) else ""
        address = ("fact", command.appraisal.pk, command.item, FACT_KINDS[type(command)], key)
        return value, self.change(index, command, address, value, value)

    def input(self, index: int, command: InputCommand, item: Item | None) -> Any:
        if not command.key.strip():
            self.fail(index, "key", "required", _("an input needs a name"))
            return command.value
        if item is None:  # the appraisee's own input: a number or a word
            if isinstance(command.value, bool) or not isinstance(command.value, int | float | str):
                self.fail(index, "value", "invalid", _("an input is a number or a word"))
                return command.value
            number = rules.as_number(command.value)
            return number if number is not None else command.value.strip()  # type: ignore[union-attr]
        names = rules.input_names(item)
        if command.key not in names:
            self.fail(
                index,
                "key",
                "unknown_input",
                _("%(item)s has no input %(input)s (its inputs: %(inputs)s)")
                % {"item": item.name, "input": command.key, "inputs": ", ".join(sorted(names))},
            )
            return command.value
        if isinstance(command, TargetCommand) and rules.target_in_words(item, command.key):
            return self.target_words(index, command, item)
        value, code, message = rules.Scale().refusal(item, command.value)
        if code:
            self.fail(index, "value", code, message)
        return value

    def target_words(self, index: int, command: InputCommand, item: Item) -> Any:
        """A target, challenge value or its measure that the item does not compute
        with: a number, or words (「完成11月月结」) of a reasonable length."""
        number = rules.as_number(command.value)
        if number is not None and command.key != rules.TARGET_MEASURE:
            return number
        if not isinstance(command.value, str) or not command.value.strip():
            self.fail(
                index,
                "value",
                "invalid",
                _("%(item)s: a target is a number or words") % {"item": item.name},
            )
            return command.value
        text = " ".join(command.value.split())
        if len(text) > rules.TARGET_TEXT_LIMIT:
            self.fail(
                index,
                "value",
                "too_long",
                _("%(item)s: a target in words has at most %(limit)s characters")
                % {"item": item.name, "limit": rules.TARGET_TEXT_LIMIT},
            )
        return text

    def change(
        self, index: int, command: Command, address: tuple[Any, ...], value: Any, stored_as: Any
    ) -> str:
        """Recorded, unchanged, or a change of what is stored (which needs a reason)."""
        facts = self.written if address in self.written else self.book.facts
        if address not in facts:
            self.written[address] = stored_as  # a later command of the batch changes this one
            return RECORDED
        before = facts[address]
        if before == stored_as:
            return UNCHANGED
        if not self.reason_of(command):
            shown = before[0] if address[0] == "rating" else before
            name = self._item_name(command)
            self.fail(
                index,
                "reason",
                "reason_required",
                _("%(item)s already has %(stored)s recorded: give a reason to change it")
                % {"item": name, "stored": rules.shown(shown)},
            )
            return CHANGED
        self.written[address] = stored_as
        return CHANGED

    # -- ratings --------------------------------------------------------------------
    def rating(self, index: int, command: RatingCommand) -> tuple[Any, str]:
        item = self.book.item(command.appraisal, command.item)
        assert item is not None
        if not command.role.strip():
            self.fail(index, "key", "required", _("a rating names its role"))
            return command.value, RECORDED
        scale = rules.rating_scale(item)
        if scale is None:
            self.fail(
                index, "item", "no_ratings", _("%(item)s takes no ratings") % {"item": item.name}
            )
            return command.value, RECORDED
        known = rules.rater_roles(item, self.book.scheme(command.appraisal))
        if known and command.role not in known:
            self.fail(
                index,
                "key",
                "unknown_role",
                _("%(item)s is rated by %(roles)s: there is no %(role)s rating")
                % {"item": item.name, "roles": ", ".join(known), "role": command.role},
            )
            return command.value, RECORDED
        value, code, message = scale.refusal(item, command.value)
        if code:
            self.fail(index, "value", code, message)
            return value, RECORDED
        rater = command.rater or self.actor
        single = command.role in SINGLE_RATER_ROLES
        address = (
            "rating",
            command.appraisal.pk,
            command.item,
            command.role,
            None if single else rater.pk,
        )
        return value, self.change(index, command, address, value, (value, rater.pk))

    # -- events and adjustments -------------------------------------------------------
    def event(self, index: int, command: EventCommand) -> None:
        names = self._event_names(command)
        if not command.name.strip():
            self.fail(index, "key", "required", _("an event needs a name"))
        elif command.name not in names:
            where = self._item_name(command) or _("the appraisee")
            self.fail(
                index,
                "key",
                "unknown_event",
                _("%(item)s has no event %(event)s (its events: %(events)s)")
                % {"item": where, "event": command.name, "events": ", ".join(sorted(names)) or "—"},
            )
        count = rules.as_number(command.count)
        if count is None or not float(count).is_integer() or count < 1:
            self.fail(
                index,
                "value",
                "invalid",
                _("the count of events is a whole number, 1 or more: %(value)s is not")
                % {"value": rules.shown(command.count)},
            )
        if command.size is not None:
            size = rules.as_number(command.size)
            if size is None or size < 0:
                self.fail(index, "size", "invalid", _("an event's size is a number, 0 or more"))
        if not isinstance(command.occurred_on, datetime.date):
            self.fail(index, "occurred_on", "required", _("say when it happened"))
        if not command.description.strip():
            self.fail(index, "description", "required", _("say what happened"))
        if command.evidence is not None:
            self.evidence(index, command.evidence)

    def _event_names(self, command: EventCommand) -> frozenset[str]:
        if command.item:
            item = self.book.item(command.appraisal, command.item)
            return item.rule.event_names() if item is not None else frozenset()
        scheme = self.book.scheme(command.appraisal)
        return frozenset(
            name
            for adjustment in scheme.adjustments
            if adjustment.events is not None
            for name in adjustment.events.names
        )

    def evidence(self, index: int, upload: Any) -> None:
        try:
            upload_check(upload)
        except ServiceError as exc:
            self.fail(index, "evidence", "invalid_file", exc.message)

    def adjustment(self, index: int, command: AdjustmentCommand) -> Any:
        scheme = self.book.scheme(command.appraisal)
        found = next(
            (
                adjustment
                for adjustment in scheme.adjustments
                if adjustment.name == command.name and adjustment.kind in ("bonus", "penalty")
            ),
            None,
        )
        if found is None:
            names = [a.name for a in scheme.adjustments if a.kind in ("bonus", "penalty")]
            self.fail(
                index,
                "item",
                "unknown_adjustment",
                _("the scheme %(scheme)s has no bonus or penalty %(name)s (its own: %(names)s)")
                % {
                    "scheme": scheme.name,
                    "name": command.name or "—",
                    "names": ", ".join(names) or "—",
                },
            )
            return command.amount
        scale = rules.Scale(*((None, *found.each) if found.each else ()))
        amount = rules.as_number(command.amount)
        if amount is None or scale.refusal(_Named(found.name), amount)[1]:
            self.fail(
                index,
                "value",
                "outside_scale" if amount is not None else "not_a_number",
                _("%(item)s takes %(allowed)s: %(value)s is not")
                % {
                    "item": found.name,
                    "allowed": scale.describe(),
                    "value": rules.shown(command.amount),
                },
            )
        if not self.reason_of(command):
            self.fail(index, "reason", "reason_required", _("an adjustment needs a reason"))
        return amount


@dataclass(frozen=True)
class _Named:
    name: str
