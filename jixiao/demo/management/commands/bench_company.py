"""`python manage.py bench_company --employees 10000 --seed 1`: build a company of
that size for measuring jixiao (see `jixiao.demo.bench_company`), print what it
built and how long each stage took. Refuses a database that already holds a
company unless `--replace` (which empties the database first: `flush`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jixiao.demo import bench_company, bench_cycles
from jixiao.organization.models import Employee, Unit


def company_present() -> bool:
    """Whether the database already holds a company (any unit or employee)."""
    return Unit.objects.exists() or Employee.objects.exists()


def build(*, employees: int, seed: int, say: Callable[[str], None]) -> dict[str, float]:
    """Build the company in one transaction; return each stage's seconds."""
    timings: dict[str, float] = {}

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = work()
        timings[stage] = time.perf_counter() - started
        say(f"  {timings[stage]:7.2f} s  {stage}")
        return value

    with transaction.atomic():
        hr = timed("HR account", bench_company.hr_account)
        count = timed("dictionary", lambda: bench_company.dictionary(hr))
        say(f"           indicator dictionary: {count} entries")
        schemes = timed("schemes", lambda: bench_company.schemes(hr))
        say(f"           schemes: {', '.join(scheme.code for scheme in schemes)}")
        built = timed(
            "organisation, people, accounts",
            lambda: bench_company.organisation(hr, employees=employees, seed=seed, say=say),
        )
        september = bench_cycles.monthly_cycle(
            built, bench_cycles.SEPTEMBER, seed=seed, timed=timed
        )
        timed(
            f"{september.code} published (bulk)",
            lambda: bench_cycles.publish(september, built),
        )
        bench_cycles.monthly_cycle(built, bench_cycles.OCTOBER, seed=seed, timed=timed)
    return timings


class Command(BaseCommand):
    help = (
        "Build a company of N employees with two scored monthly cycles (one published,"
        " one in calibration) for benchmarks; deterministic for a seed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--employees", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty the database first (manage.py flush) when it holds a company",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        employees = options["employees"]
        if employees < 20:
            raise CommandError("--employees must be at least 20")
        if company_present():
            if not options["replace"]:
                raise CommandError(
                    "this database already holds a company; use --replace to empty it first"
                )
            started = time.perf_counter()
            if connection.in_atomic_block:  # PostgreSQL truncates nothing with checks pending
                connection.check_constraints()
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(f"  {time.perf_counter() - started:7.2f} s  emptied the database")
        started = time.perf_counter()
        self.stdout.write(f"bench_company: {employees} employees, seed {options['seed']}")
        build(employees=employees, seed=options["seed"], say=self.stdout.write)
        total = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"built in {total:.1f} s"))
        self.stdout.write(
            f"logins (password {bench_company.PASSWORD}): {bench_company.HR_LOGIN} (HR),"
            f" {bench_company.COMMITTEE_LOGIN} (committee), {bench_company.BIG_MANAGER_LOGIN}"
            f" (the manager with the most reports), {bench_company.EMPLOYEE_LOGIN} (employee),"
            f" {bench_company.DATA_OWNER_LOGIN} (data owner), {bench_company.PROVIDER_LOGIN}"
            " (provider contact)"
        )
