"""`python manage.py bench_pages`: each role's main pages on the company in the
database — status, SQL queries, bytes and the median time (see
`jixiao.demo.bench_pages`). `--json FILE` keeps the figures; `--compare SMALL
LARGE` lists the pages whose queries or size grow between two such files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import setup_test_environment

from jixiao.demo.bench_pages import grown, measure, pages
from jixiao.organization.models import Employee


class Command(BaseCommand):
    help = "Measure each role's main pages: status, SQL queries, bytes, median time."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=3, help="timed requests per page")
        parser.add_argument("--json", help="also write the figures to this file")
        parser.add_argument(
            "--match",
            action="append",
            help="only the pages whose 'role: page' contains this (repeatable)",
        )
        parser.add_argument("--compare", nargs=2, metavar=("SMALL", "LARGE"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["compare"]:
            small, large = (json.loads(Path(name).read_text()) for name in options["compare"])
            rows = grown(small["pages"], large["pages"])
            self.stdout.write(
                f"pages that grow from {small['employees']} to {large['employees']} employees:"
            )
            for row in rows or ["(none)"]:
                self.stdout.write(f"  {row}")
            return
        setup_test_environment()  # the test client's host and response context
        self.stdout.write(
            f"{'role':<10} {'page':<28} {'status':>6} {'queries':>7} {'KB':>9} {'ms':>8}"
        )
        figures = []
        for page in pages():
            label = f"{page.role}: {page.name}"
            if options["match"] and not any(text in label for text in options["match"]):
                continue
            measured = measure(page, repeat=options["repeat"])
            figures.append(measured.as_dict())
            self.stdout.write(
                f"{measured.role:<10} {measured.name:<28} {measured.status:>6}"
                f" {measured.queries:>7} {measured.bytes / 1024:>9.1f} {measured.median_ms:>8.1f}"
            )
        if options["json"]:
            document = {"employees": Employee.objects.count(), "pages": figures}
            Path(options["json"]).write_text(json.dumps(document, ensure_ascii=False, indent=1))
