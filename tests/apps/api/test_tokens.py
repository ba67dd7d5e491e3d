"""Authentication: personal and service tokens (shown once, stored hashed,
revocable), the web session with its CSRF token, and every refusal."""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jixiao.accounts.services import user_set_roles
from jixiao.api.models import Token
from jixiao.api.services import token_create, token_revoke
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.api.conftest import Api, assert_error
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_stored_as_its_hash(apis: SimpleNamespace, hr: Any) -> None:
    response = apis.hr.post("/tokens", {"name": "月报脚本"})
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("jxp_") and len(secret) > 40
    stored = Token.objects.get(pk=body["id"])
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(Token.objects.filter(pk=stored.pk).values().get())
    listed = apis.hr.get("/tokens").json()["items"]
    assert all("secret" not in token for token in listed)
    assert Api(secret).get("/me").json()["username"] == "hr"
    event = AuditEvent.objects.filter(action="token.created", target_id=str(stored.pk)).get()
    assert event.actor == hr and secret not in str(event.after)


def test_no_token_or_a_wrong_one_is_401(apis: SimpleNamespace) -> None:
    assert_error(apis.anonymous.get("/units"), 401, "unauthenticated")
    assert_error(Api("jxp_not-a-real-token").get("/units"), 401, "unauthenticated")
    assert_error(Api("something-else").get("/units"), 401, "unauthenticated")
    response = apis.anonymous.get("/units")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_working_at_once(apis: SimpleNamespace, company: Any) -> None:
    assert apis.clerk.get("/me").status_code == 200
    mine = apis.clerk.get("/tokens").json()["items"]
    assert len(mine) == 1  # one's own tokens only
    response = apis.clerk.post(f"/tokens/{mine[0]['id']}/revoke", {"reason": "laptop lost"})
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert_error(apis.clerk.get("/me"), 401, "unauthenticated")
    event = AuditEvent.objects.filter(action="token.revoked").get()
    assert event.reason == "laptop lost"


def test_nobody_revokes_another_persons_token_but_hr(apis: SimpleNamespace) -> None:
    theirs = apis.other_clerk.get("/tokens").json()["items"][0]["id"]
    assert_error(apis.clerk.post(f"/tokens/{theirs}/revoke"), 404, "not_found")
    assert_error(apis.manager.post(f"/tokens/{theirs}/revoke"), 404, "not_found")
    assert apis.hr.post(f"/tokens/{theirs}/revoke").status_code == 200
    assert_error(apis.other_clerk.get("/me"), 401, "unauthenticated")


def test_only_hr_makes_service_tokens(apis: SimpleNamespace) -> None:
    body = {"name": "财务系统2", "sources": ["财务部"]}
    for caller in (apis.manager, apis.clerk, apis.auditor, apis.owner):
        assert_error(caller.post("/tokens/service", body), 403, "forbidden")
    assert_error(apis.finance_system.post("/tokens/service", body), 403, "forbidden")
    response = apis.hr.post("/tokens/service", body)
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("jxs_")
    assert created["scope"] == {
        "sources": ["财务部"],
        "cycle_states": ["calibration", "collecting", "review", "targets"],
        "read_results": False,
    }


def test_a_service_token_needs_a_source_and_known_states(apis: SimpleNamespace) -> None:
    error = assert_error(
        apis.hr.post(
            "/tokens/service", {"name": "x", "sources": ["财务部"], "cycle_states": ["x"]}
        ),
        422,
        "refused",
    )
    assert error["details"] == ["x"]
    assert_error(
        apis.hr.post("/tokens/service", {"name": "x", "sources": []}), 422, "invalid_request"
    )
    assert_error(apis.hr.post("/tokens/service", {"name": "x", "sources": [" "]}), 422, "refused")


def test_a_service_token_stops_when_its_maker_is_no_longer_hr(
    apis: SimpleNamespace, hr: Any, db: Any
) -> None:
    assert apis.finance_system.get("/me").json()["scope"]["sources"] == ["财务部"]
    other_hr = type(hr).objects.create(username="hr2", is_hr=True)
    user_set_roles(user=hr, actor=other_hr, is_hr=False, reason="调岗")
    assert_error(apis.finance_system.get("/me"), 401, "unauthenticated")


def test_a_service_token_cannot_make_or_revoke_tokens(apis: SimpleNamespace) -> None:
    assert_error(apis.finance_system.post("/tokens", {"name": "x"}), 403, "forbidden")
    assert apis.finance_system.get("/tokens").json()["count"] == 0


def test_token_services_refuse_what_the_roles_do_not_allow(hr: Any, company: Any) -> None:
    clerk = company.clerks[0].user
    with pytest.raises(NotAllowed):
        token_create(actor=clerk, name="x", kind="service", sources=["财务部"])
    with pytest.raises(ServiceError):
        token_create(actor=clerk, name="x", sources=["财务部"])  # a personal token has no scope
    with pytest.raises(ServiceError):
        token_create(actor=clerk, name="  ")
    token, _secret = token_create(actor=hr, name="x", kind="service", sources=["财务部"])
    with pytest.raises(NotAllowed):
        token_revoke(token=token, actor=clerk)
    token_revoke(token=token, actor=hr)
    token_revoke(token=token, actor=hr)  # twice changes nothing
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


def test_the_last_use_is_noted(apis: SimpleNamespace) -> None:
    apis.clerk.get("/me")
    token = Token.objects.get(user__username="clerk2")
    assert token.last_used_at is not None


# -- the web session ---------------------------------------------------------------------
def test_the_web_session_reads_and_writes_with_its_csrf_token(hr: Any) -> None:
    hr.set_password(PASSWORD)
    hr.save()
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="hr", password=PASSWORD)
    assert Api(client=client).get("/me").json()["username"] == "hr"
    refused = Api(client=client).post("/tokens", {"name": "from the browser"})
    assert_error(refused, 403, "forbidden")
    client.get("/api/v1/docs")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/tokens",
        data='{"name": "from the browser"}',
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_the_docs_and_the_openapi_document_are_served(db: Any) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["version"] == "1"
    assert "/api/v1/facts/bulk" in document["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # served from our own static files: every script and stylesheet address is local
    # (not "no 'cdn' anywhere": the page's random CSRF token may spell it)
    addresses = re.findall(r'(?:src|href)="([^"]+)"', docs.content.decode())
    assert addresses and all(address.startswith("/") for address in addresses), addresses


def test_an_unexpected_error_is_a_500_body_without_a_trace(
    apis: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("jixiao.api.v1.organization.unit_list", explode)
    response = apis.hr.get("/units")
    error = assert_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert error["details"] == []
    assert "unhandled error" in caplog.text  # logged, with its traceback, on the server
