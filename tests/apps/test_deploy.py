"""Production settings (issue 10, finding 8): `check --deploy` finds nothing to warn
about under them, sessions end after 8 idle hours, and the error pages speak the
reader's language (the 500 page without a request or a database)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import loader
from django.test import Client, override_settings
from django.utils import translation

from jixiao.production import gunicorn_command, supervise

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
    assert settings.JIXIAO_SESSION_TOUCH_SECONDS == 300


@pytest.mark.django_db
def test_a_request_moves_the_idle_expiry_on_without_writing_the_session_each_time(
    client: Client, django_user_model: Any
) -> None:
    from django.contrib.sessions.models import Session

    from jixiao.core.sessions import TOUCHED

    user = django_user_model.objects.create_user("idle", password="x-Secret-42")
    client.force_login(user)
    key = client.session.session_key

    def expiry() -> Any:
        return Session.objects.get(session_key=key).expire_date

    client.get("/")
    first = expiry()
    client.get("/")  # within the touch interval: the session row is not written
    assert expiry() == first
    session = client.session
    session[TOUCHED] = int(session[TOUCHED]) - settings.JIXIAO_SESSION_TOUCH_SECONDS
    session.save()
    saved = expiry()
    time.sleep(1.1)  # expiry dates have whole seconds
    client.get("/")  # the interval has passed: the expiry moves on
    assert expiry() > saved


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


# -- the production server (issue 11): WhiteNoise, persistent connections, gunicorn ------
def _production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """config.settings.base read afresh, as on a production machine (plain http)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JIXIAO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="jixiao.example.com",
        JIXIAO_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        **extra,
    )
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


STATIC_PROBE = """
import json, re, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
client = Client(headers={"host": "jixiao.example.com"})
login = client.get("/accounts/login/", secure=True)
sheet = re.search(r'/static/css/app\\.[0-9a-f]{12}\\.css', login.content.decode())[0]
css = client.get(sheet, secure=True, headers={"accept-encoding": "gzip"})
print(json.dumps({
    "middleware": settings.MIDDLEWARE[:2],
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "sheet": sheet,
    "status": css.status_code,
    "cache": css.headers.get("Cache-Control", ""),
    "encoding": css.headers.get("Content-Encoding", ""),
}))
"""


def test_production_serves_hashed_compressed_static_files_with_persistent_connections(
    tmp_path: Path,
) -> None:
    """Without DEBUG: WhiteNoise right after the security middleware, the stylesheet
    collected under a hashed name and served gzip-compressed for a year, connections
    kept 600 s and checked before reuse."""
    done = _python(STATIC_PROBE, _production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["middleware"][1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert seen["storage"] == "config.static_storage.StaticStorage"
    assert (tmp_path / "static" / seen["sheet"].removeprefix("/static/")).is_file()
    assert seen["status"] == 200
    assert "immutable" in seen["cache"] and "max-age=315360000" in seen["cache"]
    assert seen["encoding"] == "gzip"
    assert seen["conn_max_age"] == 600
    assert seen["health_checks"] is True


def test_development_keeps_static_names_and_closes_connections(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], "
        "settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    done = _python(code, _production_env(tmp_path, DJANGO_DEBUG="1"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["django.contrib.staticfiles.storage.StaticFilesStorage", "0"]


def test_gunicorn_accepts_the_production_command_line(tmp_path: Path) -> None:
    """The pinned gunicorn reads `jixiao serve --production`'s options and loads the
    application with them (`--check-config`)."""
    command = gunicorn_command("127.0.0.1:0", workers=3, timeout=120)
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--timeout") + 1] == "120"
    assert "config.wsgi:application" in command
    done = subprocess.run(
        [*command, "--check-config"],
        cwd=Path(settings.BASE_DIR),
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_serve_production_refuses_sqlite_with_a_clear_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "serve", "--production"],
        cwd=Path(settings.BASE_DIR),
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr
    assert not (tmp_path / "static").exists()  # refused before anything was done


def test_serve_production_refuses_debug(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "serve", "--production"],
        cwd=Path(settings.BASE_DIR),
        env=_production_env(tmp_path, DJANGO_DEBUG="1"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unset DJANGO_DEBUG" in done.stderr


def test_the_supervisor_stops_the_others_when_one_process_stops() -> None:
    """`jixiao serve --production --job-workers M`: when gunicorn or a worker stops on
    its own, the rest are stopped and its status returned (the service manager then
    restarts the whole set)."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    failing = [sys.executable, "-c", "import sys, time; time.sleep(1); sys.exit(3)"]
    assert supervise([sleeper, failing]) == 3


def test_pages_render_with_the_production_settings_before_any_collectstatic(
    tmp_path: Path,
) -> None:
    """A command rendering pages (manage.py bench_pages) needs no collectstatic: the
    static files keep their plain names until there is a manifest."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "page = Client(headers={'host': 'jixiao.example.com'}).get('/accounts/login/', "
        "secure=True); print(page.status_code, '/static/css/app.css' in page.content.decode())"
    )
    done = _python(code, _production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["200", "True"]
