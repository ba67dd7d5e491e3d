"""The transition table of cycles and appraisals, without a database."""

from __future__ import annotations

import pytest

from jixiao.appraisals.workflow import (
    APPRAISEE,
    HR,
    SKIP_LEVEL,
    SUPERVISOR,
    SYSTEM,
    TRANSITIONS,
    AppraisalState,
    CycleState,
    check_transition,
    movers,
)
from jixiao.core.errors import InvalidTransition

C, A = CycleState, AppraisalState

ALLOWED = [
    (C.DRAFT, C.TARGETS),
    (C.DRAFT, C.CANCELLED),
    (C.TARGETS, C.COLLECTING),
    (C.COLLECTING, C.REVIEW),
    (C.REVIEW, C.CALIBRATION),
    (C.REVIEW, C.COLLECTING),
    (C.CALIBRATION, C.PUBLISHED),
    (C.CALIBRATION, C.REVIEW),
    (C.PUBLISHED, C.CLOSED),
    (A.TARGETS, A.COLLECTING),
    (A.COLLECTING, A.SELF_REVIEW),
    (A.COLLECTING, A.SUPERVISOR_REVIEW),
    (A.SELF_REVIEW, A.SUPERVISOR_REVIEW),
    (A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW),
    (A.SUPERVISOR_REVIEW, A.CALIBRATION),
    (A.SKIP_LEVEL_REVIEW, A.CALIBRATION),
    (A.CALIBRATION, A.PUBLISHED),
    (A.PUBLISHED, A.APPEALED),
    (A.APPEALED, A.PUBLISHED),
    (A.PUBLISHED, A.CLOSED),
    (A.COLLECTING, A.WITHDRAWN),
]

REFUSED = [
    (C.DRAFT, C.PUBLISHED),  # no skipping to publication
    (C.PUBLISHED, C.CALIBRATION),  # published results are not reopened by moving back
    (C.CLOSED, C.DRAFT),
    (C.CANCELLED, C.TARGETS),
    (C.DRAFT, C.DRAFT),
    (A.TARGETS, A.CALIBRATION),
    (A.SELF_REVIEW, A.PUBLISHED),
    (A.PUBLISHED, A.WITHDRAWN),  # a published result stays
    (A.CLOSED, A.PUBLISHED),
    (A.WITHDRAWN, A.COLLECTING),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_moves_pass(
    current: CycleState | AppraisalState, target: CycleState | AppraisalState
) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_other_moves_raise(
    current: CycleState | AppraisalState, target: CycleState | AppraisalState
) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(current, target)


def test_a_cycle_state_never_moves_to_an_appraisal_state() -> None:
    # both have "targets" and "collecting": the kinds are never mixed
    with pytest.raises(InvalidTransition):
        check_transition(C.DRAFT, A.TARGETS)


def test_the_message_names_the_states_and_the_possible_moves() -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(C.DRAFT, C.PUBLISHED)
    assert str(caught.value) == (
        "cannot go from “draft” to “published” (possible: setting targets, cancelled)"
    )


def test_every_state_is_in_the_table_and_every_move_names_who_makes_it() -> None:
    for kind in (CycleState, AppraisalState):
        assert set(TRANSITIONS[kind]) == set(kind)
        for moves in TRANSITIONS[kind].values():
            assert all(movers for movers in moves.values())


@pytest.mark.parametrize(
    ("current", "target", "who"),
    [
        (A.TARGETS, A.COLLECTING, {APPRAISEE, HR}),
        (A.SELF_REVIEW, A.SUPERVISOR_REVIEW, {APPRAISEE, HR}),
        (A.SUPERVISOR_REVIEW, A.SKIP_LEVEL_REVIEW, {SUPERVISOR, HR}),
        (A.SKIP_LEVEL_REVIEW, A.CALIBRATION, {SKIP_LEVEL, HR}),
        (A.CALIBRATION, A.PUBLISHED, {SYSTEM}),
    ],
)
def test_who_makes_a_move(current: AppraisalState, target: AppraisalState, who: set[str]) -> None:
    assert movers(current, target) == who


def test_terminal_states_have_no_moves() -> None:
    for state in (C.CLOSED, C.CANCELLED, A.CLOSED, A.WITHDRAWN):
        assert TRANSITIONS[type(state)][state] == {}
