"""Smoke test of the production set-up on PostgreSQL, as .ci/run runs it:

    .venv/bin/python tests/smoke/production_smoke.py --database-url postgres://…/jixiao_smoke

1. the database named in the URL is dropped and created afresh, migrated, and the demo
   company loaded (`manage.py demo_company`);
2. `jixiao serve --production` (gunicorn, DEBUG off, static files collected and served
   by WhiteNoise) and one `jixiao worker` start as processes of their own, on a free port;
3. over HTTP: HR logs in through the login form, opens the annual cycle through the API
   (a background job: 202 and the job's address), follows the job until it is done, and
   opens the page it links to; publishes the cycle waiting for calibration (a job too);
   an employee logs in and opens his result page in it.

Exits 0 when every step passed, 1 otherwise (the servers' logs are then printed). The
processes it started are always stopped, and the database dropped unless `--keep`.
Standard library and psycopg only (both are there after `make install`).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "jixiao-demo"  # the demo company's logins (jixiao/demo/company.py)
ANNUAL_CYCLE = "TK-2026"  # the demo's draft cycle, opened here
CALIBRATION_CYCLE = "TK-2026-10"  # waiting for calibration: published here, as a job
JOB_TIMEOUT = 300.0  # seconds the opening job may take (a few seconds here)


class SmokeFailure(Exception):
    """A step did not give what it should; the message says which and what came."""


# -- the database ------------------------------------------------------------------------
def database_name(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SmokeFailure(f"--database-url must name a database (letters, digits, _): {url}")
    return name


def database_fresh(url: str, *, drop_only: bool = False) -> None:
    """Drop the database of `url` (and create it again unless `drop_only`), through the
    server's maintenance database `postgres`."""
    import psycopg

    name = database_name(url)
    admin = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


# -- processes ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(url: str, var_dir: Path) -> dict[str, str]:
    """The production settings (DEBUG off) over plain http on 127.0.0.1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JIXIAO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=url,
        JIXIAO_VAR_DIR=str(var_dir),
        # plain http on one machine (docs/deploy.md, "HTTPS"): no redirect, no HSTS
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    return env


class Processes:
    """Processes started in sessions of their own: stopped, with all their children,
    whatever happens (SIGTERM, then SIGKILL after `grace` seconds)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.log_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((name, process, log))
        return process

    def check_running(self) -> None:
        for name, process, _log in self.started:
            if process.poll() is not None:
                raise SmokeFailure(f"{name} stopped with status {process.returncode}")

    def stop(self, grace: float = 20.0) -> None:
        for _name, process, _log in self.started:
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _name, process, _log in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            # the session's other processes (gunicorn's workers) go with their leader
            _signal_group(process, signal.SIGKILL)

    def print_logs(self, lines: int = 60) -> None:
        for name, _process, log in self.started:
            text = log.read_text(encoding="utf-8", errors="replace").splitlines()
            print(f"--- {name} (last {lines} lines of {log})", file=sys.stderr)
            print("\n".join(text[-lines:]), file=sys.stderr)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)  # the session started for this process only


