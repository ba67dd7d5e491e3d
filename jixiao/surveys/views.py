"""The rater's survey (only their items, the standard in words, a comment box, the
deadline; one save for the whole form through the fact pipeline), the raters page
of an appraisal (assign, by hand or by a rule, for some items or all; progress,
with names hidden where the answers are anonymous; remind now; HR reopens a late
rater) and a cycle's survey page (HR sets the deadlines; HR and managers follow
progress by appraisal, in counts, and remind everyone who has not answered)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from jixiao.appraisals.access import relations
from jixiao.appraisals.models import (
    Appraisal,
    AssignmentState,
    Cycle,
    RaterAssignment,
    Rating,
    SurveyDeadline,
)
from jixiao.appraisals.services.pipeline import facts_apply
from jixiao.appraisals.services.pipeline.commands import RatingCommand
from jixiao.appraisals.services.pipeline.rules import rating_scale
from jixiao.appraisals.services.raters import (
    answered,
    assignable_roles,
    assignment_items,
    cycle_rater_roles,
    deadlines_of,
    due_of,
    rated_items,
    rater_assign,
    rater_propose,
    rater_remove,
    rater_reopen,
    rater_scope,
    raters_by_rule,
    role_name,
    survey_deadline_set,
    survey_remind_now,
)
from jixiao.appraisals.workflow import APPRAISEE, HR, SUPERVISOR
from jixiao.core import roles
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.listing import Sort, listing
from jixiao.organization.access import employee_of
from jixiao.organization.selectors import users_named
from jixiao.schemes.engine import engine_scheme, item_words

ANONYMOUS_ROLES = frozenset({"peer", "subordinate", "customer", "external"})


def _answered() -> Exists:
    return Exists(
        Rating.objects.filter(
            appraisal=OuterRef("appraisal"), role=OuterRef("role"), rater=OuterRef("rater")
        )
    )


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    mine = list(
        RaterAssignment.objects.filter(rater_id=request.user.pk, state=AssignmentState.ASSIGNED)
        .annotate(answered=_answered())
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit")
        .order_by("answered", "-appraisal__cycle_id", "pk")[:200]
    )
    deadlines = deadlines_of(a.appraisal.cycle_id for a in mine)
    for assignment in mine:
        assignment.due = due_of(assignment, assignment.appraisal.cycle_id, deadlines)  # type: ignore[attr-defined]
    return render(
        request, "surveys/list.html", {"assignments": mine, "today": timezone.localdate()}
    )


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError as error:
        raise ServiceError(_("%(text)s is not a day (YYYY-MM-DD)") % {"text": text}) from error


@login_required
@require_http_methods(["GET", "POST"])
def survey_form(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        RaterAssignment.objects.select_related(
            "appraisal__cycle", "appraisal__employee", "appraisal__scheme_version"
        ),
        pk=pk,
        rater_id=request.user.pk,
        state=AssignmentState.ASSIGNED,
    )
    appraisal = assignment.appraisal
    items = [item for item in assignment_items(assignment) if rating_scale(item)]
    due = due_of(assignment, appraisal.cycle_id, deadlines_of([appraisal.cycle_id]))
    closed = due is not None and timezone.localdate() > due
    given = {
        rating.item: rating
        for rating in Rating.objects.filter(
            appraisal=appraisal, role=assignment.role, rater_id=request.user.pk
        )
    }
    if request.method == "POST":
        commands = []
        for item in items:
            value = request.POST.get(f"item-{item.code}", "").strip()
            if value == "":
                continue
            commands.append(
                RatingCommand(
                    appraisal=appraisal,
                    item=item.code,
                    role=assignment.role,
                    value=value,
                    comment=request.POST.get(f"comment-{item.code}", "").strip(),
                )
            )
        if closed:
            messages.error(
                request,
                _("The survey closed on %(day)s: late answers are not taken unless HR reopens it.")
                % {"day": due},
            )
        elif len(commands) < len(items):
            messages.error(request, _("Rate every item before sending."))
        else:
            try:
                facts_apply(commands=commands, actor=request.user)
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                assignment.answered_at = timezone.now()
                assignment.save(update_fields=["answered_at", "updated_at"])
                messages.success(request, _("Thank you: your ratings are saved."))
                return redirect("surveys:list")
    rows = []
    for item in items:
        scale = rating_scale(item)
        levels = [name for name, _range in scale.rule.levels] if scale and scale.rule else []
        stored = given.get(item.code)
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "words": item_words(item),
                "levels": levels,
                "low": scale.low if scale else None,
                "high": scale.high if scale else None,
                "value": request.POST.get(f"item-{item.code}", stored.value if stored else ""),
                "comment": stored.comment if stored else "",
            }
        )
    return render(
        request,
        "surveys/form.html",
        {
            "assignment": assignment,
            "appraisal": appraisal,
            "rows": rows,
            "anonymous": assignment.role in ANONYMOUS_ROLES,
            "due": due,
            "closed": closed,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_raters(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_object_or_404(
        Appraisal.objects.select_related("cycle", "employee", "scheme_version"), pk=pk
    )
    standing = relations(request.user, appraisal)
    may_assign = bool(standing & {HR, SUPERVISOR})
    may_propose = APPRAISEE in standing and settings.JIXIAO_PEER_PROPOSALS
    if not (may_assign or may_propose):
        raise Http404
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "assign" and may_assign:
                rater_assign(
                    appraisal=appraisal,
                    actor=request.user,
                    raters=users_named(request.POST.get("raters", "")),
                    role=request.POST.get("role", ""),
                    items=request.POST.getlist("items"),
                )
            elif do == "scope" and may_assign:
                found = get_object_or_404(
                    RaterAssignment, pk=request.POST.get("assignment"), appraisal=appraisal
                )
                rater_scope(
                    assignment=found, actor=request.user, items=request.POST.getlist("items")
                )
            elif do == "reopen" and HR in standing:
                found = get_object_or_404(
                    RaterAssignment, pk=request.POST.get("assignment"), appraisal=appraisal
                )
                until = _day(request.POST.get("until", ""))
                if until is None:
                    raise ServiceError(_("give the last day the rater may answer"))
                rater_reopen(assignment=found, actor=request.user, until=until)
            elif do == "remind" and may_assign:
                count = survey_remind_now(actor=request.user, appraisals=[appraisal])
                messages.success(request, _("%(count)s raters reminded.") % {"count": count})
                return redirect("surveys:raters", pk=appraisal.pk)
            elif do == "rule" and may_assign:
                raters_by_rule(
                    appraisals=[appraisal], actor=request.user, rule=request.POST.get("rule", ""),
                    count=int(request.POST.get("count") or 0), seed=appraisal.cycle_id,
                    items=request.POST.getlist("items"),
                )  # fmt: skip
            elif do == "approve" and may_assign:
                found = get_object_or_404(
                    RaterAssignment, pk=request.POST.get("assignment"), appraisal=appraisal
                )
                rater_assign(
                    appraisal=appraisal, actor=request.user, raters=[found.rater], role=found.role
                )
            elif do == "remove" and may_assign:
                found = get_object_or_404(
                    RaterAssignment, pk=request.POST.get("assignment"), appraisal=appraisal
                )
                rater_remove(assignment=found, actor=request.user)
            elif do == "propose" and may_propose:
                rater_propose(
                    appraisal=appraisal,
                    actor=request.user,
                    raters=users_named(request.POST.get("raters", "")),
                )
            messages.success(request, _("Saved."))
        except (ServiceError, NotAllowed, ValueError) as error:
            messages.error(request, str(error))
        return redirect("surveys:raters", pk=appraisal.pk)
    assignments = (
        RaterAssignment.objects.filter(appraisal=appraisal)
        .exclude(state=AssignmentState.DECLINED)
        .annotate(answered=_answered())
        .select_related("rater")
        .order_by("role", "pk")
    )
    if not may_assign:  # the appraisee: their proposals awaiting approval, never who rates
        assignments = assignments.filter(state=AssignmentState.PROPOSED)
    hr = HR in standing
    by_role: dict[str, dict[str, Any]] = {}
    for assignment in assignments:
        entry = by_role.setdefault(assignment.role, {"rows": [], "answered": 0, "assigned": 0})
        entry["rows"].append(assignment)
        if assignment.state == AssignmentState.ASSIGNED:
            entry["assigned"] += 1
            entry["answered"] += bool(assignment.answered)
    scheme = engine_scheme(appraisal.scheme_version) if appraisal.scheme_version else None
    deadlines = deadlines_of([appraisal.cycle_id])
    for role, entry in by_role.items():
        # who has answered is shown per person only to HR, or where answers carry names
        entry["per_person"] = hr or role not in ANONYMOUS_ROLES
        entry["name"] = role_name(role)
        entry["items"] = rated_items(scheme, role) if scheme is not None else []
        entry["due"] = deadlines.get((appraisal.cycle_id, role)) or deadlines.get(
            (appraisal.cycle_id, "")
        )
        names = {item.code: item.name for item in entry["items"]}
        for row in entry["rows"]:
            row.scope = [names.get(code, code) for code in row.items or []]
            row.due = due_of(row, appraisal.cycle_id, deadlines)
    return render(
        request,
        "surveys/raters.html",
        {
            "appraisal": appraisal,
            "by_role": by_role,
            "roles": assignable_roles(appraisal),
            "may_assign": may_assign,
            "may_propose": may_propose,
            "hr": hr,
            "today": timezone.localdate(),
            "role_items": [
                (role, role_name(role), rated_items(scheme, role) if scheme else [])
                for role in assignable_roles(appraisal)
            ],
            "proposed": [a for a in assignments if a.state == AssignmentState.PROPOSED],
        },
    )


def _team(user: Any, cycle: Cycle) -> Any:
    """The appraisals of a cycle whose raters `user` follows: HR all, a manager their
    direct reports'."""
    chosen = Appraisal.objects.filter(cycle=cycle)
    if roles.is_hr(user):
        return chosen
    me = employee_of(user)
    return chosen.filter(employee__supervisor=me) if me is not None else chosen.none()


