"""Appeals (申诉): the appellant files and reads theirs; HR (or the cycle's committee)
accepts, rejects and answers — through the appraisals' appeal services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from jixiao.api.access import Principal, appraisals_in_scope
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, IdPath, PagingQuery, page, require_person
from jixiao.api.v1.schemas import AppealDecisionIn, AppealIn, AppealOut, Page
from jixiao.appraisals.access import appeals_visible_to
from jixiao.appraisals.models import Appeal
from jixiao.appraisals.services import appeal_accept, appeal_answer, appeal_file, appeal_reject
from jixiao.core.errors import NotFound, ServiceError

router = Router(tags=["appeals"])


def appeal_out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "appraisal": appeal.appraisal_id,
        "cycle": appeal.appraisal.cycle.code,
        "appraisee": appeal.appraisal.appraisee_id,
        "item": appeal.item,
        "reason": appeal.reason,
        "state": appeal.state,
        "received_at": appeal.received_at,
        "decide_by": appeal.decide_by,
        "answer_by": appeal.answer_by,
        "decision_reason": appeal.decision_reason,
        "answer": appeal.answer,
        "upheld": appeal.upheld,
    }


def _appeals(caller: Principal) -> QuerySet[Appeal]:
    if caller.service is not None:
        return Appeal.objects.none()  # appeals are between people
    return appeals_visible_to(caller.user).select_related(
        "appraisal__cycle", "appraisal__employee", "appraisal__unit"
    )


def _appeal(caller: Principal, appeal_id: IdPath) -> Appeal:
    found = _appeals(caller).filter(pk=appeal_id).first()
    if found is None:
        raise NotFound("appeal")
    return found


@router.get("/appeals", response={200: Page[AppealOut], **ERRORS}, summary="List appeals")
def appeals_list(
    request: HttpRequest,
    paging: PagingQuery,
    cycle: str | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    appeals = _appeals(principal(request))
    if cycle is not None:
        appeals = appeals.filter(appraisal__cycle__code=cycle)
    if state is not None:
        appeals = appeals.filter(state=state)
    return page(appeals.order_by("-received_at", "-pk"), paging, appeal_out)


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **ERRORS}, summary="One appeal")
def appeals_get(request: HttpRequest, appeal_id: IdPath) -> dict[str, Any]:
    return appeal_out(_appeal(principal(request), appeal_id))


@router.post(
    "/appeals", response={201: AppealOut, **ERRORS}, summary="Appeal one's published result"
)
def appeals_file(request: HttpRequest, body: AppealIn) -> Status[dict[str, Any]]:
    caller = principal(request)
    require_person(caller)
    appraisal = appraisals_in_scope(caller).filter(pk=body.appraisal).first()
    if appraisal is None:
        raise NotFound("appraisal")
    appeal = appeal_file(appraisal=appraisal, actor=caller.user, reason=body.reason, item=body.item)
    return Status(201, appeal_out(_appeal(caller, appeal.pk)))


@router.post(
    "/appeals/{appeal_id}/decision",
    response={200: AppealOut, **ERRORS},
    summary="Accept, reject or answer an appeal (HR, the cycle's committee)",
)
def appeals_decide(
    request: HttpRequest, appeal_id: IdPath, body: AppealDecisionIn
) -> dict[str, Any]:
    caller = principal(request)
    require_person(caller)
    appeal = _appeal(caller, appeal_id)
    if body.decision == "accept":
        appeal = appeal_accept(appeal=appeal, actor=caller.user, reason=body.reason)
    elif body.decision == "reject":
        appeal = appeal_reject(appeal=appeal, actor=caller.user, reason=body.reason)
    elif body.decision == "answer":
        if body.upheld is None:
            raise ServiceError(_("say whether the appeal is upheld"))
        appeal = appeal_answer(
            appeal=appeal, actor=caller.user, upheld=body.upheld, answer=body.answer
        )
    else:
        raise ServiceError(_("a decision is accept, reject or answer"))
    return appeal_out(_appeal(caller, appeal.pk))
