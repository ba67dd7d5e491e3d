"""The demo company's cycles, set up through the services as HR would: three monthly
cycles (the eight manager forms, the staff form, the warehouse provider) —
August 2026, published and closed; September 2026, published; October 2026, with
its facts recorded and results computed, waiting for calibration — and the 2026
annual 360-degree cycle, a draft with its eligibility checked. A month's facts
are in `facts.Month` (October: `facts.OCTOBER`; the earlier months: `history`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from jixiao.accounts.models import User
from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.models import Appraisal, Cycle, Eligibility
from jixiao.appraisals.services.pipeline import (
    Command,
    EventCommand,
    InputCommand,
    RatingCommand,
    ScoreCommand,
    ValueCommand,
    facts_apply,
)
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.demo import company, facts
from jixiao.demo.facts import Month
from jixiao.organization.models import Unit
from jixiao.schemes.models import Scheme

MONTHLY_CYCLE = facts.OCTOBER.code
ANNUAL_CYCLE = "TK-2026"
Say = Callable[[str], None]


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _say_excluded(entries: list[Eligibility], say: Say) -> None:
    for entry in entries:
        if not entry.eligible:
            reasons = "; ".join(reason["reason"] for reason in entry.reasons)
            say(f"  excluded: {entry.employee or entry.unit} — {reasons}")


def _next_month(month: Month, n: int) -> datetime.date:
    first = datetime.date(month.year, month.month, 28) + datetime.timedelta(days=4)
    return first.replace(day=n)


# -- a month -------------------------------------------------------------------------
def monthly_cycle(hr: User, say: Say, month: Month = facts.OCTOBER) -> Cycle:
    """A monthly cycle, opened: the departments' people and the provider."""
    cycle = appraisal_services.cycle_create(
        actor=hr,
        code=month.code,
        name=month.name,
        period_kind="month",
        period=month.period,
        appeal_window_days=5,
    )
    for scheme in Scheme.objects.filter(period="month").order_by("code"):
        appraisal_services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    for code in company.DEPARTMENTS:
        appraisal_services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=_unit(code))
    appraisal_services.population_rule_add(
        cycle=cycle, actor=hr, kind="provider", unit=_unit(company.PROVIDER)
    )
    last = facts.days_in(month.period)
    for stage, due in (
        ("targets", 5),
        ("collecting", last),
        ("self_review", last),
        ("supervisor_review", last),
    ):
        appraisal_services.cycle_set_deadline(
            cycle=cycle, actor=hr, stage=stage, due=facts.day(due, month.period)
        )
    for stage, due in (("skip_level_review", 3), ("calibration", 6), ("interview", 12)):
        appraisal_services.cycle_set_deadline(
            cycle=cycle, actor=hr, stage=stage, due=_next_month(month, due)
        )
    appraisal_services.cycle_set_committee(
        cycle=cycle, actor=hr, members=[User.objects.get(username="zongjingli")]
    )
    for level, pool in facts.STAFF_POOLS.items():
        appraisal_services.group_input_set(
            cycle=cycle, actor=hr, attribute="level", value=level, key="pool", amount=pool
        )
    appraisal_services.cycle_eligibility_compute(cycle=cycle, actor=hr)
    for number, decision, reason in month.overrides:
        appraisal_services.eligibility_override(
            eligibility=Eligibility.objects.get(cycle=cycle, employee__number=number),
            actor=hr,
            decision=decision,
            reason=reason,
        )
    _say_excluded(list(cycle.eligibilities.select_related("employee", "unit")), say)
    appraisal_services.cycle_open(cycle=cycle, actor=hr)
    say(f"cycle {cycle.name}: {cycle.appraisals.count()} appraisals")
    return cycle


class _Batches:
    """The month's fact commands, by who gives them (HR enters the figures, each
    supervisor rates and scores their people), written through the fact pipeline."""

    def __init__(self) -> None:
        self.by_actor: dict[int, tuple[User, list[Command]]] = {}

    def add(self, actor: User, command: Command) -> None:
        self.by_actor.setdefault(actor.pk, (actor, []))[1].append(command)

    def apply(self) -> None:
        for actor, commands in self.by_actor.values():
            facts_apply(commands=commands, actor=actor)


