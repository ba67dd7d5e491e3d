"""The benchmark company's two monthly cycles (`manage.py bench_company`):
September 2026, published, and October 2026, scored and waiting for calibration.

Each cycle is created, given its schemes, population, deadlines, committee and pay
pools through the services. Opening is done in bulk here: the product's
`cycle_open` decides eligibility with about a dozen queries per appraisee (77–121 s
at 10,000, issue 11); this path makes the same Eligibility and Appraisal rows (the
same default exclusions, the same scheme resolution — position, position default,
nearest unit — and the same attributes, `appraisee_attributes`) in a few statements.

The facts are written with `bulk_create`, bypassing the fact pipeline
(`services/pipeline`, `fact_record`): acceptable only in this generator, because it
makes valid facts by construction — the items, inputs and events of each appraisal's
own frozen scheme version, numbers in their ranges, events dated inside the period.
The results are then computed by the product's own `results_recompute` (the engine,
exactly as a page or an import would); September is then published in bulk (`publish`)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.eligibility import default_exclusions, no_scheme
from jixiao.appraisals.models import (
    Appraisal,
    Cycle,
    CycleScheme,
    Eligibility,
    Event,
    Fact,
    FactSource,
    Rating,
    Result,
)
from jixiao.appraisals.selectors import cycle_candidates
from jixiao.appraisals.services.lifecycle import appraisee_attributes
from jixiao.appraisals.workflow import AppraisalState, CycleState, check_transition
from jixiao.core.audit import audit_record
from jixiao.core.errors import ServiceError
from jixiao.demo import facts as demo_facts
from jixiao.demo import history
from jixiao.demo.bench_company import OPERATOR_SCHEME, Built
from jixiao.organization.models import Employee, Unit
from jixiao.schemes.models import AssignmentScope, Scheme, SchemeAssignment, SchemeVersion

Say = Callable[[str], None]
Timed = Callable[[str, Callable[[], Any]], Any]

SEPTEMBER = ("2026-09", "BC-2026-09", "2026年9月月度考核")
OCTOBER = ("2026-10", "BC-2026-10", "2026年10月月度考核")
# The demo manager whose October form is the template of each family's managers.
TEMPLATE = {
    "FIN": "T1001", "ADM": "T1101", "HR": "T1201", "MKT": "T1301",
    "ENG": "T1401", "QA": "T1501", "PRD": "T1601", "PUR": "T1701",
}  # fmt: skip
STAFF_SCHEMES = ("STAFF-M", OPERATOR_SCHEME)
POOL_PER_HEAD = {"员工": 1_500, "基层": 2_500}


def monthly_cycle(built: Built, period: tuple[str, str, str], *, seed: int, timed: Timed) -> Cycle:
    """One monthly cycle: set up through the services, opened in bulk, its facts
    written and its results computed by the product's recompute; left in calibration."""
    month, code, name = period
    cycle: Cycle = timed(f"{code} set up", lambda: _create(built, month, code, name))
    count = timed(f"{code} opened (bulk)", lambda: _open(cycle, built))
    facts = timed(f"{code} facts (bulk)", lambda: _facts(cycle, built, seed))
    changed = timed(
        f"{code} results (results_recompute)",
        lambda: appraisal_services.results_recompute(
            cycle=cycle, actor=built.hr, reason="bench_company"
        ),
    )
    timed(f"{code} to calibration", lambda: _to_calibration(cycle, built))
    timed(
        f"{code}: {count} appraisals, {facts[0]} facts, {facts[1]} events,"
        f" {facts[2]} ratings, {changed} results",
        lambda: None,
    )
    return cycle


def publish(cycle: Cycle, built: Built) -> Cycle:
    """Publish (公示) as `cycle_publish` does after its last recompute: the same
    checks, the results frozen, the appraisals published, the cycle moved with its
    appeal deadline and audit event. The service's own last recompute is left out:
    nothing changed since `results_recompute` ran, and at 10,000 it costs as much
    again (50 s on this machine under load)."""
    check_transition(CycleState(cycle.state), CycleState.PUBLISHED)
    active = cycle.appraisals.exclude(state=AppraisalState.WITHDRAWN)
    results = Result.objects.filter(appraisal__in=active)
    waiting = active.exclude(state=AppraisalState.CALIBRATION).count()
    failed = sum(1 for errors in results.values_list("errors", flat=True) if errors)
    if waiting or failed or results.filter(needs_review=True).exists():
        raise ServiceError(f"cannot publish: {waiting} not in calibration, {failed} with errors")
    if results.count() != active.count():
        raise ServiceError("cannot publish: results are missing")
    now = timezone.now()
    results.update(frozen_at=now)
    active.update(state=AppraisalState.PUBLISHED, updated_at=now)
    cycle.state = CycleState.PUBLISHED
    cycle.published_at = now
    cycle.appeal_deadline = timezone.localdate(now) + datetime.timedelta(
        days=cycle.appeal_window_days
    )
    cycle.save()
    audit_record(
        actor=built.hr,
        action="cycle.published",
        target=cycle,
        before={"state": CycleState.CALIBRATION},
        after={
            "state": CycleState.PUBLISHED,
            "published_at": now,
            "appeal_deadline": cycle.appeal_deadline,
        },
        reason="bench_company (published in bulk)",
    )
    return cycle


# -- setting up ---------------------------------------------------------------------
def _create(built: Built, month: str, code: str, name: str) -> Cycle:
    hr = built.hr
    cycle = appraisal_services.cycle_create(
        actor=hr, code=code, name=name, period_kind="month", period=month, appeal_window_days=5
    )
    for scheme in Scheme.objects.filter(period="month").order_by("code"):
        appraisal_services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    for centre in built.centres:
        appraisal_services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=centre)
    appraisal_services.population_rule_add(
        cycle=cycle, actor=hr, kind="provider", unit=built.provider
    )
    last = demo_facts.days_in(month)
    for stage, due in (("targets", 5), ("collecting", last), ("supervisor_review", last)):
        appraisal_services.cycle_set_deadline(
            cycle=cycle, actor=hr, stage=stage, due=demo_facts.day(due, month)
        )
    appraisal_services.cycle_set_committee(cycle=cycle, actor=hr, members=[built.committee])
    heads = {"员工": built.employees * 0.9, "基层": built.employees * 0.05}
    for level, per_head in POOL_PER_HEAD.items():
        appraisal_services.group_input_set(
            cycle=cycle,
            actor=hr,
            attribute="level",
            value=level,
            key="pool",
            amount=round(heads[level] * per_head, -3),
        )
    return cycle


def _open(cycle: Cycle, built: Built) -> int:
    """What `cycle_open` does, in bulk: freeze the versions, decide eligibility, create
    the appraisals with their attributes; the cycle moves to target setting."""
    links = list(CycleScheme.objects.select_related("scheme").filter(cycle=cycle))
    versions: dict[int, SchemeVersion] = {}
    for link in links:
        version = link.scheme.current_version
        assert version is not None
        link.version = version
        versions[link.scheme_id] = version
    CycleScheme.objects.bulk_update(links, ["version"])
    schemes = {link.scheme_id for link in links}
    units = {unit.pk: unit for unit in Unit.objects.all()}
    for unit in units.values():  # the tree in memory: attributes need no query
        unit.parent = units.get(unit.parent_id) if unit.parent_id else None
    choose = _SchemeChooser(schemes, units)
    employees, providers = cycle_candidates(cycle)
    rows: list[Eligibility] = []
    for employee in employees:
        employee.unit = units[employee.unit_id]
        reasons = default_exclusions(
            period_start=cycle.start,
            period_end=cycle.end,
            appraisal_date=cycle.appraisal_date,
            hire_date=employee.hire_date,
            leave_date=employee.leave_date,
            absences=[],  # the generated company records no absences
        )
        scheme_id = choose.for_employee(employee)
        if scheme_id is None:
            reasons = [*reasons, no_scheme()]
        rows.append(_eligibility(cycle, {"employee": employee}, scheme_id, reasons))
    for provider in providers:
        rows.append(_eligibility(cycle, {"unit": provider}, choose.for_unit(provider), []))
    Eligibility.objects.bulk_create(rows, batch_size=2_000)
    appraisals = [
        Appraisal(
            cycle=cycle,
            employee=entry.employee,
            unit=entry.unit,
            scheme_version=versions[entry.scheme_id or 0],
            state=AppraisalState.TARGETS,
            attributes=appraisee_attributes(
                employee=entry.employee, unit=entry.unit, period_kind=cycle.period_kind
            ),
        )
        for entry in rows
        if entry.eligible
    ]
    Appraisal.objects.bulk_create(appraisals, batch_size=2_000)
    cycle.state = CycleState.TARGETS
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["state", "opened_at", "updated_at"])
    audit_record(
        actor=built.hr,
        action="cycle.opened",
        target=cycle,
        before={"state": CycleState.DRAFT},
        after={
            "state": CycleState.TARGETS,
            "versions": {link.scheme.code: versions[link.scheme_id].number for link in links},
            "appraisals": len(appraisals),
        },
        reason="bench_company (opened in bulk)",
    )
    return len(appraisals)


