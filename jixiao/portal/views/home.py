"""Home (what waits for me), my team, notices, and the data owner's page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jixiao.appraisals.access import appraisals_related_to, owned_sources, results_visible_to
from jixiao.appraisals.models import Appraisal, Result
from jixiao.appraisals.selectors import appraisal_list, cycle_list
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.listing import Filter, Sort, listing
from jixiao.notices.access import notices_visible_to
from jixiao.notices.services import notice_mark_read
from jixiao.notices.waiting import KINDS, Waiting, waiting_for
from jixiao.organization.access import employee_of, subordinates
from jixiao.organization.models import Employee
from jixiao.portal import dashboard
from jixiao.portal.menu import menu_state


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What waits for the person, then what their roles call for: their current
    cycle's next step, last result and history; their team by state; the items
    they enter; the calibrations due; a provider's contract months (dashboard)."""
    user = request.user
    me = employee_of(user)
    provider = bool(me and me.unit.is_provider)
    results = dashboard.own_results(user) if me is not None and not provider else []
    mine = _own_appraisals(user, me, results)
    groups = waiting_for(user)
    current = _current(mine)
    last_result = next((a for a in reversed(mine) if _published(a)), None)
    has_team = menu_state(user).has_team  # read once for the page and its menu
    context: dict[str, Any] = {
        "employee": me,
        "groups": groups,
        "waiting_total": sum(group.count for group in groups),
        "overdue_total": sum(group.overdue for group in groups),
        "my_appraisals": mine,
        "current": dashboard.next_step(current, provider=provider),
        "last_result": last_result,
        "has_team": has_team,
        "is_data_owner": bool(me and owned_sources(me)),
        "notices": notices_visible_to(user).filter(read_at__isnull=True)[:10],
        # committee members (考评委员会): the cycles they sit on that wait for calibration
        "calibrating": dashboard.calibrations_due(user),
        "provider": provider,
    }
    if me is not None and not provider:
        context["history"] = dashboard.history_chart(results)
    if has_team and me is not None:
        waiting = {group.kind: group.count for group in groups}
        context["team_cycles"] = dashboard.team_by_state(me, waiting)
    if context["is_data_owner"] and me is not None:
        context["data_items"] = dashboard.data_items(user, me)
    if provider and me is not None:
        months = dashboard.contract_months(user, me)
        context.update(months=months, contract_chart=dashboard.contract_chart(months))
    return render(request, "portal/home.html", context)


def _published(appraisal: Appraisal) -> bool:
    result = getattr(appraisal, "visible_result", None)
    return result is not None and result.frozen_at is not None


def _current(mine: list[Appraisal]) -> Appraisal | None:
    """The appraisal one follows now: the latest of a running cycle, else the latest."""
    running = [a for a in mine if a.cycle.state in dashboard.RUNNING]
    return running[-1] if running else (mine[-1] if mine else None)


def _own_appraisals(user: Any, me: Employee | None, results: list[Result]) -> list[Appraisal]:
    """One's last six appraisals, oldest first, each with its result when one may read
    it (`results`: one's own, `dashboard.own_results`); a provider's contact: the
    provider's (oneself's are a part of appraisal_list(visible_to=user), found without
    walking a manager's subtree), with the results read here."""
    if me is None:
        return []
    if me.unit.is_provider:
        found = appraisal_list(visible_to=user).filter(unit=me.unit)
    else:
        found = appraisals_related_to(user).filter(employee=me).select_related("cycle")
    last = list(found.order_by("-cycle__start", "-pk")[:6])[::-1]
    if me.unit.is_provider:
        results = list(
            results_visible_to(user)
            .filter(appraisal__in=[a.pk for a in last])
            .only("appraisal_id", "total", "grade", "frozen_at")
        )
    by_appraisal = {result.appraisal_id: result for result in results}
    for appraisal in last:
        appraisal.visible_result = by_appraisal.get(appraisal.pk)  # type: ignore[attr-defined]
    return last


@login_required
def waiting_list(request: HttpRequest, kind: str) -> HttpResponse:
    """All the entries of one kind of work (the home page lists the first few)."""
    if kind not in KINDS:
        raise Http404
    group = next((g for g in waiting_for(request.user) if g.kind == kind), None)
    entries = group.entries if group is not None else []
    rows = listing(request, entries, matches=_entry_matches)
    return render(
        request,
        "portal/waiting.html",
        {"title": KINDS[kind], "listing": rows, "kind": kind},
    )


def _entry_matches(entry: Waiting, text: str) -> bool:
    words = f"{entry.subject} {entry.words}".casefold()
    return all(word.casefold() in words for word in text.split())


TEAM_SORTS = (
    Sort("number", _lazy("Employee number"), ("employee__number",)),
    Sort("name", _lazy("Name"), ("employee__name",)),
    Sort("department", _lazy("Department"), ("employee__unit__name", "employee__number")),
    Sort("state", _lazy("State"), ("state", "employee__number")),
    Sort("total", _lazy("Total"), ("result__total", "employee__number")),
)
TEAM_SEARCH = (
    "employee__name",
    "employee__number",
    "employee__unit__name",
    "attributes__department",
)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """My team: one cycle's appraisals of everyone below me, a page at a time, searched
    by name, 工号 or department and sorted, with the results I may see (a constant
    number of queries whatever the size of the team)."""
    me = employee_of(request.user)
    if me is None or not Employee.objects.filter(supervisor=me).exists():
        raise Http404
    below = subordinates(me)
    cycles = list(
        cycle_list(visible_to=request.user).filter(appraisals__employee__in=below).distinct()
    )
    # everyone below a manager is theirs to see (appraisals_visible_to), in the cycles
    # they may see: the team's rows by their own index, not filtered out of the union of
    # all that the manager may see (a plan of seconds on an analysed database of 10,000)
    team_appraisals = (
        Appraisal.objects.filter(employee__in=below, cycle__in=[c.pk for c in cycles])
        .select_related("cycle", "employee__unit", "unit", "scheme_version__scheme")
        .order_by("cycle", "pk")
    )
    filters = [
        Filter("cycle", _lazy("Cycle"), "cycle_id", [(c.pk, c.name) for c in cycles]),
        Filter("state", _lazy("State"), "state", AppraisalState.choices, _lazy("All")),
        Filter(
            "reports",
            _lazy("Reports"),
            "employee__supervisor",
            [(me.pk, _lazy("Direct reports only"))],
            _lazy("Direct and indirect"),
        ),
    ]
    rows = listing(
        request,
        team_appraisals if cycles else Appraisal.objects.none(),
        search=TEAM_SEARCH,
        sorts=TEAM_SORTS,
        filters=filters,
    )
    page = list(rows.rows)
    results = {
        r.appraisal_id: r
        for r in results_visible_to(request.user)
        .filter(appraisal__in=[a.pk for a in page])
        .only("appraisal_id", "total", "grade", "rank", "ranked")  # not the traces
    }
    for appraisal in page:
        appraisal.visible_result = results.get(appraisal.pk)
        appraisal.direct = appraisal.employee.supervisor_id == me.pk
    chosen = next((c for c in cycles if str(c.pk) == rows.value("cycle")), None)
    return render(
        request,
        "portal/team.html",
        {"listing": rows, "appraisals": page, "cycle": chosen, "cycles": cycles},
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    rows = listing(request, notices_visible_to(request.user))
    return render(request, "portal/notices.html", {"notices": rows.rows, "listing": rows})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notices_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    notice_mark_read(notice=notice, actor=request.user)
    return redirect(notice.url or "portal:notice_list")


def today() -> datetime.date:
    return datetime.date.today()