def record_facts(cycle: Cycle, hr: User, say: Say, month: Month = facts.OCTOBER) -> None:
    """Everyone's facts of the month; each group is scored once, at the end."""
    appraisals = {
        a.appraisee_id: a
        for a in cycle.appraisals.select_related(
            "employee__supervisor__user", "unit", "scheme_version__scheme", "cycle"
        )
    }
    batches = _Batches()
    for number, items in month.managers.items():
        _item_facts(appraisals[number], items, hr, batches)
    for number, appraisal in appraisals.items():
        if number in month.staff_level:
            _staff_facts(appraisal, number, cycle, hr, month, batches)
    _item_facts(appraisals[company.PROVIDER], month.provider, hr, batches)
    with appraisal_services.recompute_once(actor=hr, reason="演示数据录入"):
        batches.apply()
    say("facts recorded; results computed")


def _item_facts(appraisal: Appraisal, items: dict[str, Any], hr: User, batches: _Batches) -> None:
    """An appraisal's item facts (see `facts`): HR enters the figures, the supervisor rates."""
    codes = set(appraisal.scheme_version.items.values_list("code", flat=True))
    for item, given in items.items():
        if item == "attendance":
            item = next(code for code in facts.ATTENDANCE_ITEMS if code in codes)
        for key, value in given.get("inputs", {}).items():
            batches.add(hr, InputCommand(appraisal=appraisal, item=item, key=key, value=value))
        if "value" in given:
            batches.add(hr, ValueCommand(appraisal=appraisal, item=item, value=given["value"]))
        if "rating" in given:
            assert appraisal.employee is not None and appraisal.employee.supervisor is not None
            rating = RatingCommand(
                appraisal=appraisal, item=item, role="supervisor", value=given["rating"]
            )
            batches.add(appraisal.employee.supervisor.user or hr, rating)  # no account: HR
        for name, when, text, size in given.get("events", []):
            event = EventCommand(
                appraisal=appraisal,
                item=item,
                name=name,
                occurred_on=when,
                description=text,
                size=size,
            )
            batches.add(hr, event)
        for name, when, text, times in given.get("counts", []):
            event = EventCommand(
                appraisal=appraisal,
                item=item,
                name=name,
                occurred_on=when,
                description=text,
                count=times,
            )
            batches.add(hr, event)


def _staff_facts(
    appraisal: Appraisal, number: str, cycle: Cycle, hr: User, month: Month, batches: _Batches
) -> None:
    employee = appraisal.employee
    assert employee is not None and employee.supervisor is not None
    supervisor = employee.supervisor.user or hr  # supervisors without an account: HR enters
    scores = facts.staff_scores(number, month.period, month.staff_level[number])
    for item, score in scores.items():
        batches.add(supervisor, ScoreCommand(appraisal=appraisal, item=item, value=score))
    # the employee's 自评, recorded for reference (weight 0): by HR from the paper form
    # where the employee has no account
    own = employee.user or hr
    for item, score in facts.self_scores(number, month.period, scores).items():
        rating = RatingCommand(appraisal=appraisal, item=item, role="self", value=score)
        batches.add(own, rating)
    personal = sum(
        (min(a.end, cycle.end) - max(a.start, cycle.start)).days + 1
        for a in employee.absences.filter(
            kind="personal", end__gte=cycle.start, start__lte=cycle.end
        )
    )
    leave = InputCommand(
        appraisal=appraisal, key="personal_leave_days", value=personal, note="按缺勤记录统计"
    )
    batches.add(hr, leave)
    loss = month.staff_loss.get(number, 0)
    batches.add(hr, InputCommand(appraisal=appraisal, key="loss", value=loss))


