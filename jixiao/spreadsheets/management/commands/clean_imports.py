"""`manage.py clean_imports`: delete the uploaded workbooks kept longer than
JIXIAO_IMPORT_KEEP_DAYS (a worker does it daily; without one, run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jixiao.spreadsheets.services import imports_cleanup


class Command(BaseCommand):
    help = "Delete uploaded workbooks (media/imports/) older than JIXIAO_IMPORT_KEEP_DAYS days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep this many days instead")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = imports_cleanup(keep_days=options["days"])
        self.stdout.write(f"{len(deleted)} old uploaded workbooks deleted")
