"""`python manage.py demo_company`: load the demo company (once) and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao.appraisals.models import Result
from jixiao.demo import company
from jixiao.demo.loader import load


class Command(BaseCommand):
    help = (
        "Load the demo company, its schemes and three scored monthly cycles, August to"
        " October 2026 (idempotent)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--address", default="127.0.0.1:8000", help="where it will be served")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = load(self.stdout.write)
        results = Result.objects.filter(appraisal__cycle=cycle).select_related("appraisal")
        scored = [r for r in results if r.total is not None]
        self.stdout.write(f"{len(scored)} of {results.count()} appraisees scored in {cycle.name}")
        for result in sorted(scored, key=lambda r: -(r.total or 0))[:5]:
            self.stdout.write(f"  {result.appraisal.appraisee_name}: {result.total} {result.grade}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {company.PASSWORD})"))
        for username, role in company.LOGINS:
            self.stdout.write(f"  {username:<11} {role}")
        address = options["address"]
        self.stdout.write(f"Open http://{address}/ (中文; English: browser language)")
