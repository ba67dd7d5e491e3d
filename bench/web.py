"""`make bench-web`: the company of 10,000 served as in production, measured over HTTP.

    .venv/bin/python bench/web.py [--database-url postgres://…/jixiao_bench_web]

1. The database: reused when it already holds the benchmark company with its October
   cycle still in calibration (migrated first), otherwise emptied and built
   (`manage.py bench_company --employees N --seed 1 --replace`).
2. `jixiao serve --production` (gunicorn, DEBUG off, WhiteNoise) with one job worker,
   on a free port of 127.0.0.1.
3. Each main page of each role (people found by `jixiao.demo.bench_pages`): its SQL
   queries and bytes (Django's test client in this process, as `manage.py bench_pages`
   counts them), then its time over HTTP: one client; 10 clients at once; 20 users
   each waiting about a second between requests; 20 clients with no wait (and the
   requests per second they get through). Recording one fact is the data owner's form
   (a POST), each client on an appraisee of its own, the value put back afterwards.
4. The jobs on a copy of the database (`--jobs-database-url`, default `<name>_jobs`):
   recomputing the cycle in calibration, publishing it, and opening a new draft cycle
   of everyone — each asked for over HTTP and followed through `GET /api/v1/jobs/{id}`;
   the time is the job's own (started → finished, in the worker) and the wall time
   from the request to `done`.

The load client runs on the same machine as gunicorn, the worker and PostgreSQL; on a
shared 2-core machine the figures vary from run to run (`--duration` makes each
measurement longer). Prints a table; `--json FILE` writes the figures too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CALIBRATION_CYCLE = "BC-2026-10"  # bench_company's cycle waiting for calibration
DRAFT_CYCLE = ("BC-2026-11", "2026年11月月度考核", "2026-11")  # opened by the jobs step
JOB_TIMEOUT = 1800.0

# (role, page) as `jixiao.demo.bench_pages.pages()` names them → the name printed here
MAIN_PAGES = {
    ("HR", "home"): "HR home",
    ("HR", "cycles"): "cycle list",
    ("HR", "cycle (calibration)"): "cycle detail",
    ("HR", "calibration (calibration)"): "calibration",
    ("HR", "eligibility (calibration)"): "eligibility",
    ("HR", "comparison (calibration)"): "department comparison",
    ("manager", "home"): "manager home",
    ("manager", "team"): "team page",
    ("committee", "home"): "committee home",
    ("employee", "home"): "employee home",
    ("employee", "result"): "result page",
    ("data owner", "data entry"): "data-owner entry page",
}
RECORD = "recording one fact"


# -- the database and the processes -------------------------------------------------------
def env_for(url: str, var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JIXIAO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-" + secrets.token_hex(16),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=url,
        JIXIAO_VAR_DIR=str(var_dir),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        JIXIAO_LOGIN_LOCKOUT="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _admin(url: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()


def _name(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"bench/web.py: the URL must name a database: {url}")
    return name


def sql_one(url: str, query: str) -> Any:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(query).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def database_ensure(url: str, employees: int, env: dict[str, str], rebuild: bool) -> str:
    """Reuse the benchmark company when it is there and untouched; else build it."""
    import psycopg

    with psycopg.connect(_admin(url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(url)]).fetchone():
            pass
        else:
            conn.execute(f'CREATE DATABASE "{_name(url)}"')
    manage(["migrate", "--noinput", "-v0"], env)
    state = sql_one(url, f"SELECT state FROM appraisals_cycle WHERE code = '{CALIBRATION_CYCLE}'")
    people = sql_one(url, "SELECT count(*) FROM organization_employee") or 0
    if not rebuild and state == "calibration" and people >= employees:
        database_vacuum(url)
        return f"reused ({people:,} employees, {CALIBRATION_CYCLE} in calibration)"
    started = time.perf_counter()
    manage(["bench_company", "--employees", str(employees), "--seed", "1", "--replace"], env)
    database_vacuum(url)
    return f"built in {time.perf_counter() - started:.0f} s"


def database_vacuum(url: str) -> None:
    """`VACUUM ANALYZE`: what autovacuum does on a production server (it is off on this
    machine's): the planner's statistics (without them it guesses 1 row where there
    are 10,000) and the visibility map the index-only scans of HR's pages need."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def database_copy(source: str, target: str) -> None:
    import psycopg

    with psycopg.connect(_admin(source), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_name(target)}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{_name(target)}" TEMPLATE "{_name(source)}"')


def manage(arguments: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(env: dict[str, str], log: Path, workers: int | None) -> Iterator[str]:
    """`jixiao serve --production --job-workers 1` on a free port, stopped afterwards
    with everything it started (its own session)."""
    port = free_port()
    command = [sys.executable, "-m", "jixiao.cli", "serve", "--production"]
    command += ["--address", f"127.0.0.1:{port}", "--job-workers", "1"]
    if workers:
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server stopped ({process.returncode}); see {log}")
            with suppress(OSError):
                if fetch(base, "/accounts/login/").status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer in 120 s; see {log}")
            time.sleep(0.5)
        yield base
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


# -- HTTP ---------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def fetch(
    base: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one)."""
    host, port = base.split(":")
    sent = {"Accept-Language": "zh-hans", "Host": base, **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body, seconds)


@dataclass
class Client:
    """A signed-in person (a session of their own) and, for forms, a CSRF token."""

    cookies: dict[str, str]
    csrf: str = ""

    def get(self, base: str, path: str) -> Answer:
        return fetch(base, path, cookies=self.cookies)

    def post(self, base: str, path: str, form: dict[str, str], **headers: str) -> Answer:
        return fetch(
            base,
            path,
            cookies=self.cookies,
            method="POST",
            data=urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf,
                **headers,
            },
        )

    def post_json(self, base: str, path: str, body: dict[str, Any]) -> Answer:
        return fetch(
            base,
            path,
            cookies=self.cookies,
            method="POST",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )


def signed_in(user: Any) -> Client:
    """A new session for `user` (stored in the database the server reads) and a CSRF
    token to go with it."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client as DjangoClient

    django_client = DjangoClient()
    django_client.force_login(user)
    token = _get_new_csrf_string()
    return Client(
        {"sessionid": django_client.cookies["sessionid"].value, "csrftoken": token}, token
    )


# -- load ---------------------------------------------------------------------------------
@dataclass
class Run:
    clients: int
    wait: bool
    times: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def p(self, q: float) -> float | None:
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def load(
    request: Callable[[int], Answer], clients: int, duration: float, wait: bool, most: int = 0
) -> Run:
    """`clients` threads each sending `request(i)` until `duration` seconds have gone
    (or `most` requests in all); with `wait`, each waits 0.5–1.5 s between two."""
    run = Run(clients, wait)
    lock = threading.Lock()
    started = time.perf_counter()
    end = started + duration

    def client(i: int) -> None:
        rng = random.Random(i)
        if wait:
            time.sleep(rng.uniform(0, 1.0))  # the users do not all start at once
        while time.perf_counter() < end and not (most and len(run.times) >= most):
            try:
                answer: Answer | None = request(i)
                what = str(answer.status) if answer is not None else ""
            except OSError as error:
                answer, what = None, type(error).__name__
            with lock:
                if answer is not None and answer.status < 400:
                    run.times.append(answer.seconds)
                else:
                    run.errors += 1
                    run.statuses[what] = run.statuses.get(what, 0) + 1
            if wait:
                time.sleep(rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


@dataclass
class PageFigures:
    name: str
    role: str
    url: str
    status: int
    queries: int | None
    bytes: int
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)


def figures_of(run: Run) -> dict[str, Any]:
    return {
        "n": len(run.times),
        "errors": run.errors,
        "error_statuses": run.statuses,
        "p50_ms": run.p(0.5),
        "p95_ms": run.p(0.95),
        "max_ms": max(run.times) * 1000 if run.times else None,
        "per_second": round(run.rate(), 1),
    }


def scenarios(request: Callable[[int], Answer], duration: float) -> dict[str, dict[str, Any]]:
    request(0)  # warm up this page in (at least) one web process
    return {
        "1": figures_of(load(request, 1, duration, wait=False, most=20)),
        "10": figures_of(load(request, 10, duration, wait=False)),
        "20 users": figures_of(load(request, 20, duration * 2, wait=True)),
        "20": figures_of(load(request, 20, duration, wait=False)),
    }


# -- the pages ----------------------------------------------------------------------------
def pages_measured(base: str, duration: float, only: set[str]) -> list[PageFigures]:
    from django.urls import reverse

    from jixiao.demo.bench_pages import Page, measure, pages

    found = {
        MAIN_PAGES[(page.role, page.name)]: page
        for page in pages()
        if (page.role, page.name) in MAIN_PAGES
    }
    owner = data_owner_prepare()
    if owner is not None:
        url = reverse("portal:data_owner")
        found["data-owner entry page"] = Page("data owner", "data entry", url, owner)
    results = []
    for name in MAIN_PAGES.values():
        page = found.get(name)
        if page is None or (only and name not in only):
            continue
        counted = measure(page, repeat=1)  # queries and bytes, in this process
        sessions = [signed_in(page.user) for _ in range(20)]
        first = sessions[0].get(base, page.url)
        figures = PageFigures(
            name, page.role, page.url, first.status, counted.queries, len(first.body)
        )
        say(
            f"{name:<24} {page.url:<34} {first.status}"
            f" {counted.queries} queries {len(first.body):,} B"
        )
        figures.runs = scenarios(lambda i, s=sessions, u=page.url: s[i].get(base, u), duration)
        say("    " + describe(figures.runs))
        results.append(figures)
        if name == "data-owner entry page" and (not only or RECORD in only):
            results.append(fact_recording(base, page, duration))
    return results


DATA_LOGIN = "bench-data-owner"


def data_owner_prepare() -> Any:
    """The data owner whose entry page and form are measured. `bench_company`'s one data
    owner answers for no item (no unit is named after an item's source), so this adds,
    once, a unit named after the source most of the calibration cycle's appraisals take
    an entered figure from, with one data owner in it (through the services: audited,
    outside every cycle)."""
    import datetime

    from django.db.models import Count, Q

    from jixiao.accounts.models import User
    from jixiao.accounts.services import user_create
    from jixiao.appraisals.scoring import items_info
    from jixiao.organization.models import Unit, UnitKind
    from jixiao.organization.services import (
        employee_create,
        employee_link_user,
        unit_create,
        unit_update,
    )
    from jixiao.schemes.models import SchemeItem, SchemeVersion

    hr = User.objects.filter(is_hr=True, is_active=True).order_by("pk").first()
    rows = (
        SchemeItem.objects.filter(version__appraisals__cycle__code=CALIBRATION_CYCLE)
        .exclude(source="")
        .values("source", "code", "version")
        .annotate(
            appraisals=Count(
                "version__appraisals",
                filter=Q(version__appraisals__cycle__code=CALIBRATION_CYCLE),
            )
        )
    )
    by_source: dict[str, int] = {}
    for row in rows:
        version = SchemeVersion.objects.get(pk=row["version"])
        info = next((i for i in items_info(version) if i.code == row["code"]), None)
        if info is not None and not info.rater_roles:  # a figure entered, not a rating
            by_source[row["source"]] = by_source.get(row["source"], 0) + row["appraisals"]
    if not by_source:
        return None
    source = max(sorted(by_source), key=lambda name: by_source[name])
    say(f"   data owner for 「{source}」 (its items in {by_source[source]:,} appraisals)")
    found = User.objects.filter(username=DATA_LOGIN).first()
    if found is not None:
        unit = Unit.objects.get(code="BENCH-DATA")
        if unit.name != source:
            unit_update(unit=unit, actor=hr, name=source)
        return found
    company = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    unit = unit_create(
        actor=hr, code="BENCH-DATA", name=source, kind=UnitKind.DEPARTMENT, parent=company
    )
    person = employee_create(
        actor=hr,
        number="BENCH-DATA-1",
        name="数据专员",
        unit=unit,
        hire_date=datetime.date(2020, 1, 1),
        is_data_owner=True,
    )
    user = user_create(actor=hr, username=DATA_LOGIN, password=secrets.token_urlsafe(16))
    employee_link_user(employee=person, user=user, actor=hr)
    return user


FORM = re.compile(
    r'name="appraisal" value="(\d+)"><input type="hidden" name="item" value="([^"]+)">'
    r'<input type="hidden" name="key" value="([^"]*)">\s*<input name="value" value="([^"]*)"'
)


def fact_recording(base: str, page: Any, duration: float) -> PageFigures:
    """The data owner records one figure (the form of the data-entry page, sent as htmx
    sends it); client i writes to the i-th appraisee shown, alternating its value and
    value + 1, and puts the value back at the end."""
    sessions = [signed_in(page.user) for _ in range(20)]
    rows: list[tuple[str, str, str, str]] = []
    for number in range(1, 6):  # a few pages of the list: twenty appraisees if there are
        html = sessions[0].get(base, f"{page.url}?page={number}").body.decode()
        rows += [match for match in FORM.findall(html) if _number(match[3]) is not None]
        if len(rows) >= 20:
            break
    rows = list(dict.fromkeys(rows))[:20]
    if not rows:
        say(f"{RECORD}: no recordable figure with a value on {page.url}")
        return PageFigures(RECORD, page.role, page.url, 0, None, 0)
    turns = [0] * 20

    def record(i: int, value: str | None = None) -> Answer:
        appraisal, item, key, original = rows[i % len(rows)]
        turns[i] += 1
        if value is None:
            number = _number(original) or 0
            value = _exact(number + (turns[i] % 2))
        form = {"appraisal": appraisal, "item": item, "key": key, "value": value}
        form["reason"] = "bench-web"
        return sessions[i].post(base, page.url, form, **{"HX-Request": "true"})

    appraisal, item, key, original = rows[0]
    counted = _post_counted(
        page.user,
        page.url,
        {  # a change (the value + 1): an unchanged value writes nothing
            "appraisal": appraisal,
            "item": item,
            "key": key,
            "value": _exact((_number(original) or 0) + 1),
            "reason": "bench",
        },
    )
    first = record(0)
    figures = PageFigures(
        RECORD, page.role, f"POST {page.url}", first.status, counted, len(first.body)
    )
    say(
        f"{RECORD:<24} POST {page.url:<29} {first.status} {counted} queries"
        f" {len(first.body):,} B ({len(rows)} appraisees)"
    )
    figures.runs = scenarios(record, duration)
    for i in range(20):  # each appraisee's value as it was
        record(i, rows[i % len(rows)][3])
    say("    " + describe(figures.runs))
    return figures


def _post_counted(user: Any, url: str, form: dict[str, str]) -> int:
    """The SQL statements of one POST, made in this process with Django's test client
    (as `manage.py bench_pages` counts a page's); the jobs it queues are not counted."""
    from django.db import connection
    from django.test import Client as DjangoClient

    from jixiao.demo.bench_pages import _Counter

    client = DjangoClient(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HX_REQUEST="true")
    client.force_login(user)
    counter = _Counter()
    with connection.execute_wrapper(counter):
        client.post(url, form, secure=True)
    return counter.count


def _exact(number: float) -> str:
    """A figure as the form takes it, every digit kept (`:g` wrote 1,063,061 as
    1.06306e+06, the stored value: a write that changed nothing)."""
    return str(int(number)) if number == int(number) else repr(number)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def describe(runs: dict[str, dict[str, Any]]) -> str:
    parts = []
    for label, run in runs.items():
        if run["p50_ms"] is None:
            parts.append(f"{label}: no answer ({run['errors']} errors)")
            continue
        text = f"{label}: p50 {run['p50_ms']:.0f} p95 {run['p95_ms']:.0f} ms"
        if label == "20":
            text += f", {run['per_second']}/s"
        if run["errors"]:
            text += f", {run['errors']} errors {run['error_statuses']}"
        parts.append(text)
    return " · ".join(parts)


# -- the jobs -----------------------------------------------------------------------------
def draft_prepare() -> str:
    """(In a process of its own on the jobs' database.) A draft cycle for November with
    the calibration cycle's schemes, population, committee and pay pools."""
    import django

    django.setup()
    from jixiao.accounts.models import User
    from jixiao.appraisals import services
    from jixiao.appraisals.models import Cycle, GroupInput

    source = Cycle.objects.get(code=CALIBRATION_CYCLE)
    hr = User.objects.filter(is_hr=True, is_active=True).order_by("pk").first()
    code, name, period = DRAFT_CYCLE
    cycle = services.cycle_create(
        actor=hr, code=code, name=name, period_kind="month", period=period, appeal_window_days=5
    )
    for link in source.cycle_schemes.select_related("scheme").order_by("scheme__code"):
        services.cycle_add_scheme(cycle=cycle, scheme=link.scheme, actor=hr)
    for rule in source.population_rules.all():
        services.population_rule_add(
            cycle=cycle,
            actor=hr,
            kind=rule.kind,
            unit=rule.unit,
            position=rule.position,
            tier=rule.tier,
            employee=rule.employee,
            include_subunits=rule.include_subunits,
        )
    services.cycle_set_committee(cycle=cycle, actor=hr, members=list(source.committee.all()))
    for entry in GroupInput.objects.filter(cycle=source):
        services.group_input_set(
            cycle=cycle,
            actor=hr,
            attribute=entry.attribute,
            value=entry.value,
            key=entry.key,
            amount=entry.amount,
        )
    return code


def job_followed(base: str, hr: Client, job_id: int, started: float) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        answer = hr.get(base, f"/api/v1/jobs/{job_id}")
        job = json.loads(answer.body)
        if job.get("state") in ("done", "failed"):
            job["wall_seconds"] = round(time.perf_counter() - started, 1)
            return job
        time.sleep(0.5)
    raise SystemExit(f"job {job_id} did not finish in {JOB_TIMEOUT:.0f} s")


def hr_signed_in() -> Client:
    from jixiao.accounts.models import User

    return signed_in(User.objects.filter(is_hr=True, is_active=True).order_by("pk").first())


def jobs_measured(base: str, url: str, hr: Client) -> list[dict[str, Any]]:
    """Recompute and publish the calibration cycle, then open the draft, one at a time
    (`hr`: a session made before the database was copied)."""
    calibration_pk = sql_one(
        url, f"SELECT id FROM appraisals_cycle WHERE code = '{CALIBRATION_CYCLE}'"
    )
    found = []
    for label, ask in (
        ("recompute", lambda: hr.post(base, f"/hr/cycles/{calibration_pk}/recompute/", {})),
        (
            "publish",
            lambda: hr.post_json(
                base, f"/api/v1/cycles/{CALIBRATION_CYCLE}/transition", {"to": "published"}
            ),
        ),
        (
            "open",
            lambda: hr.post_json(
                base, f"/api/v1/cycles/{DRAFT_CYCLE[0]}/transition", {"to": "targets"}
            ),
        ),
    ):
        last = sql_one(url, "SELECT coalesce(max(id), 0) FROM jobs_job") or 0
        started = time.perf_counter()
        answer = ask()
        job_id = sql_one(url, f"SELECT min(id) FROM jobs_job WHERE id > {last}")
        if job_id is None:
            say(f"job {label}: no job was started ({answer.status}: {answer.body[:300]!r})")
            continue
        job = job_followed(base, hr, int(job_id), started)
        seconds = sql_one(
            url,
            "SELECT extract(epoch FROM finished_at - started_at) FROM jobs_job"
            f" WHERE id = {int(job_id)}",
        )
        total = job.get("total") or sql_one(
            url,
            "SELECT count(*) FROM appraisals_appraisal a JOIN appraisals_cycle c"
            f" ON c.id = a.cycle_id WHERE c.code = '{CALIBRATION_CYCLE}'",
        )
        row = {
            "job": label,
            "kind": job.get("kind"),
            "state": job.get("state"),
            "total": total,
            "job_seconds": round(float(seconds), 1) if seconds is not None else None,
            "wall_seconds": job["wall_seconds"],
            "request_ms": round(answer.seconds * 1000),
            "errors": job.get("errors", []),
        }
        say(
            f"job {label:<10} {row['state']:<6} {row['total']} appraisals: {row['job_seconds']} s"
            f" in the worker, {row['wall_seconds']} s from the request (request"
            f" {row['request_ms']} ms){'; ' + '; '.join(row['errors']) if row['errors'] else ''}"
        )
        found.append(row)
    return found


# -- the report ---------------------------------------------------------------------------
def say(text: str) -> None:
    print(text, flush=True)


def table(figures: list[PageFigures]) -> str:
    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:,.0f}"

    lines = [
        "| page | role | queries | KB | 1 client p50 / p95 | 10 clients p50 / p95 |"
        " 20 users (~1 s wait) p50 / p95 | 20 clients p50 / p95 | 20 clients req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in figures:
        runs = page.runs
        cells = [
            f"{ms(runs[k]['p50_ms'])} / {ms(runs[k]['p95_ms'])}" if k in runs else "—"
            for k in ("1", "10", "20 users", "20")
        ]
        rate = f"{runs['20']['per_second']:.1f}" if "20" in runs else "—"
        queries = "—" if page.queries is None else str(page.queries)
        lines.append(
            f"| {page.name} | {page.role} | {queries} | {page.bytes / 1024:,.0f} |"
            f" {' | '.join(cells)} | {rate} |"
        )
    return "\n".join(lines)


def jobs_table(jobs: list[dict[str, Any]]) -> str:
    lines = [
        "| job | state | appraisals | in the worker (s) | request → done (s) | the request (ms) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for job in jobs:
        lines.append(
            f"| {job['job']} | {job['state']} | {job['total'] or '—'} |"
            f" {job['job_seconds'] if job['job_seconds'] is not None else '—'} |"
            f" {job['wall_seconds']} | {job['request_ms']} |"
        )
    return "\n".join(lines)


def machine() -> str:
    load1, load5, load15 = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load1:.2f} {load5:.2f} {load15:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_WEB_URL", "postgres://postgres@127.0.0.1:5432/jixiao_bench_web"
        ),
    )
    parser.add_argument("--jobs-database-url", default="", help="default: <database>_jobs")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true", help="build the company even if there")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--workers", type=int, help="gunicorn's web processes (its default)")
    parser.add_argument("--page", action="append", default=[], help="only these pages")
    parser.add_argument("--no-jobs", action="store_true", help="skip the jobs")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--draft-prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.draft_prepare:  # the helper run by the jobs step
        print(draft_prepare())
        return 0
    url = args.database_url
    jobs_url = args.jobs_database_url or f"{url}_jobs"
    var_dir = ROOT / "var" / "bench-web"
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / "server.log"
    env = env_for(url, var_dir)
    say(f"== bench-web: {_name(url)} on {machine()}")
    say(f"   the company: {database_ensure(url, args.employees, env, args.rebuild)}")
    os.environ.update(env)
    import django

    django.setup()
    report: dict[str, Any] = {"machine_before": machine()}
    from jixiao.production import web_workers_default

    workers = args.workers or web_workers_default()
    say(f"== pages: gunicorn with {workers} web processes and 1 job worker (log: {log})")
    with served(env, log, workers) as base:
        figures = pages_measured(base, args.duration, set(args.page))
    report["pages"] = [asdict(page) for page in figures]
    report["machine_after_pages"] = machine()
    say("")
    say(table(figures))
    say("")
    if not args.no_jobs:
        from django.db import connections

        hr = hr_signed_in()  # its session is copied with the database
        connections.close_all()
        say(f"== jobs: on a copy of the database ({_name(jobs_url)})")
        database_copy(url, jobs_url)
        jobs_env = env_for(jobs_url, var_dir)
        subprocess.run(
            [sys.executable, __file__, "--draft-prepare"], cwd=ROOT, env=jobs_env, check=True
        )
        with served(jobs_env, log, workers) as base:
            report["jobs"] = jobs_measured(base, jobs_url, hr)
        say("")
        say(jobs_table(report["jobs"]))
        say("")
    report["machine_after"] = machine()
    say(f"== done; {report['machine_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
