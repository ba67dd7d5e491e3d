"""The embedded runner: with SQLite (`make demo`, `jixiao demo`/`serve`) jobs run one
at a time in a daemon thread of the serving process — the same `job_run` a
Procrastinate worker calls. When it starts it takes up the jobs a previous process
left queued or running (their work was rolled back with that process)."""

from __future__ import annotations

import logging
import queue
import threading
import time

from django.db import OperationalError, close_old_connections, connection

from jixiao.jobs.models import ACTIVE_STATES, Job
from jixiao.jobs.services import job_run

log = logging.getLogger(__name__)

_queue: queue.Queue[int] = queue.Queue()
autostart = True  # tests turn it off and run the queue themselves (job_thread_drain)
_started = threading.Event()
_start_lock = threading.Lock()


def job_thread_submit(job_id: int) -> None:
    """Hand a committed job to the worker thread (started on first use)."""
    job_thread_start()
    _queue.put(job_id)


def job_thread_start() -> None:
    with _start_lock:
        if _started.is_set():
            return
        _started.set()
        for job_id in (
            Job.objects.filter(state__in=ACTIVE_STATES).order_by("pk").values_list("pk", flat=True)
        ):
            _queue.put(job_id)
        if autostart:
            threading.Thread(target=_loop, name="jixiao-jobs", daemon=True).start()


def job_thread_drain() -> None:
    """Run every job waiting in the queue, in this thread (tests, a command's end)."""
    while True:
        try:
            job_id = _queue.get_nowait()
        except queue.Empty:
            return
        job_run(job_id=job_id)


def _loop() -> None:
    while True:
        job_id = _queue.get()
        close_old_connections()
        try:
            job_run(job_id=job_id)
        except OperationalError as error:  # SQLite: another writer holds the file; again soon
            if "locked" not in str(error):
                log.exception("job %s could not be run", job_id)
            else:
                log.info("job %s waits for the database to be free", job_id)
                time.sleep(0.5)
                _queue.put(job_id)
        except Exception:  # job_run records its own failures; never let the thread die
            log.exception("job %s could not be run", job_id)
        finally:
            connection.close()
