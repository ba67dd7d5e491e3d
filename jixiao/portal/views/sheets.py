"""A manager's team sheets: the targets of many people at once (with last cycle's to
copy), and the ratings of the whole team (people × items), keyboard-navigable. One
form of one scheme version a page, paged and searched with the listing kit; one
save writes the page through the fact pipeline, all or nothing, each refusal
beside its cell. The queries do not grow with the team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from jixiao.appraisals import services
from jixiao.appraisals.access import SKIP_LEVEL_ROLES, SUPERVISOR_ROLES
from jixiao.appraisals.models import Appraisal, Rating
from jixiao.appraisals.scoring import ItemInfo, items_info
from jixiao.appraisals.selectors import appraisal_list
from jixiao.appraisals.services.ratings import RatingEntry
from jixiao.appraisals.services.sheets import SheetRefused
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.errors import ServiceError
from jixiao.core.listing import Filter, Listing, Sort, listing
from jixiao.organization.access import employee_of
from jixiao.portal.forms import RatingForm, TargetForm, number_or_word
from jixiao.portal.views.appraisals import TARGET_FIELDS, refusals_on_forms, target_forms
from jixiao.portal.views.common import hidden
from jixiao.schemes.models import SchemeVersion

A = AppraisalState
PER_PAGE = 20  # people a sheet page (each row holds every item of the form)
SORTS = (
    Sort("number", _lazy("Employee number"), ("employee__number",)),
    Sort("name", _lazy("Name"), ("employee__name",)),
    Sort("department", _lazy("Department"), ("employee__unit__name", "employee__number")),
)
SEARCH = ("employee__name", "employee__number", "employee__unit__name")


def _me(request: HttpRequest) -> Any:
    me = employee_of(request.user)
    if me is None:
        raise Http404
    return me


def _sheet(
    request: HttpRequest, rows: QuerySet[Appraisal], per_page: int = PER_PAGE
) -> tuple[Listing, SchemeVersion | None, list[Appraisal]]:
    """One page of the rows of one cycle and one form (scheme version), both picked
    above the sheet. Four queries whatever the team's size."""
    choices = list(
        rows.order_by("-cycle__start", "scheme_version__scheme__name")
        .values_list("cycle_id", "cycle__name", "scheme_version_id", "scheme_version__scheme__name")
        .distinct()
    )
    cycles = list(dict.fromkeys((cycle, name) for cycle, name, _v, _n in choices))
    cycle = request.GET.get("cycle") or (str(cycles[0][0]) if cycles else "")
    versions = list(dict.fromkeys((v, n) for c, _cn, v, n in choices if str(c) == cycle)) or [
        (v, n) for _c, _cn, v, n in choices
    ]
    filters = [
        Filter("cycle", _lazy("Cycle"), "cycle_id", cycles),
        Filter("form", _lazy("Form"), "scheme_version_id", list(dict.fromkeys(versions))),
    ]
    page = listing(
        request,
        rows.select_related("employee__unit", "cycle"),
        search=SEARCH,
        sorts=SORTS,
        filters=filters,
        per_page=per_page,
    )
    chosen = page.value("form")
    version = (
        SchemeVersion.objects.select_related("scheme").filter(pk=chosen).first() if chosen else None
    )
    return page, version, list(page.rows)


def _posted(request: HttpRequest, rows: QuerySet[Appraisal]) -> list[Appraisal]:
    """The appraisals of the posted page, found again among those the person may fill."""
    ids = [int(pk) for pk in request.POST.getlist("appraisal") if pk.isdigit()]
    found = {a.pk: a for a in rows.filter(pk__in=ids).select_related("employee__unit", "cycle")}
    return [found[pk] for pk in ids if pk in found]


# -- targets -----------------------------------------------------------------------
def _target_rows(me: Any, user: Any) -> QuerySet[Appraisal]:
    """Whose targets the manager sets now: their direct and skip-level reports whose
    targets are not yet acknowledged."""
    return (
        appraisal_list(visible_to=user)
        .filter(Q(employee__supervisor=me) | Q(employee__supervisor__supervisor=me))
        .filter(state=A.TARGETS, targets_signed_at__isnull=True)
    )


def _target_forms(
    people: list[Appraisal],
    items: list[ItemInfo],
    numeric: set[str],
    initial: dict[int, dict[str, dict[str, Any]]],
    data: Any = None,
) -> dict[tuple[int, str], TargetForm]:
    forms = {}
    for appraisal in people:
        made = target_forms(
            appraisal, items, numeric, initial.get(appraisal.pk, {}), data, f"a{appraisal.pk}-"
        )
        for item, form in zip(items, made, strict=True):
            forms[(appraisal.pk, item.code)] = form
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def team_targets(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    rows = _target_rows(me, request.user)
    page, version, people = _sheet(request, rows)
    items = items_info(version) if version is not None else []
    numeric = services.numeric_targets(version) if version is not None else set()
    refused: SheetRefused | None = None
    forms: dict[tuple[int, str], TargetForm] | None = None
    if request.method == "POST":
        people = [
            a for a in _posted(request, rows) if version and a.scheme_version_id == version.pk
        ]
        forms = _target_forms(people, items, numeric, {}, data=request.POST)
        entries = []
        for appraisal in people:
            for item in items:
                form = forms[(appraisal.pk, item.code)]
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
        try:
            with hidden():
                changed = services.targets_save(entries=entries, actor=request.user)
        except SheetRefused as exc:
            refused = exc
            refusals_on_forms(exc, forms, TARGET_FIELDS)
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Targets saved for %(people)s people: %(count)s values changed.")
                % {"people": len(people), "count": changed},
            )
            return redirect(request.get_full_path())
    copied = False
    if forms is None:
        initial = services.targets_of(people)
        if request.GET.get("copy"):
            for pk, previous in services.targets_previous(people).items():
                mine = initial.setdefault(pk, {})
                for code, values in previous.items():
                    if not mine.get(code, {}).get("target"):
                        mine[code] = dict(values)
                        copied = True
        forms = _target_forms(people, items, numeric, initial)
    sheet = [(a, [(item, forms[(a.pk, item.code)]) for item in items]) for a in people]
    return render(
        request,
        "portal/team_targets.html",
        {
            "listing": page,
            "version": version,
            "items": items,
            "sheet": sheet,
            "copied": copied,
            "refused": refused,
        },
        status=200,
    )


