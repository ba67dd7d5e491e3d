"""Settings read from the environment; nothing secret lives in the repository.

- `DATABASE_URL`: any URL dj-database-url understands; default a SQLite file
  under `var/` (PostgreSQL in production: `postgres://user@host:5432/jixiao`).
- `DJANGO_SECRET_KEY`: required unless `DJANGO_DEBUG` is on, in which case a
  key is generated once into `var/secret_key` (ignored by git).
- `DJANGO_DEBUG`: `1`/`true` turns debugging on; default off.
- `DJANGO_ALLOWED_HOSTS`: comma-separated; default `127.0.0.1,localhost`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JIXIAO_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _secret_key(debug: bool) -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set (set it, or DJANGO_DEBUG=1 for development)"
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


DEBUG = env_flag("DJANGO_DEBUG")
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "jixiao.core.admin_site.JixiaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "jixiao.core",
    "jixiao.accounts",
    "jixiao.organization",
    "jixiao.indicators",
    "jixiao.schemes",
    "jixiao.workcalendar",
    "jixiao.appraisals",
    "jixiao.notices",
    "jixiao.portal",
    "jixiao.spreadsheets",
    "jixiao.demo",
    "jixiao.hr",
    "ninja",  # the API's interactive docs, served from its own static files
    "jixiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'jixiao.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Reminders (`manage.py send_reminders`): printed on the console unless a mail
# backend is configured (DJANGO_EMAIL_BACKEND, e.g. django.core.mail.backends.smtp.EmailBackend).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "jixiao@localhost")
JIXIAO_BASE_URL = os.environ.get("JIXIAO_BASE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jixiao" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Vendored libraries (htmx, Chart.js; see static/vendor/README.md) and the stylesheet.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JIXIAO_MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Shown in the admin's header.
JIXIAO_SITE_TITLE = _("jixiao performance appraisal")

# Excel imports (jixiao.spreadsheets): the largest file accepted, and the most rows
# a sheet may have (whether declared or counted).
JIXIAO_IMPORT_MAX_BYTES = int(os.environ.get("JIXIAO_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
JIXIAO_IMPORT_MAX_ROWS = int(os.environ.get("JIXIAO_IMPORT_MAX_ROWS", 200_000))

# Uploaded evidence (events, appeals; jixiao.core.uploads): the largest file accepted.
JIXIAO_UPLOAD_MAX_BYTES = int(os.environ.get("JIXIAO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))

# The JSON API (jixiao.api) takes up to 20,000 fact rows in one request; Django's
# default limit of 2.5 MB on a request body would refuse a few thousand.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("JIXIAO_API_MAX_BYTES", 20 * 1024 * 1024))
