"""Cycles: create, schemes and population, deadlines, eligibility with overrides,
the moves between stages (open, …, publish, close), progress by stage and unit,
overdue work, and the outcomes export."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from jixiao.appraisals import services as cycle_services
from jixiao.appraisals.models import Cycle, Eligibility, EligibilityDecision, PopulationRule
from jixiao.appraisals.outcome_labels import cycle_clauses
from jixiao.appraisals.selectors import cycle_get, cycle_list, eligibility_list
from jixiao.appraisals.tasks import CYCLE_JOBS
from jixiao.appraisals.workflow import (
    SCORING_CYCLE_STATES,
    AppraisalState,
    CycleState,
    allowed_moves,
)
from jixiao.core.errors import ServiceError
from jixiao.core.listing import Sort, listing
from jixiao.hr.access import can_change
from jixiao.hr.forms import (
    AddSchemeForm,
    CommitteeForm,
    CycleForm,
    DeadlineForm,
    OverrideForm,
    PopulationRuleForm,
)
from jixiao.hr.moves import move_preview
from jixiao.hr.selectors import (
    cycle_overdue_appraisals,
    cycle_progress,
    cycle_unit_appraisals,
    cycle_unit_appraisals_all,
    overdue_rows,
    unit_spreads,
    unit_trend,
)
from jixiao.hr.views.base import hr_page, refused
from jixiao.hr.views.jobs import job_context
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.selectors import job_latest_for
from jixiao.jobs.services import job_enqueue
from jixiao.schemes.models import Scheme

CYCLE_SORTS = (
    Sort("start", _l("period"), ("-start",)),
    Sort("code", _l("code"), ("code",)),
    Sort("state", _l("state"), ("state", "-start")),
)


@hr_page
def cycle_list_view(request: HttpRequest) -> HttpResponse:
    cycles = listing(
        request,
        cycle_list(visible_to=request.user).prefetch_related("cycle_schemes__scheme"),
        search=("code", "name"),
        sorts=CYCLE_SORTS,
    )
    context = {"listing": cycles, "cycles": cycles.rows, "can_change": can_change(request.user)}
    return render(request, "hr/cycle_list.html", context)


@hr_page
def cycle_new(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_services.cycle_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("cycle created as a draft"))
            return redirect("hr:cycle_detail", pk=cycle.pk)
    return render(request, "hr/cycle_new.html", {"form": form})


def _cycle(request: HttpRequest, pk: int) -> Cycle:
    return cycle_get(visible_to=request.user, pk=pk)


@hr_page
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    draft = cycle.state == CycleState.DRAFT
    moves = [state for state in allowed_moves(CycleState(cycle.state))]
    context = {
        "cycle": cycle,
        "draft": draft,
        "can_change": can_change(request.user),
        "moves": moves,
        "move_rows": [(state, move_preview(cycle, state)) for state in moves]
        if can_change(request.user)
        else [],
        "links": cycle.cycle_schemes.select_related("scheme", "version"),
        "rules": cycle.population_rules.select_related("unit", "position", "employee"),
        "deadlines": cycle.deadlines.all(),
        **_progress_context(request, cycle),
        "committee": cycle.committee.all(),
        "scheme_form": AddSchemeForm(),
        "rule_form": PopulationRuleForm(),
        "deadline_form": DeadlineForm(),
        "eligibility_count": cycle.eligibilities.count(),
        "clauses": cycle_clauses(cycle),  # contract clauses listed, with their months
        "recompute": cycle.state in SCORING_CYCLE_STATES,
        **job_context(_job_to_show(cycle)),
    }
    return render(request, "hr/cycle_detail.html", context)


OVERDUE_SHOWN = 10


def _progress_context(request: HttpRequest, cycle: Cycle) -> dict[str, object]:
    """Counts by state and department (a page of departments, searched by name) and
    the most overdue appraisals (the rest one click away, in the drill-down)."""
    progress = cycle_progress(cycle)
    units = listing(
        request,
        progress.units,
        matches=lambda row, text: all(word in row[0] for word in text.split()),
        per_page=25,
    )
    today = timezone.localdate()
    late = cycle_overdue_appraisals(cycle, today)
    return {
        "progress": progress,
        "units": units,
        "overdue": overdue_rows(cycle, late[:OVERDUE_SHOWN], today),
        "overdue_count": late.count(),
    }


APPRAISAL_SORTS = (
    Sort("number", _l("employee number"), ("employee__number", "unit__code")),
    Sort("name", _l("name"), ("employee__name", "unit__name")),
    Sort("state", _l("state"), ("state", "employee__number")),
)


@hr_page
def cycle_appraisals(request: HttpRequest, pk: int) -> HttpResponse:
    """The drill-down of the progress: the appraisals of a department (and a state),
    or the overdue ones, a page at a time, searched and sorted."""
    cycle = _cycle(request, pk)
    today = timezone.localdate()
    department = request.GET.get("department", "")
    state = request.GET.get("state", "")
    state = state if state in AppraisalState.values else ""
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        found = cycle_overdue_appraisals(cycle, today)
        if department:
            found = found.filter(attributes__department=department)
        if state:
            found = found.filter(state=state)
    elif department:
        found = cycle_unit_appraisals(cycle, department=department, state=state)
    else:
        found = cycle_unit_appraisals_all(cycle, state=state)
    rows = listing(
        request,
        found,
        search=("employee__name", "employee__number", "unit__name", "attributes__department"),
        sorts=APPRAISAL_SORTS,
        default_sort="due" if overdue else "",  # overdue: most overdue first
    )
    context = {
        "cycle": cycle,
        "listing": rows,
        "rows": overdue_rows(cycle, rows.rows, today) if overdue else None,
        "department": department,
        "state": AppraisalState(state).label if state else "",
        "overdue": overdue,
    }
    return render(request, "hr/cycle_appraisals.html", context)


def _job_to_show(cycle: Cycle) -> Job | None:
    """The cycle's latest job while it runs, failed (its errors stay until the next
    job), or for a few minutes after it has finished."""
    job = job_latest_for(target=cycle, kinds=CYCLE_JOBS)
    if job is None or job.state != JobState.DONE:
        return job
    recent = job.finished_at and timezone.now() - job.finished_at < datetime.timedelta(minutes=5)
    return job if recent else None


DEPARTMENTS_SHOWN = 20  # departments on a page of the comparison (and lines in its trend)


@hr_page
def cycle_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """Departments compared (box plots of the totals) and their trend over cycles."""
    cycle = _cycle(request, pk)
    departments = listing(
        request,
        unit_spreads(cycle),
        matches=lambda spread, text: all(word in spread.unit for word in text.split()),
        per_page=DEPARTMENTS_SHOWN,
    )
    spreads = list(departments.rows)
    low = min((spread.low for spread in spreads), default=0.0)
    high = max((spread.high for spread in spreads), default=100.0)
    axis = (min(60.0, 10 * (low // 10)), max(100.0, 10 * -(-high // 10)))

    def x(value: float) -> float:  # a total's place on the axis, in % of the width
        return round(100 * (value - axis[0]) / (axis[1] - axis[0]), 2)

    step = 10 if axis[1] - axis[0] <= 120 else 20
    context = {
        "cycle": cycle,
        "boxes": [
            {
                "spread": spread,
                "low": x(spread.low),
                "q1": x(spread.q1),
                "median": x(spread.median),
                "q3": x(spread.q3),
                "high": x(spread.high),
                "mean": x(spread.mean),
                "box_width": round(x(spread.q3) - x(spread.q1), 2),
            }
            for spread in spreads
        ],
        "ticks": [
            {"value": value, "x": x(value)} for value in range(int(axis[0]), int(axis[1]) + 1, step)
        ],
        "trend": unit_trend(cycle, units=[spread.unit for spread in spreads]),
        "listing": departments,
    }
    return render(request, "hr/cycle_analysis.html", context)


def _act(request: HttpRequest, action: object, success: str) -> None:
    try:
        action()  # type: ignore[operator]
    except ServiceError as error:
        refused(request, error)
    else:
        messages.success(request, success)


@hr_page
@require_POST
def cycle_scheme_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = AddSchemeForm(request.POST)
    if form.is_valid():
        scheme = form.cleaned_data["scheme"]
        _act(
            request,
            lambda: cycle_services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=request.user),
            _("scheme added"),
        )
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def cycle_scheme_remove(request: HttpRequest, pk: int, scheme_pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    scheme = get_object_or_404(Scheme, pk=scheme_pk)
    _act(
        request,
        lambda: cycle_services.cycle_remove_scheme(cycle=cycle, scheme=scheme, actor=request.user),
        _("scheme removed"),
    )
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def population_add(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = PopulationRuleForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["tier"] = data.get("tier") or ""
        _act(
            request,
            lambda: cycle_services.population_rule_add(cycle=cycle, actor=request.user, **data),
            _("population rule added"),
        )
    else:
        problems = [
            f"{form.fields[name].label}: {' '.join(str(error) for error in errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        messages.error(request, "; ".join([str(_("the population rule is incomplete")), *problems]))
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def population_remove(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    rule = get_object_or_404(PopulationRule, pk=rule_pk, cycle=cycle)
    _act(
        request,
        lambda: cycle_services.population_rule_remove(rule=rule, actor=request.user),
        _("population rule removed"),
    )
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def deadline_set(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: cycle_services.cycle_set_deadline(
                cycle=cycle, actor=request.user, **form.cleaned_data
            ),
            _("deadline set"),
        )
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def committee_set(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = CommitteeForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in problems))
    else:
        members = list(form.cleaned_data["members"])
        members += [user for user in form.cleaned_data["add"] if user not in members]
        _act(
            request,
            lambda: cycle_services.cycle_set_committee(
                cycle=cycle, actor=request.user, members=members
            ),
            _("committee saved"),
        )
    return redirect("hr:cycle_detail", pk=cycle.pk)


ELIGIBILITY_SORTS = (
    Sort("number", _l("employee number"), ("employee__number", "unit__code")),
    Sort("name", _l("name"), ("employee__name", "unit__name")),
    Sort("excluded", _l("excluded by the rules"), ("excluded", "employee__number")),
)


@hr_page
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the candidates with their reasons; POST: check the population again."""
    cycle = _cycle(request, pk)
    if request.method == "POST":
        _act(
            request,
            lambda: cycle_services.cycle_eligibility_compute(cycle=cycle, actor=request.user),
            _("eligibility checked"),
        )
        return redirect("hr:cycle_eligibility", pk=cycle.pk)
    everyone = eligibility_list(visible_to=request.user, cycle=cycle)
    not_appraised = Q(decision=EligibilityDecision.EXCLUDE) | (
        Q(excluded=True) & ~Q(decision=EligibilityDecision.INCLUDE)
    )
    counts = everyone.aggregate(total=Count("pk"), excluded=Count("pk", filter=not_appraised))
    shown = everyone.select_related("scheme", "decided_by")
    which = request.GET.get("show", "")
    if which == "excluded":
        shown = shown.filter(not_appraised)
    elif which == "decided":
        shown = shown.exclude(decision="")
    entries = listing(
        request,
        shown,
        search=("employee__name", "employee__number", "employee__unit__name", "unit__name"),
        sorts=ELIGIBILITY_SORTS,
    )
    context = {
        "cycle": cycle,
        "listing": entries,
        "entries": entries.rows,
        "show": which,
        "total": counts["total"],
        "excluded": counts["excluded"],
        "draft": cycle.state == CycleState.DRAFT,
        "can_change": can_change(request.user),
        "form": OverrideForm(),
    }
    return render(request, "hr/cycle_eligibility.html", context)


