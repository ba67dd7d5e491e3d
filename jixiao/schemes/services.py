"""Scheme services. Every save runs the engine's check: a document that does not
pass is refused with its problems and nothing is written, so the previous
version stays current. A document that passes becomes a new version, with the
engine's warnings kept."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.indicators.models import Indicator
from jixiao.organization.models import Position, Unit
from jixiao.schemes.access import can_manage_schemes
from jixiao.schemes.engine import SchemeTooLarge, scheme_parse
from jixiao.schemes.models import (
    AssignmentScope,
    Scheme,
    SchemeAssignment,
    SchemeItem,
    SchemeVersion,
)
from jixiao.scoring import Problem, SchemeError
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.weights import effective_weights


class SchemeInvalid(ServiceError):
    """The document does not pass the engine's check; `problems` say where and why.
    `unread`: it was refused before it was read, past a cap on its size."""

    def __init__(self, problems: list[Problem], *, unread: bool = False) -> None:
        super().__init__(_("the scheme does not pass the check"), details=problems)
        self.problems = problems
        self.unread = unread


def _require_hr(actor: Any) -> None:
    if not can_manage_schemes(actor):
        raise NotAllowed(_("only HR may change schemes"))


def scheme_check(text: str) -> EngineScheme:
    """Run the engine's check (`jixiao check`) on a document, under the configured caps
    on its size (settings JIXIAO_SCHEME_MAX_BYTES, _MAX_NODES); raise `SchemeInvalid`."""
    try:
        return scheme_parse(text)
    except SchemeError as exc:
        unread = isinstance(exc, SchemeTooLarge)
        raise SchemeInvalid(list(exc.problems), unread=unread) from None


def scheme_save(
    *, actor: Any, text: str, scheme: Scheme | None = None, comment: str = ""
) -> SchemeVersion:
    """Save a scheme document as the next version of the scheme its `code` names.

    With `scheme`, the document must keep that scheme's code. Saving the text of
    the current version again returns it unchanged.
    """
    _require_hr(actor)
    parsed = scheme_check(text)
    if scheme is not None and parsed.code != scheme.code:
        raise ServiceError(
            _("the document's code %(new)s differs from the scheme's code %(old)s")
            % {"new": parsed.code, "old": scheme.code}
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        scheme = _scheme_for(parsed, actor)
        current = scheme.current_version
        if current is not None and current.digest == digest:
            return current
        links, link_warnings = _indicator_links(parsed)
        version = SchemeVersion.objects.create(
            scheme=scheme,
            number=(current.number + 1) if current else 1,
            text=text,
            digest=digest,
            warnings=[w.as_dict() for w in parsed.warnings] + link_warnings,
            comment=comment,
            created_by=actor,
        )
        _store_items(version, parsed, links)
        audit_record(
            actor=actor,
            action="scheme.version_saved",
            target=version,
            before={"version": current.number, "digest": current.digest} if current else None,
            after={"version": version.number, "digest": digest, "warnings": version.warnings},
            reason=comment,
        )
    return version


def _scheme_for(parsed: EngineScheme, actor: Any) -> Scheme:
    scheme = Scheme.objects.select_for_update().filter(code=parsed.code).first()
    if scheme is None:
        scheme = Scheme.objects.create(code=parsed.code, name=parsed.name, period=parsed.period)
        audit_record(actor=actor, action="scheme.created", target=scheme, after=snapshot(scheme))
        return scheme
    before = snapshot(scheme, ["name", "period"])
    scheme.name, scheme.period = parsed.name, parsed.period
    after = snapshot(scheme, ["name", "period"])
    if before != after:
        scheme.save(update_fields=["name", "period", "updated_at"])
        audit_record(
            actor=actor, action="scheme.renamed", target=scheme, before=before, after=after
        )
    return scheme


def _indicator_links(parsed: EngineScheme) -> tuple[dict[str, Indicator], list[dict[str, Any]]]:
    """Dictionary entries the items link to (`indicator:`), and a warning per unknown code."""
    wanted = {
        item.code: str(item.info["indicator"])
        for item in parsed.items
        if item.info.get("indicator") not in (None, "")
    }
    known = {i.code: i for i in Indicator.objects.filter(code__in=set(wanted.values()))}
    links, warnings = {}, []
    for item_code, indicator_code in wanted.items():
        if indicator_code in known:
            links[item_code] = known[indicator_code]
        else:
            warnings.append(
                {
                    "file": None,
                    "line": None,
                    "path": f"items.{item_code}.indicator",
                    "message": _("indicator %(code)s is not in the dictionary")
                    % {"code": indicator_code},
                    "severity": "warning",
                }
            )
    return links, warnings


def _store_items(version: SchemeVersion, parsed: EngineScheme, links: dict[str, Indicator]) -> None:
    weights = effective_weights(parsed)
    SchemeItem.objects.bulk_create(
        SchemeItem(
            version=version,
            position=index,
            code=item.code,
            name=item.name,
            section=" / ".join(item.section),
            rule=item.rule.kind,
            weight=weights.get(item.code, 0.0),
            full=item.full,
            source=str(item.info.get("source") or ""),
            indicator=links.get(item.code),
        )
        for index, item in enumerate(parsed.items)
    )


def scheme_set_active(*, scheme: Scheme, actor: Any, is_active: bool, reason: str = "") -> Scheme:
    """Retire a scheme (no longer offered for new cycles) or bring it back."""
    _require_hr(actor)
    if scheme.is_active == is_active:
        return scheme
    with transaction.atomic():
        scheme.is_active = is_active
        scheme.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="scheme.activated" if is_active else "scheme.retired",
            target=scheme,
            before={"is_active": not is_active},
            after={"is_active": is_active},
            reason=reason,
        )
    return scheme


def scheme_assign(
    *,
    actor: Any,
    scheme: Scheme,
    position: Position | None = None,
    unit: Unit | None = None,
    scope: str = AssignmentScope.MEMBERS,
) -> SchemeAssignment:
    """Assign a scheme to a position, or to a unit or provider (its people, or itself)."""
    _require_hr(actor)
    if (position is None) == (unit is None):
        raise ServiceError(_("assign a scheme to either a position or a unit"))
    with transaction.atomic():
        assignment = SchemeAssignment(scheme=scheme, position=position, unit=unit, scope=scope)
        assignment.full_clean()
        assignment.save()
        audit_record(
            actor=actor, action="scheme.assigned", target=assignment, after=snapshot(assignment)
        )
    return assignment


def scheme_unassign(*, assignment: SchemeAssignment, actor: Any, reason: str = "") -> None:
    _require_hr(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="scheme.unassigned",
            target=assignment,
            before=snapshot(assignment),
            reason=reason,
        )
        assignment.delete()
