"""Dictionary services. A change of content makes a new version that takes
effect on a date; the previous version ends the day before."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.indicators.access import can_manage_dictionary
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.questions import QUESTION_FIELDS, missing_answers
from jixiao.indicators.selectors import indicator_current_version

CONTENT_FIELDS = (
    *QUESTION_FIELDS,
    "perspective",
    "dimension",
    "category",
    "polarity",
    "quantitative",
    "controllable",
    "operational",
    "parent",
)


def _require_hr(actor: Any) -> None:
    if not can_manage_dictionary(actor):
        raise NotAllowed(_("only HR may change the indicator dictionary"))


def indicator_save(
    *,
    actor: Any,
    code: str,
    effective_from: datetime.date,
    reason: str = "",
    **content: Any,
) -> IndicatorVersion:
    """Add an indicator, or a new version of one when its content changed.

    `content` holds the ten answers and the classification (CONTENT_FIELDS).
    Saving the same content again changes nothing. A version missing any of
    the ten answers is marked incomplete, with the unanswered questions listed.
    """
    _require_hr(actor)
    unknown = sorted(set(content) - set(CONTENT_FIELDS))
    if unknown:
        raise TypeError(f"indicator_save() got unexpected fields: {', '.join(unknown)}")
    with transaction.atomic():
        indicator, created = Indicator.objects.get_or_create(code=code)
        if created:
            audit_record(actor=actor, action="indicator.created", target=indicator)
        current = indicator_current_version(indicator)
        if current is not None and _same_content(current, content):
            return current
        if current is not None and effective_from <= current.effective_from:
            raise ServiceError(
                _("a new version must take effect after version %(number)s (from %(date)s)")
                % {"number": current.number, "date": current.effective_from}
            )
        missing = missing_answers(content)
        version = IndicatorVersion(
            indicator=indicator,
            number=(current.number + 1) if current else 1,
            effective_from=effective_from,
            incomplete=bool(missing),
            missing=missing,
            created_by=actor,
            **content,
        )
        version.full_clean()
        if current is not None and (
            current.effective_to is None or current.effective_to >= effective_from
        ):
            current.effective_to = effective_from - datetime.timedelta(days=1)
            current.save(update_fields=["effective_to", "updated_at"])
        version.save()
        audit_record(
            actor=actor,
            action="indicator.version_added",
            target=version,
            before=snapshot(current) if current else None,
            after=snapshot(version),
            reason=reason,
        )
    return version


def _same_content(version: IndicatorVersion, content: dict[str, Any]) -> bool:
    old = snapshot(version, CONTENT_FIELDS)
    defaults = snapshot(IndicatorVersion(), CONTENT_FIELDS)
    new = {**defaults, **snapshot(IndicatorVersion(**content), content)}
    return old == new


def indicator_retire(
    *, indicator: Indicator, actor: Any, effective_to: datetime.date, reason: str = ""
) -> IndicatorVersion:
    """End the current version on `effective_to`; the indicator is no longer in force after."""
    _require_hr(actor)
    current = indicator_current_version(indicator)
    if current is None:
        raise ServiceError(_("the indicator has no version to retire"))
    if effective_to < current.effective_from:
        raise ServiceError(_("an indicator cannot end before its version takes effect"))
    with transaction.atomic():
        before = snapshot(current, ["effective_to"])
        current.effective_to = effective_to
        current.save(update_fields=["effective_to", "updated_at"])
        audit_record(
            actor=actor,
            action="indicator.retired",
            target=current,
            before=before,
            after=snapshot(current, ["effective_to"]),
            reason=reason,
        )
    return current
