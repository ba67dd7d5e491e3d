"""Creating, revoking and recognising API tokens. The secret is returned once,
by `token_create`; only its SHA-256 is stored. Every token expires: by default
JIXIAO_API_TOKEN_DAYS after it is made (a year), on a day its maker may choose."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from jixiao.api.access import (
    can_create_service_tokens,
    can_manage_token,
    token_in_force,
    token_usable,
)
from jixiao.api.models import Token, TokenKind
from jixiao.appraisals.workflow import SCORING_CYCLE_STATES, CycleState
from jixiao.core import roles
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError

PREFIXES = {TokenKind.PERSONAL: "jxp_", TokenKind.SERVICE: "jxs_"}
# Service tokens record facts while a cycle collects them, unless HR says otherwise.
DEFAULT_CYCLE_STATES = tuple(state.value for state in CycleState if state in SCORING_CYCLE_STATES)
FACT_CYCLE_STATES = (*DEFAULT_CYCLE_STATES, CycleState.PUBLISHED.value)
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class TokenExpired(Exception):
    """A token that would work but for its expiry: the API answers 401 and says so."""

    def __init__(self, token: Token) -> None:
        self.token = token
        day = timezone.localtime(token.expires_at)
        self.message = _("this token expired on %(date)s; make a new one") % {
            "date": formats.date_format(day, "Y-m-d H:i")
        }
        super().__init__(self.message)


def token_expiry(expires_on: datetime.date | None = None) -> datetime.datetime:
    """When a token made now stops working: the end of `expires_on` (local time), or
    by default JIXIAO_API_TOKEN_DAYS from now. A day in the past, or beyond
    JIXIAO_API_TOKEN_MAX_DAYS, is refused."""
    now = timezone.now()
    if expires_on is None:
        return now + datetime.timedelta(days=settings.JIXIAO_API_TOKEN_DAYS)
    today = timezone.localdate(now)
    latest = today + datetime.timedelta(days=settings.JIXIAO_API_TOKEN_MAX_DAYS)
    if expires_on < today:
        raise ServiceError(
            _("the last day of a token, %(date)s, has passed: choose today or a later day")
            % {"date": expires_on.isoformat()}
        )
    if expires_on > latest:
        raise ServiceError(
            _("a token lasts at most %(days)s days: choose a last day up to %(date)s")
            % {"days": settings.JIXIAO_API_TOKEN_MAX_DAYS, "date": latest.isoformat()}
        )
    next_day = datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(next_day)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _public(token: Token) -> dict[str, Any]:
    return {
        "kind": token.kind,
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user_id,
        "sources": token.sources,
        "cycle_states": token.cycle_states,
        "read_results": token.read_results,
        "read_only": token.read_only,
        "expires_at": token.expires_at,
    }


def token_create(
    *,
    actor: Any,
    name: str,
    kind: str = TokenKind.PERSONAL,
    sources: Sequence[str] = (),
    cycle_states: Sequence[str] | None = None,
    read_results: bool = False,
    read_only: bool = False,
    expires_on: datetime.date | None = None,
) -> tuple[Token, str]:
    """Make a token; returns it and its secret, which is never shown again.

    A personal token acts as `actor`. A service token (HR only) acts for `actor`
    within its scope: the facts of items whose source is one of `sources`, in
    cycles in one of `cycle_states` (default: the states before publication).
    A read-only token changes nothing. The token works through `expires_on`
    (default: JIXIAO_API_TOKEN_DAYS from now).
    """
    if not roles.is_active_user(actor):
        raise NotAllowed(_("sign in to make a token"))
    name = name.strip()
    if not name:
        raise ServiceError(_("a token needs a name"))
    kind = TokenKind(kind)
    if kind == TokenKind.SERVICE:
        if not can_create_service_tokens(actor):
            raise NotAllowed(_("only HR may make service tokens"))
        sources = sorted({source.strip() for source in sources if source.strip()})
        if not sources:
            raise ServiceError(_("a service token needs at least one data source"))
        states = list(DEFAULT_CYCLE_STATES if cycle_states is None else cycle_states)
        unknown = sorted(set(states) - set(FACT_CYCLE_STATES))
        if unknown or not states:
            raise ServiceError(
                _("facts are recorded in these cycle states only: %(states)s")
                % {"states": ", ".join(FACT_CYCLE_STATES)},
                details=unknown,
            )
        scope: dict[str, Any] = {
            "sources": list(sources),
            "cycle_states": sorted(set(states)),
            "read_results": read_results,
        }
    else:
        if sources or cycle_states or read_results:
            raise ServiceError(_("a personal token has no scope: it acts as its owner"))
        scope = {}
    expires_at = token_expiry(expires_on)
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = Token.objects.create(
            kind=kind,
            name=name[:100],
            user=actor,
            prefix=secret[:12],
            digest=token_digest(secret),
            read_only=read_only,
            expires_at=expires_at,
            **scope,
        )
        audit_record(actor=actor, action="token.created", target=token, after=_public(token))
    return token, secret


def token_revoke(*, token: Token, actor: Any, reason: str = "") -> Token:
    """Revoke a token: it stops working at once. Revoking twice changes nothing."""
    if not can_manage_token(actor, token):
        raise NotAllowed(_("you may not revoke this token"))
    if token.is_revoked:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="token.revoked",
            target=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            reason=reason,
        )
    return token


def token_authenticate(secret: str) -> Token | None:
    """The usable token with this secret, or None. A token that would be usable but
    has expired raises `TokenExpired`. Notes when it was last used (to the minute,
    so that a busy script does not write on every request)."""
    if not secret.startswith(tuple(PREFIXES.values())):
        return None
    token = Token.objects.select_related("user").filter(digest=token_digest(secret.strip())).first()
    if token is None:
        return None
    if not token_in_force(token):
        return None
    now = timezone.now()
    if not token_usable(token, now=now):
        raise TokenExpired(token)  # in force but for its expiry: say so
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        Token.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