def to_calibration(cycle: Cycle, hr: User, say: Say) -> None:
    """Everyone signed their targets and was reviewed; the cycle waits for calibration."""
    for appraisal in cycle.appraisals.select_related("employee__user"):
        signer = appraisal.employee.user if appraisal.employee and appraisal.employee.user else hr
        appraisal_services.appraisal_sign_targets(appraisal=appraisal, actor=signer)
        for move in (AppraisalState.SUPERVISOR_REVIEW, AppraisalState.CALIBRATION):
            appraisal_services.appraisal_transition(appraisal=appraisal, actor=hr, to=move)
    for stage in (CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION):
        appraisal_services.cycle_transition(cycle=cycle, actor=hr, to=stage)
    say(f"cycle {cycle.name}: {CycleState(cycle.state).label}")


def publish(cycle: Cycle, hr: User, say: Say, month: Month, *, close: bool = False) -> None:
    """HR publishes the calibrated cycle (公示); the supervisors hold the interviews
    the month calls for; a cycle whose appeal window has passed is closed (归档)."""
    appraisal_services.cycle_transition(cycle=cycle, actor=hr, to=CycleState.PUBLISHED)
    say(f"cycle {cycle.name}: {CycleState(cycle.state).label}")
    for talk in month.interviews:
        appraisal = cycle.appraisals.select_related("employee__supervisor__user").get(
            employee__number=talk["number"]
        )
        assert appraisal.employee is not None and appraisal.employee.supervisor is not None
        supervisor = appraisal.employee.supervisor.user or hr
        appraisal_services.interview_record(
            appraisal=appraisal, actor=supervisor, **talk["interview"]
        )
        if "plan" in talk:
            appraisal_services.improvement_plan_record(
                appraisal=appraisal, actor=supervisor, **talk["plan"]
            )
    if close:
        appraisal_services.cycle_transition(cycle=cycle, actor=hr, to=CycleState.CLOSED)
        say(f"cycle {cycle.name}: {CycleState(cycle.state).label}")
    elif cycle.code == facts.APPEAL["cycle"]:
        appeal(cycle, say)


def appeal(cycle: Cycle, say: Say) -> None:
    """An appeal that waits for HR (受理 or 驳回), filed by the appraisee."""
    appraisal = cycle.appraisals.select_related("employee__user", "cycle").get(
        employee__number=facts.APPEAL["number"]
    )
    assert appraisal.employee is not None and appraisal.employee.user is not None
    appraisal_services.appeal_file(
        appraisal=appraisal,
        actor=appraisal.employee.user,
        item=facts.APPEAL["item"],
        reason=facts.APPEAL["reason"],
    )
    say(f"appeal: {appraisal.employee.name}, {cycle.name}, {facts.APPEAL['item']}")


# -- 2026, annual ------------------------------------------------------------------
def annual_cycle(hr: User, say: Say) -> Cycle:
    """The year-end 360-degree appraisal of the departments' people: a draft, with its
    deadlines and committee set and its eligibility checked, not yet opened."""
    cycle = appraisal_services.cycle_create(
        actor=hr,
        code=ANNUAL_CYCLE,
        name="2026年度员工综合考评",
        period_kind="year",
        period="2026",
        appeal_window_days=5,
    )
    appraisal_services.cycle_add_scheme(
        cycle=cycle, scheme=Scheme.objects.get(code="STAFF-360"), actor=hr
    )
    for code in company.DEPARTMENTS:
        appraisal_services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=_unit(code))
    for stage, due in (
        ("self_review", datetime.date(2027, 1, 8)),
        ("supervisor_review", datetime.date(2027, 1, 15)),
        ("calibration", datetime.date(2027, 1, 22)),
        ("interview", datetime.date(2027, 1, 29)),
    ):
        appraisal_services.cycle_set_deadline(cycle=cycle, actor=hr, stage=stage, due=due)
    appraisal_services.cycle_set_committee(
        cycle=cycle, actor=hr, members=[User.objects.get(username="zongjingli")]
    )
    entries = appraisal_services.cycle_eligibility_compute(cycle=cycle, actor=hr)
    eligible = sum(1 for entry in entries if entry.eligible)
    say(f"cycle {cycle.name}: draft, {eligible} of {len(entries)} candidates eligible")
    return cycle