SURVEY_SORTS = (
    Sort("number", _l("employee number"), ("employee__number",)),
    Sort("unit", _l("unit"), ("unit__name", "employee__number")),
)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """A cycle's 360 survey: its deadlines (HR) and, per appraisal, how many of the
    raters have answered — counts only, never who — with one button to remind
    everyone who has not."""
    cycle = get_object_or_404(Cycle, pk=pk)
    hr = roles.is_hr(request.user)
    team = _team(request.user, cycle)
    if not hr and not team.exists():
        raise Http404
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "deadline" and hr:
                survey_deadline_set(
                    cycle=cycle,
                    actor=request.user,
                    due=_day(request.POST.get("due", "")),
                    role=request.POST.get("role", ""),
                )
                messages.success(request, _("Saved."))
            elif do == "remind":
                appraisals = list(team.select_related("cycle"))
                count = survey_remind_now(actor=request.user, appraisals=appraisals)
                messages.success(request, _("%(count)s raters reminded.") % {"count": count})
        except (ServiceError, NotAllowed) as error:
            messages.error(request, str(error))
        return redirect("surveys:cycle", pk=cycle.pk)
    assigned = Q(rater_assignments__state=AssignmentState.ASSIGNED)
    rows = listing(
        request,
        team.filter(assigned)
        .annotate(
            assigned=Count("rater_assignments", filter=assigned, distinct=True),
            answered=Count(
                "rater_assignments",
                filter=assigned & Q(rater_assignments__in=_answered_assignments(cycle)),
                distinct=True,
            ),
        )
        .select_related("employee", "unit", "cycle"),
        search=("employee__name", "employee__number", "unit__name"),
        sorts=SURVEY_SORTS,
    )
    totals = RaterAssignment.objects.filter(
        appraisal__in=team.values("pk"), state=AssignmentState.ASSIGNED
    ).aggregate(
        assigned=Count("pk"),
        answered=Count("pk", filter=Q(pk__in=_answered_assignments(cycle))),
    )
    deadlines = {
        row.role: row.due for row in SurveyDeadline.objects.filter(cycle=cycle).order_by("role")
    }
    return render(
        request,
        "surveys/cycle.html",
        {
            "cycle": cycle,
            "rows": rows.rows,
            "listing": rows,
            "hr": hr,
            "today": timezone.localdate(),
            "deadline": deadlines.get(""),
            "role_deadlines": [
                (role, role_name(role), deadlines.get(role)) for role in cycle_rater_roles(cycle)
            ],
            "answered": totals["answered"],
            "assigned": totals["assigned"],
        },
    )


def _answered_assignments(cycle: Cycle) -> Any:
    return RaterAssignment.objects.filter(appraisal__cycle=cycle).filter(answered()).values("pk")
