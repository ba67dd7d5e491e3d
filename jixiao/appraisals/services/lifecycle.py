"""A cycle's life: eligibility, opening (which freezes the scheme versions and
creates the appraisals), the moves between stages, publication and closing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jixiao.appraisals.eligibility import (
    AbsenceSpan,
    Assignment,
    SchemeChooser,
    ancestors,
    default_exclusions,
    no_scheme,
)
from jixiao.appraisals.models import (
    Appraisal,
    Cycle,
    CycleScheme,
    Eligibility,
    EligibilityDecision,
    Result,
)
from jixiao.appraisals.periods import period_of
from jixiao.appraisals.selectors import cycle_candidates
from jixiao.appraisals.services.cycles import require_draft, require_hr
from jixiao.appraisals.services.results import results_recompute
from jixiao.appraisals.workflow import AppraisalState, CycleState, check_transition
from jixiao.core.audit import audit_record
from jixiao.core.bulk import copy_insert
from jixiao.core.errors import ServiceError
from jixiao.core.progress import progress_report
from jixiao.organization.models import Absence, Employee, Unit, UnitKind
from jixiao.organization.selectors import unit_department
from jixiao.schemes.models import Scheme, SchemeAssignment

# How the engine sees a position's tier: the words the forms use (`level: 中层`).
LEVEL_WORDS = {"senior": "高层", "middle": "中层", "junior": "基层", "staff": "员工"}


def appraisee_attributes(
    *,
    employee: Employee | None = None,
    unit: Unit | None = None,
    period_kind: str = "month",
    departments: dict[int, str] | None = None,
) -> dict[str, str]:
    """The attributes an appraisee is ranked, normalised and paid by (§9–§12); a
    provider with a contract start also `since`, the period its contract's adaptation
    months and triggers are counted from (§12). `departments`: each unit's department
    name, read once for many appraisees (`department_names`)."""
    if employee is not None:
        position = employee.position
        department = (
            departments[employee.unit_id]
            if departments is not None
            else unit_department(employee.unit).name
        )
        return {
            "department": department,
            "unit": employee.unit.name,
            "position": position.title if position else "",
            "level": LEVEL_WORDS.get(position.tier, "") if position else "",
        }
    assert unit is not None
    attributes = {"department": unit.name, "unit": unit.name, "position": "", "level": unit.kind}
    if unit.contract_start is not None:
        attributes["since"] = period_of(period_kind, unit.contract_start)
    return attributes


def department_names() -> dict[int, str]:
    """Every unit's department name (as `unit_department` finds it), in one query."""
    rows = {pk: (parent, kind, name) for pk, parent, kind, name in Unit.objects.values_list(
        "pk", "parent_id", "kind", "name"
    )}  # fmt: skip
    parents = {pk: row[0] for pk, row in rows.items()}
    found: dict[int, str] = {}
    for pk, (_parent, kind, name) in rows.items():
        found[pk] = name
        if kind in (UnitKind.DEPARTMENT, UnitKind.PROVIDER):
            continue
        for above in ancestors(parents, pk):
            if rows[above][1] == UnitKind.DEPARTMENT:
                found[pk] = rows[above][2]
                break
    return found


# -- eligibility ---------------------------------------------------------------
def cycle_eligibility_compute(*, cycle: Cycle, actor: Any) -> list[Eligibility]:
    """Check everyone the population names against the default exclusions (domain.md
    §3.1) and the cycle's schemes. HR's decisions are kept."""
    require_hr(actor)
    require_draft(cycle)
    with transaction.atomic():
        return _eligibility(cycle, actor)


