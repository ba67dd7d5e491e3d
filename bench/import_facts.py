"""The Excel import benchmark (`make bench-import`): 100,000 long-format fact rows.

Builds a SQLite database under var/bench (10,000 appraisees in one open cycle,
a scheme of 10 items), writes an .xlsx of 100,000 rows (appraisee, item,
value), then imports it through `jixiao.spreadsheets.services.import_facts`
end to end: reading, checking every row, writing every fact through
the fact pipeline (`facts_apply`: checked, audited, bulk inserts) in one
transaction, and recomputing the results.
Prints the times and the peak RSS. Target (issue 6): ≤ 60 s, ≤ 1 GB.

`--company` (issue 11: 100,000 facts through the API or Excel ≤ 60 s): on the
PostgreSQL database of DATABASE_URL — a copy of the 10,000 company
(`manage.py bench_company`), never the original — a new monthly cycle is made like
the company's latest one (its schemes and population) and opened; 10 facts of each
appraisee (the company's own facts of the latest cycle, as they were recorded) go in
once as an Excel import job and once, after those facts are removed again, through
the API's bulk facts (`POST /api/v1/facts/bulk`, 10,000 rows a request (its limit), each batch
checked then written by its job), both run as a worker runs a job.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

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


def cpu() -> float:
    return time.process_time()


def company(facts_per_appraisee: int, only: str = "", profile: str = "") -> None:
    """The 100,000 facts on the 10,000 company (see the module's note)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ["JIXIAO_JOBS"] = "procrastinate"  # queued, then run here as a worker would
    import django

    django.setup()
    from django.db import connection

    assert connection.vendor == "postgresql", "--company runs on a PostgreSQL copy"
    assert not connection.settings_dict["NAME"].endswith("bench10k"), "a copy, not the original"
    from jixiao.accounts.models import User
    from jixiao.appraisals import services as appraisals
    from jixiao.appraisals.models import Appraisal, Cycle, Fact

    hr = User.objects.filter(is_hr=True).order_by("pk").first()
    model = Cycle.objects.filter(period_kind="month").order_by("-period").first()
    assert hr is not None and model is not None
    code = f"BF-{model.period}-x"
    cycle = Cycle.objects.filter(code=code).first()
    if cycle is None:
        started, spent = time.perf_counter(), cpu()
        cycle = appraisals.cycle_create(
            actor=hr, code=code, name="导入基准", period_kind="month", period=model.period
        )
        for link in model.cycle_schemes.select_related("scheme"):
            appraisals.cycle_add_scheme(cycle=cycle, scheme=link.scheme, actor=hr)
        for rule in model.population_rules.all():
            appraisals.population_rule_add(
                cycle=cycle, actor=hr, kind=rule.kind, unit=rule.unit, position=rule.position,
                tier=rule.tier, employee=rule.employee, include_subunits=rule.include_subunits,
            )  # fmt: skip
        appraisals.cycle_open(cycle=cycle, actor=hr)
        print(f"cycle made and opened: {time.perf_counter() - started:.1f} s wall, "
              f"{cpu() - spent:.1f} s CPU")  # fmt: skip
    Fact.objects.filter(appraisal__cycle=cycle).delete()

    # the company's own facts of the latest cycle, facts_per_appraisee each
    rows: list[tuple[str, str, str, str, object]] = []
    taken: dict[str, int] = {}
    ours = set(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(employee=None)
        .values_list("employee__number", flat=True)
    )
    for number, item, kind, key, value in (
        Fact.objects.filter(appraisal__cycle=model, kind__in=("value", "input", "score"))
        .order_by("appraisal_id", "pk")
        .values_list("appraisal__employee__number", "item", "kind", "key", "value")
    ):
        if number in ours and taken.get(number, 0) < facts_per_appraisee:
            taken[number] = taken.get(number, 0) + 1
            rows.append((number, item, kind, key, value))
    print(f"{len(rows):,} facts of {len(taken):,} appraisees")

    import openpyxl

    path = VAR / "company-facts.xlsx"
    VAR.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("facts")
    sheet.append(["appraisee", "item", "kind", "key", "value"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)

    # 1. Excel: the upload taken (checked for size at once), then the job as a worker runs it
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    if only in ("", "excel"):
        excel(path, hr, cycle, profiler)
    if profiler is not None:
        profiler.dump_stats(profile)
        profiler = None
    if only in ("", "api"):
        api(rows, hr, cycle, profile if only == "api" else "")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


def excel(path: Path, hr: Any, cycle: Any, profiler: Any) -> None:
    from jixiao.appraisals.models import Fact
    from jixiao.jobs.services import job_run
    from jixiao.spreadsheets.services import facts_import_queue

    Fact.objects.filter(appraisal__cycle=cycle).delete()
    started, spent = time.perf_counter(), cpu()
    job = facts_import_queue(file=path.read_bytes(), actor=hr, cycle=cycle, name=path.name)
    asked = time.perf_counter() - started
    if profiler is not None:
        profiler.enable()
    ran = job_run(job_id=job.pk)
    if profiler is not None:
        profiler.disable()
    assert ran is not None and ran.state == "done", (ran and ran.errors[:5], ran and ran.outcome)
    print(f"Excel: upload taken {asked:.2f} s; import job end to end "
          f"{time.perf_counter() - started:.1f} s wall, {cpu() - spent:.1f} s CPU; "
          f"{ran.outcome.get('summary', '')}")  # fmt: skip
    print(f"stored facts: {Fact.objects.filter(appraisal__cycle=cycle).count():,}")


def api(
    rows: list[tuple[str, str, str, str, object]], hr: Any, cycle: Any, profile: str = ""
) -> None:
    """The same facts removed, then sent in batches of the API's limit (10,000)."""
    from django.test import Client

    from jixiao.api.services.facts import MAX_ROWS
    from jixiao.appraisals.groups import GROUP_JOB
    from jixiao.appraisals.models import Fact
    from jixiao.jobs.models import Job, JobState
    from jixiao.jobs.services import job_run

    Fact.objects.filter(appraisal__cycle=cycle).delete()
    client = Client(SERVER_NAME="localhost")
    client.force_login(hr)
    import cProfile

    profiler = cProfile.Profile() if profile else None
    started, spent, checking = time.perf_counter(), cpu(), 0.0
    for first in range(0, len(rows), MAX_ROWS):
        batch = [
            {"idempotency_key": f"bench-{cycle.pk}-{first + n}-{time.time_ns()}", "kind": kind,
             "value": value, "cycle": cycle.code, "employee": number, "item": item, "key": key}
            for n, (number, item, kind, key, value) in enumerate(rows[first : first + MAX_ROWS])
        ]  # fmt: skip
        asked_at = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        answer = client.post(
            "/api/v1/facts/bulk", {"rows": batch}, content_type="application/json", secure=True
        )
        checking += time.perf_counter() - asked_at
        assert answer.status_code == 202, (answer.status_code, answer.content[:500])
        ran = job_run(job_id=answer.json()["id"])
        if profiler is not None:
            profiler.disable()
        assert ran is not None and ran.state == "done", ran and ran.errors[:5]
    # the groups the batches left to their jobs (one each, shared by every batch), as a
    # worker runs them once their delay has passed
    groups = list(
        Job.objects.filter(kind=GROUP_JOB, state=JobState.QUEUED).values_list("pk", flat=True)
    )
    for group in groups:
        done = job_run(job_id=group)
        assert done is not None and done.state == "done", done and done.errors[:5]
    print(f"API: {len(rows):,} facts end to end {time.perf_counter() - started:.1f} s wall, "
          f"{cpu() - spent:.1f} s CPU (requests, checked at once: {checking:.1f} s; "
          f"{len(groups)} group jobs at the end)")  # fmt: skip
    print(f"stored facts: {Fact.objects.filter(appraisal__cycle=cycle).count():,}")
    if profiler is not None:
        profiler.dump_stats(profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appraisees", type=int, default=10_000)
    parser.add_argument("--company", action="store_true", help="on the 10,000 company (PG copy)")
    parser.add_argument("--facts", type=int, default=10, help="--company: facts per appraisee")
    parser.add_argument("--only", choices=("excel", "api"), default="", help="--company: one")
    parser.add_argument("--profile", default="", help="--company: cProfile of the jobs")
    args = parser.parse_args()
    if args.company:
        company(args.facts, args.only, args.profile)
        return
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
