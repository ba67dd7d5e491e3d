"""What every portal view shares: the one answer for "not allowed" and "does not
exist" (404), service refusals shown as messages, and HTMX partials."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jixiao.core.errors import NotAllowed, NotFound, ServiceError


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@contextmanager
def hidden() -> Iterator[None]:
    """Refusals and missing objects become the same 404."""
    try:
        yield
    except (NotAllowed, NotFound):
        raise Http404 from None


def run(request: HttpRequest, call: Callable[[], Any], done: str = "") -> bool:
    """Run a service for the person: a refusal of their role is a 404, a business
    rule's refusal a message on the page. True when it went through."""
    try:
        with hidden():
            call()
    except (ServiceError, ValidationError) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return False
    if done:
        messages.success(request, done)
    return True


def page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the part an HTMX request re-renders."""
    return render(request, partial if is_htmx(request) else template, context)


def after_post(
    request: HttpRequest, template: str, partial: str, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """After a form: HTMX gets its part re-rendered; a plain post is redirected back."""
    if is_htmx(request):
        return render(request, partial, context())
    return redirect(request.get_full_path())
