"""Who is calling, and the tokens: personal ones for anyone, service ones by HR."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from jixiao.api.access import tokens_visible_to
from jixiao.api.models import Token, TokenKind
from jixiao.api.services import token_create, token_revoke
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, IdPath, PagingQuery, page, require_person
from jixiao.api.v1.schemas import (
    MeOut,
    Page,
    PersonalTokenIn,
    RevokeIn,
    ServiceTokenIn,
    TokenCreatedOut,
    TokenOut,
)
from jixiao.core.errors import NotFound
from jixiao.organization.access import employee_of

router = Router(tags=["tokens"])


def _scope(token: Token) -> dict[str, Any] | None:
    if not token.is_service:
        return None
    return {
        "sources": token.sources,
        "cycle_states": token.cycle_states,
        "read_results": token.read_results,
    }


def token_out(token: Token) -> dict[str, Any]:
    return {
        "id": token.pk,
        "kind": token.kind,
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user.username,
        "scope": _scope(token),
        "read_only": token.read_only,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "expired": token.is_expired(),
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who the API takes the caller for")
def me(request: HttpRequest) -> dict[str, Any]:
    caller = principal(request)
    user = caller.user
    employee = employee_of(user)
    return {
        "username": user.username,
        "display_name": str(user),
        "is_hr": bool(user.is_hr or user.is_superuser),
        "is_auditor": bool(user.is_auditor),
        "employee": employee.number if employee else None,
        "token": caller.token.prefix if caller.token else None,
        "token_expires_at": caller.token.expires_at if caller.token else None,
        "read_only": bool(caller.token and caller.token.read_only),
        "scope": _scope(caller.token) if caller.token else None,
    }


@router.get("/tokens", response={200: Page[TokenOut], **ERRORS}, summary="List tokens")
def tokens_list(request: HttpRequest, paging: PagingQuery) -> dict[str, Any]:
    caller = principal(request)
    tokens = tokens_visible_to(caller.user) if caller.service is None else Token.objects.none()
    return page(tokens.select_related("user"), paging, token_out)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Make a personal token; its secret is shown once",
)
def tokens_create(request: HttpRequest, body: PersonalTokenIn) -> Status[dict[str, Any]]:
    caller = principal(request)
    require_person(caller)
    token, secret = token_create(
        actor=caller.user, name=body.name, read_only=body.read_only, expires_on=body.expires_on
    )
    return Status(201, {**token_out(token), "secret": secret})


@router.post(
    "/tokens/service",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Make a service token for a data system (HR); its secret is shown once",
)
def tokens_create_service(request: HttpRequest, body: ServiceTokenIn) -> Status[dict[str, Any]]:
    caller = principal(request)
    require_person(caller)
    token, secret = token_create(
        actor=caller.user,
        name=body.name,
        kind=TokenKind.SERVICE,
        sources=body.sources,
        cycle_states=body.cycle_states,
        read_results=body.read_results,
        read_only=body.read_only,
        expires_on=body.expires_on,
    )
    return Status(201, {**token_out(token), "secret": secret})


@router.post(
    "/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS}, summary="Revoke a token"
)
def tokens_revoke(request: HttpRequest, token_id: IdPath, body: RevokeIn) -> dict[str, Any]:
    caller = principal(request)
    require_person(caller)
    token = tokens_visible_to(caller.user).select_related("user").filter(pk=token_id).first()
    if token is None:
        raise NotFound("token")
    return token_out(token_revoke(token=token, actor=caller.user, reason=body.reason))
