"""Reads of the indicator dictionary."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

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
    """The version of each visible indicator in force on `on` (default: the latest)."""
    found: list[IndicatorVersion] = []
    for indicator in indicators_visible_to(visible_to).order_by("code"):
        version = (
            indicator_current_version(indicator)
            if on is None
            else indicator_version_at(indicator=indicator, on=on)
        )
        if version is None:
            continue
        if incomplete is not None and version.incomplete != incomplete:
            continue
        found.append(version)
    return found


def indicator_codes(*, visible_to: Any) -> QuerySet[Indicator]:
    return indicators_visible_to(visible_to).only("code")
