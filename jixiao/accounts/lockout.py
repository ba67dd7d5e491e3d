"""How a locked-out log-in is answered, whose address counts, and the audit of a
lock as it begins (django-axes calls these; see AXES_* in config/settings/base.py).

A locked-out log-in gets the login page again, status 429, with the reason in the
reader's language: the account is locked for a while; HR can lift the lock.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from jixiao.accounts.services import login_lockout_record


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind a reverse proxy the last address of the header it sets."""
    header = settings.JIXIAO_CLIENT_IP_HEADER
    if header:
        forwarded = str(request.META.get(header, ""))
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    return max(1, round(float(cool_off.total_seconds()) / 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    response = TemplateResponse(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_minutes": lockout_minutes(request),
            "next": request.POST.get("next", ""),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    return response.render()


def on_locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **_: Any
) -> None:
    """axes' `user_locked_out`: sent on every failure past the limit; the lock is
    audited once, on the failure that reaches it."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return
    login_lockout_record(
        username=username or "",
        ip_address=ip_address or "",
        failures=failures,
        minutes=lockout_minutes(request),
    )
