"""Facts and results: every fact recorded through a service recomputes the
results of the appraisal's group; changes need a reason and keep the old value
in the audit log; who may record what follows domain.md §1."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jixiao.appraisals import services
from jixiao.appraisals.access import SELF_ROLES, SKIP_LEVEL_ROLES, SUPERVISOR_ROLES
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Rating, Result
from jixiao.appraisals.models.facts import SINGLE_RATER_ROLE_NAMES
from jixiao.appraisals.selectors import appraisal_get
from jixiao.appraisals.services.raters import rater_assign
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.organization.services import employee_update
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME, appraisal_of, record_full_facts
from tests.apps.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def scored(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> SimpleNamespace:
    manager, (first, second) = company.manager, company.clerks
    return SimpleNamespace(
        manager=record_full_facts(open_cycle, manager, hr, actual=1010000, rating=4, violations=1),
        first=record_full_facts(open_cycle, first, hr, actual=1040000, rating=3),
        second=record_full_facts(open_cycle, second, hr, actual=900000, rating=5, violations=2),
    )


def result(appraisal: Appraisal) -> Result:
    return Result.objects.get(appraisal=appraisal)


def test_results_follow_the_facts(scored: SimpleNamespace) -> None:
    totals = {
        name: (result(a).total, result(a).grade, result(a).rank) for name, a in vars(scored).items()
    }
    assert totals == {
        "manager": (92.5, "优秀", 1),
        "first": (80.0, "良好", 2),
        "second": (75.0, "合格", 3),
    }
    stored = result(scored.manager)
    items = {item["code"]: item for item in stored.data["items"]}
    assert items["部门管理"]["trace"] == "violation 1: 1 × 10 = 10; 100 − 10 = 90"
    assert stored.facts["appraisee"]["facts"]["部门管理"] == {"events": {"violation": 1}}
    assert stored.scheme_version == scored.manager.scheme_version
    assert len(stored.facts_digest) == 64 and stored.errors == []


def test_missing_facts_are_errors_of_the_result(
    hr: Any, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    stored = result(appraisal_of(open_cycle, company.manager))
    assert stored.total is None
    assert any("内部控制管理" in error for error in stored.errors)


def test_a_change_needs_a_reason_and_keeps_the_old_value(hr: Any, scored: SimpleNamespace) -> None:
    kwargs = dict(
        appraisal=scored.first, actor=hr, kind="input", item="预算执行偏差率", key="actual"
    )
    with pytest.raises(ServiceError, match="reason"):
        services.fact_record(**kwargs, value=1000000)
    assert result(scored.first).total == 80.0
    services.fact_record(**kwargs, value=1000000, reason="财务部更正月报")
    event = AuditEvent.objects.filter(action="fact.changed").get()
    assert (event.before["value"], event.after["value"]) == (1040000, 1000000)
    assert event.reason == "财务部更正月报" and event.actor == hr
    assert result(scored.first).total == 90.0
    recomputed = AuditEvent.objects.filter(action="result.computed").order_by("pk").last()
    assert recomputed.reason == "财务部更正月报"


def test_recording_the_same_value_again_changes_nothing(hr: Any, scored: SimpleNamespace) -> None:
    events = AuditEvent.objects.count()
    services.fact_record(
        appraisal=scored.first,
        actor=hr,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=1040000,
    )
    assert AuditEvent.objects.count() == events


def test_a_change_recomputes_the_ranks_of_the_whole_group(hr: Any, scored: SimpleNamespace) -> None:
    for event in list(scored.second.events.all()):  # two violations, both reported in error
        services.event_remove(event=event, actor=hr, reason="核实为误报")
    assert (result(scored.second).total, result(scored.first).total) == (80.0, 80.0)
    assert (result(scored.second).rank, result(scored.first).rank) == (2, 2)


def test_facts_must_name_an_item_of_the_scheme(hr: Any, scored: SimpleNamespace) -> None:
    with pytest.raises(ServiceError, match="no item 销售额"):
        services.fact_record(appraisal=scored.first, actor=hr, kind="value", item="销售额", value=1)
    with pytest.raises(ServiceError, match="input needs a name"):
        services.fact_record(
            appraisal=scored.first, actor=hr, kind="input", item="部门管理", value=1
        )
    with pytest.raises(ServiceError, match="部门管理 takes a number, not a list"):
        services.fact_record(
            appraisal=scored.first, actor=hr, kind="value", item="部门管理", value=[1]
        )


def test_events_with_sizes_and_counts(hr: Any, scored: SimpleNamespace) -> None:
    services.event_record(
        appraisal=scored.first,
        actor=hr,
        item="部门管理",
        name="late_day",
        occurred_on=D(2026, 10, 10),
        size=2,
        description="考核结果晚报2天",
    )
    services.event_record(
        appraisal=scored.first,
        actor=hr,
        item="部门管理",
        name="late_day",
        occurred_on=D(2026, 10, 20),
        size=1,
        description="考核结果晚报1天",
    )
    stored = result(scored.first)
    assert stored.facts["appraisee"]["facts"]["部门管理"]["events"] == {"late_day": [2.0, 1.0]}
    items = {item["code"]: item["score"] for item in stored.data["items"]}
    assert items["部门管理"] == 85  # 100 − 5 × (2 + 1)
    with pytest.raises(ServiceError, match="what happened"):
        services.event_record(
            appraisal=scored.first,
            actor=hr,
            item="部门管理",
            name="violation",
            occurred_on=D(2026, 10, 1),
            description=" ",
        )


def test_adjustments_need_a_reason(hr: Any, scored: SimpleNamespace) -> None:
    with pytest.raises(ServiceError, match="reason"):
        services.adjustment_record(
            appraisal=scored.manager, actor=hr, name="重大违纪", amount=10, reason=""
        )
    entry = services.adjustment_record(
        appraisal=scored.manager, actor=hr, name="重大违纪", amount=10, reason="违规报销"
    )
    assert result(scored.manager).total == 82.5
    services.adjustment_remove(entry=entry, actor=hr, reason="申诉成立")
    assert result(scored.manager).total == 92.5


def test_targets_are_item_inputs_and_signed_targets_change_with_a_reason(
    hr: Any, scored: SimpleNamespace
) -> None:
    services.target_set(
        appraisal=scored.first, actor=hr, item="预算执行偏差率", target=1, challenge=1.2
    )
    fact = Fact.objects.get(appraisal=scored.first, key="challenge")
    assert fact.value == 1.2
    services.appraisal_sign_targets(appraisal=scored.first, actor=scored.first.employee.user)
    scored.first.refresh_from_db()
    assert scored.first.state == AppraisalState.COLLECTING
    assert scored.first.targets_signed_by == scored.first.employee.user
    with pytest.raises(ServiceError, match="signed"):
        services.target_set(appraisal=scored.first, actor=hr, item="预算执行偏差率", target=2)


def test_managers_record_facts_for_the_people_below_them(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    services.fact_record(
        appraisal=appraisal,
        actor=company.manager.user,
        kind="input",
        item="预算执行偏差率",
        key="budget",
        value=1000000,
    )
    services.fact_record(
        appraisal=appraisal,
        actor=company.boss.user,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=990000,
    )
    with pytest.raises(NotAllowed):
        services.fact_record(
            appraisal=appraisal_of(open_cycle, company.manager),
            actor=company.clerks[1].user,
            kind="input",
            item="部门管理",
            key="x",
            value=1,
        )


def test_data_owners_record_the_items_they_are_the_source_of(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    accountant = company.clerks[1].user  # works in 财务部, the source of 预算执行偏差率
    appraisal = appraisal_of(open_cycle, company.manager)
    record = dict(
        appraisal=appraisal,
        actor=accountant,
        kind="input",
        item="预算执行偏差率",
        key="budget",
        value=1000000,
    )
    with pytest.raises(NotAllowed):  # not until HR names them the department's data owner
        services.fact_record(**record)
    employee_update(employee=company.clerks[1], actor=hr, is_data_owner=True)
    assert appraisal_get(visible_to=accountant, pk=appraisal.pk) == appraisal
    services.fact_record(
        appraisal=appraisal,
        actor=accountant,
        kind="input",
        item="预算执行偏差率",
        key="budget",
        value=1000000,
    )
    with pytest.raises(NotAllowed):
        services.fact_record(
            appraisal=appraisal,
            actor=company.worker.user,
            kind="input",
            item="预算执行偏差率",
            key="actual",
            value=1,
        )


def open_with_raters(hr: Any, cycle: Cycle) -> Cycle:
    """The cycle opened with a version of T-FIN whose items every rater role rates
    (the pipeline refuses a rating in a role the scheme does not have)."""
    roles = "{weights: {self: 10, supervisor: 50, indirect: 20, peer: 20}}"
    scheme_save(actor=hr, text=SCHEME.replace("{final: [supervisor]}", roles))
    return services.cycle_open(cycle=cycle, actor=hr)


@pytest.mark.parametrize(
    ("who", "role", "allowed"),
    [
        ("clerk", "self", True),
        ("manager", "self", False),
        ("manager", "supervisor", True),
        ("boss", "supervisor", False),
        ("boss", "indirect", True),
        ("colleague", "peer", True),
        ("clerk", "peer", False),
        ("worker", "peer", False),
        ("stranger", "supervisor", False),
    ],
)
def test_who_may_rate_in_which_role(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle, who: str, role: str, allowed: bool
) -> None:
    open_cycle = open_with_raters(hr, draft_cycle)
    users = {
        "clerk": company.clerks[0].user,
        "colleague": company.clerks[1].user,
        "manager": company.manager.user,
        "boss": company.boss.user,
        "worker": company.worker.user,
        "stranger": UserFactory(username="stranger"),
    }
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    # peers rate by assignment (360): the colleague is assigned, the others are not
    rater_assign(appraisal=appraisal, actor=hr, raters=[users["colleague"]], role="peer")
    record = dict(appraisal=appraisal, actor=users[who], item="内部控制管理", role=role, value=4)
    if allowed:
        assert services.rating_record(**record).rater == users[who]
    else:
        with pytest.raises(NotAllowed):
            services.rating_record(**record)


def test_only_hr_rates_on_behalf_of_someone(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    with pytest.raises(NotAllowed):
        services.rating_record(
            appraisal=appraisal,
            actor=company.boss.user,
            item="内部控制管理",
            role="supervisor",
            value=4,
            rater=company.manager.user,
        )
    rating = services.rating_record(
        appraisal=appraisal,
        actor=hr,
        item="内部控制管理",
        role="supervisor",
        value=4,
        rater=company.manager.user,
    )
    assert (rating.rater, rating.recorded_by) == (company.manager.user, hr)


def test_peers_each_give_their_own_rating(
    company: SimpleNamespace, draft_cycle: Cycle, hr: Any
) -> None:
    open_cycle = open_with_raters(hr, draft_cycle)
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    colleague = EmployeeFactory(number="1004", unit=company.finance, user=UserFactory())
    rater_assign(
        appraisal=appraisal, actor=hr, raters=[company.clerks[1].user, colleague.user], role="peer"
    )
    for rater, value in ((company.clerks[1].user, 5), (colleague.user, 4)):  # levels 5 … 1
        services.rating_record(
            appraisal=appraisal, actor=rater, item="内部控制管理", role="peer", value=value
        )
    ratings = result(appraisal).facts["appraisee"]["facts"]["内部控制管理"]["ratings"]
    assert ratings == {"peer": [5, 4]}


def test_a_withdrawn_appraisal_leaves_the_group(hr: Any, scored: SimpleNamespace) -> None:
    with pytest.raises(ServiceError, match="reason"):
        services.appraisal_transition(
            appraisal=scored.manager, actor=hr, to=AppraisalState.WITHDRAWN
        )
    services.appraisal_transition(
        appraisal=scored.manager, actor=hr, to=AppraisalState.WITHDRAWN, reason="调岗"
    )
    assert (result(scored.first).rank, result(scored.first).ranked) == (1, 2)
    with pytest.raises(ServiceError, match="no longer"):
        services.fact_record(
            appraisal=scored.manager, actor=hr, kind="value", item="部门管理", value=1
        )


def test_many_facts_recompute_each_group_once(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    before = AuditEvent.objects.filter(action="result.computed").count()
    with services.recompute_once(actor=hr, reason="导入"):
        for employee, actual in ((company.manager, 1010000), (company.clerks[0], 1040000)):
            record_full_facts(open_cycle, employee, hr, actual=actual, rating=4)
        assert AuditEvent.objects.filter(action="result.computed").count() == before
    after = AuditEvent.objects.filter(action="result.computed").order_by("pk")
    assert after.count() == before + 2  # the two appraisees now scored, once each
    assert result(appraisal_of(open_cycle, company.manager)).total == 95.0


def test_a_fact_recorded_by_mistake_is_removed_with_a_reason(
    hr: Any, scored: SimpleNamespace
) -> None:
    services.fact_record(appraisal=scored.first, actor=hr, kind="input", key="bonus", value=1)
    fact = Fact.objects.get(appraisal=scored.first, key="bonus")
    with pytest.raises(ServiceError, match="reason"):
        services.fact_remove(fact=fact, actor=hr, reason=" ")
    services.fact_remove(fact=fact, actor=hr, reason="录错对象")
    assert not Fact.objects.filter(pk=fact.pk).exists()
    event = AuditEvent.objects.get(action="fact.removed")
    assert (event.before["key"], event.reason) == ("bonus", "录错对象")
    assert "bonus" not in result(scored.first).facts["appraisee"].get("inputs", {})


def test_two_raters_in_a_single_rater_role_cannot_both_be_stored(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    """The database itself keeps one supervisor rating per item, whoever the rater."""
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    Rating.objects.create(
        appraisal=appraisal, item="内部控制管理", role="supervisor", rater=hr, value=4
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            appraisal=appraisal,
            item="内部控制管理",
            role="supervisor",
            rater=company.manager.user,
            value=3,
        )
    # peers are one rating per rater
    for rater in (hr, company.manager.user):
        Rating.objects.create(
            appraisal=appraisal, item="内部控制管理", role="peer", rater=rater, value=80
        )
    assert Rating.objects.filter(appraisal=appraisal, role="peer").count() == 2


def test_the_database_constraint_names_the_single_rater_roles_of_the_services() -> None:
    assert set(SINGLE_RATER_ROLE_NAMES) == SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES
