"""Moving appraisals through review, publishing (results freeze) and closing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.selectors import appraisal_get, result_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.errors import InvalidTransition, NotAllowed, NotFound, ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.conftest import appraisal_of, record_full_facts

pytestmark = pytest.mark.django_db
A, C = AppraisalState, CycleState


@pytest.fixture
def calibrated(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    """All three finance appraisals scored and moved to calibration, the cycle too."""
    for employee, actual, rating in (
        (company.manager, 1010000, 4),
        (company.clerks[0], 1040000, 3),
        (company.clerks[1], 900000, 5),
    ):
        appraisal = record_full_facts(open_cycle, employee, hr, actual=actual, rating=rating)
        for state in (A.COLLECTING, A.SUPERVISOR_REVIEW, A.CALIBRATION):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    for state in (C.COLLECTING, C.REVIEW, C.CALIBRATION):
        services.cycle_transition(cycle=open_cycle, actor=hr, to=state)
    return open_cycle


def test_the_appraisee_and_the_supervisors_make_their_moves(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    clerk, manager, boss = company.clerks[0].user, company.manager.user, company.boss.user
    with pytest.raises(NotAllowed):
        services.appraisal_transition(appraisal=appraisal, actor=manager, to=A.COLLECTING)
    services.appraisal_sign_targets(appraisal=appraisal, actor=clerk)
    services.appraisal_transition(appraisal=appraisal, actor=manager, to=A.SELF_REVIEW)
    with pytest.raises(NotAllowed):
        services.appraisal_transition(appraisal=appraisal, actor=manager, to=A.SUPERVISOR_REVIEW)
    services.appraisal_transition(appraisal=appraisal, actor=clerk, to=A.SUPERVISOR_REVIEW)
    services.appraisal_transition(appraisal=appraisal, actor=manager, to=A.SKIP_LEVEL_REVIEW)
    with pytest.raises(NotAllowed):
        services.appraisal_transition(appraisal=appraisal, actor=manager, to=A.CALIBRATION)
    services.appraisal_transition(appraisal=appraisal, actor=boss, to=A.CALIBRATION)
    with pytest.raises(NotAllowed, match="whole cycle"):
        services.appraisal_transition(appraisal=appraisal, actor=boss, to=A.PUBLISHED)
    with pytest.raises(InvalidTransition):
        services.appraisal_transition(appraisal=appraisal, actor=boss, to=A.TARGETS)
    moves = AuditEvent.objects.filter(action="appraisal.moved").order_by("pk")
    assert [(e.before["state"], e.after["state"]) for e in moves] == [
        ("targets", "collecting"),
        ("collecting", "self_review"),
        ("self_review", "supervisor_review"),
        ("supervisor_review", "skip_level_review"),
        ("skip_level_review", "calibration"),
    ]


def test_publication_waits_for_every_appraisal(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    for state in (C.COLLECTING, C.REVIEW, C.CALIBRATION):
        services.cycle_transition(cycle=open_cycle, actor=hr, to=state)
    with pytest.raises(ServiceError, match="3 appraisals have not reached calibration"):
        services.cycle_publish(cycle=open_cycle, actor=hr)
    open_cycle.refresh_from_db()
    assert open_cycle.state == C.CALIBRATION


def test_publication_refuses_results_with_errors(
    hr: Any, company: SimpleNamespace, calibrated: Cycle
) -> None:
    from jixiao.appraisals.models import Rating

    Rating.objects.filter(appraisal__employee=company.clerks[0]).delete()  # lost in a crash
    with pytest.raises(ServiceError, match="errors") as refused:
        services.cycle_publish(cycle=calibrated, actor=hr)
    assert not Result.objects.filter(frozen_at__isnull=False).exists()
    # Only the result with errors is named, with them (counted in SQL, read alone).
    (named,) = refused.value.details
    assert named.startswith(f"{appraisal_of(calibrated, company.clerks[0])}: ")
    assert len(named) > len(f"{appraisal_of(calibrated, company.clerks[0])}: ")


def test_a_published_result_does_not_change_when_a_fact_changes(
    hr: Any, company: SimpleNamespace, calibrated: Cycle
) -> None:
    services.cycle_publish(cycle=calibrated, actor=hr)
    calibrated.refresh_from_db()
    assert calibrated.state == C.PUBLISHED and calibrated.appeal_deadline is not None
    appraisal = appraisal_of(calibrated, company.clerks[0])
    assert appraisal.state == A.PUBLISHED
    before = Result.objects.get(appraisal=appraisal)
    assert before.frozen and before.total == 80.0
    assert AuditEvent.objects.get(action="cycle.published").after["state"] == "published"

    with pytest.raises(NotAllowed):  # after publication, only HR …
        services.fact_record(
            appraisal=appraisal,
            actor=company.manager.user,
            kind="input",
            item="预算执行偏差率",
            key="actual",
            value=1000000,
            reason="更正",
        )
    with pytest.raises(ServiceError, match="reason"):  # … and with a reason
        services.fact_record(
            appraisal=appraisal,
            actor=hr,
            kind="input",
            item="预算执行偏差率",
            key="actual",
            value=1000000,
        )
    services.fact_record(
        appraisal=appraisal,
        actor=hr,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=1000000,
        reason="申诉材料：财务部更正月报",
    )

    after = Result.objects.get(appraisal=appraisal)
    assert (after.total, after.data, after.facts_digest) == (80.0, before.data, before.facts_digest)
    assert after.computed_at == before.computed_at


def test_results_are_visible_to_appraisees_only_once_published(
    hr: Any, company: SimpleNamespace, calibrated: Cycle
) -> None:
    clerk = company.clerks[0].user
    mine = appraisal_of(calibrated, company.clerks[0])
    assert appraisal_get(visible_to=clerk, pk=mine.pk) == mine
    assert not result_list(visible_to=clerk).exists()
    assert result_list(visible_to=company.manager.user).count() == 2  # the two reports
    services.cycle_publish(cycle=calibrated, actor=hr)
    assert [r.appraisal for r in result_list(visible_to=clerk)] == [mine]


def test_closing_archives_the_appraisals(hr: Any, calibrated: Cycle) -> None:
    with pytest.raises(InvalidTransition):
        services.cycle_close(cycle=calibrated, actor=hr)
    services.cycle_publish(cycle=calibrated, actor=hr)
    appraisal = Appraisal.objects.filter(cycle=calibrated).first()
    services.appraisal_transition(appraisal=appraisal, actor=hr, to=A.APPEALED, reason="申诉")
    with pytest.raises(ServiceError, match="appeals"):
        services.cycle_close(cycle=calibrated, actor=hr)
    services.appraisal_transition(appraisal=appraisal, actor=hr, to=A.PUBLISHED, reason="驳回")
    services.cycle_close(cycle=calibrated, actor=hr)
    assert set(Appraisal.objects.values_list("state", flat=True)) == {A.CLOSED}
    with pytest.raises(ServiceError, match="no longer"):
        services.fact_record(
            appraisal=appraisal, actor=hr, kind="value", item="部门管理", value=1, reason="x"
        )


def test_a_draft_cycle_can_be_cancelled_but_not_published(hr: Any, draft_cycle: Cycle) -> None:
    with pytest.raises(InvalidTransition):
        services.cycle_transition(cycle=draft_cycle, actor=hr, to=C.PUBLISHED)
    services.cycle_transition(cycle=draft_cycle, actor=hr, to=C.CANCELLED, reason="重复创建")
    assert Cycle.objects.get(pk=draft_cycle.pk).state == C.CANCELLED


def test_appraisals_are_hidden_like_missing_ones(
    company: SimpleNamespace, open_cycle: Cycle, auditor: Any
) -> None:
    colleague = appraisal_of(open_cycle, company.clerks[1])
    with pytest.raises(NotFound):
        appraisal_get(visible_to=company.clerks[0].user, pk=colleague.pk)
    with pytest.raises(NotFound):
        appraisal_get(visible_to=company.clerks[0].user, pk=10**9)
    assert appraisal_get(visible_to=company.manager.user, pk=colleague.pk) == colleague
    assert appraisal_get(visible_to=company.boss.user, pk=colleague.pk) == colleague
    assert appraisal_get(visible_to=auditor, pk=colleague.pk) == colleague


def test_committee_members_see_the_results_of_their_cycle(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    member = company.worker.user
    assert not result_list(visible_to=member).exists()
    services.cycle_set_committee(cycle=open_cycle, actor=hr, members=[member])
    assert result_list(visible_to=member).count() == 3
