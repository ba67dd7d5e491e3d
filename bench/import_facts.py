"""The Excel import benchmark (`make bench-import`): 100,000 long-format fact rows.

Builds a SQLite database under var/bench (10,000 appraisees in one open cycle,
a scheme of 10 items), writes an .xlsx of 100,000 rows (appraisee, item,
value), then imports it through `jixiao.spreadsheets.services.import_facts`
end to end: reading, checking every row, writing every fact through
the fact pipeline (`facts_apply`: checked, audited, bulk inserts) in one
transaction, and recomputing the results.
Prints the times and the peak RSS. Target (issue 6): ≤ 60 s, ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
DATABASE = VAR / "import.sqlite3"
ITEMS = 10


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if DATABASE.exists():
        DATABASE.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def scheme_text() -> str:
    items = "\n".join(
        f"  - name: 指标{n:02d}\n    weight: 10\n"
        f'    rule: {{bands: [[">= 98%", 100], [">= 95%", 80], [">= 90%", 60], [else, 20]]}}'
        for n in range(1, ITEMS + 1)
    )
    return f"code: BENCH\nname: 基准考核表\nperiod: month\nitems:\n{items}\n"


def build(appraisees: int) -> tuple[object, object]:
    from jixiao.accounts.models import User
    from jixiao.appraisals import services as appraisals
    from jixiao.organization.models import Employee, Unit
    from jixiao.schemes.services import scheme_assign, scheme_save

    hr = User.objects.create_user(username="hr", password="bench", is_hr=True)
    unit = Unit.objects.create(code="B", name="基准部", kind="department")
    Employee.objects.bulk_create(
        Employee(
            number=f"B{n:06d}", name=f"员工{n}", unit=unit, hire_date=datetime.date(2020, 1, 1)
        )
        for n in range(appraisees)
    )
    version = scheme_save(actor=hr, text=scheme_text())
    scheme_assign(actor=hr, scheme=version.scheme, unit=unit)
    cycle = appraisals.cycle_create(
        actor=hr, code="BENCH", name="基准", period_kind="month", period="2026-10"
    )
    appraisals.cycle_add_scheme(cycle=cycle, scheme=version.scheme, actor=hr)
    appraisals.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=unit)
    appraisals.cycle_open(cycle=cycle, actor=hr)
    return hr, cycle


def write_xlsx(path: Path, appraisees: int) -> int:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("facts")
    sheet.append(["appraisee", "item", "kind", "key", "value"])
    rows = 0
    for n in range(appraisees):
        for item in range(1, ITEMS + 1):
            sheet.append([f"B{n:06d}", f"指标{item:02d}", "value", "", 0.9 + (n % 10) / 100])
            rows += 1
    workbook.save(path)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appraisees", type=int, default=10_000)
    args = parser.parse_args()
    started = time.perf_counter()
    setup_django()
    hr, cycle = build(args.appraisees)
    print(
        f"setup ({args.appraisees} appraisees, cycle open): {time.perf_counter() - started:.1f} s"
    )

    path = VAR / "facts-100k.xlsx"
    started = time.perf_counter()
    rows = write_xlsx(path, args.appraisees)
    size = path.stat().st_size / 1024 / 1024
    print(
        f"wrote {rows} rows to {path.name} ({size:.1f} MB): {time.perf_counter() - started:.1f} s"
    )

    from jixiao.appraisals.models import Fact, Result
    from jixiao.spreadsheets.services import import_facts

    started = time.perf_counter()
    outcome = import_facts(file=path, actor=hr, cycle=cycle)
    elapsed = time.perf_counter() - started
    assert outcome.ok, outcome.problems[:5]
    print(f"import: {outcome.summary()}")
    print(f"import end to end: {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)")
    print(f"stored facts: {Fact.objects.count()}, results: {Result.objects.count()}")

    started = time.perf_counter()
    again = import_facts(file=path, actor=hr, cycle=cycle)
    took = time.perf_counter() - started
    print(f"re-import (nothing changes: {again.nothing_changed}): {took:.1f} s")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
