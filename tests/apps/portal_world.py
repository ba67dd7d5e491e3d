"""The people of the portal tests: every role of domain.md §1 around the finance
department of `conftest.company`, and helpers to bring its cycle to each stage."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.workflow import AppraisalState, CycleState
from tests.apps.conftest import appraisal_of, record_full_facts
from tests.apps.factories import PASSWORD, EmployeeFactory, UserFactory

A, C = AppraisalState, CycleState


def people(hr: Any, auditor: Any, company: SimpleNamespace, cycle: Cycle) -> dict[str, Any]:
    """Users by role, for the appraisal of the first accountant (李强)."""
    committee = UserFactory(username="committee")
    services.cycle_set_committee(cycle=cycle, actor=hr, members=[committee])
    owner = EmployeeFactory(
        number="1009",
        name="出纳",
        unit=company.finance,
        is_data_owner=True,
        user=UserFactory(username="owner"),
    )
    other_manager = EmployeeFactory(
        number="2000", name="生产经理", unit=company.production, user=UserFactory(username="prodm")
    )
    company.worker.supervisor = other_manager
    company.worker.save()
    return {
        "hr": hr,
        "auditor": auditor,
        "committee": committee,
        "manager": company.manager.user,  # direct supervisor (复评)
        "skip_level": company.boss.user,  # the manager's manager (终评)
        "data_owner": owner.user,
        "employee": company.clerks[0].user,  # the appraisee
        "colleague": company.clerks[1].user,
        "other_manager": other_manager.user,
    }


ROLES = [
    "hr",
    "auditor",
    "committee",
    "manager",
    "skip_level",
    "data_owner",
    "employee",
    "colleague",
    "other_manager",
]


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def sign_targets(appraisal: Appraisal, manager: Any, employee: Any) -> None:
    services.targets_sign(appraisal=appraisal, actor=manager)
    services.targets_acknowledge(appraisal=appraisal, actor=employee)


def to_calibration(cycle: Cycle, hr: Any, company: SimpleNamespace) -> None:
    for employee, actual, rating in (
        (company.manager, 1010000, 4),
        (company.clerks[0], 1040000, 3),
        (company.clerks[1], 900000, 5),
    ):
        appraisal = record_full_facts(cycle, employee, hr, actual=actual, rating=rating)
        for state in (A.COLLECTING, A.SUPERVISOR_REVIEW, A.CALIBRATION):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    for state in (C.COLLECTING, C.REVIEW, C.CALIBRATION):
        services.cycle_transition(cycle=cycle, actor=hr, to=state)


def publish(cycle: Cycle, hr: Any, company: SimpleNamespace) -> Appraisal:
    to_calibration(cycle, hr, company)
    services.cycle_publish(cycle=cycle, actor=hr)
    return appraisal_of(cycle, company.clerks[0])