def _eligibility(
    cycle: Cycle, candidate: dict[str, Any], scheme_id: int | None, reasons: list[Any]
) -> Eligibility:
    return Eligibility(
        cycle=cycle,
        **candidate,
        scheme_id=scheme_id,
        excluded=bool(reasons),
        reasons=[reason.as_dict() for reason in reasons],
    )


class _SchemeChooser:
    """`scheme_for_employee` and `scheme_for_unit` with the assignments read once."""

    def __init__(self, schemes: set[int], units: dict[int, Unit]) -> None:
        assignments = SchemeAssignment.objects.filter(scheme_id__in=schemes).order_by("pk")
        self.position: dict[int, int] = {}
        self.members: dict[int, int] = {}
        self.itself: dict[int, int] = {}
        for a in assignments:
            if a.position_id is not None:
                self.position.setdefault(a.position_id, a.scheme_id)
            elif a.unit_id is not None and a.scope == AssignmentScope.MEMBERS:
                self.members.setdefault(a.unit_id, a.scheme_id)
            elif a.unit_id is not None:
                self.itself.setdefault(a.unit_id, a.scheme_id)
        self.schemes = schemes
        self.units = units

    def for_employee(self, employee: Employee) -> int | None:
        position = employee.position
        if position is not None:
            if position.pk in self.position:
                return self.position[position.pk]
            if position.default_scheme_id in self.schemes:
                return position.default_scheme_id
        unit: Unit | None = self.units[employee.unit_id]
        while unit is not None:
            if unit.pk in self.members:
                return self.members[unit.pk]
            unit = unit.parent
        return None

    def for_unit(self, unit: Unit) -> int | None:
        return self.itself.get(unit.pk)


# -- facts ----------------------------------------------------------------------------
def _facts(cycle: Cycle, built: Built, seed: int) -> tuple[int, int, int]:
    """Every appraisal's facts of the month, in bulk (valid by construction: see the
    module's note)."""
    now = timezone.now()
    raters = dict(
        Employee.objects.filter(supervisor__isnull=False).values_list("pk", "supervisor__user_id")
    )
    appraisals = Appraisal.objects.filter(cycle=cycle).select_related(
        "employee__position", "unit", "scheme_version__scheme"
    )
    item_codes: dict[int, set[str]] = {}
    maker = _FactMaker(cycle, built, seed, now)
    for appraisal in appraisals.order_by("pk"):
        version = appraisal.scheme_version
        if version.pk not in item_codes:
            item_codes[version.pk] = set(version.items.values_list("code", flat=True))
        code = version.scheme.code
        if code in STAFF_SCHEMES:
            maker.staff(appraisal)
        elif code == "3PL-WH":
            month = demo_facts.OCTOBER if cycle.period == "2026-10" else history.SEPTEMBER
            maker.items(appraisal, month.provider, item_codes[version.pk], None)
        else:
            template = demo_facts.MANAGERS[TEMPLATE[code.removesuffix("-MGR")]]
            rater = raters.get(appraisal.employee_id) if appraisal.employee_id else None
            varied = {item: maker.vary(appraisal, item, given) for item, given in template.items()}
            maker.items(appraisal, varied, item_codes[version.pk], rater)
    Fact.objects.bulk_create(maker.facts, batch_size=5_000)
    Event.objects.bulk_create(maker.events, batch_size=5_000)
    Rating.objects.bulk_create(maker.ratings, batch_size=5_000)
    return len(maker.facts), len(maker.events), len(maker.ratings)


