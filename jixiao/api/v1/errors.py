"""Every error the API gives has one shape, `{"error": {"code", "message",
"details"}}`, with its status code; no traceback is ever sent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from jixiao.api.services.facts import FactsRejected
from jixiao.api.services.tokens import TokenExpired
from jixiao.api.services.trial import FactsInvalid
from jixiao.core.errors import InvalidTransition, NotAllowed, NotFound, ServiceError
from jixiao.schemes.services import SchemeInvalid
from jixiao.scoring import Problem

logger = logging.getLogger("jixiao.api")
Handler = TypeVar("Handler", bound=Callable[..., HttpResponse])

ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 500)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[Any] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "details": details or []}}
    return api.create_response(request, body, status=status)


def _detail(value: Any) -> Any:
    if isinstance(value, Problem):
        return value.as_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


def install(api: NinjaAPI) -> None:
    """Register the handlers, most specific first (ninja picks by the exception's class)."""

    def handle(exc_class: type[Exception]) -> Callable[[Handler], Handler]:
        def register(function: Handler) -> Handler:
            api.add_exception_handler(exc_class, function)
            return function

        return register

    @handle(NotFound)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("not found"))

    @handle(Http404)
    def http_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("not found"))

    @handle(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "unauthenticated",
            _("a valid token (Authorization: Bearer …) or a signed-in session is needed"),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @handle(TokenExpired)
    def token_expired(request: HttpRequest, exc: TokenExpired) -> HttpResponse:
        response = error_response(api, request, 401, "token_expired", exc.message)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    @handle(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 429: "throttled"}
        return error_response(
            api, request, exc.status_code, codes.get(exc.status_code, "error"), str(exc)
        )

    @handle(RequestInvalid)
    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        details = [
            {
                "field": ".".join(str(part) for part in error.get("loc", ())),
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid_request", _("the request is not valid"), details
        )

    @handle(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", exc.message)

    @handle(InvalidTransition)
    def invalid_transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
        return error_response(api, request, 409, "invalid_transition", exc.message)

    @handle(FactsRejected)
    def facts_rejected(request: HttpRequest, exc: FactsRejected) -> HttpResponse:
        details = [_detail(error) for error in exc.errors]
        return error_response(api, request, 422, "invalid_rows", exc.message, details)

    @handle(SchemeInvalid)
    def scheme_invalid(request: HttpRequest, exc: SchemeInvalid) -> HttpResponse:
        details = [_detail(problem) for problem in exc.problems]
        return error_response(api, request, 422, "invalid_scheme", exc.message, details)

    @handle(FactsInvalid)
    def facts_invalid(request: HttpRequest, exc: FactsInvalid) -> HttpResponse:
        details = [_detail(problem) for problem in exc.problems]
        return error_response(api, request, 422, "invalid_facts", exc.message, details)

    @handle(ServiceError)
    def refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        details = [_detail(detail) for detail in exc.details]
        return error_response(api, request, 422, "refused", exc.message, details)

    @handle(DjangoValidationError)
    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            details = [
                {"field": name, "message": str(message)}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            details = [{"field": "", "message": str(message)} for message in exc.messages]
        return error_response(api, request, 422, "invalid", _("the data is not valid"), details)

    @handle(IntegrityError)
    def conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
        return error_response(
            api, request, 409, "conflict", _("this conflicts with data already stored")
        )

    @handle(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = _("the request is larger than the limit of %(limit)s") % {"limit": limit}
        return error_response(api, request, 413, "too_large", message)

    @handle(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            api, request, 500, "server_error", _("an internal error occurred; it has been logged")
        )
