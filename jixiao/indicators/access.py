"""Who may see and change the indicator dictionary (domain.md §1)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.core import roles
from jixiao.indicators.models import Indicator


def can_manage_dictionary(user: Any) -> bool:
    return roles.is_hr(user)


def indicators_visible_to(user: Any) -> QuerySet[Indicator]:
    if roles.is_active_user(user):
        return Indicator.objects.all()  # the dictionary is published to everyone
    return Indicator.objects.none()