def _eligibility(cycle: Cycle, actor: Any) -> list[Eligibility]:
    """Everyone's eligibility in a constant number of queries, whatever the company's
    size: the candidates, their absences, the schemes' assignments and the unit tree,
    the stored entries — then one insert, one update and one delete."""
    schemes = [link.scheme for link in cycle.cycle_schemes.select_related("scheme")]
    employees, units = cycle_candidates(cycle)
    stage = gettext_noop("checking eligibility")
    total = len(employees) + len(units)
    progress_report(stage=stage, done=0, total=total)
    chooser = _scheme_chooser(schemes)
    absences = _absences(cycle, employees)
    by_pk = {scheme.pk: scheme for scheme in schemes}
    stored: dict[tuple[int | None, int | None], Eligibility] = {
        (entry.employee_id, entry.unit_id): entry for entry in cycle.eligibilities.all()
    }
    found: list[Eligibility] = []
    changed: list[Eligibility] = []
    for employee in employees:
        reasons = default_exclusions(
            period_start=cycle.start,
            period_end=cycle.end,
            appraisal_date=cycle.appraisal_date,
            hire_date=employee.hire_date,
            leave_date=employee.leave_date,
            absences=absences.get(employee.pk, []),
        )
        position = employee.position
        scheme = chooser.for_employee(
            position=employee.position_id,
            default_scheme=position.default_scheme_id if position is not None else None,
            unit=employee.unit_id,
        )
        entry = stored.pop((employee.pk, None), Eligibility(cycle=cycle))
        entry.employee = employee
        if _eligibility_entry(entry, by_pk.get(scheme or 0), reasons):
            changed.append(entry)
        found.append(entry)
    for unit in units:
        entry = stored.pop((None, unit.pk), Eligibility(cycle=cycle))
        entry.unit = unit
        if _eligibility_entry(entry, by_pk.get(chooser.for_unit(unit.pk) or 0), []):
            changed.append(entry)
        found.append(entry)
    _eligibility_save(cycle, found, changed=changed, stale=list(stored.values()))
    progress_report(stage=stage, done=total, total=total)
    audit_record(
        actor=actor,
        action="cycle.eligibility_checked",
        target=cycle,
        after={
            "candidates": len(found),
            "excluded": sum(1 for entry in found if not entry.eligible),
        },
    )
    return found


def _scheme_chooser(schemes: list[Scheme]) -> SchemeChooser:
    ids = [scheme.pk for scheme in schemes]
    assignments = [
        Assignment(*row)
        for row in SchemeAssignment.objects.filter(scheme_id__in=ids).values_list(
            "pk", "scheme_id", "position_id", "unit_id", "scope"
        )
    ]
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    return SchemeChooser(schemes=ids, assignments=assignments, parents=parents)


def _absences(cycle: Cycle, employees: list[Employee]) -> dict[int, list[AbsenceSpan]]:
    """The absences of the candidates that touch the period, by employee."""
    found: dict[int, list[AbsenceSpan]] = {}
    wanted = {employee.pk for employee in employees}
    rows = Absence.objects.filter(start__lte=cycle.end, end__gte=cycle.start).values_list(
        "employee_id", "kind", "start", "end"
    )
    for employee, kind, start, end in rows:
        if employee in wanted:
            found.setdefault(employee, []).append(AbsenceSpan(kind, start, end))
    return found


def _eligibility_entry(entry: Eligibility, scheme: Scheme | None, reasons: list[Any]) -> bool:
    """Fill the entry; whether a stored one changed (a new one always has)."""
    if scheme is None:
        reasons = [*reasons, no_scheme()]
    excluded, said = bool(reasons), [reason.as_dict() for reason in reasons]
    scheme_id = scheme.pk if scheme is not None else None
    if entry.pk is not None and (entry.excluded, entry.reasons, entry.scheme_id) == (
        excluded,
        said,
        scheme_id,
    ):
        return False
    entry.excluded, entry.reasons, entry.scheme = excluded, said, scheme
    return True


def _eligibility_save(
    cycle: Cycle,
    entries: list[Eligibility],
    *,
    changed: list[Eligibility],
    stale: list[Eligibility],
) -> None:
    """The entries written in bulk (HR's decisions on stored ones kept), stale ones gone;
    a stored entry the check did not change is only marked checked now."""
    now = timezone.now()
    for entry in entries:
        entry.checked_at = now
    Eligibility.objects.filter(pk__in=[entry.pk for entry in stale]).delete()
    cycle.eligibilities.update(checked_at=now)
    Eligibility.objects.bulk_update(
        [entry for entry in changed if entry.pk is not None],
        ["excluded", "reasons", "scheme", "checked_at"],
        batch_size=500,
    )
    new = [entry for entry in entries if entry.pk is None]
    copy_insert(new, batch_size=1000)
    if new and new[0].pk is None:  # inserted by COPY: the keys read back, as bulk_create
        keys = {
            (employee, unit): pk
            for pk, employee, unit in cycle.eligibilities.values_list(
                "pk", "employee_id", "unit_id"
            )
        }
        for entry in new:
            entry.pk = keys[(entry.employee_id, entry.unit_id)]


