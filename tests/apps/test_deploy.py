"""Production settings (issue 10, finding 8): `check --deploy` finds nothing to warn
about under them, sessions end after 8 idle hours, and the error pages speak the
reader's language (the 500 page without a request or a database)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import loader
from django.test import Client, override_settings
from django.utils import translation

PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": "k7#Vq!2mZ^p9Rw$L4xT&c8Ny@b3Hs6Fj0Gd5Ku1Ye%Ea*Wi-Qo+Pl=Mn_Xr(Tz)v",
    "ALLOWED_HOSTS": ["jixiao.example.com"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def test_check_deploy_gives_no_warning_under_the_production_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The browser tests allow Django's sync calls inside Playwright's event loop through
    # the environment (tests/e2e/conftest.py); a production environment never does.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    with override_settings(**PRODUCTION):
        call_command("check", deploy=True, fail_level="WARNING")


def test_check_deploy_passes_with_the_settings_read_from_a_production_environment(
    tmp_path: Path,
) -> None:
    """As .ci/run does: config.settings.base read afresh from a production environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JIXIAO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="jixiao.example.com",
        JIXIAO_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        JIXIAO_VAR_DIR=str(tmp_path),
        DATABASE_URL="sqlite://",
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_under_the_test_settings() -> None:
    """The check is real: the suite's plain-http settings fail it."""
    with (
        override_settings(**{**PRODUCTION, "SECURE_HSTS_SECONDS": 0}),
        pytest.raises(SystemCheckError, match="W004"),
    ):
        call_command("check", deploy=True, fail_level="WARNING")


def test_sessions_end_after_eight_idle_hours() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_a_missing_page_is_in_chinese_for_chinese_readers(client: Client) -> None:
    client.cookies["django_language"] = "zh-hans"
    with override_settings(DEBUG=False):
        page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert "页面不存在" in page.content.decode()
    assert 'lang="zh-hans"' in page.content.decode()


@pytest.mark.django_db
def test_a_missing_page_is_in_english_for_english_readers(client: Client) -> None:
    client.cookies["django_language"] = "en"
    with override_settings(DEBUG=False):
        page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert "Page not found" in page.content.decode()


def test_the_server_error_page_renders_without_a_request_or_a_database() -> None:
    with translation.override("zh-hans"):
        html = loader.get_template("500.html").render()
    assert "服务器错误" in html
    with translation.override("en"):
        assert "Server error" in loader.get_template("500.html").render()


@pytest.mark.django_db
def test_a_server_error_answers_with_the_500_page() -> None:
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "zh-hans"
    with override_settings(DEBUG=False, ROOT_URLCONF="tests.apps.test_deploy"):
        page = client.get("/boom/")
    assert page.status_code == 500
    assert "服务器错误" in page.content.decode()


def _boom(request: object) -> None:
    raise RuntimeError("boom")


from django.urls import path  # noqa: E402  (this module is also the URLconf of the test above)

urlpatterns = [path("boom/", _boom)]
