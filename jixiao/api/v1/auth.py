"""How a request says who it is: `Authorization: Bearer jxp_…` / `jxs_…`, or the
web session (with its CSRF token for anything but reads). An expired token is
refused with its own message (401); a read-only token may only read (403 for
anything else)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from jixiao.api.access import Principal
from jixiao.api.services import token_authenticate
from jixiao.core import roles
from jixiao.core.errors import NotAllowed

READING = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A personal or service token. A token that is unknown, revoked, expired or no
    longer usable is refused at once (the session is not tried instead)."""

    openapi_description = "A personal (jxp_…) or service (jxs_…) token"

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = token_authenticate(token)  # raises TokenExpired: 401 with its message
        if found is None:
            raise AuthenticationError()
        if found.read_only and request.method not in READING:
            raise NotAllowed(_("this token is read-only: it may read, but not change anything"))
        return Principal(user=found.user, token=found)


class WebSessionAuth(SessionAuth):
    """The signed-in web user; unsafe methods need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if roles.is_active_user(user):
            return Principal(user=user)
        return None


AUTH = [TokenAuth(), WebSessionAuth()]


def principal(request: HttpRequest) -> Principal:
    found = getattr(request, "auth", None)
    assert isinstance(found, Principal)
    return found
