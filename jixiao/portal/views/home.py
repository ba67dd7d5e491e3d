"""Home (what waits for me), my team, notices, and the data owner's page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.appraisals import services
from jixiao.appraisals.access import can_record_facts, owned_sources, results_visible_to
from jixiao.appraisals.models import Cycle, Fact
from jixiao.appraisals.scoring import items_info
from jixiao.appraisals.selectors import appraisal_list, cycle_list
from jixiao.appraisals.workflow import CycleState
from jixiao.notices.access import notices_visible_to
from jixiao.notices.services import notice_mark_read
from jixiao.notices.waiting import waiting_for
from jixiao.organization.access import employee_of, subordinate_ids
from jixiao.portal.forms import FactValueForm, number_or_word
from jixiao.portal.views.appraisals import invalid
from jixiao.portal.views.common import after_post, page_or_partial, run

RUNNING = [CycleState.TARGETS, CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    me = employee_of(user)
    mine = appraisal_list(visible_to=user).filter(employee=me) if me else []
    groups = waiting_for(user)
    return render(
        request,
        "portal/home.html",
        {
            "employee": me,
            "groups": groups,
            "waiting_total": sum(group.count for group in groups),
            "my_appraisals": list(mine)[-6:],
            "has_team": bool(me and subordinate_ids(me)),
            "is_data_owner": bool(me and owned_sources(me)),
            "notices": notices_visible_to(user).filter(read_at__isnull=True)[:10],
            # committee members (考评委员会): the cycles they sit on that wait for calibration
            "calibrating": Cycle.objects.filter(
                committee__in=[user.pk], state=CycleState.CALIBRATION
            ).order_by("-start"),
        },
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """My team: the appraisals of everyone below me, by cycle, with the results I may see."""
    me = employee_of(request.user)
    below = subordinate_ids(me) if me else set()
    if not below:
        raise Http404
    appraisals = appraisal_list(visible_to=request.user).filter(employee__in=below)
    results = {
        r.appraisal_id: r for r in results_visible_to(request.user).filter(appraisal__in=appraisals)
    }
    cycles: dict[Any, list[Any]] = {}
    for appraisal in appraisals.select_related("employee__supervisor").order_by(
        "-cycle__start", "employee__number"
    ):
        appraisal.visible_result = results.get(appraisal.pk)  # type: ignore[attr-defined]
        appraisal.direct = appraisal.employee.supervisor_id == me.pk  # type: ignore[attr-defined,union-attr]
        cycles.setdefault(appraisal.cycle, []).append(appraisal)
    return render(request, "portal/team.html", {"cycles": cycles})


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/notices.html", {"notices": notices_visible_to(request.user)[:100]}
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    notice_mark_read(notice=notice, actor=request.user)
    return redirect(notice.url or "portal:notice_list")


# -- data owners ------------------------------------------------------------------------
def data_context(request: HttpRequest) -> dict[str, Any]:
    me = employee_of(request.user)
    sources = owned_sources(me) if me else set()
    if not sources:
        raise Http404
    cycles = list(cycle_list(visible_to=request.user).filter(state__in=RUNNING))
    chosen = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    chosen = chosen or (cycles[0] if cycles else None)
    tables = []
    if chosen is not None:
        appraisals = appraisal_list(visible_to=request.user, cycle=chosen).filter(
            scheme_version__items__source__in=sources
        )
        by_version: dict[int, list[Any]] = {}
        for appraisal in appraisals.distinct():
            by_version.setdefault(appraisal.scheme_version_id, []).append(appraisal)
        for members in by_version.values():
            tables.extend(_tables(request, members, sources))
    return {"cycles": cycles, "cycle": chosen, "tables": tables, "sources": sorted(sources)}


def _tables(request: HttpRequest, members: list[Any], sources: set[str]) -> list[dict[str, Any]]:
    version = members[0].scheme_version
    tables = []
    for info in items_info(version):
        if info.source not in sources or info.rater_roles:
            continue
        keys = list(info.inputs) or [""]
        facts = {
            (f.appraisal_id, f.key): f.value
            for f in Fact.objects.filter(appraisal__in=members, item=info.code, key__in=keys)
        }
        rows = [
            {
                "appraisal": appraisal,
                "cells": [(key, facts.get((appraisal.pk, key))) for key in keys],
                "may_record": can_record_facts(request.user, appraisal, info.code),
            }
            for appraisal in members
        ]
        tables.append({"version": version, "item": info, "keys": keys, "rows": rows})
    return tables


@login_required
@require_http_methods(["GET", "POST"])
def data_owner(request: HttpRequest) -> HttpResponse:
    page, partial = "portal/data_owner.html", "portal/_data_tables.html"
    if request.method == "POST":
        context = data_context(request)  # 404 for anyone who is not a data owner
        _data_post(request, context)
        return after_post(request, page, partial, lambda: data_context(request))
    return page_or_partial(request, page, partial, data_context(request))


def _data_post(request: HttpRequest, context: dict[str, Any]) -> None:
    form = FactValueForm(request.POST)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return
    values = form.cleaned_data
    appraisal = next(
        (
            row["appraisal"]
            for table in context["tables"]
            for row in table["rows"]
            if row["appraisal"].pk == values["appraisal"]
        ),
        None,
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


def today() -> datetime.date:
    return datetime.date.today()
