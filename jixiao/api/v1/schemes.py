"""Schemes (考核方案): read them, check a document, trial-score a document with facts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from jixiao.api.services import scheme_trial_score
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, IdPath, PagingQuery, page, require_person
from jixiao.api.v1.schemas import (
    DocumentIn,
    Page,
    SchemeDetailOut,
    SchemeOut,
    SchemeVersionOut,
    TrialIn,
    ValidationOut,
)
from jixiao.core.errors import NotAllowed, NotFound
from jixiao.schemes.access import can_manage_schemes
from jixiao.schemes.models import Scheme, SchemeVersion
from jixiao.schemes.selectors import scheme_get, scheme_list
from jixiao.schemes.services import SchemeInvalid, scheme_check

router = Router(tags=["schemes"])


def scheme_out(scheme: Scheme) -> dict[str, Any]:
    current = scheme.current_version
    return {
        "code": scheme.code,
        "name": scheme.name,
        "period": scheme.period,
        "is_active": scheme.is_active,
        "version": current.number if current else None,
    }


def require_scheme_editor(request: HttpRequest) -> None:
    """Checking and trying out documents is for the people who edit schemes (HR):
    the engine's work on a document is not for every signed-in account."""
    caller = principal(request)
    require_person(caller)
    if not can_manage_schemes(caller.user):
        raise NotAllowed(_("only HR, who edit schemes, may check or try out a scheme document"))


def version_out(version: SchemeVersion) -> dict[str, Any]:
    return {
        "scheme": version.scheme.code,
        "version": version.number,
        "text": version.text,
        "digest": version.digest,
        "warnings": version.warnings,
        "comment": version.comment,
        "created_at": version.created_at,
        "items": [
            {
                "code": item.code,
                "name": item.name,
                "section": item.section,
                "rule": item.rule,
                "weight": item.weight,
                "full": item.full,
                "source": item.source,
                "indicator": item.indicator.code if item.indicator else None,
            }
            for item in version.items.select_related("indicator").order_by("position")
        ],
    }


@router.get("/schemes", response={200: Page[SchemeOut], **ERRORS}, summary="List schemes")
def schemes_list(
    request: HttpRequest, paging: PagingQuery, active: bool | None = None
) -> dict[str, Any]:
    return page(scheme_list(visible_to=principal(request).user, active=active), paging, scheme_out)


@router.post(
    "/schemes/validate",
    response={200: ValidationOut, **ERRORS},
    summary="Check a scheme document (as `jixiao check` does; HR); nothing is saved",
)
def schemes_validate(request: HttpRequest, body: DocumentIn) -> dict[str, Any]:
    require_scheme_editor(request)
    try:
        parsed = scheme_check(body.text)
    except SchemeInvalid as exc:
        return {"valid": False, "problems": [problem.as_dict() for problem in exc.problems]}
    return {
        "valid": True,
        "code": parsed.code,
        "name": parsed.name,
        "items": [item.code for item in parsed.items],
        "warnings": [warning.as_dict() for warning in parsed.warnings],
    }


@router.post(
    "/schemes/trial",
    response={200: dict[str, Any], **ERRORS},
    summary="Score facts against a scheme document (HR); nothing is saved",
)
def schemes_trial(request: HttpRequest, body: TrialIn) -> dict[str, Any]:
    require_scheme_editor(request)
    return scheme_trial_score(text=body.text, facts=body.facts, period=body.period)


# After the fixed paths above: Django tries the URL patterns in order.
@router.get(
    "/schemes/{code}",
    response={200: SchemeDetailOut, **ERRORS},
    summary="One scheme, with its current version",
)
def schemes_get(request: HttpRequest, code: str) -> dict[str, Any]:
    scheme = scheme_get(visible_to=principal(request).user, code=code)
    current = scheme.current_version
    return {
        **scheme_out(scheme),
        "versions": list(scheme.versions.order_by("number").values_list("number", flat=True)),
        "current": version_out(current) if current else None,
    }


@router.get(
    "/schemes/{code}/versions/{number}",
    response={200: SchemeVersionOut, **ERRORS},
    summary="One version of a scheme",
)
def schemes_version(request: HttpRequest, code: str, number: IdPath) -> dict[str, Any]:
    scheme = scheme_get(visible_to=principal(request).user, code=code)
    version = scheme.versions.filter(number=number).first()
    if version is None:
        raise NotFound("scheme version")
    return version_out(version)
