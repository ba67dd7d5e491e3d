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
from jixiao.appraisals.services.anonymity import rater_names_viewed
from jixiao.appraisals.services.pipeline import FactsRefused
from jixiao.appraisals.services.ratings import (
    RatingEntry,
    move_said,
    rating_next_state,
    rating_roles_now,
)
from jixiao.appraisals.services.sheets import SheetRefused
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
        "manages": bool(standing & {SUPERVISOR, SKIP_LEVEL}),  # the team sheets are theirs
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


# -- targets: one form, one save ---------------------------------------------------
TARGET_FIELDS = {"target": "target", "challenge": "challenge", "target_measure": "measure"}


def target_forms(
    appraisal: Appraisal,
    items: list[ItemInfo],
    numeric: set[str],
    initial: dict[str, dict[str, Any]],
    data: Any = None,
    prefix: str = "t",
) -> list[TargetForm]:
    """One form per item, named `<prefix><n>-target` …; `initial` by item code."""
    forms = []
    for n, item in enumerate(items):
        now = initial.get(item.code, {})
        forms.append(
            TargetForm(
                data,
                prefix=f"{prefix}{n}",
                numeric=item.code in numeric,
                about=f"{appraisal.appraisee_name} · {item.name}",
                initial={
                    "target": now.get("target"),
                    "challenge": now.get("challenge"),
                    "measure": now.get("target_measure"),
                },
            )
        )
    return forms


def target_entries(
    appraisal: Appraisal, items: list[ItemInfo], forms: list[TargetForm]
) -> list[services.TargetEntry]:
    entries = []
    for item, form in zip(items, forms, strict=True):
        form.is_valid()
        values = form.cleaned_data
        entries.append(
            services.TargetEntry(
                appraisal=appraisal,
                item=item.code,
                item_name=item.name,
                target=values.get("target"),
                challenge=values.get("challenge"),
                measure=values.get("measure") or "",
            )
        )
    return entries


