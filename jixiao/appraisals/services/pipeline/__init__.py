"""One pipeline for every write of a fact (docs/adr/0004-one-fact-pipeline.md):
typed commands, one check (`facts_check`), one write (`facts_apply`)."""

from jixiao.appraisals.services.pipeline.apply import (
    FactsForbidden,
    FactsRefused,
    Written,
    facts_apply,
    refuse,
)
from jixiao.appraisals.services.pipeline.book import SINGLE_RATER_ROLES, FactBook
from jixiao.appraisals.services.pipeline.check import (
    CHANGED,
    CLOSED_APPRAISAL_STATES,
    CLOSED_CYCLE_STATES,
    RECORDED,
    UNCHANGED,
    Review,
    change_problems,
    facts_check,
    facts_review,
)
from jixiao.appraisals.services.pipeline.commands import (
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

__all__ = [
    "CHANGED",
    "CLOSED_APPRAISAL_STATES",
    "CLOSED_CYCLE_STATES",
    "RECORDED",
    "SINGLE_RATER_ROLES",
    "UNCHANGED",
    "AdjustmentCommand",
    "Command",
    "EventCommand",
    "FactBook",
    "FactsForbidden",
    "FactsRefused",
    "InputCommand",
    "Problem",
    "RatingCommand",
    "Review",
    "ScoreCommand",
    "TargetCommand",
    "ValueCommand",
    "Written",
    "change_problems",
    "facts_apply",
    "facts_check",
    "facts_review",
    "refuse",
]
