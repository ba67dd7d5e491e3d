"""The states of a cycle and of an appraisal, and the one table of the moves
between them (domain.md §3), with who may make each move.

`check_transition(current, target)` raises `InvalidTransition` for a move the
table does not hold. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import InvalidTransition


class CycleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    TARGETS = "targets", _("setting targets")
    COLLECTING = "collecting", _("collecting facts")
    REVIEW = "review", _("review")
    CALIBRATION = "calibration", _("calibration")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class AppraisalState(models.TextChoices):
    TARGETS = "targets", _("targets to sign")
    COLLECTING = "collecting", _("collecting facts")
    SELF_REVIEW = "self_review", _("self-assessment")
    SUPERVISOR_REVIEW = "supervisor_review", _("supervisor review")
    SKIP_LEVEL_REVIEW = "skip_level_review", _("skip-level review")
    CALIBRATION = "calibration", _("calibration")
    PUBLISHED = "published", _("published")
    APPEALED = "appealed", _("under appeal")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Who may make a move. "hr" may make every move of an appraisal; "system" marks
# moves only a cycle service makes (opening, publication, closing).
HR, APPRAISEE, SUPERVISOR, SKIP_LEVEL, COMMITTEE, SYSTEM = (
    "hr",
    "appraisee",
    "supervisor",
    "skip_level",
    "committee",
    "system",
)


class AppealState(models.TextChoices):
    RECEIVED = "received", _("received")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    ANSWERED = "answered", _("answered")


class ChangeRequestState(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


C, A = CycleState, AppraisalState
State = CycleState | AppraisalState | AppealState | ChangeRequestState
Moves = Mapping[State, Mapping[State, frozenset[str]]]

_WITHDRAW: dict[State, frozenset[str]] = {A.WITHDRAWN: frozenset({HR})}

# One table for both machines, keyed by the kind of state (their values overlap:
# a cycle and an appraisal both have "targets").
TRANSITIONS: Mapping[type[State], Moves] = {
    CycleState: {  # every move of a cycle is HR's, through the cycle services
        C.DRAFT: {C.TARGETS: frozenset({HR}), C.CANCELLED: frozenset({HR})},
        C.TARGETS: {C.COLLECTING: frozenset({HR})},
        C.COLLECTING: {C.REVIEW: frozenset({HR})},
        C.REVIEW: {C.CALIBRATION: frozenset({HR}), C.COLLECTING: frozenset({HR})},
        C.CALIBRATION: {C.PUBLISHED: frozenset({HR}), C.REVIEW: frozenset({HR})},
        C.PUBLISHED: {C.CLOSED: frozenset({HR})},
        C.CLOSED: {},
        C.CANCELLED: {},
    },
    AppraisalState: {
        A.TARGETS: {A.COLLECTING: frozenset({APPRAISEE, HR}), **_WITHDRAW},
        A.COLLECTING: {
            A.SELF_REVIEW: frozenset({SUPERVISOR, HR}),
            A.SUPERVISOR_REVIEW: frozenset({SUPERVISOR, HR}),
            **_WITHDRAW,
        },
        A.SELF_REVIEW: {
            A.SUPERVISOR_REVIEW: frozenset({APPRAISEE, HR}),
            A.COLLECTING: frozenset({HR}),
            **_WITHDRAW,
        },
        A.SUPERVISOR_REVIEW: {
            A.SKIP_LEVEL_REVIEW: frozenset({SUPERVISOR, HR}),
            A.CALIBRATION: frozenset({SUPERVISOR, HR}),
            A.SELF_REVIEW: frozenset({SUPERVISOR, HR}),
            **_WITHDRAW,
        },
        A.SKIP_LEVEL_REVIEW: {
            A.CALIBRATION: frozenset({SKIP_LEVEL, HR}),
            A.SUPERVISOR_REVIEW: frozenset({SKIP_LEVEL, HR}),
            **_WITHDRAW,
        },
        A.CALIBRATION: {
            A.PUBLISHED: frozenset({SYSTEM}),
            A.SUPERVISOR_REVIEW: frozenset({COMMITTEE, HR}),
            **_WITHDRAW,
        },
        A.PUBLISHED: {A.APPEALED: frozenset({APPRAISEE, HR}), A.CLOSED: frozenset({SYSTEM})},
        A.APPEALED: {A.PUBLISHED: frozenset({HR, COMMITTEE})},
        A.CLOSED: {},
        A.WITHDRAWN: {},
    },
    AppealState: {  # HR (or the cycle's committee) decides and answers
        AppealState.RECEIVED: {
            AppealState.ACCEPTED: frozenset({HR, COMMITTEE}),
            AppealState.REJECTED: frozenset({HR, COMMITTEE}),
        },
        AppealState.ACCEPTED: {AppealState.ANSWERED: frozenset({HR, COMMITTEE})},
        AppealState.REJECTED: {},
        AppealState.ANSWERED: {},
    },
    ChangeRequestState: {  # a manager above the appraisee, or HR, answers
        ChangeRequestState.PENDING: {
            ChangeRequestState.APPROVED: frozenset({SUPERVISOR, SKIP_LEVEL, HR}),
            ChangeRequestState.REFUSED: frozenset({SUPERVISOR, SKIP_LEVEL, HR}),
        },
        ChangeRequestState.APPROVED: {},
        ChangeRequestState.REFUSED: {},
    },
}
OPEN_APPEAL_STATES = frozenset({AppealState.RECEIVED, AppealState.ACCEPTED})

# States in which results follow the facts; from publication on they are frozen.
SCORING_CYCLE_STATES = frozenset({C.TARGETS, C.COLLECTING, C.REVIEW, C.CALIBRATION})
ACTIVE_APPRAISAL_STATES = frozenset(set(A) - {A.WITHDRAWN})


def allowed_moves(current: State) -> Mapping[State, frozenset[str]]:
    return TRANSITIONS[type(current)].get(current, {})


def check_transition(current: State, target: State) -> None:
    """Raise `InvalidTransition` unless the table allows `current` → `target`."""
    if type(current) is not type(target) or target not in allowed_moves(current):
        allowed = ", ".join(str(state.label) for state in allowed_moves(current)) or "—"
        raise InvalidTransition(
            gettext("cannot go from “%(current)s” to “%(target)s” (possible: %(allowed)s)")
            % {"current": current.label, "target": target.label, "allowed": allowed}
        )


def movers(current: State, target: State) -> frozenset[str]:
    """Who may make a move (after `check_transition` has allowed it)."""
    return allowed_moves(current).get(target, frozenset())
