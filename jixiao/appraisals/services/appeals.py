"""Appeals (申诉): filed by the appraisee within the cycle's appeal window, with a
reason and evidence; HR (or the cycle's committee) accepts or rejects within 3
working days of receipt and answers within 10 (the Chinese working calendar). An
upheld appeal corrects facts through the audited fact services and the group's
published results are recomputed."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.appraisals.access import can_decide_appeal, can_file_appeal
from jixiao.appraisals.models import Appeal, Appraisal, Fact
from jixiao.appraisals.services.appraisals import appraisal_transition
from jixiao.appraisals.services.facts import fact_record
from jixiao.appraisals.services.results import results_correct_on_appeal
from jixiao.appraisals.workflow import (
    OPEN_APPEAL_STATES,
    AppealState,
    AppraisalState,
    CycleState,
    check_transition,
)
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.core.uploads import upload_check, upload_store
from jixiao.workcalendar.workdays import add_working_days

DECIDE_WITHIN = 3  # working days from receipt to accept or reject
ANSWER_WITHIN = 10  # working days from receipt to answer


def appeal_file(
    *,
    appraisal: Appraisal,
    actor: Any,
    reason: str,
    item: str = "",
    evidence: File | None = None,  # type: ignore[type-arg]
) -> Appeal:
    """Appeal one item (or the whole result, `item=""`) of one's published result."""
    if not can_file_appeal(actor, appraisal):
        raise NotAllowed(_("only the appraisee may appeal their result"))
    cycle = appraisal.cycle
    cycle.refresh_from_db(fields=["state", "appeal_deadline"])
    appraisal.refresh_from_db(fields=["state"])
    if cycle.state != CycleState.PUBLISHED:
        raise ServiceError(_("appeals are possible only while the results are published"))
    today = timezone.localdate()
    if cycle.appeal_deadline is not None and today > cycle.appeal_deadline:
        raise ServiceError(
            _("the appeal window closed on %(day)s") % {"day": cycle.appeal_deadline}
        )
    if appraisal.state not in (AppraisalState.PUBLISHED, AppraisalState.APPEALED):
        raise ServiceError(_("this result cannot be appealed"))
    if not reason.strip():
        raise ServiceError(_("an appeal needs a reason"))
    if item and not appraisal.scheme_version.items.filter(code=item).exists():
        raise ServiceError(_("the scheme has no item %(item)s") % {"item": item})
    if evidence is not None:
        upload_check(evidence)
    try:
        with transaction.atomic():
            appeal = Appeal(
                appraisal=appraisal,
                item=item,
                reason=reason,
                filed_by=actor,
                received_at=timezone.now(),
                decide_by=add_working_days(today, DECIDE_WITHIN),
                answer_by=add_working_days(today, ANSWER_WITHIN),
            )
            if evidence is not None:  # the file is written when the appeal is committed
                upload_store(field=appeal.evidence, upload=evidence)
            appeal.save()
            audit_record(actor=actor, action="appeal.filed", target=appeal, after=snapshot(appeal))
            if appraisal.state == AppraisalState.PUBLISHED:
                appraisal_transition(
                    appraisal=appraisal, actor=actor, to=AppraisalState.APPEALED, reason=reason
                )
    except IntegrityError:
        raise ServiceError(_("this item already has an appeal waiting for an answer")) from None
    return appeal


def _decide(appeal: Appeal, actor: Any, to: AppealState) -> dict[str, Any]:
    if not can_decide_appeal(actor, appeal):
        raise NotAllowed(_("you may not decide this appeal"))
    appeal.refresh_from_db()
    check_transition(AppealState(appeal.state), to)
    return snapshot(appeal, ["state", "decision_reason", "answer", "upheld"])


def _release(appraisal: Appraisal, actor: Any) -> None:
    """Back to published once no appeal of the appraisal is open."""
    if appraisal.appeals.filter(state__in=OPEN_APPEAL_STATES).exists():
        return
    appraisal.refresh_from_db(fields=["state"])
    if appraisal.state == AppraisalState.APPEALED:
        appraisal_transition(appraisal=appraisal, actor=actor, to=AppraisalState.PUBLISHED)


def _save(appeal: Appeal, actor: Any, action: str, before: dict[str, Any], reason: str) -> None:
    appeal.full_clean()
    appeal.save()
    audit_record(
        actor=actor,
        action=action,
        target=appeal,
        before=before,
        after=snapshot(appeal, ["state", "decision_reason", "answer", "upheld"]),
        reason=reason,
    )