def eligibility_override(
    *, eligibility: Eligibility, actor: Any, decision: str, reason: str
) -> Eligibility:
    """HR includes or excludes a candidate against the rules, with a reason
    (`decision=""` returns the candidate to the rules)."""
    require_hr(actor)
    require_draft(eligibility.cycle)
    if decision not in EligibilityDecision.values:
        raise ServiceError(_("unknown decision: %(decision)s") % {"decision": decision})
    if decision and not reason.strip():
        raise ServiceError(_("a decision against the rules needs a reason"))
    with transaction.atomic():
        before = {"decision": eligibility.decision, "reason": eligibility.decision_reason}
        eligibility.decision = decision
        eligibility.decision_reason = reason if decision else ""
        eligibility.decided_by = actor if decision else None
        eligibility.decided_at = timezone.now() if decision else None
        eligibility.save()
        audit_record(
            actor=actor,
            action="eligibility.decided",
            target=eligibility,
            before=before,
            after={"decision": decision, "reason": eligibility.decision_reason},
            reason=reason,
        )
    return eligibility


# -- opening ---------------------------------------------------------------------
def cycle_open(*, cycle: Cycle, actor: Any) -> Cycle:
    """Open a draft cycle: freeze the current version of each of its schemes,
    check eligibility once more, create one appraisal per eligible appraisee,
    and compute the first results."""
    require_hr(actor)
    cycle.refresh_from_db(fields=["state"])
    check_transition(CycleState(cycle.state), CycleState.TARGETS)
    with transaction.atomic():
        links = list(CycleScheme.objects.select_related("scheme").filter(cycle=cycle))
        if not links:
            raise ServiceError(_("a cycle needs at least one scheme"))
        versions = {}
        for link in links:
            version = link.scheme.current_version
            if version is None:
                raise ServiceError(_("%(code)s has no saved version") % {"code": link.scheme.code})
            link.version = version
            link.save(update_fields=["version"])
            versions[link.scheme_id] = version
        entries = [entry for entry in _eligibility(cycle, actor) if entry.eligible]
        progress_report(stage=gettext_noop("creating appraisals"), done=0, total=len(entries))
        unschemed = [str(entry.employee or entry.unit) for entry in entries if not entry.scheme_id]
        if unschemed:
            raise ServiceError(
                _("no scheme of the cycle applies to these included appraisees"),
                details=unschemed,
            )
        departments = department_names()
        copy_insert(
            [
                Appraisal(
                    cycle=cycle,
                    employee=entry.employee,
                    unit=entry.unit,
                    scheme_version=versions[entry.scheme_id or 0],
                    state=AppraisalState.TARGETS,
                    attributes=appraisee_attributes(
                        employee=entry.employee,
                        unit=entry.unit,
                        period_kind=cycle.period_kind,
                        departments=departments,
                    ),
                )
                for entry in entries
            ],
            batch_size=1000,
        )
        cycle.state = CycleState.TARGETS
        cycle.opened_at = timezone.now()
        cycle.save(update_fields=["state", "opened_at", "updated_at"])
        audit_record(
            actor=actor,
            action="cycle.opened",
            target=cycle,
            before={"state": CycleState.DRAFT},
            after={
                "state": CycleState.TARGETS,
                "versions": {link.scheme.code: versions[link.scheme_id].number for link in links},
                "appraisals": len(entries),
            },
        )
        progress_report(stage=gettext_noop("computing results"), done=0, total=len(entries))
        results_recompute(cycle=cycle, actor=actor)
        progress_report(stage=gettext_noop("computing results"), done=len(entries))
    return cycle


# -- moving between stages -------------------------------------------------------------
def cycle_transition(*, cycle: Cycle, actor: Any, to: CycleState, reason: str = "") -> Cycle:
    """Move a cycle to another stage. Opening, publication and closing have their
    own services (they do more than change the state) and are called from here."""
    require_hr(actor)
    to = CycleState(to)
    cycle.refresh_from_db(fields=["state"])
    if to == CycleState.TARGETS and cycle.state == CycleState.DRAFT:
        return cycle_open(cycle=cycle, actor=actor)
    if to == CycleState.PUBLISHED:
        return cycle_publish(cycle=cycle, actor=actor)
    if to == CycleState.CLOSED:
        return cycle_close(cycle=cycle, actor=actor)
    with transaction.atomic():
        return _move(cycle, to, actor, reason)


def _move(
    cycle: Cycle,
    to: CycleState,
    actor: Any,
    reason: str,
    action: str = "cycle.moved",
    **fields: Any,
) -> Cycle:
    current = CycleState(cycle.state)
    check_transition(current, to)
    cycle.state = to
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()
    audit_record(
        actor=actor,
        action=action,
        target=cycle,
        before={"state": current},
        after={"state": to, **{name: value for name, value in fields.items()}},
        reason=reason,
    )
    return cycle


