"""Targets (签订目标): the manager sets the targets and challenge values and signs;
the appraisee acknowledges. After that a target changes only through a request
with a reason that a manager above the appraisee (or HR) approves; a refused
request leaves the original target in force."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import (
    can_acknowledge_targets,
    can_answer_target_change,
    can_request_target_change,
    can_set_targets,
)
from jixiao.appraisals.models import Appraisal, Fact, FactKind, TargetChangeRequest
from jixiao.appraisals.services.appraisals import appraisal_transition
from jixiao.appraisals.services.pipeline import TargetCommand, facts_apply
from jixiao.appraisals.workflow import AppraisalState, ChangeRequestState, check_transition
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError


def current_targets(appraisal: Appraisal) -> dict[str, dict[str, Any]]:
    """{item: {"target": …, "challenge": …}} as recorded."""
    found: dict[str, dict[str, Any]] = {}
    rows = Fact.objects.filter(
        appraisal=appraisal, kind=FactKind.INPUT, key__in=("target", "challenge")
    ).exclude(item="")
    for fact in rows:
        found.setdefault(fact.item, {})[fact.key] = fact.value
    return found


def _write(
    appraisal: Appraisal, actor: Any, item: str, target: float, challenge: float | None, reason: str
) -> None:
    commands = [
        TargetCommand(appraisal=appraisal, item=item, key=key, value=value, reason=reason)
        for key, value in (("target", target), ("challenge", challenge))
        if value is not None
    ]
    facts_apply(commands=commands, actor=actor, reason=reason)


def target_set(
    *,
    appraisal: Appraisal,
    actor: Any,
    item: str,
    target: float,
    challenge: float | None = None,
    reason: str = "",
) -> None:
    """Set an item's target (目标值) and challenge value (挑战值): the item's inputs
    `target` and `challenge`. Before the appraisee acknowledges, a change withdraws the
    manager's signature; after it, only HR changes a target directly (with a reason) —
    everyone else asks (`target_change_request`)."""
    if not can_set_targets(actor, appraisal):
        raise NotAllowed(_("you may not set the targets of this appraisal"))
    appraisal.refresh_from_db(fields=["targets_signed_at", "targets_set_at"])
    signed = appraisal.targets_signed_at is not None
    if signed and not roles.is_hr(actor):
        raise NotAllowed(_("the targets are signed: ask for a change instead"))
    if signed and not reason.strip():
        raise ServiceError(_("the targets are signed: a change needs a reason"))
    with transaction.atomic():
        before = current_targets(appraisal).get(item, {})
        _write(appraisal, actor, item, target, challenge, reason)
        if not signed and appraisal.targets_set_at is not None:
            after = current_targets(appraisal).get(item, {})
            if after != before:
                _unsign(appraisal, actor)


def _unsign(appraisal: Appraisal, actor: Any) -> None:
    appraisal.targets_set_at = None
    appraisal.targets_set_by = None
    appraisal.save(update_fields=["targets_set_at", "targets_set_by", "updated_at"])
    audit_record(
        actor=actor,
        action="targets.unsigned",
        target=appraisal,
        reason=_("a target changed after signing"),
    )


def targets_sign(*, appraisal: Appraisal, actor: Any) -> Appraisal:
    """The manager signs the targets; the appraisee may then acknowledge them."""
    if not can_set_targets(actor, appraisal):
        raise NotAllowed(_("you may not sign the targets of this appraisal"))
    appraisal.refresh_from_db(fields=["state"])
    if appraisal.state != AppraisalState.TARGETS:
        raise ServiceError(_("the targets are no longer being set"))
    with transaction.atomic():
        appraisal.targets_set_at = timezone.now()
        appraisal.targets_set_by = actor
        appraisal.save(update_fields=["targets_set_at", "targets_set_by", "updated_at"])
        audit_record(
            actor=actor,
            action="targets.signed",
            target=appraisal,
            after={"targets": current_targets(appraisal)},
        )
    return appraisal


def targets_acknowledge(*, appraisal: Appraisal, actor: Any) -> Appraisal:
    """The appraisee acknowledges the signed targets (签订目标); collecting starts."""
    if not can_acknowledge_targets(actor, appraisal):
        raise NotAllowed(_("only the appraisee acknowledges their targets"))
    appraisal.refresh_from_db(fields=["targets_set_at"])
    if appraisal.targets_set_at is None:
        raise ServiceError(_("the manager has not signed the targets yet"))
    with transaction.atomic():
        appraisal = appraisal_transition(
            appraisal=appraisal, actor=actor, to=AppraisalState.COLLECTING
        )
        audit_record(
            actor=actor,
            action="targets.acknowledged",
            target=appraisal,
            after={"targets": current_targets(appraisal)},
        )
    return appraisal


def target_change_request(
    *,
    appraisal: Appraisal,
    actor: Any,
    item: str,
    target: float,
    challenge: float | None = None,
    reason: str,
) -> TargetChangeRequest:
    """Ask to change a signed target, with a reason."""
    if not can_request_target_change(actor, appraisal):
        raise NotAllowed(_("you may not ask to change these targets"))
    if appraisal.targets_signed_at is None:
        raise ServiceError(_("the targets are not signed yet: they can still be set"))
    if not reason.strip():
        raise ServiceError(_("a target change needs a reason"))
    if not appraisal.scheme_version.items.filter(code=item).exists():
        raise ServiceError(_("the scheme has no item %(item)s") % {"item": item})
    now = current_targets(appraisal).get(item, {})
    try:
        with transaction.atomic():
            request = TargetChangeRequest.objects.create(
                appraisal=appraisal,
                item=item,
                target=target,
                challenge=challenge,
                previous_target=now.get("target"),
                previous_challenge=now.get("challenge"),
                reason=reason,
                requested_by=actor,
            )
            audit_record(
                actor=actor,
                action="target_change.requested",
                target=request,
                after=snapshot(request),
                reason=reason,
            )
    except IntegrityError:
        raise ServiceError(_("a change of this item is already waiting for an answer")) from None
    return request


def _answer(request: TargetChangeRequest, actor: Any, to: ChangeRequestState, answer: str) -> None:
    if not can_answer_target_change(actor, request):
        raise NotAllowed(_("you may not answer this request"))
    request.refresh_from_db(fields=["state"])
    check_transition(ChangeRequestState(request.state), to)
    before = snapshot(request, ["state"])
    request.state = to
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.answer = answer
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=f"target_change.{to}",
        target=request,
        before=before,
        after=snapshot(request, ["state", "answer"]),
        reason=answer,
    )


def target_change_approve(
    *, request: TargetChangeRequest, actor: Any, answer: str = ""
) -> TargetChangeRequest:
    """Approve: the new target and challenge value are recorded, the old ones kept in
    the audit log with the request's reason."""
    with transaction.atomic():
        _answer(request, actor, ChangeRequestState.APPROVED, answer)
        reason = _("target change approved: %(reason)s") % {"reason": request.reason}
        _write(request.appraisal, actor, request.item, request.target, request.challenge, reason)
    return request


def target_change_refuse(
    *, request: TargetChangeRequest, actor: Any, answer: str
) -> TargetChangeRequest:
    """Refuse, with a reason: the original target stays in force."""
    if not can_answer_target_change(actor, request):
        raise NotAllowed(_("you may not answer this request"))
    if not answer.strip():
        raise ServiceError(_("a refusal needs a reason"))
    with transaction.atomic():
        _answer(request, actor, ChangeRequestState.REFUSED, answer)
    return request