# -- ratings -----------------------------------------------------------------------
def _rating_rows(me: Any, user: Any) -> QuerySet[Appraisal]:
    """Whom the manager rates now: direct reports in the supervisor review (复评),
    skip-level reports in the skip-level review (终评)."""
    return appraisal_list(visible_to=user).filter(
        Q(state=A.SUPERVISOR_REVIEW, employee__supervisor=me)
        | Q(state=A.SKIP_LEVEL_REVIEW, employee__supervisor__supervisor=me)
    )


def _roles_of(appraisal: Appraisal) -> frozenset[str]:
    return SUPERVISOR_ROLES if appraisal.state == A.SUPERVISOR_REVIEW else SKIP_LEVEL_ROLES


def _cells(
    people: list[Appraisal], items: list[ItemInfo]
) -> list[tuple[Appraisal, list[tuple[ItemInfo, str | None]]]]:
    """Each person's row: per item the role the manager rates it in (None: not rated
    by them at this stage)."""
    found = []
    for appraisal in people:
        mine = _roles_of(appraisal)
        row = []
        for item in items:
            role = next((r for r in item.rater_roles if r in mine), None)
            row.append((item, role))
        found.append((appraisal, row))
    return found


def _rating_forms(
    cells: list[tuple[Appraisal, list[tuple[ItemInfo, str | None]]]],
    given: dict[tuple[int, str, str], Rating],
    data: Any = None,
) -> dict[tuple[int, str], RatingForm]:
    forms = {}
    for appraisal, row in cells:
        for n, (item, role) in enumerate(row):
            if role is None:
                continue
            rating = given.get((appraisal.pk, item.code, role))
            forms[(appraisal.pk, f"{item.code}|{role}")] = RatingForm(
                data,
                prefix=f"a{appraisal.pk}-{n}",
                initial={"value": rating.value, "comment": rating.comment} if rating else {},
                about=f"{appraisal.appraisee_name} · {item.name}",
                levels=item.levels,
            )
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def team_ratings(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    rows = _rating_rows(me, request.user)
    page, version, people = _sheet(request, rows)
    items = [i for i in items_info(version) if i.rater_roles] if version is not None else []
    forms: dict[tuple[int, str], RatingForm] | None = None
    if request.method == "POST":
        people = [
            a for a in _posted(request, rows) if version and a.scheme_version_id == version.pk
        ]
        cells = _cells(people, items)
        forms = _rating_forms(cells, {}, data=request.POST)
        if _rating_post(request, cells, forms, items):
            return redirect(request.get_full_path())
    cells = _cells(people, items)
    if forms is None:
        given = {
            (r.appraisal_id, r.item, r.role): r
            for r in Rating.objects.filter(
                appraisal__in=people, role__in=SUPERVISOR_ROLES | SKIP_LEVEL_ROLES
            )
        }
        forms = _rating_forms(cells, given)
    sheet = [
        (a, [(item, forms.get((a.pk, f"{item.code}|{role}"))) for item, role in row])
        for a, row in cells
    ]
    return render(
        request,
        "portal/team_ratings.html",
        {"listing": page, "version": version, "items": items, "sheet": sheet},
    )


def _rating_post(
    request: HttpRequest,
    cells: list[tuple[Appraisal, list[tuple[ItemInfo, str | None]]]],
    forms: dict[tuple[int, str], RatingForm],
    items: list[ItemInfo],
) -> bool:
    """Save the page (and with `submit`, submit every complete row); True when saved."""
    if not all(form.is_valid() for form in forms.values()):
        messages.error(request, _("Nothing was saved: correct the values marked below."))
        return False
    entries = []
    for appraisal, row in cells:
        for item, role in row:
            if role is None:
                continue
            form = forms[(appraisal.pk, f"{item.code}|{role}")]
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
    reason = request.POST.get("reason", "").strip() or _("revised before submission")
    try:
        with hidden():
            changed = services.ratings_save(entries=entries, actor=request.user, reason=reason)
    except SheetRefused as exc:
        refusals_on_forms(exc, forms, {})
        messages.error(request, exc.message)
        return False
    messages.success(request, _("Ratings saved: %(count)s ratings changed.") % {"count": changed})
    if request.POST.get("action") != "submit":
        return True
    submitted, waiting = [], []
    for appraisal, _row in cells:
        try:
            with hidden():
                services.ratings_submit(appraisal=appraisal, actor=request.user, items=items)
        except ServiceError as exc:
            waiting.append(exc.message)
        else:
            submitted.append(appraisal.appraisee_name)
    if submitted:
        messages.success(
            request,
            _("Submitted for %(count)s people: %(names)s.")
            % {"count": len(submitted), "names": "、".join(submitted)},
        )
    for text in waiting:
        messages.warning(request, text)
    return True
