"""Settings read from the environment; nothing secret lives in the repository.

- `DATABASE_URL`: any URL dj-database-url understands; default a SQLite file
  under `var/` (PostgreSQL in production: `postgres://user@host:5432/jixiao`).
- `DJANGO_SECRET_KEY`: required unless `DJANGO_DEBUG` is on, in which case a
  key is generated once into `var/secret_key` (ignored by git).
- `DJANGO_DEBUG`: `1`/`true` turns debugging on; default off.
- `DJANGO_ALLOWED_HOSTS`: comma-separated; default `127.0.0.1,localhost`.

The production block (HTTPS, sessions, login lockout) is described in
docs/deploy.md; every value there comes from the environment too.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
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
    "jixiao.jobs",
    "jixiao.portal",
    "jixiao.spreadsheets",
    "jixiao.demo",
    "jixiao.hr",
    "jixiao.designer",  # the scheme designer (issue 12)
    "jixiao.talent",
    "jixiao.strategy",
    "jixiao.surveys",
    "ninja",  # the API's interactive docs, served from its own static files
    "jixiao.api",
    "axes",  # login throttling and lockout (docs/deploy.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the web processes themselves (docs/deploy.md, "Static files").
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # a signed-in session's idle expiry moved on at most every few minutes, not each request
    "jixiao.core.sessions.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # what a request reads more than once (the person's employee record), read once
    "jixiao.core.request_cache.RequestCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page's message.
    "axes.middleware.AxesMiddleware",
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

# Without DEBUG a web process keeps its database connection between requests for
# DATABASE_CONN_MAX_AGE seconds (default 600; 0 closes it after every request), and
# checks it before reusing it, so a restarted database costs no failed request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'jixiao.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0" if DEBUG else "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (docs/adr/0007-job-system.md): JIXIAO_JOBS=procrastinate (workers,
# `jixiao worker`, PostgreSQL only), thread (a worker thread of the serving process) or
# immediate (at once, in the request: tests); by default by the database.
_postgres = DATABASES["default"]["ENGINE"].endswith("postgresql")
JIXIAO_JOBS = os.environ.get("JIXIAO_JOBS", "") or ("procrastinate" if _postgres else "thread")
JIXIAO_JOB_ATTEMPTS = int(os.environ.get("JIXIAO_JOB_ATTEMPTS", 3))
if _postgres:  # Procrastinate's tables and functions are PostgreSQL's
    INSTALLED_APPS.append("procrastinate.contrib.django")
PROCRASTINATE_WORKER_DEFAULTS = {"queues": ["jixiao"], "update_heartbeat_interval": 5}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check comes first: it refuses a locked-out account and address before
# the password is looked at (jixiao.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "jixiao.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# `collectstatic` copies the static files here (`jixiao serve --production` runs it);
# WhiteNoise serves them. Without DEBUG their names carry a hash of their content and
# gzip copies sit beside them, so browsers keep them for a year and never see a stale one.
STATIC_ROOT = Path(os.environ.get("JIXIAO_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.static_storage.StaticStorage"
    },
}
# Vendored libraries (htmx, Chart.js; see static/vendor/README.md) and the stylesheet.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JIXIAO_MEDIA_ROOT", VAR_DIR / "media"))

# --- Production: HTTPS, sessions, login lockout (docs/deploy.md) -------------------
# Cookies only over HTTPS, HTTPS enforced and remembered by browsers (HSTS): on by
# default when DEBUG is off; `make demo` (DEBUG on, plain http) keeps them off.
SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a reverse proxy that terminates HTTPS: the header it sets, e.g.
# JIXIAO_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the value meaning HTTPS: `https`,
# or JIXIAO_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO:https). Set it only when the proxy
# always sets or strips that header; otherwise a client could claim HTTPS.
_proxy_header = os.environ.get("JIXIAO_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _header_name, _colon, _header_value = _proxy_header.partition(":")
    SECURE_PROXY_SSL_HEADER = (_header_name.strip(), _header_value.strip() or "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# A session ends after this many seconds without a request (default 8 hours): a request
# moves the expiry on, at most once every JIXIAO_SESSION_TOUCH_SECONDS (default 5 min;
# jixiao.core.sessions) so that pages do not write the session row each time.
SESSION_COOKIE_AGE = int(os.environ.get("JIXIAO_SESSION_IDLE_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = False
JIXIAO_SESSION_TOUCH_SECONDS = int(os.environ.get("JIXIAO_SESSION_TOUCH_SECONDS", 300))

# Login lockout (django-axes): after JIXIAO_LOGIN_FAILURE_LIMIT failed log-ins for one
# account from one address, that account is locked for that address for
# JIXIAO_LOGIN_LOCKOUT_MINUTES (each further try starts the time again); a successful
# log-in resets the count; HR lifts a lock on the page "登录锁定" (/hr/lockouts/).
AXES_ENABLED = env_flag("JIXIAO_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = int(os.environ.get("JIXIAO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JIXIAO_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jixiao.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are not logged by axes
AXES_ENABLE_ADMIN = False  # HR sees and lifts locks on its own page
AXES_VERBOSE = False
# The client's address is REMOTE_ADDR; behind a reverse proxy, the header the proxy
# sets (JIXIAO_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR: its last address, the one the
# proxy added). Set it only behind such a proxy: a client could send the header itself.
JIXIAO_CLIENT_IP_HEADER = os.environ.get("JIXIAO_CLIENT_IP_HEADER", "").strip()
AXES_CLIENT_IP_CALLABLE = "jixiao.accounts.lockout.client_address"

# API tokens (jixiao.api) expire: by default this many days after they are made; whoever
# makes one may choose an earlier or later day, up to JIXIAO_API_TOKEN_MAX_DAYS.
JIXIAO_API_TOKEN_DAYS = int(os.environ.get("JIXIAO_API_TOKEN_DAYS", 365))
JIXIAO_API_TOKEN_MAX_DAYS = int(os.environ.get("JIXIAO_API_TOKEN_MAX_DAYS", 3 * 365))

# Shown in the admin's header.
JIXIAO_SITE_TITLE = _("jixiao performance appraisal")

# Excel imports (jixiao.spreadsheets): the largest file accepted, and the most rows
# a sheet may have (whether declared or counted).
JIXIAO_IMPORT_MAX_BYTES = int(os.environ.get("JIXIAO_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
JIXIAO_IMPORT_MAX_ROWS = int(os.environ.get("JIXIAO_IMPORT_MAX_ROWS", 200_000))
# Uploaded workbooks and their marked copies (media/imports/) are deleted this many
# days after they were stored, unless a job still waits to read them (a daily job).
JIXIAO_IMPORT_KEEP_DAYS = int(os.environ.get("JIXIAO_IMPORT_KEEP_DAYS", 30))

# Scheme documents (the editor, the API's validate and trial, saving): the largest
# text accepted, and the most nodes it may expand to (an alias counts as all it refers
# to), counted before the document is read (jixiao.scoring.source.Limits).
JIXIAO_SCHEME_MAX_BYTES = int(os.environ.get("JIXIAO_SCHEME_MAX_BYTES", 1024 * 1024))
JIXIAO_SCHEME_MAX_NODES = int(os.environ.get("JIXIAO_SCHEME_MAX_NODES", 100_000))

# Uploaded evidence (events, appeals; jixiao.core.uploads): the largest file accepted.
JIXIAO_UPLOAD_MAX_BYTES = int(os.environ.get("JIXIAO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))

# The JSON API (jixiao.api) takes up to 20,000 fact rows in one request; Django's
# default limit of 2.5 MB on a request body would refuse a few thousand.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("JIXIAO_API_MAX_BYTES", 20 * 1024 * 1024))
# The scheme designer posts every box of a form (a form of 40 items has over 1,000);
# Django's default of 1,000 fields would refuse it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# 360 surveys: an appraisee may propose peers for the manager to approve (jixiao.surveys).
JIXIAO_PEER_PROPOSALS = os.environ.get("JIXIAO_PEER_PROPOSALS", "1") == "1"

# 360 survey reminders (the daily reminder job): the days before a rater's deadline on
# which a rater who has not answered is reminded, and whether once more the day after.
JIXIAO_SURVEY_REMIND_BEFORE = [
    int(days) for days in os.environ.get("JIXIAO_SURVEY_REMIND_BEFORE", "3,1").split(",") if days
]
JIXIAO_SURVEY_REMIND_OVERDUE = os.environ.get("JIXIAO_SURVEY_REMIND_OVERDUE", "1") == "1"
