"""Reads of user accounts, on behalf of someone."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jixiao.accounts.access import users_visible_to
from jixiao.accounts.models import User
from jixiao.core.errors import NotFound


def user_list(*, visible_to: Any, active: bool | None = None) -> QuerySet[User]:
    users = users_visible_to(visible_to)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("username")


def user_get(*, visible_to: Any, username: str) -> User:
    found = user_list(visible_to=visible_to).filter(username=username).first()
    if found is None:
        raise NotFound("user")
    return found
