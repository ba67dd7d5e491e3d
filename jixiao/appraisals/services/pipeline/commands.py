"""What a write of a fact is: one frozen command per kind of fact.

A form, an Excel row, an API row, the admin and the demo loader only turn their
input into these; `facts_check` decides whether they may be written and
`facts_apply` writes them. A command names its appraisal, the item (its code; empty
for the appraisee's own inputs, events and adjustments), what is written, and the
channel it came from (`source`). `reason` is the command's own reason for a change;
without one, the batch's reason applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from jixiao.appraisals.models import Appraisal, FactSource


@dataclass(frozen=True)
class Command:
    appraisal: Appraisal
    item: str = ""
    source: str = FactSource.FORM
    reason: str = ""


@dataclass(frozen=True)
class ValueCommand(Command):
    """The item's value: a number, or a level name for a levels item."""

    value: Any = None
    note: str = ""


@dataclass(frozen=True)
class InputCommand(Command):
    """An input named `key`: of the item (a number), or of the appraisee (no item:
    a number or a word)."""

    key: str = ""
    value: Any = None
    note: str = ""


@dataclass(frozen=True)
class TargetCommand(InputCommand):
    """A target (目标值, key `target`) or challenge value (`challenge`) of an item."""


@dataclass(frozen=True)
class ScoreCommand(Command):
    """A score given directly for the item."""

    value: Any = None
    note: str = ""


@dataclass(frozen=True)
class EventCommand(Command):
    """What happened (事实记录): `count` occurrences of the event `name` (of the item,
    or of an adjustment of the scheme without an item), with an optional size and
    evidence file."""

    name: str = ""
    occurred_on: datetime.date | None = None
    description: str = ""
    count: Any = 1
    size: Any = None
    evidence: Any = None  # an uploaded file; written to storage when the write commits


@dataclass(frozen=True)
class RatingCommand(Command):
    """A rating of the item in a rater role, given by `rater` (the actor when None)."""

    role: str = ""
    value: Any = None
    rater: Any = None
    comment: str = ""


@dataclass(frozen=True)
class AdjustmentCommand(Command):
    """An amount for a bonus or penalty adjustment of the scheme (named `name`)."""

    name: str = ""
    amount: Any = None


FACT_KINDS: dict[type[Command], str] = {
    ValueCommand: "value",
    InputCommand: "input",
    TargetCommand: "input",
    ScoreCommand: "score",
}


@dataclass(frozen=True)
class Problem:
    """Why one command cannot be written. `index` is the command's place in the batch;
    `field` the part of it that is wrong (appraisal, item, key, value, reason, size,
    occurred_on, description, evidence, cycle); `code` a stable word for programs;
    `message` the sentence for the person, in their language. `forbidden` marks a
    refusal of the person's rights (the browser answers it as a missing page)."""

    index: int
    field: str
    code: str
    message: str
    forbidden: bool = False
