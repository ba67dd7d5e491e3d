"""The lockout check of the log-in (django-axes), as the first authentication backend.

It refuses a locked-out account and address before any password is checked. A
log-in without a request (Django's test client, a management command) has no
address to lock: it passes to the next backend unchecked; every log-in over the
web (the login page, the admin's) carries its request.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes is untyped
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None  # not locked out: the next backend checks the password
