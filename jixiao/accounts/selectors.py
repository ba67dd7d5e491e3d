"""Reads of user accounts, on behalf of someone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from jixiao.accounts.access import users_visible_to
from jixiao.accounts.models import User
from jixiao.core import roles
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


@dataclass(frozen=True)
class LoginLock:
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime.datetime
    locked_until: datetime.datetime
    user: User | None


def login_lockouts(*, visible_to: Any) -> list[LoginLock]:
    """The account and address pairs locked out now (HR and the auditor), newest first."""
    if not roles.reads_everything(visible_to):
        return []
    limit = int(settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=limit)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = list(attempts.order_by("-attempt_time"))
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[row.username for row in rows])
    }
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return [
        LoginLock(
            username=row.username or "",
            ip_address=str(row.ip_address or ""),
            failures=row.failures_since_start,
            last_attempt=row.attempt_time,
            locked_until=row.attempt_time + cool_off if cool_off is not None else far,
            user=users.get(row.username or ""),
        )
        for row in rows
    ]
