"""Token expiry and read-only tokens (issue 10, finding 8): every token expires (a
year by default, or on the day its maker chose), an expired one is refused with its
own message; a read-only token reads and is refused on every write; the token page
makes both."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from jixiao.api.models import Token
from jixiao.api.services import token_create
from jixiao.core.errors import ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.api.conftest import Api, assert_error
from tests.apps.factories import UserFactory

pytestmark = pytest.mark.django_db

WRITES = [
    ("post", "/units", {"code": "X1", "name": "新部门", "kind": "department"}),
    ("patch", "/units/X1", {"name": "改名"}),
    ("post", "/tokens", {"name": "another"}),
    ("post", "/tokens/service", {"name": "svc", "sources": ["财务部"]}),
    ("post", "/facts/bulk", {"rows": []}),
    ("post", "/cycles/2026-10/transition", {"to": "collecting"}),
    ("post", "/appeals", {}),
    ("post", "/schemes/validate", {"text": "code: X"}),
]


def test_a_token_lasts_a_year_by_default(hr: Any) -> None:
    before = timezone.now()
    token, _secret = token_create(actor=hr, name="script")
    assert before + datetime.timedelta(days=365) <= token.expires_at
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=365)
    event = AuditEvent.objects.get(action="token.created", target_id=str(token.pk))
    assert event.after["expires_at"] == token.expires_at.isoformat()
    assert event.after["read_only"] is False


def test_the_maker_chooses_the_last_day_within_the_limit(hr: Any) -> None:
    today = timezone.localdate()
    token, _secret = token_create(actor=hr, name="short", expires_on=today)
    assert timezone.localtime(token.expires_at).date() == today + datetime.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == datetime.time(0, 0)
    with pytest.raises(ServiceError, match="has passed"):
        token_create(actor=hr, name="past", expires_on=today - datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="at most 1095 days"):
        token_create(actor=hr, name="forever", expires_on=datetime.date(9999, 12, 31))
    assert not Token.objects.filter(name__in=["past", "forever"]).exists()


def test_an_expired_token_is_refused_with_its_own_message(hr: Any) -> None:
    token, secret = token_create(actor=hr, name="old script")
    api = Api(secret)
    assert api.get("/me").status_code == 200
    Token.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    error = assert_error(api.get("/me"), 401, "token_expired")
    assert "expired on" in error["message"] and "make a new one" in error["message"]
    chinese = api.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {secret}", "Accept-Language": "zh-hans"}
    )
    assert "已于" in chinese.json()["error"]["message"]
    assert "过期" in chinese.json()["error"]["message"]
    # revoked and expired: nothing to tell but "unauthenticated"
    Token.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_error(api.get("/me"), 401, "unauthenticated")


def test_the_expiry_is_in_the_listing_and_me(apis: SimpleNamespace) -> None:
    listed = apis.clerk.get("/tokens").json()["items"][0]
    assert listed["expires_at"] and listed["expired"] is False and listed["read_only"] is False
    me = apis.clerk.get("/me").json()
    assert me["token_expires_at"] == listed["expires_at"] and me["read_only"] is False


def test_the_api_makes_a_read_only_token_with_a_last_day(apis: SimpleNamespace) -> None:
    day = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    made = apis.clerk.post("/tokens", {"name": "reader", "read_only": True, "expires_on": day})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["read_only"] is True
    assert body["expires_at"].startswith(
        (timezone.localdate() + datetime.timedelta(days=31)).isoformat()
    )
    past = apis.clerk.post("/tokens", {"name": "x", "expires_on": "2020-01-01"})
    assert "has passed" in assert_error(past, 422, "refused")["message"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_only_token_is_refused_on_every_write(
    hr: Any, method: str, path: str, body: dict[str, Any]
) -> None:
    _token, secret = token_create(actor=hr, name="reader", read_only=True)
    api = Api(secret)
    assert api.get("/units").status_code == 200
    assert api.get("/tokens").status_code == 200
    error = assert_error(api.call(method, path, body), 403, "forbidden")
    assert "read-only" in error["message"]
    assert Token.objects.count() == 1  # it made no other token


def test_a_read_only_service_token_reads_results_and_records_nothing(
    hr: Any, data_owner: Any, published: Any
) -> None:
    _token, secret = token_create(
        actor=hr, name="报表", kind="service", sources=["财务部"], read_results=True, read_only=True
    )
    api = Api(secret)
    results = api.get("/results", cycle=published.code)
    assert results.status_code == 200 and results.json()["count"] > 0
    assert_error(api.post("/facts/bulk", {"rows": []}), 403, "forbidden")


def test_the_token_page_makes_a_read_only_token_and_shows_its_secret_once(
    client: Client,
) -> None:
    user = UserFactory(username="zhang")
    client.force_login(user)
    page = client.get("/tokens/")
    assert page.status_code == 200
    default_day = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    assert f'value="{default_day}"' in page.content.decode()
    day = timezone.localdate() + datetime.timedelta(days=10)
    made = client.post(
        "/tokens/", {"name": "周报", "expires_on": day.isoformat(), "read_only": "on"}
    )
    assert made.status_code == 200
    secret = re.search(r'<code class="secret">(jxp_[^<]+)</code>', made.content.decode())
    assert secret is not None
    token = Token.objects.get(user=user)
    assert token.read_only is True
    assert timezone.localtime(token.expires_at).date() == day + datetime.timedelta(days=1)
    again = client.get("/tokens/").content.decode()
    assert secret.group(1) not in again and "周报" in again
    assert Api(secret.group(1)).get("/me").json()["read_only"] is True
    refused = client.post("/tokens/", {"name": "old", "expires_on": "2020-01-01"})
    assert "has passed" in refused.content.decode()
    assert Token.objects.filter(user=user).count() == 1


def test_the_token_page_revokes_ones_own_token_only(client: Client, hr: Any) -> None:
    user = UserFactory(username="zhang")
    mine, _ = token_create(actor=user, name="mine")
    theirs, _ = token_create(actor=hr, name="theirs")
    client.force_login(user)
    assert "theirs" not in client.get("/tokens/").content.decode()
    assert client.post(f"/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_revoked and not theirs.is_revoked


def test_the_token_page_is_in_chinese(client: Client) -> None:
    client.force_login(UserFactory(username="zhang"))
    client.cookies["django_language"] = "zh-hans"
    text = client.get("/tokens/").content.decode()
    assert "新建个人令牌" in text and "只读" in text


@override_settings(JIXIAO_API_TOKEN_DAYS=30)
def test_the_default_lifetime_is_a_setting(hr: Any) -> None:
    token, _secret = token_create(actor=hr, name="month")
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=30)
