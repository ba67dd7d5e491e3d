"""`jixiao serve --production`: gunicorn for the web pages, and on one machine the job
workers beside it (docs/deploy.md).

- the static files are collected first (`collectstatic`: hashed names, gzip copies,
  served by WhiteNoise from the web processes);
- gunicorn runs `config.wsgi` with `--workers` processes (default 2 × CPUs + 1) and a
  `--timeout` of 120 s: everything long (opening a cycle, recomputing, publishing,
  closing) is a background job, so that only covers an Excel import or export of a
  large file, which still runs in its request;
- with `--job-workers M` (default 1) this process also starts M `jixiao worker`
  processes and supervises them with gunicorn: SIGTERM or Ctrl-C stops them all
  (a worker finishes its job first), and when one of them stops on its own the others
  are stopped too, so the service manager restarts the whole set. With
  `--job-workers 0` (a web-only machine) gunicorn replaces this process.

Production means PostgreSQL and DEBUG off: with SQLite the jobs' progress lives in the
serving process's memory (docs/adr/0007-job-system.md), which several web processes
cannot share, so `jixiao serve` (one process) is the way to run it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

TIMEOUT = 120  # seconds a web request may take before gunicorn restarts its worker
GRACEFUL = 30  # seconds a stopping web worker has to finish its requests
MAX_REQUESTS = 2000  # a web worker is replaced after this many requests (±10 %)


def web_workers_default() -> int:
    """gunicorn's advice: two per CPU plus one (5 on a 2-core machine)."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_command(address: str, workers: int, timeout: int = TIMEOUT) -> list[str]:
    """The gunicorn command line `jixiao serve --production` runs (extra options:
    the environment variable GUNICORN_CMD_ARGS, read by gunicorn itself)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(GRACEFUL),
        "--max-requests",
        str(MAX_REQUESTS),
        "--max-requests-jitter",
        str(MAX_REQUESTS // 10),
        "--access-logfile",
        "-",
        "--name",
        "jixiao-web",
        "--no-control-socket",  # one socket per user would be shared by two servers
    ]
    if os.path.isdir("/dev/shm"):  # heartbeat files in memory, not on a slow disk
        command += ["--worker-tmp-dir", "/dev/shm"]
    return command


def worker_command() -> list[str]:
    return [sys.executable, "-m", "jixiao.cli", "worker"]


def production_refusal() -> str | None:
    """Why this configuration cannot be served in production, or None (Django set up)."""
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        return "jixiao serve --production runs with DEBUG off: unset DJANGO_DEBUG"
    if connection.vendor != "postgresql":
        return (
            "jixiao serve --production needs PostgreSQL (DATABASE_URL=postgres://…);"
            " with SQLite run `jixiao serve`, a single process"
        )
    return None


def serve_production(address: str, workers: int | None, timeout: int, job_workers: int) -> int:
    """Collect the static files, then run gunicorn (and `job_workers` workers)."""
    from django.core.management import call_command

    refusal = production_refusal()
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    call_command("collectstatic", interactive=False, verbosity=0)
    web = gunicorn_command(address, workers or web_workers_default(), timeout)
    sys.stdout.flush()
    if job_workers <= 0:
        os.execv(web[0], web)  # gunicorn takes this process's place (and its signals)
    return supervise([web, *[worker_command() for _ in range(job_workers)]])


def supervise(commands: Sequence[list[str]]) -> int:
    """Run the commands side by side until a signal or until one of them stops; then
    stop the others (SIGTERM, and SIGKILL after a grace period) and return the first
    non-zero status."""
    children = [subprocess.Popen(command) for command in commands]
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    first: int | None = None  # the status of the first one that stopped on its own
    try:
        while not stopping and first is None:
            time.sleep(0.5)
            first = next((child.returncode for child in children if child.poll() is not None), None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + GRACEFUL + 30  # a job worker finishes its job
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    if stopping:
        return 0
    return first or 1  # it should not have stopped, even with status 0
