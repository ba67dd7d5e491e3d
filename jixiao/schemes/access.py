"""Who may see and change schemes (domain.md §1)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.core import roles
from jixiao.schemes.models import Scheme


def can_manage_schemes(user: Any) -> bool:
    return roles.is_hr(user)


def schemes_visible_to(user: Any) -> QuerySet[Scheme]:
    if roles.is_active_user(user):
        return Scheme.objects.all()  # forms are published: everyone may see how they are measured
    return Scheme.objects.none()
