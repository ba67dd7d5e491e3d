"""The data owner's page: one item of one running cycle at a time, a page of
appraisees at a time, searched and sorted (a constant number of queries whatever
the number of appraisees)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from jixiao.appraisals import services
from jixiao.appraisals.access import owned_sources
from jixiao.appraisals.models import Appraisal, Cycle, Fact
from jixiao.appraisals.scoring import ItemInfo, items_info
from jixiao.appraisals.selectors import cycle_list
from jixiao.appraisals.workflow import CycleState
from jixiao.core.listing import Sort, listing
from jixiao.organization.access import employee_of
from jixiao.organization.models import Employee
from jixiao.portal.forms import FactValueForm, number_or_word
from jixiao.portal.views.appraisals import invalid
from jixiao.portal.views.common import after_post, page_or_partial, run
from jixiao.schemes.models import SchemeItem, SchemeVersion

RUNNING = [CycleState.TARGETS, CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION]
SORTS = (
    Sort("number", _lazy("Employee number"), ("employee__number", "unit__code")),
    Sort("name", _lazy("Name"), ("employee__name", "unit__name")),
    Sort("department", _lazy("Department"), ("employee__unit__name", "employee__number")),
)
SEARCH = (
    "employee__name",
    "employee__number",
    "employee__unit__name",
    "unit__name",
    "attributes__department",
)


def data_owner_of(request: HttpRequest) -> tuple[Employee, set[str]]:
    """The person and the sources they answer for; a 404 for anyone who is not a data owner."""
    me = employee_of(request.user)
    sources = owned_sources(me) if me else set()
    if me is None or not sources:
        raise Http404
    return me, sources


def data_context(
    request: HttpRequest, owner: tuple[Employee, set[str]] | None = None
) -> dict[str, Any]:
    _, sources = owner or data_owner_of(request)
    cycles = list(cycle_list(visible_to=request.user).filter(state__in=RUNNING))
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    cycle = cycle or (cycles[0] if cycles else None)
    context: dict[str, Any] = {"cycles": cycles, "cycle": cycle, "sources": sorted(sources)}
    context.update(tables=[], choices=[], listing=None, choice="")
    if cycle is None:
        return context
    choices = _choices(Appraisal.objects.filter(cycle=cycle), sources)
    chosen = next((c for c in choices if c[0] == request.GET.get("item")), None)
    chosen = chosen or (choices[0] if choices else None)
    context["choices"] = choices
    if chosen is None:
        return context
    _key, version, info = chosen
    context.update(_item_table(request, cycle, version, info))
    return context


def _item_table(
    request: HttpRequest, cycle: Cycle, version: SchemeVersion, info: ItemInfo
) -> dict[str, Any]:
    """The page of appraisees of one item (searched, sorted, paged as asked). Only the
    scheme versions taking an item from one of the owner's sources are listed
    (`_choices`), and all their appraisals are the owner's to see (the data owners' line
    of `appraisals_visible_to`): read without the OR of every other way of seeing one,
    and its DISTINCT over the company's appraisals."""
    appraisals = (
        Appraisal.objects.filter(cycle=cycle, scheme_version=version)
        .select_related("cycle", "employee__unit", "unit", "scheme_version__scheme")
        .order_by("pk")
    )
    rows = listing(request, appraisals, search=SEARCH, sorts=SORTS)
    key = f"{version.pk}-{info.code}"
    return {"listing": rows, "choice": key, "tables": [_table(request, version, info, rows.rows)]}


def _answer(
    request: HttpRequest, owner: tuple[Employee, set[str]], appraisal: Appraisal | None
) -> dict[str, Any]:
    """What htmx re-renders after a figure: the table the form was in — the figure's
    appraisal's cycle, scheme version and item, on the page the address asks for."""
    if appraisal is None:
        return data_context(request, owner)
    version = appraisal.scheme_version
    info = next((i for i in _items_info(version) if i.code == request.POST.get("item")), None)
    if info is None or info.rater_roles:
        return data_context(request, owner)
    context: dict[str, Any] = {"cycle": appraisal.cycle, "sources": sorted(owner[1])}
    context.update(_item_table(request, appraisal.cycle, version, info))
    return context


