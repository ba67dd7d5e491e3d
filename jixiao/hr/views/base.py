"""What every HR view shares: who may see it (the same 404 for not allowed and
not existing), HTMX detection, and showing a service's refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from jixiao.core.errors import NotFound, ServiceError
from jixiao.hr.access import can_change, can_read_hr_pages

View = Callable[..., HttpResponse]


def hr_page(view: View) -> View:
    """HR and the auditor may read; only HR may POST (others: 404)."""

    @login_required(login_url="login")
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read_hr_pages(request.user):
            raise Http404
        if request.method == "POST" and not can_change(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


def hr_reader(view: View) -> View:
    """HR and the auditor; its POST changes nothing (the check, the trial calculation)."""

    @login_required(login_url="login")
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read_hr_pages(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


def signed_in(view: View) -> View:
    """Any signed-in user; the view decides with the access functions (calibration)."""

    @login_required(login_url="login")
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refused(request: HttpRequest, error: ServiceError) -> None:
    text = str(error.message)
    if error.details:
        text += ": " + "; ".join(str(detail) for detail in error.details[:10])
    messages.error(request, text)
