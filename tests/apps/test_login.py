"""Logging in and out through the application's own pages."""

from __future__ import annotations

import pytest
from django.test import Client

from jixiao.accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_page_logs_in_and_logout_logs_out(client: Client) -> None:
    User.objects.create_user(username="wangfang", password="s3cret-pass")
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    done = client.post("/accounts/login/", {"username": "wangfang", "password": "s3cret-pass"})
    assert done.status_code == 302
    assert client.session.get("_auth_user_id")
    client.post("/accounts/logout/")
    assert not client.session.get("_auth_user_id")


def test_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    User.objects.create_user(username="wangfang", password="s3cret-pass")
    page = client.post("/accounts/login/", {"username": "wangfang", "password": "wrong"})
    assert page.status_code == 200
    assert not client.session.get("_auth_user_id")
    assert b"did not match" in page.content
