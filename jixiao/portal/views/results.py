"""The result page (with every item's trace, the rank, the history and the radar
charts) and the interview page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from jixiao.appraisals import services
from jixiao.appraisals.access import (
    can_acknowledge_interview,
    can_record_interview,
    improvement_plans_visible_to,
    interviews_visible_to,
)
from jixiao.appraisals.anonymity import result_shown_to
from jixiao.appraisals.models import Appraisal, Result
from jixiao.appraisals.outcome_labels import result_outcomes
from jixiao.appraisals.rollups import rollup_results
from jixiao.appraisals.scoring import items_info, lowest_grade
from jixiao.appraisals.selectors import result_get, result_list
from jixiao.portal.forms import AppealForm, ImprovementPlanForm, InterviewForm
from jixiao.portal.views.appraisals import (
    appeal_items,
    base_context,
    get_appraisal,
    invalid,
    may_appeal,
    visible_appeals,
)
from jixiao.portal.views.common import after_post, hidden, page_or_partial, run
from jixiao.scoring.numbers import fmt


def section_scores(appraisal: Appraisal, result: Result) -> list[dict[str, Any]]:
    """Per top-level section of the form, the share of its weight earned (%)."""
    sections = {
        info.code: (info.section.split(" / ")[0] or info.name)
        for info in items_info(appraisal.scheme_version)
    }
    totals: dict[str, list[float]] = {}
    for item in result.data.get("items", []):
        name = sections.get(item["code"], item["name"])
        earned, weight = totals.setdefault(name, [0.0, 0.0])
        totals[name] = [earned + (item.get("contribution") or 0), weight + (item["weight"] or 0)]
    return [
        {"section": name, "percent": round(100 * earned / weight, 1) if weight else 0}
        for name, (earned, weight) in totals.items()
    ]


OUTCOME_LABELS = {
    "pay": gettext_lazy("performance pay"),
    "salary_step": gettext_lazy("salary steps"),
    "salary_grade": gettext_lazy("new salary grade"),
    "fee_deduction": gettext_lazy("share of the service fee withheld"),
    "reference_period": gettext_lazy("adaptation period (适应期)"),
    "failed_items": gettext_lazy("KPIs not met"),
    "triggers": gettext_lazy("contract clauses triggered"),
}


def outcome_rows(outcomes: dict[str, Any]) -> list[tuple[str, str]]:
    """The outcomes of a result (§12) as a person reads them: pay, salary step, and a
    provider contract's adaptation month, fee withheld, KPIs not met and triggers."""
    rows = []
    periods = outcomes.get("trigger_periods") or {}  # the months behind each clause (v1.1)
    for name, value in outcomes.items():
        if name == "trigger_periods":
            continue
        if value is None:
            shown = "—"
        elif name == "pay":  # money: yuan and fen
            shown = f"¥{float(value):,.2f}"
        elif name == "fee_deduction":
            shown = f"{float(value) * 100:g}%"
        elif name == "reference_period":
            shown = _("yes: reference only, nothing withheld") if value else _("no")
        elif name == "triggers":
            shown = "、".join(_clause(str(t), periods.get(t)) for t in value) or _("none")
        elif isinstance(value, float):
            shown = shown_total(value)
        else:
            shown = str(value)
        rows.append((str(OUTCOME_LABELS.get(name, name)), shown))
    return rows


def _clause(trigger: str, periods: list[str] | None) -> str:
    """A listed contract clause with the periods whose facts made it hold."""
    if not periods:
        return trigger
    return _("%(clause)s (%(periods)s)") % {"clause": trigger, "periods": "、".join(periods)}


def shown_total(total: float | None) -> str:
    """A total as the engine reports it: up to four decimals, no trailing zeros
    (86.2, 90); `floatformat:"-4"` would pad 86.2 to 86.2000."""
    return fmt(total)


def history(request: HttpRequest, appraisal: Appraisal) -> list[dict[str, Any]]:
    """The appraisee's totals over the cycles the viewer may see, oldest first."""
    if appraisal.employee_id is None:
        return []
    rows = (
        result_list(visible_to=request.user)
        .filter(appraisal__employee_id=appraisal.employee_id)
        .only("total", "grade", "appraisal__cycle__name", "appraisal__cycle__start")
        .order_by("appraisal__cycle__start")  # not the results' facts, data and traces
    )
    return [
        {"cycle": row.appraisal.cycle.name, "total": row.total, "grade": row.grade}
        for row in rows
        if row.total is not None
    ]


