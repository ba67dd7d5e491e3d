"""`manage.py jixiao_worker`: a Procrastinate worker for jixiao's jobs (PostgreSQL).
Run as many as you like, on any machine that reaches the database."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Run a worker for background jobs (PostgreSQL; with SQLite the server runs them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=1, help="jobs run at once by this worker"
        )
        parser.add_argument("--one-shot", action="store_true", help="stop when the queue is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "workers need PostgreSQL (DATABASE_URL=postgres://…); with SQLite the jobs"
                " run in a thread of `jixiao serve`"
            )
        command = ["worker", "--queues", "jixiao", "--concurrency", str(options["concurrency"])]
        if options["one_shot"]:
            command.append("--one-shot")
        call_command("procrastinate", *command)
