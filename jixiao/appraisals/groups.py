"""A group's steps after a fact write (docs/adr/0008-recompute-design.md).

A group is the appraisals of one cycle under one scheme version: they are ranked,
distributed, normalised and paid together. A fact write rescores its appraisee at
once and asks for the group's job (`results_group`), which recomputes the group;
while that job is queued or running, the group's ranks are being updated
(排名更新中) and every further write on the group joins the same job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from jixiao.jobs.models import ACTIVE_STATES, Job
from jixiao.jobs.services import job_enqueue

GROUP_JOB = "results_group"
GROUP_TARGET = "appraisals.group"


def group_target(cycle_id: int, version_id: int) -> tuple[str, str]:
    """The job target of a group: its cycle and scheme version."""
    return GROUP_TARGET, f"{cycle_id}:{version_id}"


def group_delay() -> float:
    """Seconds a queued group job waits for more writes to join it (queue workers)."""
    return float(getattr(settings, "JIXIAO_GROUP_DELAY", 2))


def results_group_queue(*, cycle_id: int, version_id: int, actor: Any) -> Job:
    """The group's job: the one queued (or running, if it has not read the facts yet),
    or a new one. Called with the cycle's row held (`cycle_lock`), so a running job
    either waits for this change or has committed before it. The writes after the
    first find the queued job in one query (as `job_enqueue` would after its insert
    is refused, for three more)."""
    target_type, target_id = group_target(cycle_id, version_id)
    queued = Job.objects.filter(
        kind=GROUP_JOB, target_type=target_type, target_id=target_id, state__in=ACTIVE_STATES
    ).first()
    if queued is not None:
        return queued
    return job_enqueue(
        kind=GROUP_JOB,
        target=group_target(cycle_id, version_id),
        actor=actor,
        delay=group_delay(),
    )


def groups_pending(*, cycle_id: int) -> set[int]:
    """The scheme versions of the cycle whose group's job has not run yet."""
    prefix = f"{cycle_id}:"
    return {
        int(target_id.split(":", 1)[1])
        for target_id in Job.objects.filter(
            kind=GROUP_JOB,
            target_type=GROUP_TARGET,
            target_id__startswith=prefix,
            state__in=ACTIVE_STATES,
        ).values_list("target_id", flat=True)
    }


def group_pending(*, cycle_id: int, version_id: int) -> bool:
    """Whether the ranks, grades and pay of this group are being updated (排名更新中)."""
    target_type, target_id = group_target(cycle_id, version_id)
    return Job.objects.filter(
        kind=GROUP_JOB, target_type=target_type, target_id=target_id, state__in=ACTIVE_STATES
    ).exists()
