"""One appraisal's pages: overview, targets, fact records, ratings, result, interview.
Every page first finds the appraisal through the access function: a person who may
not see it gets the same 404 as for one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.appraisals import services
from jixiao.appraisals.access import (
    SELF_ROLES,
    SKIP_LEVEL_ROLES,
    SUPERVISOR_ROLES,
    anonymous_aggregates,
    appeals_visible_to,
    can_acknowledge_targets,
    can_answer_target_change,
    can_file_appeal,
    can_record_facts,
    can_request_target_change,
    can_set_targets,
    events_visible_to,
    improvement_plans_visible_to,
    ratings_visible_to,
    relations,
    results_visible_to,
    target_change_requests_visible_to,
)
from jixiao.appraisals.models import Appraisal, Rating
from jixiao.appraisals.scoring import ItemInfo, items_info
from jixiao.appraisals.selectors import appraisal_get
from jixiao.appraisals.services.pipeline import FactsRefused
from jixiao.appraisals.workflow import (
    APPRAISEE,
    SKIP_LEVEL,
    SUPERVISOR,
    AppraisalState,
    CycleState,
)
from jixiao.core.errors import ServiceError
from jixiao.portal.forms import (
    AnswerForm,
    ChangeRequestForm,
    EventForm,
    RatingForm,
    TargetForm,
    number_or_word,
)
from jixiao.portal.views.common import after_post, hidden, page_or_partial, run

A = AppraisalState


def get_appraisal(request: HttpRequest, pk: int) -> Appraisal:
    with hidden():
        return appraisal_get(visible_to=request.user, pk=pk)


def base_context(request: HttpRequest, appraisal: Appraisal, tab: str) -> dict[str, Any]:
    standing = relations(request.user, appraisal)
    return {
        "appraisal": appraisal,
        "tab": tab,
        "standing": standing,
        "is_appraisee": APPRAISEE in standing,
        "published": appraisal.cycle.state in (CycleState.PUBLISHED, CycleState.CLOSED),
        # the result tab only when the reader may see a result (otherwise it is a 404)
        "has_result": results_visible_to(request.user).filter(appraisal=appraisal).exists(),
    }


@login_required
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    context = base_context(request, appraisal, "overview")
    targets = services.current_targets(appraisal)
    context["rows"] = [
        (item, targets.get(item.code, {})) for item in items_info(appraisal.scheme_version)
    ]
    context["carried_plan"] = carried_plan(request, appraisal)
    return render(request, "portal/appraisal_detail.html", context)


def carried_plan(request: HttpRequest, appraisal: Appraisal) -> Any:
    """The improvement plan of the appraisee's previous cycle, carried into this one."""
    if appraisal.employee_id is None:
        return None
    return (
        improvement_plans_visible_to(request.user)
        .filter(
            appraisal__employee_id=appraisal.employee_id,
            appraisal__cycle__start__lt=appraisal.cycle.start,
        )
        .select_related("appraisal__cycle")
        .order_by("-appraisal__cycle__start")
        .first()
    )


# -- targets ---------------------------------------------------------------------
def targets_context(request: HttpRequest, appraisal: Appraisal) -> dict[str, Any]:
    appraisal.refresh_from_db()
    user = request.user
    items = items_info(appraisal.scheme_version)
    targets = services.current_targets(appraisal)
    open_for_setting = appraisal.state == A.TARGETS and appraisal.targets_signed_at is None
    may_set = open_for_setting and can_set_targets(user, appraisal)
    requests = list(
        target_change_requests_visible_to(user)
        .filter(appraisal=appraisal)
        .select_related("requested_by", "answered_by")
    )
    for change in requests:
        change.may_answer = change.state == "pending" and can_answer_target_change(user, change)  # type: ignore[attr-defined]
    may_request = appraisal.targets_signed_at is not None and can_request_target_change(
        user, appraisal
    )
    context = base_context(request, appraisal, "targets")
    context.update(
        rows=[
            (item, targets.get(item.code, {}), TargetForm(initial=_initial(item, targets)))
            for item in items
        ],
        may_set=may_set,
        may_sign=may_set and appraisal.targets_set_at is None,
        may_acknowledge=appraisal.state == A.TARGETS
        and appraisal.targets_set_at is not None
        and can_acknowledge_targets(user, appraisal),
        requests=requests,
        request_form=ChangeRequestForm(items=[(i.code, i.name) for i in items])
        if may_request
        else None,
        answer_form=AnswerForm(),
        carried_plan=carried_plan(request, appraisal),
    )
    return context


