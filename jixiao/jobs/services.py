"""Asking for a job, reporting its progress, and running it all-or-nothing.

- `job_enqueue`: one row per job; while it is queued or running, asking again for the
  same kind on the same target returns the same job (a partial unique constraint, not
  a check). The job is handed to its runner when the asking transaction commits
  (Procrastinate: deferred in that very transaction).
- `job_progress`: one UPDATE from a connection of its own (so others see it while the
  job's transaction is open), throttled; with SQLite, in the process's memory.
- `job_run`: the kind's function in one transaction with the job's `done` mark and its
  audit event; a refusal or a failure rolls the work back and marks the job failed
  with its errors, in the language of the person who asked.
"""

from __future__ import annotations

import logging
import math
import time
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from procrastinate.types import TimeDeltaParams

from jixiao.core.audit import audit_record
from jixiao.core.errors import ServiceError
from jixiao.core.progress import progress_listening
from jixiao.jobs.kinds import kind_get
from jixiao.jobs.models import ACTIVE_STATES, Job, JobState
from jixiao.jobs.selectors import Target, live_clear, live_set, target_key

log = logging.getLogger(__name__)

MODES = ("procrastinate", "thread", "immediate")
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes of one stage


def jobs_mode() -> str:
    """`JIXIAO_JOBS`, or by database: Procrastinate workers on PostgreSQL, a worker
    thread of the serving process otherwise."""
    mode = getattr(settings, "JIXIAO_JOBS", "") or (
        "procrastinate" if connection.vendor == "postgresql" else "thread"
    )
    if mode not in MODES:
        raise ValueError(f"JIXIAO_JOBS must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def job_attempts() -> int:
    return int(getattr(settings, "JIXIAO_JOB_ATTEMPTS", 3))


# -- asking --------------------------------------------------------------------------
def job_enqueue(
    *,
    kind: str,
    target: Target,
    actor: Any,
    arguments: dict[str, Any] | None = None,
    dispatch: bool = True,
    delay: float = 0,
) -> Job:
    """Ask for `kind` on `target`; the same job while one is queued or running.
    `delay`: a queue worker starts it no sooner than this many seconds from now (so
    that more requests join it)."""
    kind_get(kind)  # an unknown kind is a programming error: refuse before writing
    target_type, target_id = target_key(target)
    with transaction.atomic():
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    target_type=target_type,
                    target_id=target_id,
                    requested_by=actor if getattr(actor, "pk", None) else None,
                    arguments=arguments or {},
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    stage=gettext_noop("waiting for a worker"),
                )
        except IntegrityError:
            same = Job.objects.filter(
                kind=kind, target_type=target_type, target_id=target_id, state__in=ACTIVE_STATES
            ).first()
            if same is None:  # it finished in between: ask again
                return job_enqueue(
                    kind=kind,
                    target=target,
                    actor=actor,
                    arguments=arguments,
                    dispatch=dispatch,
                    delay=delay,
                )
            return same
        audit_record(
            actor=actor,
            action="job.queued",
            target=job,
            after={"kind": kind},
            context={"job": job.pk, "target_type": target_type, "target_id": target_id},
        )
        if dispatch:
            _dispatch(job, delay)
    if dispatch and jobs_mode() == "immediate":
        job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _after(delay: float) -> TimeDeltaParams | None:
    return {"seconds": math.ceil(delay)} if delay > 0 else None


def _dispatch(job: Job, delay: float = 0) -> None:
    mode = jobs_mode()
    if mode == "procrastinate":
        from jixiao.jobs.tasks import job_execute

        # Deferred through Django's connection: in this transaction, gone if it rolls back.
        job_execute.configure(
            lock=f"{job.target_type}:{job.target_id}" if job.target_id else f"kind:{job.kind}",
            queueing_lock=f"job:{job.pk}",
            schedule_in=_after(delay),
        ).defer(job_id=job.pk)
    elif mode == "thread":
        from jixiao.jobs.threads import job_thread_submit

        job_id = job.pk
        transaction.on_commit(lambda: job_thread_submit(job_id))


# -- progress -------------------------------------------------------------------------
class ProgressWriter:
    """Writes a running job's stage and done/total: the stage at once when it changes,
    the counts at most every PROGRESS_INTERVAL seconds; one UPDATE each."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stage = ""
        self.last = 0.0
        self.side: Any = None
        self.done: int | None = None
        self.total: int | None = None

    def __call__(self, stage: str, done: int | None, total: int | None) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < PROGRESS_INTERVAL and done != total:
            self.done = done if done is not None else self.done
            return
        self.done = done if done is not None else self.done
        self.total = total if total is not None else self.total
        self.stage, self.last = stage, now
        live_set(self.job_id, stage, done, total)
        if connection.vendor == "sqlite":
            return  # one writer at a time: this process's memory is where it is read
        job_progress(job_id=self.job_id, stage=stage, done=done, total=total, via=self._side())

    def _side(self) -> Any:
        if self.side is None:
            self.side = connections.create_connection("default")
        return self.side

    def close(self) -> None:
        live_clear(self.job_id)
        if self.side is not None:
            self.side.close()


def job_outcome(*, job: Job, outcome: dict[str, Any]) -> None:
    """What a running job did, in numbers (rows recorded, changed …): stored with its
    work, so it is there exactly when the work is."""
    job.outcome = outcome
    Job.objects.filter(pk=job.pk).update(outcome=outcome)


def job_progress(
    *, job_id: int, stage: str, done: int | None = None, total: int | None = None, via: Any = None
) -> None:
    """Record a job's stage and counts in one UPDATE (on `via`, a connection outside the
    job's transaction, when given)."""
    table = Job._meta.db_table
    sets, values = ["stage = %s"], [stage]
    if done is not None:
        sets.append("done = %s")
        values.append(str(done))
    if total is not None:
        sets.append("total = %s")
        values.append(str(total))
    target = via if via is not None else connection
    with target.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s AND state = %s",
            [*values, job_id, JobState.RUNNING],
        )


