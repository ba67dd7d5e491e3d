"""Appeals: the appraisee files one from the result page; HR (or the cycle's
committee) accepts or rejects it, corrects facts and answers; the list flags the
overdue ones."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.appraisals import services
from jixiao.appraisals.access import appeals_visible_to, can_decide_appeal
from jixiao.appraisals.models import Appeal, FactKind
from jixiao.appraisals.selectors import appeals_overdue
from jixiao.appraisals.workflow import OPEN_APPEAL_STATES, AppealState
from jixiao.core import roles
from jixiao.core.listing import Filter, Sort, listing
from jixiao.core.models import AuditEvent
from jixiao.portal.forms import (
    AppealAnswerForm,
    AppealForm,
    CorrectionForm,
    DecisionForm,
    number_or_word,
)
from jixiao.portal.views.appraisals import appeal_items, get_appraisal, invalid
from jixiao.portal.views.common import after_post, page_or_partial, run
from jixiao.portal.views.results import result_page


@login_required
@require_POST
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File an appeal of one's published result (from the result page)."""
    appraisal = get_appraisal(request, pk)
    form = AppealForm(request.POST, request.FILES, items=appeal_items(appraisal))
    if not form.is_valid():
        run(request, lambda: invalid(form))
        # the result page again, the refusal (a file too large or not accepted …) by its field
        return result_page(request, appraisal, appeal_form=form)
    values = form.cleaned_data
    done = run(
        request,
        lambda: services.appeal_file(
            appraisal=appraisal,
            actor=request.user,
            item=values["item"] or "",
            reason=values["reason"],
            evidence=values["evidence"],
        ),
        _("Your appeal was received."),
    )
    if done:
        return redirect("portal:appeal_list")
    return redirect("portal:appraisal_result", pk=pk)


APPEAL_SORTS = (
    Sort("received", _lazy("Received"), ("-received_at",)),
    Sort("answer_by", _lazy("Answer by"), ("answer_by",)),
    Sort("name", _lazy("Name"), ("appraisal__employee__name", "appraisal__unit__name")),
)
APPEAL_SEARCH = (
    "appraisal__employee__name",
    "appraisal__employee__number",
    "appraisal__employee__unit__name",
    "appraisal__unit__name",
    "appraisal__attributes__department",
)


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """The appeals a person may see, a page at a time: the open ones first (with how
    many are overdue), searched by the appellant's name, 工号 or department."""
    appeals = appeals_visible_to(request.user)
    state = Filter(
        "state",
        _lazy("State"),
        "state",
        [
            ("open", pgettext_lazy("appeals not answered yet", "Open")),
            ("decided", _lazy("Decided")),
        ],
        everything=_lazy("All"),
        default="open",
        conditions={
            "open": Q(state__in=OPEN_APPEAL_STATES),
            "decided": ~Q(state__in=OPEN_APPEAL_STATES),
        },
    )
    rows = listing(
        request,
        appeals.select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit"),
        search=APPEAL_SEARCH,
        sorts=APPEAL_SORTS,
        filters=[state],
    )
    return render(
        request,
        "portal/appeal_list.html",
        {"listing": rows, "overdue": appeals_overdue(appeals).count()},
    )


def get_appeal(request: HttpRequest, pk: int) -> Appeal:
    found = (
        appeals_visible_to(request.user)
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__scheme_version")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def appeal_context(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    appeal.refresh_from_db()
    may_decide = can_decide_appeal(request.user, appeal)
    state = appeal.state
    names = dict(appeal_items(appeal.appraisal))  # item code → name
    return {
        "appeal": appeal,
        "appraisal": appeal.appraisal,
        "may_decide": may_decide and state == AppealState.RECEIVED,
        "may_answer": may_decide and state == AppealState.ACCEPTED,
        "may_correct": may_decide and state == AppealState.ACCEPTED and roles.is_hr(request.user),
        "decision_form": DecisionForm(),
        "answer_form": AppealAnswerForm(),
        "correction_form": CorrectionForm(),
        "appealed": names.get(appeal.item, appeal.item) if appeal.item else _("whole result"),
        "corrections": _corrections(appeal, names),
    }


@dataclass(frozen=True)
class Correction:
    """A fact corrected on an appeal, in the reader's words."""

    when: datetime.datetime
    actor: Any
    item: str  # the item's name (or "appraisee" for the appraisee's own inputs)
    what: str  # the kind of fact, and an input's name
    before: str
    after: str


def _corrections(appeal: Appeal, names: dict[str, str]) -> list[Correction]:
    """The appeal's corrections, found by its id in the events' context (ADR 0005):
    never by their text, which is in the language of whoever corrected."""
    events = (
        AuditEvent.objects.filter(action="appeal.fact_corrected", context__appeal=appeal.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return [_correction(event, names) for event in events]


def _correction(event: AuditEvent, names: dict[str, str]) -> Correction:
    link = event.context
    code, kind, key = (str(link.get(part) or "") for part in ("item", "kind", "key"))
    label = FactKind(kind).label if kind in FactKind.values else kind
    return Correction(
        when=event.created_at,
        actor=event.actor,
        item=names.get(code, code) if code else _("appraisee"),
        what=f"{label} {key}" if key else str(label),
        before=_shown((event.before or {}).get("value")),
        after=_shown((event.after or {}).get("value")),
    )


def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_appeal(request, pk)
    page, partial = "portal/appeal_detail.html", "portal/_appeal.html"
    if request.method == "POST":
        _appeal_post(request, appeal)
        return after_post(request, page, partial, lambda: appeal_context(request, appeal))
    return page_or_partial(request, page, partial, appeal_context(request, appeal))


def _appeal_post(request: HttpRequest, appeal: Appeal) -> None:
    action, user, data = request.POST.get("action"), request.user, request.POST
    if action in ("accept", "reject"):
        reason = data.get("reason", "")
        call = services.appeal_accept if action == "accept" else services.appeal_reject
        done = _("Appeal accepted.") if action == "accept" else _("Appeal rejected.")
        run(request, lambda: call(appeal=appeal, actor=user, reason=reason), done)
    elif action == "correct":
        form: Any = CorrectionForm(data)
        if not form.is_valid():
            run(request, lambda: invalid(form))
            return
        values = form.cleaned_data
        run(
            request,
            lambda: services.appeal_correct_fact(
                appeal=appeal,
                actor=user,
                kind=values["kind"],
                key=values["key"],
                value=number_or_word(values["value"]),
            ),
            _("Fact corrected; the result changes when the appeal is answered as upheld."),
        )
    elif action == "answer":
        form = AppealAnswerForm(data)
        if not form.is_valid():
            run(request, lambda: invalid(form))
            return
        values = form.cleaned_data
        run(
            request,
            lambda: services.appeal_answer(
                appeal=appeal, actor=user, upheld=values["upheld"], answer=values["answer"]
            ),
            _("Appeal answered."),
        )
    else:
        raise Http404


def appeal_url(appeal: Appeal) -> str:
    return reverse("portal:appeal_detail", args=[appeal.pk])
