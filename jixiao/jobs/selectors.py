"""Reading jobs, with the progress a worker thread of this process reports in memory
(with SQLite a second connection cannot write while the job's transaction holds the
database, so progress lives in memory there; with PostgreSQL it is in the row)."""

from __future__ import annotations

import threading

from django.db import models

from jixiao.jobs.models import ACTIVE_STATES, Job, JobState

_live: dict[int, tuple[str, int | None, int | None]] = {}
_live_lock = threading.Lock()


def live_set(job_id: int, stage: str, done: int | None, total: int | None) -> None:
    with _live_lock:
        _live[job_id] = (stage, done, total)


def live_clear(job_id: int) -> None:
    with _live_lock:
        _live.pop(job_id, None)


def _overlay(job: Job) -> Job:
    if job.state != JobState.RUNNING:
        return job
    with _live_lock:
        live = _live.get(job.pk)
    if live is not None:
        stage, done, total = live
        job.stage = stage or job.stage
        job.done = job.done if done is None else done
        job.total = job.total if total is None else total
    return job


def job_get(*, pk: int) -> Job | None:
    """The job with its latest progress, or None. Access is the caller's business:
    who may see a job is who may see its target (see `job_target`)."""
    job = Job.objects.select_related("requested_by").filter(pk=pk).first()
    return _overlay(job) if job is not None else None


Target = models.Model | tuple[str, str] | None  # a row, or (type, id) of something else


def target_key(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target
    return target._meta.label_lower, str(target.pk)


def job_of(*, pk: int, kind: str, target: models.Model) -> Job | None:
    """The job `pk` if it is a `kind` job on `target` (a download's address names both,
    and either may be wrong), with its latest progress; None otherwise."""
    job = job_get(pk=pk)
    if job is None or job.kind != kind or (job.target_type, job.target_id) != target_key(target):
        return None
    return job


def job_latest_for(*, target: models.Model, kinds: list[str] | None = None) -> Job | None:
    """The newest job on `target` (of these kinds), with its latest progress."""
    target_type, target_id = target_key(target)
    jobs = Job.objects.filter(target_type=target_type, target_id=target_id)
    if kinds is not None:
        jobs = jobs.filter(kind__in=kinds)
    job = jobs.order_by("-created_at", "-pk").first()
    return _overlay(job) if job is not None else None


def job_active_for(*, kind: str, target: Target) -> Job | None:
    target_type, target_id = target_key(target)
    return Job.objects.filter(
        kind=kind, target_type=target_type, target_id=target_id, state__in=ACTIVE_STATES
    ).first()