# -- output files ---------------------------------------------------------------------
OUTPUT_FOLDER = "exports"  # kept JIXIAO_IMPORT_KEEP_DAYS, like uploads (imports_cleanup)


def job_output_save(*, job: Job, data: bytes, name: str, content_type: str) -> str:
    """Store what a running job made (an export) as its output file, in the storage all
    workers and web machines share; `name` is the file name the downloader gets. Kept
    in `Job.outcome` with the job's work, so a job that fails has no output."""
    path = default_storage.save(f"{OUTPUT_FOLDER}/job-{job.pk}.bin", ContentFile(data))
    job_outcome(
        job=job,
        outcome={
            **(job.outcome or {}),
            "file": path,
            "name": name,
            "content_type": content_type,
            "bytes": len(data),
        },
    )
    return path


def job_output_open(*, job: Job, actor: Any) -> tuple[Any, str, str] | None:
    """The output file of a finished job (open file, name, content type), its download
    audited; None when there is none (not done, not an export, or deleted after
    JIXIAO_IMPORT_KEEP_DAYS). Who may download it is the caller's check."""
    found = job.outcome or {}
    path = found.get("file")
    if job.state != JobState.DONE or not path or not default_storage.exists(path):
        return None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="job.output_downloaded",
            target=job,
            after={"kind": job.kind, "name": found.get("name", "")},
            context={"job": job.pk, "target_type": job.target_type, "target_id": job.target_id},
        )
    return (
        default_storage.open(path, "rb"),
        str(found.get("name", "")),
        str(found.get("content_type", "application/octet-stream")),
    )


# -- running --------------------------------------------------------------------------
class JobRefused(ServiceError):
    """A refusal that also says, in numbers and lists, what was wrong (`Job.outcome`):
    an import's problems cell by cell. Nothing of the job's work is kept."""

    def __init__(self, message: Any, *, details: Any = None, outcome: dict[str, Any]) -> None:
        super().__init__(message, details=details or [])
        self.outcome = outcome


class JobInterrupted(Exception):
    """An unexpected failure the queue may retry (the job's work was rolled back)."""


def job_run(*, job_id: int, may_retry: bool = False) -> Job | None:
    """Run a queued (or interrupted) job once. Returns the job, or None when there is
    nothing to run (already finished, or unknown). With `may_retry`, an unexpected
    failure before the last attempt puts the job back in the queue and raises
    `JobInterrupted` for the queue to retry it."""
    job = _claim(job_id)
    if job is None:
        return None
    kind = kind_get(job.kind)
    writer = ProgressWriter(job.pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with progress_listening(writer), _work(kind.whole):
                link = kind.function(job=job, actor=job.requested_by)
                _finish(job, link or "", writer.total)
        except ServiceError as error:
            errors = [str(error.message), *(str(detail) for detail in error.details)]
            _fail(job, errors, outcome=getattr(error, "outcome", None))
        except Exception as error:
            log.exception("job %s failed", job.pk)
            if may_retry and job.attempts < job_attempts():
                _requeue(job)
                raise JobInterrupted(str(job.pk)) from error
            _fail(job, [_("the job stopped on an unexpected error; nothing was changed")])
        finally:
            writer.close()
    job.refresh_from_db()
    return job


def _work(whole: bool) -> Any:
    return transaction.atomic() if whole else nullcontext()


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in ACTIVE_STATES:
            return None
        if job.attempts >= job_attempts():  # interrupted once too often (a killed worker)
            with translation.override(job.language or settings.LANGUAGE_CODE):
                _fail(job, [_("the job was interrupted too many times; nothing was changed")])
            return None
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.stage = gettext_noop("started")
        job.save(update_fields=["state", "attempts", "started_at", "stage"])
    return job


def _finish(job: Job, link: str, total: int | None) -> None:
    """Inside the work's transaction: the job is done exactly when its work commits (a
    job that is not `whole` commits its mark and audit event in a transaction of their
    own, after its work)."""
    with transaction.atomic():
        _finish_marked(job, link, total)


def _finish_marked(job: Job, link: str, total: int | None) -> None:
    counts = {"done": total, "total": total} if total is not None else {}
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        stage=gettext_noop("done"),
        **counts,
        result_url=link,
        finished_at=timezone.now(),
    )
    audit_record(
        actor=job.requested_by,
        action="job.done",
        target=job,
        after={"kind": job.kind, "result": link},
        context={"job": job.pk, "target_type": job.target_type, "target_id": job.target_id},
    )


def _fail(job: Job, errors: list[str], outcome: dict[str, Any] | None = None) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            stage=gettext_noop("failed"),
            errors=errors,
            outcome=outcome or {},
            finished_at=timezone.now(),
        )
        audit_record(
            actor=job.requested_by,
            action="job.failed",
            target=job,
            after={"kind": job.kind, "errors": errors},
            context={"job": job.pk, "target_type": job.target_type, "target_id": job.target_id},
        )


def _requeue(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, stage=gettext_noop("interrupted; waiting to be retried")
    )