def refusals_on_forms(
    refused: SheetRefused, forms: dict[tuple[int, str], Any], fields: dict[str, str]
) -> None:
    """Each refusal beside its cell: `forms` by (appraisal id, item code or item and
    role), `fields` the form field of each kind of cell."""
    for (pk, item, key), texts in refused.cells.items():
        form = forms.get((pk, item)) or forms.get((pk, f"{item}|{key}"))
        if form is None:
            continue
        field = fields.get(key, "value")
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def targets_context(
    request: HttpRequest,
    appraisal: Appraisal,
    forms: list[TargetForm] | None = None,
    sign_missing: list[str] | None = None,
) -> dict[str, Any]:
    """`forms`: a refused form, shown again with each refusal beside its cell;
    `sign_missing`: the items without a target, when signing asks to confirm."""
    appraisal.refresh_from_db()
    user = request.user
    items = items_info(appraisal.scheme_version)
    targets = services.current_targets(appraisal)
    open_for_setting = appraisal.state == A.TARGETS and appraisal.targets_signed_at is None
    may_set = open_for_setting and can_set_targets(user, appraisal)
    copied = False
    if forms is None:
        initial = {code: dict(values) for code, values in targets.items()}
        if may_set and request.GET.get("copy"):
            previous = services.targets_previous([appraisal]).get(appraisal.pk, {})
            for code, values in previous.items():
                if not initial.get(code, {}).get("target"):
                    initial[code] = dict(values)
                    copied = True
        numeric = services.numeric_targets(appraisal.scheme_version)
        forms = target_forms(appraisal, items, numeric, initial)
    requests = list(
        target_change_requests_visible_to(user)
        .filter(appraisal=appraisal)
        .select_related("requested_by", "answered_by")
    )
    names = {item.code: item.name for item in items}
    for change in requests:
        change.may_answer = change.state == "pending" and can_answer_target_change(user, change)  # type: ignore[attr-defined]
        change.item_name = names.get(change.item, change.item)  # type: ignore[attr-defined]
    may_request = appraisal.targets_signed_at is not None and can_request_target_change(
        user, appraisal
    )
    context = base_context(request, appraisal, "targets")
    context.update(
        rows=[
            (item, targets.get(item.code, {}), form)
            for item, form in zip(items, forms, strict=True)
        ],
        missing=[
            item.name for item in items if targets.get(item.code, {}).get("target") in (None, "")
        ],
        may_set=may_set,
        may_sign=may_set and appraisal.targets_set_at is None,
        sign_missing=sign_missing,
        copied=copied,
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


def _has_target(targets: dict[str, dict[str, Any]], code: str) -> bool:
    return targets.get(code, {}).get("target") not in (None, "")


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_targets(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    page, partial = "portal/appraisal_targets.html", "portal/_targets.html"
    if request.method == "POST":
        again = _targets_post(request, appraisal)
        if again is not None:  # shown again: the refusals beside their cells, or a question
            return page_or_partial(request, page, partial, again)
        return after_post(request, page, partial, lambda: targets_context(request, appraisal))
    return page_or_partial(request, page, partial, targets_context(request, appraisal))


def _targets_post(request: HttpRequest, appraisal: Appraisal) -> dict[str, Any] | None:
    """The page's context when it is shown again (a refusal, a question)."""
    action, user = request.POST.get("action"), request.user
    if action in ("save", "save_sign", "sign") and not can_set_targets(user, appraisal):
        raise Http404  # the same answer as a missing page
    if action in ("save", "save_sign"):
        items = items_info(appraisal.scheme_version)
        numeric = services.numeric_targets(appraisal.scheme_version)
        forms = target_forms(appraisal, items, numeric, {}, data=request.POST)
        try:
            with hidden():
                changed = services.targets_save(
                    entries=target_entries(appraisal, items, forms),
                    actor=user,
                    reason=request.POST.get("reason", ""),
                )
        except SheetRefused as refused:
            by_cell = {
                (appraisal.pk, item.code): form for item, form in zip(items, forms, strict=True)
            }
            refusals_on_forms(refused, by_cell, TARGET_FIELDS)
            messages.error(request, refused.message)
            return targets_context(request, appraisal, forms=forms)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return targets_context(request, appraisal, forms=forms)
        if action == "save":
            messages.success(
                request, _("Targets saved: %(count)s values changed.") % {"count": changed}
            )
            return None
        action = "sign"
    if action == "sign":
        items = items_info(appraisal.scheme_version)
        missing = services.targets_missing(appraisal, items)
        if missing and not request.POST.get("confirm"):
            return targets_context(request, appraisal, sign_missing=missing)
        run(
            request,
            lambda: services.targets_sign(appraisal=appraisal, actor=user),
            _("Targets signed: %(person)s can now acknowledge them.")
            % {"person": appraisal.appraisee_name},
        )
    elif action == "acknowledge":
        run(
            request,
            lambda: services.targets_acknowledge(appraisal=appraisal, actor=user),
            _("Targets acknowledged: the appraisal now collects facts."),
        )
    elif action == "request":
        _change_request(request, appraisal)
    elif action in ("approve", "refuse"):
        _change_answer(request, appraisal, action)
    else:
        raise Http404
    return None


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
            target=number_or_word(values["target"]),
            challenge=values["challenge"],
            reason=values["reason"],
            measure=values["measure"],
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


# -- ratings (自评, 复评, 终评): one form, a draft, then submitted ----------------------
def rating_rows(items: list[ItemInfo], mine: frozenset[str]) -> list[tuple[ItemInfo, str]]:
    """The (item, role) pairs the person rates now, in the form's order."""
    return [(item, role) for item in items for role in item.rater_roles if role in mine]


def rating_forms(
    rows: list[tuple[ItemInfo, str]],
    given: dict[tuple[str, str], Rating],
    data: Any = None,
    prefix: str = "r",
    about: str = "",
) -> list[RatingForm]:
    forms = []
    for n, (item, role) in enumerate(rows):
        rating = given.get((item.code, role))
        initial = {"value": rating.value, "comment": rating.comment} if rating else {}
        forms.append(
            RatingForm(
                data,
                prefix=f"{prefix}{n}",
                initial=initial,
                about=f"{about} · {item.name}",
                levels=item.levels,
            )
        )
    return forms


def rating_entries(
    appraisal: Appraisal, rows: list[tuple[ItemInfo, str]], forms: list[RatingForm]
) -> list[RatingEntry]:
    entries = []
    for (item, role), form in zip(rows, forms, strict=True):
        form.is_valid()
        values = form.cleaned_data
        entries.append(
            RatingEntry(
                appraisal=appraisal,
                item=item.code,
                item_name=item.name,
                role=role,
                value=number_or_word(values.get("value") or ""),
                comment=values.get("comment") or "",
            )
        )
    return entries


def ratings_context(
    request: HttpRequest, appraisal: Appraisal, forms: list[RatingForm] | None = None
) -> dict[str, Any]:
    """`forms`: a refused form, shown again with each refusal beside its rating."""
    appraisal.refresh_from_db()
    rater_names_viewed(actor=request.user, appraisal=appraisal, where=request.path)  # audited
    context = base_context(request, appraisal, "ratings")
    standing = context["standing"]
    items = items_info(appraisal.scheme_version)
    mine = rating_roles_now(standing, appraisal.state)
    given = {
        (rating.item, rating.role): rating
        for rating in Rating.objects.filter(appraisal=appraisal, role__in=mine)
    }
    pairs = rating_rows(items, mine)
    forms = forms or rating_forms(pairs, given, about=appraisal.appraisee_name)
    roles_used = {role for item in items for role in item.rater_roles}
    context.update(
        rows=[
            (item, role, given.get((item.code, role)), form)
            for (item, role), form in zip(pairs, forms, strict=True)
        ],
        visible_ratings=_named(
            ratings_visible_to(request.user)
            .filter(appraisal=appraisal)
            .select_related("rater")
            .order_by("item", "role"),
            {item.code: item.name for item in items},
        ),
        anonymous=anonymous_aggregates(request.user, appraisal),
        next_state=rating_next_state(appraisal.state, standing, roles_used),
        role_kind=_role_kind(mine),
    )
    return context


def _named(ratings: Any, names: dict[str, str]) -> list[Rating]:
    """The ratings, each with its item's name as people read it."""
    found = list(ratings)
    for rating in found:
        rating.item_name = names.get(rating.item, rating.item)
    return found


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
        if refused is not None:  # shown again: each refusal beside its rating
            context = ratings_context(request, appraisal, forms=refused)
            return page_or_partial(request, page, partial, context)
        return after_post(request, page, partial, lambda: ratings_context(request, appraisal))
    return page_or_partial(request, page, partial, ratings_context(request, appraisal))


def _ratings_post(request: HttpRequest, appraisal: Appraisal) -> list[RatingForm] | None:
    """Save the draft (`save`), or save and submit (`submit`); the refused forms, if
    the fact pipeline refused a rating."""
    action = request.POST.get("action")
    if action not in ("save", "submit"):
        raise Http404
    standing = relations(request.user, appraisal)
    items = items_info(appraisal.scheme_version)
    mine = rating_roles_now(standing, appraisal.state)
    pairs = rating_rows(items, mine)
    roles_used = {role for item in items for role in item.rater_roles}
    if not pairs and rating_next_state(appraisal.state, standing, roles_used) is None:
        raise Http404  # nothing to rate and no move: the same answer as a missing page
    forms = rating_forms(pairs, {}, data=request.POST, about=appraisal.appraisee_name)
    if not all(form.is_valid() for form in forms):
        messages.error(request, _("Nothing was saved: correct the values marked below."))
        return forms
    try:
        with hidden():
            changed = services.ratings_save(
                entries=rating_entries(appraisal, pairs, forms),
                actor=request.user,
                reason=request.POST.get("reason", "").strip() or _("revised before submission"),
            )
    except SheetRefused as refused:
        by_cell = {
            (appraisal.pk, f"{item.code}|{role}"): form
            for (item, role), form in zip(pairs, forms, strict=True)
        }
        refusals_on_forms(refused, by_cell, {})
        messages.error(request, refused.message)
        return forms
    if action == "save":
        messages.success(request, _("Draft saved: %(count)s ratings changed.") % {"count": changed})
        return None
    previous = appraisal.state
    try:
        with hidden():
            target = services.ratings_submit(appraisal=appraisal, actor=request.user, items=items)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, move_said(previous, target, appraisal.appraisee_name))
    return None


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