def _choices(appraisals: Any, sources: set[str]) -> list[tuple[str, SchemeVersion, ItemInfo]]:
    """(key, version, item) for each item of the cycle's schemes whose source is one of
    the owner's and whose figures are entered (not rated): two queries."""
    versions = (
        SchemeVersion.objects.filter(
            pk__in=appraisals.filter(scheme_version__items__source__in=sources).values(
                "scheme_version"
            )
        )
        .select_related("scheme")
        .prefetch_related("items")  # items_info reads them: one query for all the versions
    )
    found = []
    for version in versions.order_by("scheme__code", "number"):
        for info in _items_info(version):
            if info.source in sources and not info.rater_roles:
                found.append((f"{version.pk}-{info.code}", version, info))
    return found


# `items_info` of a version, by what it is made of: the version's document (its digest),
# the items' stored weights and the reader's language. Putting an item's words together
# is most of the page's own work; a saved version's document never changes.
_ITEMS_INFO: dict[tuple[Any, ...], tuple[ItemInfo, ...]] = {}


def _items_info(version: SchemeVersion) -> tuple[ItemInfo, ...]:
    weights = tuple(sorted((item.code, item.weight) for item in version.items.all()))
    key = (version.pk, version.digest, get_language(), weights)
    found = _ITEMS_INFO.get(key)
    if found is None:
        if len(_ITEMS_INFO) >= 512:
            _ITEMS_INFO.clear()
        found = _ITEMS_INFO[key] = tuple(items_info(version))
    return found


def _table(
    request: HttpRequest, version: SchemeVersion, info: ItemInfo, page: Any
) -> dict[str, Any]:
    members = list(page)
    keys = list(info.inputs) or [""]
    facts = {
        (f.appraisal_id, f.key): f.value
        for f in Fact.objects.filter(appraisal__in=members, item=info.code, key__in=keys)
    }
    # Every row is of a version whose item has one of the owner's sources as its source
    # (`_choices`): the data owners' right of `facts_recordable_by`, decided again by the
    # fact pipeline when a figure is written.
    rows = [
        {
            "appraisal": appraisal,
            "cells": [(key, facts.get((appraisal.pk, key))) for key in keys],
            "may_record": True,
        }
        for appraisal in members
    ]
    return {"version": version, "item": info, "keys": keys, "rows": rows}


@login_required
@require_http_methods(["GET", "POST"])
def data_owner(request: HttpRequest) -> HttpResponse:
    page, partial = "portal/data_owner.html", "portal/_data_tables.html"
    if request.method == "POST":
        owner = data_owner_of(request)
        appraisal = _data_post(request, owner[1])
        return after_post(request, page, partial, lambda: _answer(request, owner, appraisal))
    return page_or_partial(request, page, partial, data_context(request))


def _data_post(request: HttpRequest, sources: set[str]) -> Appraisal | None:
    """One figure: of an appraisal of a running cycle whose scheme takes the item from
    one of the owner's sources (what the page lists), a 404 otherwise; the rights, the
    states and the value checked by the fact pipeline (`fact_record`). The appraisal,
    or None when the form is not filled in."""
    form = FactValueForm(request.POST)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return None
    values = form.cleaned_data
    sourced = SchemeItem.objects.filter(code=values["item"], source__in=sources)
    appraisal = (
        Appraisal.objects.filter(
            pk=values["appraisal"],
            cycle__state__in=RUNNING,
            scheme_version__in=sourced.values("version_id"),
        )
        .select_related("cycle", "employee", "unit", "scheme_version__scheme")
        .first()
    )
    if appraisal is None:
        raise Http404
    key = values["key"] or ""
    run(
        request,
        lambda: services.fact_record(
            appraisal=appraisal,
            actor=request.user,
            kind="input" if key else "value",
            item=values["item"],
            key=key,
            value=number_or_word(values["value"]),
            reason=values["reason"],
        ),
        _("Saved."),
    )
    return appraisal
