"""Notices are private: each person sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.core import roles
from jixiao.notices.models import Notice


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    if not roles.is_active_user(user):
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user)
