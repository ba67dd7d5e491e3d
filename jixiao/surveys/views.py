"""The rater's survey (only their items, the standard in words, a comment box; one
save for the whole form through the fact pipeline) and the raters page of an
appraisal (assign, by hand or by a rule; progress, with names hidden where the
answers are anonymous)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.accounts.models import User
from jixiao.appraisals.access import relations
from jixiao.appraisals.models import Appraisal, AssignmentState, RaterAssignment, Rating
from jixiao.appraisals.services.pipeline import facts_apply
from jixiao.appraisals.services.pipeline.commands import RatingCommand
from jixiao.appraisals.services.pipeline.rules import rating_scale
from jixiao.appraisals.services.raters import (
    assignable_roles,
    rater_assign,
    rater_propose,
    rater_remove,
    raters_by_rule,
)
from jixiao.appraisals.workflow import APPRAISEE, HR, SUPERVISOR
from jixiao.core.errors import ServiceError
from jixiao.organization.models import Employee
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
    mine = (
        RaterAssignment.objects.filter(rater_id=request.user.pk, state=AssignmentState.ASSIGNED)
        .annotate(answered=_answered())
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit")
        .order_by("answered", "-appraisal__cycle_id", "pk")[:200]
    )
    return render(request, "surveys/list.html", {"assignments": mine})


def _items(assignment: RaterAssignment) -> list[Any]:
    version = assignment.appraisal.scheme_version
    if version is None:
        return []
    scheme = engine_scheme(version)
    chosen = []
    for item in scheme.items:
        raters = item.raters or scheme.raters
        if raters is not None and assignment.role in raters.types and rating_scale(item):
            chosen.append(item)
    return chosen


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
    items = _items(assignment)
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
        if len(commands) < len(items):
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
        },
    )


def _users(text: str) -> list[User]:
    """Logins by login name or 工号, separated by spaces or commas; unknown ones refused."""
    wanted = [w for w in text.replace("，", " ").replace(",", " ").split() if w]
    found = {u.username: u for u in User.objects.filter(username__in=wanted)}
    by_number = {
        e.number: e.user
        for e in Employee.objects.filter(number__in=wanted, user__isnull=False).select_related(
            "user"
        )
    }
    users: list[User] = []
    unknown: list[str] = []
    for word in wanted:
        user = found.get(word) or by_number.get(word)
        if user is None:
            unknown.append(word)
        else:
            users.append(user)
    if unknown:
        raise ServiceError(
            _("no login or employee number %(names)s") % {"names": "、".join(unknown)}
        )
    return users


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
                    raters=_users(request.POST.get("raters", "")),
                    role=request.POST.get("role", ""),
                )
            elif do == "rule" and may_assign:
                raters_by_rule(
                    appraisals=[appraisal], actor=request.user, rule=request.POST.get("rule", ""),
                    count=int(request.POST.get("count") or 0), seed=appraisal.cycle_id,
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
                    raters=_users(request.POST.get("raters", "")),
                )
            messages.success(request, _("Saved."))
        except (ServiceError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("surveys:raters", pk=appraisal.pk)
    assignments = (
        RaterAssignment.objects.filter(appraisal=appraisal)
        .exclude(state=AssignmentState.DECLINED)
        .annotate(answered=_answered())
        .select_related("rater")
        .order_by("role", "pk")
    )
    hr = HR in standing
    by_role: dict[str, dict[str, Any]] = {}
    for assignment in assignments:
        entry = by_role.setdefault(assignment.role, {"rows": [], "answered": 0, "assigned": 0})
        entry["rows"].append(assignment)
        if assignment.state == AssignmentState.ASSIGNED:
            entry["assigned"] += 1
            entry["answered"] += bool(assignment.answered)
    for role, entry in by_role.items():
        # who has answered is shown per person only to HR, or where answers carry names
        entry["per_person"] = hr or role not in ANONYMOUS_ROLES
    return render(
        request,
        "surveys/raters.html",
        {
            "appraisal": appraisal,
            "by_role": by_role,
            "roles": assignable_roles(appraisal),
            "may_assign": may_assign,
            "may_propose": may_propose,
            "proposed": [a for a in assignments if a.state == AssignmentState.PROPOSED],
        },
    )