def run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SmokeFailure(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


# -- HTTP ------------------------------------------------------------------------------
class Browser:
    """One person's session over HTTP: cookies kept, redirects followed, answers read
    whatever their status."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        data = None
        sent = {"Accept-Language": "zh-hans", **(headers or {})}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if method != "GET" and self.csrf():
            sent["X-CSRFToken"] = self.csrf()
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def csrf(self) -> str:
        return next((c.value or "" for c in self.cookies if c.name == "csrftoken"), "")

    def log_in(self, username: str) -> None:
        status, _headers, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SmokeFailure(f"the login page answered {status} without a CSRF token")
        status, _headers, page = self.request(
            "POST",
            "/accounts/login/",
            form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        )
        if status != 200 or not any(c.name == "sessionid" for c in self.cookies):
            raise SmokeFailure(f"{username} could not log in (status {status})")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


STARTED = time.monotonic()


def step(message: str) -> None:
    print(f"   {time.monotonic() - STARTED:5.1f} s  {message}", flush=True)


def wait_until_serving(browser: Browser, processes: Processes, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_running()
        try:
            status, _headers, _page = browser.get("/accounts/login/")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status = 0
        if status == 200:
            return
        time.sleep(0.5)
    raise SmokeFailure(f"the server did not answer within {timeout:.0f} s")


def job_followed(browser: Browser, location: str, processes: Processes) -> dict[str, Any]:
    """GET the job's address until it is done or failed; its last answer."""
    deadline = time.monotonic() + JOB_TIMEOUT
    seen = ""
    while time.monotonic() < deadline:
        processes.check_running()
        status, _headers, text = browser.get(location)
        expect(status == 200, f"GET {location} answered {status}: {text[:300]}")
        job = json.loads(text)
        now = f"{job['state']} · {job['stage']} · {job['done']}/{job['total']}"
        if now != seen:
            step(f"job {job['id']}: {now}")
            seen = now
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise SmokeFailure(f"the job at {location} did not finish within {JOB_TIMEOUT:.0f} s")


def cycle_moved(hr: Browser, code: str, to: str, processes: Processes) -> dict[str, Any]:
    """Ask for a move that is a job (202 and its address), follow it to `done`."""
    status, headers, text = hr.request("POST", f"/api/v1/cycles/{code}/transition", body={"to": to})
    expect(status == 202, f"moving {code} to {to} answered {status}: {text[:500]}")
    location = headers.get("Location", "")
    expect(location.startswith("/api/v1/jobs/"), f"no job address in {headers}")
    step(f"{code} → {to}: 202, job at {location}")
    job = job_followed(hr, location, processes)
    expect(job["state"] == "done", f"the job failed: {job['errors']}")
    return job


# -- the journey ------------------------------------------------------------------------
def journey(base: str, processes: Processes) -> None:
    hr = Browser(base)
    wait_until_serving(hr, processes)
    status, headers, page = hr.get("/accounts/login/")
    step(f"gunicorn answers at {base} (login page {status})")
    sheet = re.search(r"/static/css/app\.[0-9a-f]{12}\.css", page)
    expect(sheet is not None, "the login page does not link a hashed stylesheet (collectstatic?)")
    assert sheet is not None
    status, headers, _css = hr.request("GET", sheet[0], headers={"Accept-Encoding": "gzip"})
    expect(status == 200, f"{sheet[0]} answered {status}")
    expect("immutable" in headers.get("Cache-Control", ""), f"{sheet[0]}: {headers}")
    expect(headers.get("Content-Encoding") == "gzip", f"{sheet[0]} not compressed: {headers}")
    step(f"WhiteNoise serves {sheet[0]} (gzip, {headers['Cache-Control']})")
    status, _headers, page = hr.get("/no/such/page/")
    expect(status == 404 and "页面不存在" in page, f"a missing page answered {status} (DEBUG on?)")

    hr.log_in("hr")
    step("hr logged in through the login form")
    job = cycle_moved(hr, ANNUAL_CYCLE, "targets", processes)
    expect(job["done"] == job["total"] and (job["total"] or 0) > 0, f"job counts: {job}")
    status, _headers, text = hr.get(f"/api/v1/cycles/{ANNUAL_CYCLE}")
    expect(status == 200 and json.loads(text)["state"] == "targets", f"the cycle: {text[:300]}")
    status, _headers, text = hr.get(f"/api/v1/appraisals?cycle={ANNUAL_CYCLE}&limit=1")
    appraisals = json.loads(text)["count"] if status == 200 else 0
    expect(appraisals == job["total"], f"{appraisals} appraisals for {job['total']} done")
    result_page = job["links"].get("result", "")
    status, _headers, page = hr.get(result_page)
    expect(status == 200 and ANNUAL_CYCLE in page, f"the job's page {result_page}: {status}")
    step(f"job done: {appraisals} appraisals; its page {result_page} answers 200")

    # publication is a job that commits in steps of its own (not `whole`)
    cycle_moved(hr, CALIBRATION_CYCLE, "published", processes)
    status, _headers, text = hr.get(f"/api/v1/cycles/{CALIBRATION_CYCLE}")
    expect(status == 200 and json.loads(text)["state"] == "published", f"the cycle: {text[:300]}")
    step(f"{CALIBRATION_CYCLE} published")

    employee = Browser(base)
    employee.log_in("liqiang")
    status, _headers, text = employee.get(f"/api/v1/results?cycle={CALIBRATION_CYCLE}")
    items = json.loads(text)["items"] if status == 200 else []
    expect(len(items) == 1, f"liqiang's results in {CALIBRATION_CYCLE}: {status} {text[:300]}")
    mine = items[0]
    status, _headers, page = employee.get(f"/appraisals/{mine['appraisal']}/result/")
    total = f"{mine['total']:g}" if isinstance(mine["total"], float) else str(mine["total"])
    expect(status == 200 and total in page, f"the result page answered {status}")
    step(f"liqiang sees his {CALIBRATION_CYCLE} result page: total {total}, grade {mine['grade']}")


@contextmanager
def stopped_on_sigterm() -> Iterator[None]:
    """A SIGTERM to this script ends it like Ctrl-C, so its `finally` blocks run."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("JIXIAO_SMOKE_DATABASE_URL", ""),
        help="PostgreSQL URL of a database this test may drop and create",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        print("production_smoke: --database-url postgres://…/<database> is needed", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="jixiao-smoke-") as tmp, stopped_on_sigterm():
        var_dir = Path(tmp)
        env = production_env(args.database_url, var_dir)
        processes = Processes(var_dir)
        python = sys.executable
        try:
            print(f"== smoke: fresh database {database_name(args.database_url)}", flush=True)
            database_fresh(args.database_url)
            run([python, "manage.py", "migrate", "--noinput", "-v0"], env, "migrate")
            run([python, "manage.py", "demo_company"], env, "loading the demo company")
            step("migrated, demo company loaded")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            print("== smoke: gunicorn (jixiao serve --production) and one jixiao worker")
            processes.start(
                "web",
                [python, "-m", "jixiao.cli", "serve", "--production", "--address",
                 f"127.0.0.1:{port}", "--workers", "2", "--job-workers", "0"],
                env,
            )  # fmt: skip
            processes.start("worker", [python, "-m", "jixiao.cli", "worker"], env)
            journey(base, processes)
        except (SmokeFailure, KeyboardInterrupt) as failure:
            print(f"production smoke test FAILED: {failure}", file=sys.stderr)
            processes.print_logs()
            return 1
        finally:
            processes.stop()
            if not args.keep:
                database_fresh(args.database_url, drop_only=True)
    print(f"== smoke: passed in {time.monotonic() - STARTED:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