def rolled_up(request: HttpRequest, result: Result) -> list[dict[str, Any]]:
    """The earlier results a roll-up result used (scheme-language v1.1 §15), oldest
    first, each with its value and a link where the reader may see it."""
    used = rollup_results(result)
    if not used:
        return []
    ids = [one.pk for one in used]
    visible = set(
        result_list(visible_to=request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    values = {
        one["result"]: one["value"]
        for listed in ((result.facts or {}).get("rollup") or {}).values()
        for one in listed
    }
    return [
        {
            "period": one.appraisal.cycle.period,
            "cycle": one.appraisal.cycle.name,
            "value": "—" if values.get(one.pk) is None else fmt(float(values[one.pk])),
            "appraisal": one.appraisal_id if one.pk in visible else None,
        }
        for one in used
    ]


@login_required
def appraisal_result(request: HttpRequest, pk: int) -> HttpResponse:
    return result_page(request, get_appraisal(request, pk))


def result_page(
    request: HttpRequest, appraisal: Appraisal, appeal_form: AppealForm | None = None
) -> HttpResponse:
    """The result page; `appeal_form`: a refused appeal, shown again with each refusal
    next to its field."""
    with hidden():
        result = result_get(visible_to=request.user, appraisal=appraisal)
    context = base_context(request, appraisal, "result")
    context.update(
        result=result,
        total_shown=shown_total(result.total),
        outcomes=outcome_rows(result_outcomes(result)),  # label outcomes as calibrated
        data=result_shown_to(request.user, result),  # traces: the reader's language, anonymity
        # calibration (校准) changes the stored total or grade, never the engine's output
        calibrated=result.total != result.data.get("total")
        or (result.grade or None) != (result.data.get("grade") or None),
        sections=section_scores(appraisal, result),
        history=history(request, appraisal),
        rolled_up=rolled_up(request, result),
        appeals=visible_appeals(request, appraisal).order_by("-received_at"),
        appeal_form=(appeal_form or AppealForm(items=appeal_items(appraisal)))
        if may_appeal(request, appraisal)
        else None,
    )
    return render(request, "portal/appraisal_result.html", context)


# -- interview (绩效面谈) and improvement plan ------------------------------------------
def interview_context(request: HttpRequest, appraisal: Appraisal) -> dict[str, Any]:
    user = request.user
    context = base_context(request, appraisal, "interview")
    interview = interviews_visible_to(user).filter(appraisal=appraisal).first()
    plan = improvement_plans_visible_to(user).filter(appraisal=appraisal).first()
    may_record = context["published"] and can_record_interview(user, appraisal)
    grade = Result.objects.filter(appraisal=appraisal).values_list("grade", flat=True).first()
    low = bool(grade) and grade == lowest_grade(appraisal.scheme_version)
    initial: dict[str, Any] = {"held_on": datetime.date.today()}
    if interview is not None:
        initial.update(
            held_on=interview.held_on,
            summary=interview.summary,
            to_improve=interview.to_improve,
            next_goals=interview.next_goals,
        )
    plan_initial: dict[str, Any] = {}
    if plan is not None:
        plan_initial = {"goals": plan.goals, "actions": plan.actions, "review_on": plan.review_on}
    context.update(
        interview=interview,
        plan=plan,
        low_grade=low and may_record,
        interview_form=InterviewForm(initial=initial) if may_record else None,
        plan_form=ImprovementPlanForm(initial=plan_initial) if may_record else None,
        may_acknowledge=interview is not None
        and interview.acknowledged_at is None
        and can_acknowledge_interview(user, appraisal),
    )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_interview(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = get_appraisal(request, pk)
    page, partial = "portal/appraisal_interview.html", "portal/_interview.html"
    if request.method == "POST":
        _interview_post(request, appraisal)
        return after_post(request, page, partial, lambda: interview_context(request, appraisal))
    return page_or_partial(request, page, partial, interview_context(request, appraisal))


def _interview_post(request: HttpRequest, appraisal: Appraisal) -> None:
    action, user = request.POST.get("action"), request.user
    if action == "acknowledge":
        with hidden():
            interview = interviews_visible_to(user).filter(appraisal=appraisal).first()
        if interview is None:
            raise Http404
        run(
            request,
            lambda: services.interview_acknowledge(interview=interview, actor=user),
            _("Interview acknowledged."),
        )
        return
    if action == "plan":
        form: Any = ImprovementPlanForm(request.POST)
        if not form.is_valid():
            run(request, lambda: invalid(form))
            return
        values = form.cleaned_data
        run(
            request,
            lambda: services.improvement_plan_record(appraisal=appraisal, actor=user, **values),
            _("Improvement plan saved."),
        )
        return
    form = InterviewForm(request.POST)
    if not form.is_valid():
        run(request, lambda: invalid(form))
        return
    values = form.cleaned_data
    run(
        request,
        lambda: services.interview_record(appraisal=appraisal, actor=user, **values),
        _("Interview saved."),
    )
