"""Who may see user accounts (domain.md §1): HR and the auditor see all; anyone
else sees their own account only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.accounts.models import User
from jixiao.core import roles


def can_manage_accounts(user: Any) -> bool:
    return roles.is_hr(user)


def users_visible_to(user: Any) -> QuerySet[User]:
    if roles.reads_everything(user):
        return User.objects.all()
    if roles.is_active_user(user):
        return User.objects.filter(pk=user.pk)  # one's own account
    return User.objects.none()
