"""Ratings given in one go: a person's ratings of one appraisal, or a manager's of
the whole team, saved as a draft through the fact pipeline (one all-or-nothing
write) and then submitted, which moves the appraisal to its next stage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.access import SELF_ROLES, SKIP_LEVEL_ROLES, SUPERVISOR_ROLES, relations
from jixiao.appraisals.models import Appraisal, Rating
from jixiao.appraisals.services.appraisals import appraisal_transition
from jixiao.appraisals.services.pipeline import UNCHANGED, RatingCommand
from jixiao.appraisals.services.sheets import Cell, Sheet, sheet_apply
from jixiao.appraisals.workflow import APPRAISEE, SKIP_LEVEL, SUPERVISOR, AppraisalState
from jixiao.core.errors import ServiceError

A = AppraisalState


@dataclass(frozen=True)
class RatingEntry:
    """One rating as typed (an empty value is left as it is)."""

    appraisal: Appraisal
    item: str
    item_name: str
    role: str
    value: Any
    comment: str = ""


def ratings_save(*, entries: Sequence[RatingEntry], actor: Any, reason: str = "") -> int:
    """Save many ratings at once through the fact pipeline, all or nothing: a refusal
    (`SheetRefused`) names the person and the item of each refused rating. A rating
    already given changes only with `reason`. Returns how many ratings changed."""
    sheet = Sheet()
    for entry in entries:
        value = entry.value.strip() if isinstance(entry.value, str) else entry.value
        if value in (None, ""):
            continue
        cell = Cell(
            (entry.appraisal.pk, entry.item, entry.role),
            entry.appraisal.appraisee_name,
            entry.item_name,
        )
        command = RatingCommand(
            appraisal=entry.appraisal,
            item=entry.item,
            role=entry.role,
            value=value,
            comment=entry.comment.strip(),
            reason=reason,
        )
        sheet.add(command, cell)
    written = sheet_apply(sheet=sheet, actor=actor, reason=reason)
    return sum(1 for done in written if done.outcome != UNCHANGED)


def rating_roles_now(standing: set[str], state: str) -> frozenset[str]:
    """The rater roles a person rates in at the appraisal's stage."""
    if APPRAISEE in standing and state == A.SELF_REVIEW:
        return SELF_ROLES
    if SUPERVISOR in standing and state == A.SUPERVISOR_REVIEW:
        return SUPERVISOR_ROLES
    if SKIP_LEVEL in standing and state == A.SKIP_LEVEL_REVIEW:
        return SKIP_LEVEL_ROLES
    return frozenset()


def rating_next_state(state: str, standing: set[str], roles_used: set[str]) -> str | None:
    """Where the person's move takes the appraisal (None: they have no move now).
    `roles_used`: the rater roles the scheme's items use."""
    if state == A.COLLECTING and SUPERVISOR in standing:
        return A.SELF_REVIEW if roles_used & SELF_ROLES else A.SUPERVISOR_REVIEW
    if state == A.SELF_REVIEW and APPRAISEE in standing:
        return A.SUPERVISOR_REVIEW
    if state == A.SUPERVISOR_REVIEW and SUPERVISOR in standing:
        return A.SKIP_LEVEL_REVIEW if roles_used & SKIP_LEVEL_ROLES else A.CALIBRATION
    if state == A.SKIP_LEVEL_REVIEW and SKIP_LEVEL in standing:
        return A.CALIBRATION
    return None


def ratings_missing(appraisal: Appraisal, roles: frozenset[str], items: Sequence[Any]) -> list[str]:
    """The names of the `items` (with `code`, `name`, `rater_roles`) not yet rated in
    the person's `roles`."""
    given = set(
        Rating.objects.filter(appraisal=appraisal, role__in=roles).values_list("item", "role")
    )
    return [
        item.name
        for item in items
        for role in item.rater_roles
        if role in roles and (item.code, role) not in given
    ]


def ratings_submit(*, appraisal: Appraisal, actor: Any, items: Sequence[Any]) -> str:
    """Submit the person's part (自评, 复评, 终评), or start the reviews (the
    supervisor, when the facts are in): the appraisal moves to its next stage. A
    review is submitted only when every item it rates has a rating. Returns the new
    stage."""
    appraisal.refresh_from_db(fields=["state"])
    standing = relations(actor, appraisal)
    roles_used = {role for item in items for role in item.rater_roles}
    target = rating_next_state(appraisal.state, standing, roles_used)
    if target is None:
        raise ServiceError(_("there is nothing for you to submit at this stage"))
    missing = ratings_missing(appraisal, rating_roles_now(standing, appraisal.state), items)
    if missing:
        raise ServiceError(
            _("%(person)s: not submitted, these items have no rating yet: %(items)s")
            % {"person": appraisal.appraisee_name, "items": "、".join(missing)}
        )
    with transaction.atomic():
        appraisal_transition(appraisal=appraisal, actor=actor, to=AppraisalState(target))
    return target


def move_said(previous: str, target: str, person: str) -> str:
    """What a move did, in words: the answer to 开始复评, 提交 …"""
    if previous == A.COLLECTING and target == A.SELF_REVIEW:
        text = _("The self-assessment of %(person)s has started: they can now rate themselves.")
    elif previous == A.COLLECTING:
        text = _("The supervisor review of %(person)s has started: the ratings can be given now.")
    elif target == A.SUPERVISOR_REVIEW:
        text = _("The self-assessment of %(person)s is submitted: the supervisor review is next.")
    elif target == A.SKIP_LEVEL_REVIEW:
        text = _("The supervisor review of %(person)s is submitted: the skip-level review is next.")
    elif previous == A.SKIP_LEVEL_REVIEW:
        text = _(
            "The skip-level review of %(person)s is submitted: the appraisal waits for calibration."
        )
    else:
        text = _(
            "The supervisor review of %(person)s is submitted: the appraisal waits for calibration."
        )
    return text % {"person": person}
