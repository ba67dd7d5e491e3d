"""`python manage.py load_kpi_library`: load the group KPI dictionary of seed 004
(jixiao.strategy.library) into the company's dictionary, through the dictionary's
own service (audited; an entry already holding the same content is left alone, so a
second run changes nothing)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.core import roles
from jixiao.core.errors import ServiceError
from jixiao.indicators.models import Indicator
from jixiao.indicators.selectors import indicator_current_version
from jixiao.strategy.library import LIBRARY, load_library


class Command(BaseCommand):
    help = (
        "Load the starter KPI library (the group KPI dictionary of seed 004, in Chinese) into"
        " the indicator dictionary; idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--user", help="the HR login that loads it (default: the first superuser)"
        )
        parser.add_argument(
            "--effective-from",
            type=datetime.date.fromisoformat,
            default=None,
            help="date the new entries take effect (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _actor(options.get("user"))
        effective_from = options["effective_from"] or timezone.localdate()
        try:
            loaded = load_library(actor=actor, effective_from=effective_from)
        except ServiceError as error:
            raise CommandError(str(error)) from error
        added, changed, unchanged = loaded.added, loaded.changed, loaded.unchanged
        incomplete = sum(1 for entry in LIBRARY if _incomplete(entry.code))
        self.stdout.write(
            f"指标库 {len(LIBRARY)} 项：新增 {added}，更新 {changed}，未变 {unchanged}；"
            f"{incomplete} 项待补全（十问未答全）。"
        )
        self.stdout.write(
            f"KPI library, {len(LIBRARY)} entries: {added} added, {changed} changed,"
            f" {unchanged} unchanged; {incomplete} incomplete (ten questions not all answered)."
        )


def _actor(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有登录名为 {username} 的用户 / no user {username}")
    else:
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "没有超级管理员：请用 --user 指定人力资源账号 / no superuser: pass --user"
            )
    if not roles.is_hr(user):
        raise CommandError(f"{user} 不是人力资源管理员 / {user} is not HR")
    return user


def _incomplete(code: str) -> bool:
    indicator = Indicator.objects.filter(code=code).first()
    version = indicator_current_version(indicator) if indicator else None
    return bool(version and version.incomplete)
