"""Targets (签订目标): the manager sets the targets and challenge values and signs;
the appraisee acknowledges. After that a target changes only through a request
with a reason that a manager above the appraisee (or HR) approves; a refused
request leaves the original target in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import (
    can_acknowledge_targets,
    can_answer_target_change,
    can_request_target_change,
    can_set_targets,
    relations_by_appraisal,
)
from jixiao.appraisals.models import Appraisal, Fact, FactKind, TargetChangeRequest
from jixiao.appraisals.services.appraisals import appraisal_transition
from jixiao.appraisals.services.pipeline import UNCHANGED, TargetCommand, facts_apply
from jixiao.appraisals.services.pipeline.rules import (
    TARGET_KEYS,
    TARGET_MEASURE,
    TARGET_TEXT_LIMIT,
    target_in_words,
)
from jixiao.appraisals.services.sheets import Cell, Sheet, sheet_apply
from jixiao.appraisals.workflow import (
    SKIP_LEVEL,
    SUPERVISOR,
    AppraisalState,
    ChangeRequestState,
    check_transition,
)
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import SchemeVersion


def current_targets(appraisal: Appraisal) -> dict[str, dict[str, Any]]:
    """{item: {"target": …, "challenge": …, "target_measure": …}} as recorded: a
    target is a number, or words with how they are measured."""
    return targets_of([appraisal]).get(appraisal.pk, {})


def targets_of(appraisals: Sequence[Appraisal]) -> dict[int, dict[str, dict[str, Any]]]:
    """`current_targets` of many appraisals, by appraisal id, in one query."""
    found: dict[int, dict[str, dict[str, Any]]] = {}
    rows = (
        Fact.objects.filter(
            appraisal_id__in=[appraisal.pk for appraisal in appraisals],
            kind=FactKind.INPUT,
            key__in=TARGET_KEYS,
        )
        .exclude(item="")
        .values_list("appraisal_id", "item", "key", "value")
    )
    for pk, item, key, value in rows:
        found.setdefault(pk, {}).setdefault(item, {})[key] = value
    return found


def targets_missing(appraisal: Appraisal, items: Sequence[Any]) -> list[str]:
    """The names of the `items` (with `code` and `name`) that have no target yet."""
    now = current_targets(appraisal)
    return [item.name for item in items if now.get(item.code, {}).get("target") in (None, "")]


def targets_previous(appraisals: Sequence[Appraisal]) -> dict[int, dict[str, dict[str, Any]]]:
    """By appraisal id: the targets of the appraisee's previous cycle (the latest that
    started before this one), by item code, to copy from. Two queries."""
    people = {a.employee_id for a in appraisals if a.employee_id is not None}
    units = {a.unit_id for a in appraisals if a.unit_id is not None}
    latest = max((a.cycle.start for a in appraisals), default=None)
    if latest is None:
        return {}
    earlier = (
        Appraisal.objects.filter(cycle__start__lt=latest)
        .filter(models.Q(employee_id__in=people) | models.Q(unit_id__in=units))
        .exclude(pk__in=[a.pk for a in appraisals])
        .order_by("-cycle__start")
        .values_list("pk", "employee_id", "unit_id", "cycle__start")
    )
    chosen: dict[int, int] = {}  # this appraisal's id: the previous one's
    for appraisal in appraisals:
        for pk, employee, unit, start in earlier:
            same = (employee is not None and employee == appraisal.employee_id) or (
                unit is not None and unit == appraisal.unit_id
            )
            if same and start < appraisal.cycle.start:
                chosen[appraisal.pk] = pk
                break
    before = targets_of([Appraisal(pk=pk) for pk in set(chosen.values())])
    return {pk: before.get(previous, {}) for pk, previous in chosen.items()}


def numeric_targets(version: SchemeVersion) -> set[str]:
    """The codes of the items that compute with their target: their target is a number
    (every other item's may be words)."""
    return {
        item.code for item in engine_scheme(version).items if not target_in_words(item, "target")
    }


@dataclass(frozen=True)
class TargetEntry:
    """One item's target as typed: a number or words (None or '' leaves it as it is),
    a challenge value, and for a target in words how it is measured."""

    appraisal: Appraisal
    item: str
    item_name: str
    target: Any = None
    challenge: Any = None
    measure: str = ""


def targets_save(*, entries: Sequence[TargetEntry], actor: Any, reason: str = "") -> int:
    """Save the targets of one appraisal or of a team at once, through the fact
    pipeline, all or nothing (`SheetRefused` names each refused cell). Before the
    appraisee acknowledges, a change withdraws the manager's signature; after it only
    HR changes a target directly, with a reason. Returns how many values changed."""
    appraisals = {entry.appraisal.pk: entry.appraisal for entry in entries}
    fresh = {
        row.pk: row
        for row in Appraisal.objects.filter(pk__in=appraisals).only(
            "pk", "state", "targets_set_at", "targets_signed_at"
        )
    }
    standings = relations_by_appraisal(actor, list(appraisals.values()))
    hr = roles.is_hr(actor)
    sheet = Sheet()
    for entry in entries:
        appraisal = entry.appraisal
        stored = fresh.get(appraisal.pk, appraisal)
        for key, value in (
            ("target", entry.target),
            ("challenge", entry.challenge),
            (TARGET_MEASURE, entry.measure),
        ):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            cell = Cell((appraisal.pk, entry.item, key), appraisal.appraisee_name, entry.item_name)
            if not hr and not standings.get(appraisal.pk, set()) & {SUPERVISOR, SKIP_LEVEL}:
                sheet.refuse(cell, _("you may not set the targets of this appraisal"))
            elif stored.targets_signed_at is not None and not hr:
                sheet.refuse(cell, _("the targets are signed: ask for a change instead"))
            else:
                # before the appraisee acknowledges, the targets are a draft: a change
                # is recorded (before and after in the audit log) without a reason
                said = reason.strip() or (
                    _("targets revised before acknowledgement")
                    if stored.targets_signed_at is None
                    else ""
                )
                command = TargetCommand(
                    appraisal=appraisal, item=entry.item, key=key, value=value, reason=said
                )
                sheet.add(command, cell)
    with transaction.atomic():
        written = sheet_apply(sheet=sheet, actor=actor, reason=reason)
        changed = {
            command.appraisal.pk
            for command, done in zip(sheet.commands, written, strict=True)
            if done.outcome != UNCHANGED
        }
        for pk in sorted(changed):
            now = fresh.get(pk)
            if now is not None and now.targets_signed_at is None and now.targets_set_at:
                _unsign(appraisals[pk], actor)
    return sum(1 for done in written if done.outcome != UNCHANGED)


def _write(
    appraisal: Appraisal,
    actor: Any,
    item: str,
    target: Any,
    challenge: float | None,
    reason: str,
    measure: str = "",
) -> None:
    commands = [
        TargetCommand(appraisal=appraisal, item=item, key=key, value=value, reason=reason)
        for key, value in (("target", target), ("challenge", challenge), (TARGET_MEASURE, measure))
        if value not in (None, "")
    ]
    facts_apply(commands=commands, actor=actor, reason=reason)


def _number_or_words(value: Any) -> tuple[float | None, str]:
    """(the number, '') or (None, the words) of a target as typed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), ""
    text = " ".join(str(value or "").split())
    try:
        return float(text), ""
    except ValueError:
        return None, text


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
    target: Any,
    challenge: float | None = None,
    reason: str,
    measure: str = "",
) -> TargetChangeRequest:
    """Ask to change a signed target, with a reason: a number, or words with how they
    are measured (a number where the item computes with its target)."""
    if not can_request_target_change(actor, appraisal):
        raise NotAllowed(_("you may not ask to change these targets"))
    if appraisal.targets_signed_at is None:
        raise ServiceError(_("the targets are not signed yet: they can still be set"))
    if not reason.strip():
        raise ServiceError(_("a target change needs a reason"))
    if not appraisal.scheme_version.items.filter(code=item).exists():
        raise ServiceError(_("the scheme has no item %(item)s") % {"item": item})
    number, words = _number_or_words(target)
    if words and item in numeric_targets(appraisal.scheme_version):
        raise ServiceError(_("the target of %(item)s is a number") % {"item": item})
    if not words and number is None:
        raise ServiceError(_("give the new target: a number or words"))
    if len(words) > TARGET_TEXT_LIMIT or len(measure.strip()) > TARGET_TEXT_LIMIT:
        raise ServiceError(
            _("%(item)s: a target in words has at most %(limit)s characters")
            % {"item": item, "limit": TARGET_TEXT_LIMIT}
        )
    now = current_targets(appraisal).get(item, {})
    try:
        with transaction.atomic():
            request = TargetChangeRequest.objects.create(
                appraisal=appraisal,
                item=item,
                target=number,
                target_words=words,
                target_measure=" ".join(measure.split()),
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
        _write(
            request.appraisal,
            actor,
            request.item,
            request.new_target,
            request.challenge,
            reason,
            measure=request.target_measure,
        )
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