def _initial(item: ItemInfo, targets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    now = targets.get(item.code, {})
    return {"item": item.code, "target": now.get("target"), "challenge": now.get("challenge")}


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_targets(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    page, partial = "portal/appraisal_targets.html", "portal/_targets.html"
    if request.method == "POST":
        _targets_post(request, appraisal)
        return after_post(request, page, partial, lambda: targets_context(request, appraisal))
    return page_or_partial(request, page, partial, targets_context(request, appraisal))


def _targets_post(request: HttpRequest, appraisal: Appraisal) -> None:
    action, user, data = request.POST.get("action"), request.user, request.POST
    if action == "set":
        form = TargetForm(data)
        if not form.is_valid():
            run(request, lambda: invalid(form))
            return
        values = form.cleaned_data
        run(
            request,
            lambda: services.target_set(
                appraisal=appraisal,
                actor=user,
                item=values["item"],
                target=values["target"],
                challenge=values["challenge"],
                reason=values["reason"],
            ),
            _("Target saved."),
        )
    elif action == "sign":
        run(
            request,
            lambda: services.targets_sign(appraisal=appraisal, actor=user),
            _("Targets signed."),
        )
    elif action == "acknowledge":
        run(
            request,
            lambda: services.targets_acknowledge(appraisal=appraisal, actor=user),
            _("Targets acknowledged."),
        )
    elif action == "request":
        _change_request(request, appraisal)
    elif action in ("approve", "refuse"):
        _change_answer(request, appraisal, action)
    else:
        raise Http404


def invalid(form: Any) -> None:
    errors = [f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
    raise ServiceError("; ".join(errors))


def _change_request(request: HttpRequest, appraisal: Appraisal) -> None:
    items = [(i.code, i.name) for i in items_info(appraisal.scheme_version)]
    form = ChangeRequestForm(request.POST, items=items)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return
    values = form.cleaned_data
    run(
        request,
        lambda: services.target_change_request(
            appraisal=appraisal,
            actor=request.user,
            item=values["item"],
            target=values["target"],
            challenge=values["challenge"],
            reason=values["reason"],
        ),
        _("Change requested."),
    )


def _change_answer(request: HttpRequest, appraisal: Appraisal, action: str) -> None:
    with hidden():
        change = (
            target_change_requests_visible_to(request.user)
            .filter(appraisal=appraisal, pk=request.POST.get("request") or 0)
            .first()
        )
        if change is None:
            raise Http404
    answer = request.POST.get("answer", "")
    if action == "approve":
        run(
            request,
            lambda: services.target_change_approve(
                request=change, actor=request.user, answer=answer
            ),
            _("Change approved: the new target is in force."),
        )
    else:
        run(
            request,
            lambda: services.target_change_refuse(
                request=change, actor=request.user, answer=answer
            ),
            _("Change refused: the original target stays in force."),
        )


# -- a fact written through the pipeline, its refusal by the field ----------------------
# The form field each part of a refused fact command is typed in (None: the form's top).
EVENT_FIELDS = {
    "item": "item",
    "key": "name",
    "value": "count",
    "size": "size",
    "occurred_on": "occurred_on",
    "description": "description",
    "evidence": "evidence",
}
RATING_FIELDS = {"value": "value", "reason": "reason"}


def record(
    request: HttpRequest,
    form: Any,
    fields: dict[str, str],
    call: Callable[[], Any],
    done: str,
) -> bool:
    """Write a fact through its service; True when the fact pipeline refused it, each
    problem then put on the form next to the field it is about (and said at the top
    of the page). A refusal of one's rights is the one 404."""
    try:
        with hidden():
            call()
    except FactsRefused as exc:
        for problem in exc.problems:
            form.add_error(fields.get(problem.field), problem.message)
        messages.error(request, exc.message)
        return True
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return False


# -- fact records ------------------------------------------------------------------
def events_context(
    request: HttpRequest, appraisal: Appraisal, form: EventForm | None = None
) -> dict[str, Any]:
    """`form`: a refused form, shown again with each refusal next to its field."""
    user = request.user
    items = items_info(appraisal.scheme_version)
    recordable = [(i.code, i.name) for i in items if can_record_facts(user, appraisal, i.code)]
    if form is not None:
        form.fields["item"].choices = recordable  # type: ignore[attr-defined]
    context = base_context(request, appraisal, "events")
    context.update(
        events=events_visible_to(user)
        .filter(appraisal=appraisal)
        .select_related("recorded_by")
        .order_by("occurred_on", "pk"),
        form=(form or EventForm(items=recordable)) if recordable else None,
        event_names=sorted({name for i in items for name in i.event_names}),
    )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_events(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    page, partial = "portal/appraisal_events.html", "portal/_events.html"
    if request.method == "POST":
        items = [(i.code, i.name) for i in items_info(appraisal.scheme_version)]
        form = EventForm(request.POST, request.FILES, items=items)
        if not form.is_valid():
            run(request, lambda: invalid(form))
            # shown again: the refusal (a file too large or not accepted …) by its field
            context = events_context(request, appraisal, form=form)
            return page_or_partial(request, page, partial, context)
        values = form.cleaned_data
        refused = record(
            request,
            form,
            EVENT_FIELDS,
            lambda: services.event_record(
                appraisal=appraisal,
                actor=request.user,
                item=values["item"],
                name=values["name"],
                occurred_on=values["occurred_on"],
                description=values["description"],
                count=values["count"],
                size=values["size"],
                evidence=values["evidence"],
            ),
            _("Fact recorded."),
        )
        if refused:  # shown again: the fact pipeline's refusal by its field
            context = events_context(request, appraisal, form=form)
            return page_or_partial(request, page, partial, context)
        return after_post(request, page, partial, lambda: events_context(request, appraisal))
    return page_or_partial(request, page, partial, events_context(request, appraisal))


# -- ratings (自评, 复评, 终评) ---------------------------------------------------------
def my_rating_roles(standing: set[str], state: str) -> frozenset[str]:
    """The rater roles a person rates in at the appraisal's stage."""
    if APPRAISEE in standing and state == A.SELF_REVIEW:
        return SELF_ROLES
    if SUPERVISOR in standing and state == A.SUPERVISOR_REVIEW:
        return SUPERVISOR_ROLES
    if SKIP_LEVEL in standing and state == A.SKIP_LEVEL_REVIEW:
        return SKIP_LEVEL_ROLES
    return frozenset()


def _next_state(appraisal: Appraisal, standing: set[str], items: list[ItemInfo]) -> str | None:
    roles_used = {role for item in items for role in item.rater_roles}
    state = appraisal.state
    if state == A.COLLECTING and SUPERVISOR in standing:
        return A.SELF_REVIEW if roles_used & SELF_ROLES else A.SUPERVISOR_REVIEW
    if state == A.SELF_REVIEW and APPRAISEE in standing:
        return A.SUPERVISOR_REVIEW
    if state == A.SUPERVISOR_REVIEW and SUPERVISOR in standing:
        return A.SKIP_LEVEL_REVIEW if roles_used & SKIP_LEVEL_ROLES else A.CALIBRATION
    if state == A.SKIP_LEVEL_REVIEW and SKIP_LEVEL in standing:
        return A.CALIBRATION
    return None


def ratings_context(
    request: HttpRequest, appraisal: Appraisal, refused: RatingForm | None = None
) -> dict[str, Any]:
    """`refused`: a refused rating, shown again in its row with the refusal by its field."""
    appraisal.refresh_from_db()
    again = (refused.data.get("item"), refused.data.get("role")) if refused is not None else None
    context = base_context(request, appraisal, "ratings")
    standing = context["standing"]
    items = items_info(appraisal.scheme_version)
    mine = my_rating_roles(standing, appraisal.state)
    given = {
        (rating.item, rating.role): rating
        for rating in Rating.objects.filter(appraisal=appraisal, role__in=mine)
    }
    rows = []
    for item in items:
        for role in item.rater_roles:
            if role in mine:
                rating = given.get((item.code, role))
                initial = {"item": item.code, "role": role}
                if rating is not None:
                    initial.update(value=rating.value, comment=rating.comment)
                form = refused if again == (item.code, role) else RatingForm(initial=initial)
                rows.append((item, role, rating, form))
    context.update(
        rows=rows,
        visible_ratings=ratings_visible_to(request.user)
        .filter(appraisal=appraisal)
        .select_related("rater")
        .order_by("item", "role"),
        anonymous=anonymous_aggregates(request.user, appraisal),
        next_state=_next_state(appraisal, standing, items),
        role_kind=_role_kind(mine),
    )
    return context


def _role_kind(roles: frozenset[str]) -> str:
    if roles == SELF_ROLES:
        return "self"
    if roles == SUPERVISOR_ROLES:
        return "supervisor"
    if roles == SKIP_LEVEL_ROLES:
        return "skip_level"
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    page, partial = "portal/appraisal_ratings.html", "portal/_ratings.html"
    if request.method == "POST":
        refused = _ratings_post(request, appraisal)
        if refused is not None:  # shown again: the refusal by the rating it is about
            context = ratings_context(request, appraisal, refused=refused)
            return page_or_partial(request, page, partial, context)
        return after_post(request, page, partial, lambda: ratings_context(request, appraisal))
    return page_or_partial(request, page, partial, ratings_context(request, appraisal))


def _ratings_post(request: HttpRequest, appraisal: Appraisal) -> RatingForm | None:
    """The refused rating form, if the fact pipeline refused the rating."""
    standing = relations(request.user, appraisal)
    if request.POST.get("action") == "submit":
        target = _next_state(appraisal, standing, items_info(appraisal.scheme_version))
        if target is None:
            raise Http404
        run(
            request,
            lambda: services.appraisal_transition(
                appraisal=appraisal, actor=request.user, to=AppraisalState(target)
            ),
            _("Submitted."),
        )
        return None
    form = RatingForm(request.POST)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return None
    values = form.cleaned_data
    if values["role"] not in my_rating_roles(standing, appraisal.state):
        raise Http404
    refused = record(
        request,
        form,
        RATING_FIELDS,
        lambda: services.rating_record(
            appraisal=appraisal,
            actor=request.user,
            item=values["item"],
            role=values["role"],
            value=number_or_word(values["value"]),
            comment=values["comment"],
            reason=values["reason"],
        ),
        _("Rating saved."),
    )
    return form if refused else None


# -- helpers for other modules --------------------------------------------------------
def appeal_items(appraisal: Appraisal) -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in items_info(appraisal.scheme_version)]


def visible_appeals(request: HttpRequest, appraisal: Appraisal) -> Any:
    return appeals_visible_to(request.user).filter(appraisal=appraisal)


def may_appeal(request: HttpRequest, appraisal: Appraisal) -> bool:
    return bool(
        appraisal.cycle.state == CycleState.PUBLISHED
        and appraisal.state in (A.PUBLISHED, A.APPEALED)
        and can_file_appeal(request.user, appraisal)
    )
