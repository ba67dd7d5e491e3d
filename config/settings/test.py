"""Settings for the test suite: the database still comes from `DATABASE_URL`
(SQLite in memory by default; PostgreSQL when the URL says so)."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-" + secrets.token_urlsafe(32))

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jixiao-test-media-"))
# The test client speaks plain http: no redirect to HTTPS, no HSTS, cookies sent
# (tests/apps/test_deploy.py checks the production values with `check --deploy`).
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Tests read messages in English (the msgids); zh-hans is tested explicitly.
LANGUAGE_CODE = "en"
# Jobs run at once inside the request (the queue's own tests choose procrastinate).
JIXIAO_JOBS = os.environ.get("JIXIAO_JOBS", "immediate")
# Static files under their own names, without `collectstatic` (production hashes them;
# tests/apps/test_deploy.py checks that with the production settings).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # served from static/ and the apps, as with DEBUG
WHITENOISE_AUTOREFRESH = True  # … looked up per request: no STATIC_ROOT needed
# One connection per test run as before: persistent connections are production's.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))  # noqa: F405
