"""Fixtures for the API tests: the small company of `tests/apps/conftest.py`, a
token per role, and a client that speaks JSON with a bearer token."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jixiao.api.services import token_create
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.services import cycle_transition
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.organization.models import Employee
from tests.apps.conftest import record_full_facts
from tests.apps.factories import EmployeeFactory, UserFactory

API = "/api/v1"


class Api:
    """Calls the API with a bearer token (or none) and decodes the JSON answer."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.secret = secret
        self.client = client or Client()

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        url = API + path
        if method == "get":
            response = self.client.get(url, params, headers=headers)
        else:
            response = getattr(self.client, method)(
                url,
                data=json.dumps(body if body is not None else {}),
                content_type="application/json",
                headers=headers,
            )
        response.json_body = response.json() if response.content else None
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.call("patch", path, body)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error body's shape, its status and code; no traceback in it."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert "Traceback" not in response.content.decode()
    return dict(body["error"])


def personal(user: Any) -> Api:
    _token, secret = token_create(actor=user, name=f"{user.username}'s script")
    return Api(secret)


@pytest.fixture
def data_owner(company: SimpleNamespace) -> Employee:
    """An accountant of 财务部 who enters the department's figures."""
    return EmployeeFactory(
        number="1009",
        name="钱会计",
        unit=company.finance,
        supervisor=company.manager,
        is_data_owner=True,
        user=UserFactory(username="owner"),
    )


@pytest.fixture
def committee_member(db: Any) -> Any:
    return UserFactory(username="committee")


@pytest.fixture
def apis(
    hr: Any,
    auditor: Any,
    company: SimpleNamespace,
    data_owner: Employee,
    committee_member: Any,
) -> SimpleNamespace:
    """A client per role (domain.md §1), each with a personal token, and service tokens."""
    _finance, finance_secret = token_create(
        actor=hr, name="财务系统", kind="service", sources=["财务部"], read_results=True
    )
    _production, production_secret = token_create(
        actor=hr, name="生产系统", kind="service", sources=["生产部"]
    )
    return SimpleNamespace(
        anonymous=Api(),
        hr=personal(hr),
        auditor=personal(auditor),
        boss=personal(company.boss.user),  # skip-level above the accountants
        manager=personal(company.manager.user),
        clerk=personal(company.clerks[0].user),
        other_clerk=personal(company.clerks[1].user),
        worker=personal(company.worker.user),  # another department
        owner=personal(data_owner.user),
        committee=personal(committee_member),
        finance_system=Api(finance_secret),
        production_system=Api(production_secret),
    )


@pytest.fixture
def committee_cycle(open_cycle: Cycle, committee_member: Any, hr: Any) -> Cycle:
    open_cycle.committee.add(committee_member)
    return open_cycle


@pytest.fixture
def published(hr: Any, company: SimpleNamespace, committee_cycle: Cycle, data_owner: Any) -> Cycle:
    people = [company.manager, *company.clerks, data_owner]
    for number, person in enumerate(people):
        record_full_facts(committee_cycle, person, hr, actual=1000000 + number * 10000, rating=4)
    Appraisal.objects.filter(cycle=committee_cycle).update(state=AppraisalState.CALIBRATION)
    for stage in ("collecting", "review", "calibration", "published"):
        cycle_transition(cycle=committee_cycle, actor=hr, to=CycleState(stage))
    return committee_cycle
