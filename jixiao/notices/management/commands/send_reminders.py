"""`manage.py send_reminders`: in-app notices and e-mails for the work that waits
(run it daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao.notices.services import reminders_send


class Command(BaseCommand):
    help = "Create in-app notices of the work waiting for each person and e-mail what is new."

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_send()
        self.stdout.write(
            f"{run.notices} new notices for {run.people} people; {run.emails} e-mails sent"
        )
