"""Sessions that end after `SESSION_COOKIE_AGE` seconds without a request, without a
database write on every request (issue 11: `SESSION_SAVE_EVERY_REQUEST` added an UPDATE
of the session row to every page).

`SessionIdleMiddleware` moves a signed-in session's expiry on at most once every
`JIXIAO_SESSION_TOUCH_SECONDS` (default 5 minutes): a session then ends between
`SESSION_COOKIE_AGE - touch` and `SESSION_COOKIE_AGE` seconds after the last request,
never later."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED = "_jixiao_touched"  # when the session's expiry was last moved on (epoch seconds)


def touch_seconds() -> int:
    return int(getattr(settings, "JIXIAO_SESSION_TOUCH_SECONDS", 300))


def touched_at_login(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Logging in saves the session anyway: it starts its touch interval (`user_logged_in`),
    so the first pages after it write nothing either."""
    session = getattr(request, "session", None)
    if session is not None:
        session[TOUCHED] = int(time.time())


class SessionIdleMiddleware:
    """After SessionMiddleware in MIDDLEWARE, so its answer is looked at first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        if session.modified:  # saved anyway: its expiry moves on with it
            session[TOUCHED] = int(time.time())
            return response
        now = int(time.time())
        if now - int(session.get(TOUCHED, 0)) >= touch_seconds():
            session[TOUCHED] = now  # marks it modified: saved, cookie renewed
        return response
