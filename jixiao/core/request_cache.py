"""What one web request reads more than once, read once (issue 11: every portal page
asked for the person's employee record about ten times).

`RequestCacheMiddleware` opens an empty cache for each request and drops it after;
`request_cached(key, compute)` answers from it, computing on the first call. Outside a
request (commands, jobs, tests that call functions directly) nothing is cached, so
nothing read there can go stale."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_CACHE: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "jixiao_request_cache", default=None
)
_MISSING = object()


def request_cached(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), once per request for `key` (every call outside a request computes)."""
    cache = _CACHE.get()
    if cache is None:
        return compute()
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = cache[key] = compute()
    return found  # type: ignore[no-any-return]


class RequestCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _CACHE.set({})
        try:
            return self.get_response(request)
        finally:
            _CACHE.reset(token)
