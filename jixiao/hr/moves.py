"""What a cycle move will do, said before HR confirms it (issue 13): what is still
unfinished and what happens next — "公示 57 条结果，57 位员工将收到通知" — from one
aggregate query whatever the cycle's size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from jixiao.appraisals.models import (
    Appeal,
    Appraisal,
    Cycle,
    Eligibility,
    EligibilityDecision,
    Result,
)
from jixiao.appraisals.workflow import AppealState, AppraisalState, CycleState

A = AppraisalState
BEFORE = {  # a cycle move: the appraisal states that have not reached it
    CycleState.COLLECTING: [A.TARGETS],
    CycleState.REVIEW: [A.TARGETS, A.COLLECTING],
    CycleState.CALIBRATION: [
        A.TARGETS,
        A.COLLECTING,
        A.SELF_REVIEW,
        A.SUPERVISOR_REVIEW,
        A.SKIP_LEVEL_REVIEW,
    ],
    CycleState.PUBLISHED: [
        A.TARGETS,
        A.COLLECTING,
        A.SELF_REVIEW,
        A.SUPERVISOR_REVIEW,
        A.SKIP_LEVEL_REVIEW,
    ],
}


@dataclass(frozen=True)
class Preview:
    label: str  # the move as its button says it ("公示", "进入：复评")
    unfinished: list[str]  # what is not done yet (may block the move)
    effects: list[str]  # what the move will do

    @property
    def text(self) -> str:
        return "\n".join([*self.unfinished, *self.effects])


def move_label(target: str) -> str:
    """The words of a cycle move, the same on its button and in the preview."""
    words = {
        CycleState.TARGETS: _("Open the cycle"),
        CycleState.PUBLISHED: _("Publish"),
        CycleState.CLOSED: _("Close"),
        CycleState.CANCELLED: _("Cancel the cycle"),
    }
    state = CycleState(target)
    if state in words:
        return words[state]
    return _("Move to: %(state)s") % {"state": state.label}


def move_preview(cycle: Cycle, target: str) -> Preview:
    counts = (
        Appraisal.objects.filter(cycle=cycle)
        .exclude(state=A.WITHDRAWN)
        .aggregate(
            total=Count("pk"),
            people=Count("pk", filter=Q(employee__user__isnull=False)),
            behind=Count("pk", filter=Q(state__in=BEFORE.get(CycleState(target), []))),
            unsigned=Count("pk", filter=Q(state=A.TARGETS)),
        )
    )
    unfinished: list[str] = []
    effects: list[str] = []
    total, people, behind = counts["total"], counts["people"], counts["behind"]
    if target == CycleState.TARGETS:
        eligible = (
            Eligibility.objects.filter(cycle=cycle)
            .filter(
                Q(decision=EligibilityDecision.INCLUDE)
                | (~Q(decision=EligibilityDecision.EXCLUDE) & Q(excluded=False))
            )
            .count()
        )
        effects.append(
            _("appraisals to create and appraisees asked to sign targets: %(count)s")
            % {"count": eligible}
        )
    elif target in BEFORE:
        if counts["unsigned"]:
            unfinished.append(
                _("appraisals whose targets are not signed yet: %(count)s")
                % {"count": counts["unsigned"]}
            )
        if behind and behind != counts["unsigned"]:
            unfinished.append(
                _("appraisals that have not reached this stage: %(count)s of %(total)s")
                % {"count": behind, "total": total}
            )
    if target == CycleState.PUBLISHED:
        results = Result.objects.filter(appraisal__cycle=cycle).aggregate(
            total=Count("pk"),
            errors=Count("pk", filter=~Q(errors=[])),
            review=Count("pk", filter=Q(needs_review=True)),
        )
        if results["errors"]:
            unfinished.append(
                _("%(count)s results have errors: publication will be refused")
                % {"count": results["errors"]}
            )
        if results["review"]:
            unfinished.append(
                _("%(count)s calibrated results await review: publication will be refused")
                % {"count": results["review"]}
            )
        effects.append(
            _("%(results)s results will be published; %(people)s employees will be notified")
            % {"results": results["total"], "people": people}
        )
    elif target == CycleState.CLOSED:
        open_appeals = Appeal.objects.filter(
            appraisal__cycle=cycle,
            state__in=[AppealState.RECEIVED, AppealState.ACCEPTED],
        ).count()
        if open_appeals:
            unfinished.append(
                _("%(count)s appeals are not answered: closing will be refused")
                % {"count": open_appeals}
            )
        effects.append(_("%(count)s appraisals will be archived") % {"count": total})
    elif target == CycleState.CANCELLED:
        effects.append(
            _("%(count)s appraisals will be cancelled; nothing is published") % {"count": total}
        )
    elif target in BEFORE:
        effects.append(
            _("the cycle moves to %(state)s for its %(count)s appraisals")
            % {"state": CycleState(target).label, "count": total}
        )
    return Preview(label=move_label(target), unfinished=unfinished, effects=effects)