class _FactMaker:
    def __init__(self, cycle: Cycle, built: Built, seed: int, now: datetime.datetime) -> None:
        self.cycle = cycle
        self.seed = seed
        self.hr = built.hr
        self.now = now
        self.facts: list[Fact] = []
        self.events: list[Event] = []
        self.ratings: list[Rating] = []

    def rng(self, appraisal: Appraisal, salt: str = "") -> random.Random:
        return random.Random(f"{self.seed}-{self.cycle.period}-{appraisal.appraisee_id}-{salt}")

    def fact(
        self, appraisal: Appraisal, kind: str, value: Any, item: str = "", key: str = ""
    ) -> None:
        self.facts.append(
            Fact(appraisal=appraisal, item=item, kind=kind, key=key, value=value,
                 source=FactSource.IMPORT, recorded_by=self.hr)
        )  # fmt: skip

    def staff(self, appraisal: Appraisal) -> None:
        """Ten scores around the person's level (the same level every month), the
        days of personal leave and the loss of the form's gate: twelve facts."""
        level = max(
            5.5, min(9.6, random.Random(f"{self.seed}-{appraisal.appraisee_id}").gauss(8.0, 0.6))
        )
        rng = self.rng(appraisal)
        for item in demo_facts.STAFF_ITEMS:
            score = max(0, min(10, round(level + rng.uniform(-1.2, 1.2))))
            self.fact(appraisal, "score", score, item=item)
        leave = rng.choice((0,) * 12 + (1, 2, 3, 8))
        loss = 2_500 if rng.random() < 0.01 else 0
        self.fact(appraisal, "input", leave, key="personal_leave_days")
        self.fact(appraisal, "input", loss, key="loss")

    def vary(self, appraisal: Appraisal, item: str, given: dict[str, Any]) -> dict[str, Any]:
        """A manager's item: the template's facts, varied a little for this person."""
        rng = self.rng(appraisal, item)
        varied: dict[str, Any] = {}
        if "inputs" in given:
            inputs = dict(given["inputs"])
            moving = next(iter(inputs))  # the first input moves, the base stays
            value = inputs[moving] * rng.uniform(0.93, 1.05)
            inputs[moving] = round(value) if isinstance(inputs[moving], int) else round(value, 2)
            varied["inputs"] = inputs
        if "value" in given:
            varied["value"] = max(0, given["value"] + rng.choice((-1, 0, 0, 1)))
        if "rating" in given:
            varied["rating"] = max(1, min(5, given["rating"] + rng.choice((-1, 0, 0, 1))))
        for key in ("events", "counts"):
            if key in given:
                varied[key] = [row for row in given[key] if rng.random() < 0.6]
        return varied

    def items(
        self, appraisal: Appraisal, items: dict[str, Any], codes: set[str], rater: int | None
    ) -> None:
        start = self.cycle.start
        for item, given in items.items():
            if item == "attendance":
                item = next(code for code in demo_facts.ATTENDANCE_ITEMS if code in codes)
            for key, value in given.get("inputs", {}).items():
                self.fact(appraisal, "input", value, item=item, key=key)
            if "value" in given:
                self.fact(appraisal, "value", given["value"], item=item)
            if "rating" in given and rater is not None:
                self.ratings.append(
                    Rating(appraisal=appraisal, item=item, role="supervisor", rater_id=rater,
                           value=given["rating"], rated_at=self.now, recorded_by_id=rater)
                )  # fmt: skip
            for key, size_or_count in (("events", "size"), ("counts", "count")):
                for name, when, text, amount in given.get(key, []):
                    day = start.replace(day=min(when.day, self.cycle.end.day))
                    extra = {size_or_count: amount} if amount is not None else {}
                    self.events.append(
                        Event(appraisal=appraisal, item=item, name=name, occurred_on=day,
                              description=text, source=FactSource.IMPORT, recorded_by=self.hr,
                              **extra)
                    )  # fmt: skip


# -- moving on ------------------------------------------------------------------------
def _to_calibration(cycle: Cycle, built: Built) -> None:
    """Everyone signed their targets and was reviewed (in bulk); the cycle moves
    through its stages by the service, to calibration."""
    now = timezone.now()
    signer = Employee.objects.filter(pk=OuterRef("employee_id")).values("user_id")[:1]
    appraisals = Appraisal.objects.filter(cycle=cycle)
    appraisals.update(
        state=AppraisalState.CALIBRATION,
        targets_set_at=now,
        targets_set_by=built.hr,
        targets_signed_at=now,
        targets_signed_by_id=Subquery(signer),
        updated_at=now,
    )
    appraisals.filter(targets_signed_by__isnull=True).update(targets_signed_by=built.hr)
    for stage in (CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION):
        appraisal_services.cycle_transition(cycle=cycle, actor=built.hr, to=stage)
