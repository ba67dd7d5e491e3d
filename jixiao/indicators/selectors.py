"""Reads of the indicator dictionary."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from jixiao.indicators.access import indicators_visible_to
from jixiao.indicators.models import Indicator, IndicatorVersion


def indicator_version_at(*, indicator: Indicator, on: datetime.date) -> IndicatorVersion | None:
    """The version in force on `on`, or None (not yet in force, or retired)."""
    return (
        indicator.versions.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-number")
        .first()
    )


def indicator_current_version(indicator: Indicator) -> IndicatorVersion | None:
    return indicator.versions.order_by("-number").first()


def indicator_list(
    *, visible_to: Any, on: datetime.date | None = None, incomplete: bool | None = None
) -> list[IndicatorVersion]:
    """The version of each visible indicator in force on `on` (default: the latest),
    ordered by code — one query whatever the dictionary's size."""
    candidates = IndicatorVersion.objects.filter(indicator=OuterRef("indicator"))
    if on is not None:
        candidates = candidates.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )
    versions = IndicatorVersion.objects.filter(
        indicator__in=indicators_visible_to(visible_to),
        pk=Subquery(candidates.order_by("-number").values("pk")[:1]),
    )
    if incomplete is not None:
        versions = versions.filter(incomplete=incomplete)
    return list(versions.select_related("indicator", "parent").order_by("indicator__code"))


def indicator_codes(*, visible_to: Any) -> QuerySet[Indicator]:
    return indicators_visible_to(visible_to).only("code")