def cycle_publish(*, cycle: Cycle, actor: Any) -> Cycle:
    """Publish (公示): every appraisal must be calibrated and scored without errors, and
    no calibrated result may await the committee's review. Results are recomputed one
    last time, then frozen; appraisees can see them. The stored total and grade of a
    calibrated result are the committee's decision, frozen as they are."""
    require_hr(actor)
    cycle.refresh_from_db(fields=["state"])
    check_transition(CycleState(cycle.state), CycleState.PUBLISHED)
    active = cycle.appraisals.exclude(state=AppraisalState.WITHDRAWN)
    waiting = active.exclude(state=AppraisalState.CALIBRATION)
    if waiting.exists():
        raise ServiceError(
            _("%(count)s appraisals have not reached calibration") % {"count": waiting.count()},
            details=[str(a) for a in waiting.select_related("employee", "unit", "cycle")[:20]],
        )
    # Its own transaction: a result this marks for review stays marked when the
    # publication below is refused for it, so the calibration page shows it.
    progress_report(stage=gettext_noop("computing results"))
    results_recompute(cycle=cycle, actor=actor)
    progress_report(stage=gettext_noop("checking results"))
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").get()
        cycle.refresh_from_db(fields=["state"])
        check_transition(CycleState(cycle.state), CycleState.PUBLISHED)
        _refuse_awaiting_review(
            Result.objects.filter(appraisal__in=active),
            _(
                "%(count)s calibrated results await the committee's review (the facts or"
                " the ranks changed after the calibration); confirm or change each on the"
                " calibration page before publication"
            ),
        )
        # Counted in SQL: only the results with errors are read (the first 20, named).
        results = Result.objects.filter(appraisal__in=active)
        failed = results.exclude(errors=[])
        count = active.count()
        if failed.exists() or results.count() != count:
            named = failed.select_related(
                "appraisal__employee", "appraisal__unit", "appraisal__cycle"
            )
            raise ServiceError(
                _("some results have errors or are missing; they must be fixed first"),
                details=[
                    f"{r.appraisal}: {'; '.join(r.errors)}"
                    for r in named.order_by("appraisal_id")[:20]
                ],
            )
        now = timezone.now()
        progress_report(stage=gettext_noop("freezing results"), done=0, total=count)
        Result.objects.filter(appraisal__in=active).update(frozen_at=now)
        active.update(state=AppraisalState.PUBLISHED, updated_at=now)
        progress_report(stage=gettext_noop("freezing results"), done=count, total=count)
        deadline = timezone.localdate(now) + datetime.timedelta(days=cycle.appeal_window_days)
        return _move(
            cycle,
            CycleState.PUBLISHED,
            actor,
            "",
            "cycle.published",
            published_at=now,
            appeal_deadline=deadline,
        )


def _refuse_awaiting_review(results: Any, message: str) -> None:
    """Refuse while calibrated results await review, naming how many and whose."""
    awaiting = list(
        results.filter(needs_review=True)
        .select_related("appraisal__employee", "appraisal__unit")
        .order_by("appraisal_id")
    )
    if awaiting:
        raise ServiceError(
            message % {"count": len(awaiting)},
            details=[result.appraisal.appraisee_name for result in awaiting],
        )


def cycle_close(*, cycle: Cycle, actor: Any) -> Cycle:
    """Close a published cycle: its appraisals are archived; no appeal may be pending."""
    require_hr(actor)
    cycle.refresh_from_db(fields=["state"])
    check_transition(CycleState(cycle.state), CycleState.CLOSED)
    with transaction.atomic():
        if cycle.appraisals.filter(state=AppraisalState.APPEALED).exists():
            raise ServiceError(_("appeals are still pending"))
        _refuse_awaiting_review(
            Result.objects.filter(appraisal__cycle=cycle),
            _(
                "%(count)s calibrated results await the committee's review after an upheld"
                " appeal; confirm or change each on the calibration page before closing"
            ),
        )
        now = timezone.now()
        progress_report(stage=gettext_noop("archiving appraisals"))
        cycle.appraisals.filter(state=AppraisalState.PUBLISHED).update(
            state=AppraisalState.CLOSED, updated_at=now
        )
        return _move(cycle, CycleState.CLOSED, actor, "", "cycle.closed", closed_at=now)
