"""Setting up and opening a cycle: schemes, population, eligibility with each
default exclusion and HR's decisions, deadlines, committee; opening freezes the
scheme versions and creates one appraisal per appraisee."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Eligibility, Result
from jixiao.appraisals.selectors import eligibility_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.errors import InvalidTransition, NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.organization.services import absence_record, employee_create, employee_leave
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME

pytestmark = pytest.mark.django_db
D = datetime.date


def reasons(cycle: Cycle) -> dict[str, list[str]]:
    return {
        entry.employee.number: [reason["code"] for reason in entry.reasons]
        for entry in Eligibility.objects.filter(cycle=cycle).select_related("employee")
    }


def test_a_cycle_starts_as_a_draft_with_its_period(hr: Any) -> None:
    cycle = services.cycle_create(
        actor=hr, code="2026-Q4", name="四季度", period_kind="quarter", period="2026-Q4"
    )
    assert (cycle.state, cycle.start, cycle.end) == ("draft", D(2026, 10, 1), D(2026, 12, 31))
    assert cycle.appraisal_date == D(2026, 12, 31)
    with pytest.raises(ServiceError, match="2026-Q4"):
        services.cycle_create(
            actor=hr, code="bad", name="x", period_kind="quarter", period="2026-10"
        )
    services.cycle_update(cycle=cycle, actor=hr, period_kind="month", period="2026-11")
    assert (cycle.start, cycle.end) == (D(2026, 11, 1), D(2026, 11, 30))


def test_only_hr_manages_cycles(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        services.cycle_create(
            actor=company.manager.user, code="x", name="x", period_kind="month", period="2026-10"
        )


@pytest.mark.parametrize("copy_rows", [1, 50], ids=["copy", "bulk_create"])
def test_eligibility_with_each_default_exclusion_and_its_reason(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle, copy_rows: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr("jixiao.core.bulk.COPY_ROWS", copy_rows)  # both ways of inserting
    finance = company.finance
    employee_create(actor=hr, number="1101", name="新人", unit=finance, hire_date=D(2026, 10, 8))
    sick = employee_create(
        actor=hr, number="1102", name="病假", unit=finance, hire_date=D(2020, 1, 1)
    )
    absence_record(actor=hr, employee=sick, kind="sick", start=D(2026, 9, 20), end=D(2026, 10, 30))
    leaver = employee_create(
        actor=hr, number="1103", name="离职", unit=finance, hire_date=D(2020, 1, 1)
    )
    employee_leave(employee=leaver, actor=hr, leave_date=D(2026, 10, 15))
    gone = employee_create(
        actor=hr, number="1104", name="早走", unit=finance, hire_date=D(2020, 1, 1)
    )
    employee_leave(employee=gone, actor=hr, leave_date=D(2026, 9, 1))  # before the period

    found = services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)

    # The entries returned are the stored ones, keys included (read back after a COPY).
    stored = {entry.pk: entry for entry in Eligibility.objects.filter(cycle=draft_cycle)}
    assert {entry.pk: (entry.employee_id, entry.reasons) for entry in found} == {
        pk: (entry.employee_id, entry.reasons) for pk, entry in stored.items()
    }
    assert all(entry.checked_at is not None for entry in stored.values())
    assert reasons(draft_cycle) == {
        "1001": [],
        "1002": [],
        "1003": [],
        "1101": ["joined_after_start"],
        "1102": ["long_absence"],
        "1103": ["left_before_appraisal"],
    }
    entry = Eligibility.objects.get(employee__number="1102")
    assert "30 consecutive days (2026-10-01 to 2026-10-30)" in entry.reasons[0]["reason"]
    assert not entry.eligible


def test_someone_no_scheme_applies_to_is_excluded_with_that_reason(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    services.population_rule_add(
        cycle=draft_cycle, actor=hr, kind="employee", employee=company.worker
    )
    services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    assert reasons(draft_cycle)["2001"] == ["no_scheme"]


def test_hr_overrides_an_exclusion_with_a_reason(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    newcomer = employee_create(
        actor=hr, number="1101", name="新人", unit=company.finance, hire_date=D(2026, 10, 2)
    )
    services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    entry = Eligibility.objects.get(cycle=draft_cycle, employee=newcomer)
    with pytest.raises(ServiceError, match="reason"):
        services.eligibility_override(eligibility=entry, actor=hr, decision="include", reason=" ")
    services.eligibility_override(
        eligibility=entry, actor=hr, decision="include", reason="10月2日入职，按全月考核"
    )
    services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)  # decisions survive
    entry.refresh_from_db()
    assert entry.excluded and entry.eligible
    assert entry.decided_by == hr
    services.cycle_open(cycle=draft_cycle, actor=hr)
    assert Appraisal.objects.filter(cycle=draft_cycle, employee=newcomer).exists()


def test_eligibility_is_shown_to_hr_and_the_auditor_only(
    hr: Any, auditor: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    assert eligibility_list(visible_to=hr, cycle=draft_cycle).count() == 3
    assert eligibility_list(visible_to=auditor, cycle=draft_cycle).count() == 3
    assert eligibility_list(visible_to=company.manager.user, cycle=draft_cycle).count() == 0


@pytest.mark.parametrize("copy_rows", [1, 50], ids=["copy", "bulk_create"])
def test_opening_freezes_the_scheme_versions_and_creates_the_appraisals(
    hr: Any, draft_cycle: Cycle, scheme: SchemeVersion, copy_rows: int, monkeypatch: Any
) -> None:
    monkeypatch.setattr("jixiao.core.bulk.COPY_ROWS", copy_rows)  # both ways of inserting
    services.cycle_open(cycle=draft_cycle, actor=hr)
    draft_cycle.refresh_from_db()
    assert draft_cycle.state == CycleState.TARGETS
    assert draft_cycle.cycle_schemes.get().version == scheme
    appraisals = Appraisal.objects.filter(cycle=draft_cycle).order_by("employee__number")
    assert [a.employee.number for a in appraisals] == ["1001", "1002", "1003"]
    assert {a.state for a in appraisals} == {AppraisalState.TARGETS}
    # Stored as save() stores them (by COPY on PostgreSQL too): stamps, no targets yet.
    assert all(a.created_at is not None and a.updated_at is not None for a in appraisals)
    assert {(a.targets_set_at, a.targets_signed_by_id) for a in appraisals} == {(None, None)}
    assert appraisals[0].attributes == {
        "department": "财务部",
        "unit": "财务部",
        "position": "财务部经理",
        "level": "中层",
    }
    assert Result.objects.filter(appraisal__cycle=draft_cycle).count() == 3  # with errors
    # a new version of the scheme does not touch the open cycle
    newer = scheme_save(actor=hr, text=SCHEME.replace("财务部考核表", "财务部考核表（新）"))
    assert newer.number == 2
    assert {a.scheme_version for a in appraisals} == {scheme}
    event = AuditEvent.objects.get(action="cycle.opened")
    assert event.after["versions"] == {"T-FIN": 1} and event.after["appraisals"] == 3


def test_a_cycle_without_schemes_does_not_open(hr: Any) -> None:
    cycle = services.cycle_create(
        actor=hr, code="x", name="x", period_kind="month", period="2026-10"
    )
    with pytest.raises(ServiceError, match="at least one scheme"):
        services.cycle_open(cycle=cycle, actor=hr)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT


def test_an_open_cycle_is_not_set_up_again(
    hr: Any, open_cycle: Cycle, scheme: SchemeVersion
) -> None:
    with pytest.raises(ServiceError, match="draft"):
        services.cycle_remove_scheme(cycle=open_cycle, scheme=scheme.scheme, actor=hr)
    with pytest.raises(ServiceError, match="draft"):
        services.cycle_update(cycle=open_cycle, actor=hr, period="2026-11")
    with pytest.raises(InvalidTransition):
        services.cycle_open(cycle=open_cycle, actor=hr)


def test_a_second_appraisal_of_the_same_person_in_a_cycle_is_refused_by_the_database(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, scheme: SchemeVersion
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(cycle=open_cycle, employee=company.manager, scheme_version=scheme)
    with pytest.raises(ServiceError, match="already has an appraisal"):
        services.appraisal_add(cycle=open_cycle, actor=hr, employee=company.manager, reason="重复")
    assert Appraisal.objects.filter(cycle=open_cycle, employee=company.manager).count() == 1


def test_an_appraisal_has_exactly_one_appraisee(
    company: SimpleNamespace, open_cycle: Cycle, scheme: SchemeVersion
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(cycle=open_cycle, scheme_version=scheme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(
            cycle=open_cycle, scheme_version=scheme, employee=company.worker, unit=company.finance
        )


def test_hr_adds_someone_late_with_a_reason(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    newcomer = employee_create(
        actor=hr, number="1101", name="新人", unit=company.finance, hire_date=D(2026, 10, 9)
    )
    with pytest.raises(ServiceError, match="reason"):
        services.appraisal_add(cycle=open_cycle, actor=hr, employee=newcomer, reason="")
    appraisal = services.appraisal_add(
        cycle=open_cycle, actor=hr, employee=newcomer, reason="总经理批准参加本月考核"
    )
    assert appraisal.state == AppraisalState.TARGETS
    assert Result.objects.filter(appraisal=appraisal).exists()


def test_deadlines_committee_and_group_inputs(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    services.cycle_set_deadline(cycle=draft_cycle, actor=hr, stage="targets", due=D(2026, 10, 5))
    services.cycle_set_deadline(cycle=draft_cycle, actor=hr, stage="targets", due=D(2026, 10, 6))
    assert draft_cycle.deadlines.get().due == D(2026, 10, 6)
    services.cycle_set_committee(cycle=draft_cycle, actor=hr, members=[company.boss.user])
    assert list(draft_cycle.committee.all()) == [company.boss.user]
    entry = services.group_input_set(
        cycle=draft_cycle, actor=hr, attribute="level", value="中层", key="pool", amount=50000
    )
    services.group_input_set(
        cycle=draft_cycle, actor=hr, attribute="level", value="中层", key="pool", amount=60000
    )
    entry.refresh_from_db()
    assert entry.amount == 60000
    assert AuditEvent.objects.filter(action="cycle.group_input_set").count() == 2


def test_population_rules_by_position_tier_and_provider(
    hr: Any, company: SimpleNamespace, scheme: SchemeVersion
) -> None:
    from jixiao.appraisals.selectors import cycle_candidates
    from tests.apps.factories import UnitFactory

    cycle = services.cycle_create(
        actor=hr, code="x", name="x", period_kind="month", period="2026-10"
    )
    services.population_rule_add(
        cycle=cycle, actor=hr, kind="position", position=company.clerk_position
    )
    services.population_rule_add(cycle=cycle, actor=hr, kind="tier", tier="middle")
    provider = UnitFactory(code="3PL", name="仓储服务商", kind="provider")
    services.population_rule_add(cycle=cycle, actor=hr, kind="provider", unit=provider)
    people, units = cycle_candidates(cycle)
    assert [p.number for p in people] == ["1001", "1002", "1003"]
    assert units == [provider]
    rule = cycle.population_rules.get(kind="tier")
    services.population_rule_remove(rule=rule, actor=hr)
    assert [p.number for p in cycle_candidates(cycle)[0]] == ["1002", "1003"]


def test_a_scheme_is_removed_from_a_draft(
    hr: Any, draft_cycle: Cycle, scheme: SchemeVersion
) -> None:
    with pytest.raises(ServiceError, match="already uses"):
        services.cycle_add_scheme(cycle=draft_cycle, scheme=scheme.scheme, actor=hr)
    services.cycle_remove_scheme(cycle=draft_cycle, scheme=scheme.scheme, actor=hr)
    assert not draft_cycle.cycle_schemes.exists()
    assert AuditEvent.objects.get(action="cycle.scheme_removed").before == {"scheme": "T-FIN"}