@hr_page
@require_POST
def eligibility_decide(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    entry = get_object_or_404(Eligibility, pk=entry_pk, cycle=cycle)
    form = OverrideForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: cycle_services.eligibility_override(
                eligibility=entry,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ),
            _("decision recorded for %(who)s") % {"who": entry.employee or entry.unit},
        )
    # back to the same page of the list (its search, filter and page; nothing else)
    back = QueryDict(request.POST.get("back", "")).copy()
    kept = {key: back[key] for key in ("q", "show", "sort", "page") if back.get(key)}
    url = reverse("hr:cycle_eligibility", args=[cycle.pk])
    return redirect(f"{url}?{urlencode(kept)}#eligibility-{entry.pk}" if kept else url)


# The moves that are background jobs (they touch every appraisal of the cycle).
MOVE_JOBS = {
    CycleState.TARGETS: "cycle_open",
    CycleState.PUBLISHED: "cycle_publish",
    CycleState.CLOSED: "cycle_close",
}


@hr_page
@require_POST
def cycle_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, move between stages, publish (with the calibrations), close. Opening,
    publication and closing are jobs: the page shows their progress."""
    cycle = _cycle(request, pk)
    try:
        target = CycleState(request.POST.get("to", ""))
    except ValueError:
        messages.error(request, _("unknown state"))
        return redirect("hr:cycle_detail", pk=cycle.pk)
    actor = request.user
    kind = MOVE_JOBS.get(target)
    if kind is not None and not (kind == "cycle_open" and cycle.state != CycleState.DRAFT):
        _job(request, kind, cycle, _("the cycle is now: %(state)s") % {"state": target.label})
        return redirect("hr:cycle_detail", pk=cycle.pk)
    reason = request.POST.get("reason", "")
    _act(
        request,
        lambda: cycle_services.cycle_transition(cycle=cycle, actor=actor, to=target, reason=reason),
        _("the cycle is now: %(state)s") % {"state": target.label},
    )
    return redirect("hr:cycle_detail", pk=cycle.pk)


@hr_page
@require_POST
def cycle_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute every result of the cycle, as a job."""
    cycle = _cycle(request, pk)
    _job(request, "results_recompute", cycle, _("results recomputed"))
    return redirect("hr:cycle_detail", pk=cycle.pk)


def _job(request: HttpRequest, kind: str, cycle: Cycle, success: str) -> None:
    """Start the job (or find the same one already running) and say how it stands;
    a job that has already finished (the immediate runner) is reported as done."""
    job = job_enqueue(kind=kind, target=cycle, actor=request.user)
    if job.state == JobState.DONE:
        messages.success(request, success)
    elif job.state == JobState.FAILED:
        messages.error(request, "; ".join(job.errors))
    else:
        messages.info(request, _("started in the background; the progress is shown below"))