def appeal_accept(*, appeal: Appeal, actor: Any, reason: str = "") -> Appeal:
    """Accept the appeal for examination (it has a factual basis)."""
    with transaction.atomic():
        before = _decide(appeal, actor, AppealState.ACCEPTED)
        appeal.state = AppealState.ACCEPTED
        appeal.decided_by, appeal.decided_at = actor, timezone.now()
        appeal.decision_reason = reason
        _save(appeal, actor, "appeal.accepted", before, reason)
    return appeal


def appeal_reject(*, appeal: Appeal, actor: Any, reason: str) -> Appeal:
    """Reject the appeal, with a reason (no factual basis); the result stands."""
    if not reason.strip():
        raise ServiceError(_("a rejection needs a reason"))
    with transaction.atomic():
        before = _decide(appeal, actor, AppealState.REJECTED)
        appeal.state = AppealState.REJECTED
        appeal.decided_by, appeal.decided_at = actor, timezone.now()
        appeal.decision_reason = reason
        _save(appeal, actor, "appeal.rejected", before, reason)
        _release(appeal.appraisal, actor)
    return appeal


def appeal_correct_fact(
    *, appeal: Appeal, actor: Any, kind: str, value: Any, key: str = "", item: str | None = None
) -> Fact:
    """While an appeal is accepted, HR corrects a fact of the appealed item (a value, an
    input, or a score given directly); the old value stays in the audit log. The
    result changes when the appeal is answered as upheld.

    Besides the fact's own event, the correction is an event of the appeal
    (`appeal.fact_corrected`, in the same transaction) whose `context` links it by id
    to the appeal, the fact and the fact's event, with the item, kind and key: the
    appeal page finds its corrections by that id, in any language (ADR 0005)."""
    if not roles.is_hr(actor) or not can_decide_appeal(actor, appeal):
        raise NotAllowed(_("only HR corrects facts on appeal"))
    code = appeal.item if item is None else item
    reason = _("appeal #%(number)s: %(reason)s") % {"number": appeal.pk, "reason": appeal.reason}
    with transaction.atomic():
        state = Appeal.objects.select_for_update().values_list("state", flat=True).get(pk=appeal.pk)
        if state != AppealState.ACCEPTED:
            raise ServiceError(_("facts are corrected only while the appeal is accepted"))
        stored = (
            Fact.objects.select_for_update()
            .filter(appraisal=appeal.appraisal, item=code, kind=kind, key=key)
            .first()
        )
        if stored is not None and stored.value == value:
            raise ServiceError(
                _("%(value)s is already the recorded value: there is nothing to correct")
                % {"value": value}
            )
        fact = fact_record(
            appraisal=appeal.appraisal,
            actor=actor,
            kind=kind,
            item=code,
            key=key,
            value=value,
            reason=reason,
        )
        fact_event = (
            AuditEvent.objects.filter(
                action__in=("fact.recorded", "fact.changed"),
                target_type=fact._meta.label_lower,
                target_id=str(fact.pk),
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        audit_record(
            actor=actor,
            action="appeal.fact_corrected",
            target=appeal,
            before=None if stored is None else {"value": stored.value},
            after={"value": fact.value},
            reason=reason,
            context={
                "appeal": appeal.pk,
                "fact": fact.pk,
                "fact_event": fact_event,
                "item": code,
                "kind": kind,
                "key": key,
            },
        )
    appeal.state = state
    return fact


def appeal_answer(*, appeal: Appeal, actor: Any, upheld: bool, answer: str) -> Appeal:
    """Answer an accepted appeal. Upheld: the published results of the appraisal's group
    are recomputed from the corrected facts, through the audit trail."""
    if not answer.strip():
        raise ServiceError(_("an answer needs a text"))
    with transaction.atomic():
        before = _decide(appeal, actor, AppealState.ANSWERED)
        appeal.state = AppealState.ANSWERED
        appeal.answered_by, appeal.answered_at = actor, timezone.now()
        appeal.answer, appeal.upheld = answer, upheld
        _save(appeal, actor, "appeal.answered", before, answer)
        if upheld:
            reason = _("appeal #%(number)s upheld: %(answer)s") % {
                "number": appeal.pk,
                "answer": answer,
            }
            results_correct_on_appeal(
                appraisal=appeal.appraisal, actor=actor, reason=reason, appeal=appeal.pk
            )
        _release(appeal.appraisal, actor)
    return appeal
