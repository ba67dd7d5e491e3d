"""The cycle's long services as background jobs (`<service>_task`): each calls the
same service a page, the API or the admin calls, on the cycle the job targets."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models import Cycle
from jixiao.appraisals.services import cycle_close, cycle_open, cycle_publish, results_recompute
from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.schemes.models import SchemeVersion

CYCLE_JOBS = ["cycle_open", "results_recompute", "cycle_publish", "cycle_close"]


def _cycle(job: Job) -> Cycle:
    return Cycle.objects.get(pk=job.target_id)


def _page(cycle: Cycle) -> str:
    return reverse("hr:cycle_detail", args=[cycle.pk])


@job_kind("cycle_open", label=_("opening the cycle"))
def cycle_open_task(*, job: Job, actor: Any) -> str:
    return _page(cycle_open(cycle=_cycle(job), actor=actor))


@job_kind("results_group", label=_("updating the ranks"))
def results_group_task(*, job: Job, actor: Any) -> str:
    """A group's steps after fact writes (`jixiao.appraisals.groups`): the group
    recomputed as a whole, under the cycle's lock, from the facts as they are then."""
    cycle_id, version_id = job.target_id.split(":", 1)
    cycle = Cycle.objects.get(pk=cycle_id)
    version = SchemeVersion.objects.get(pk=version_id)
    results_recompute(cycle=cycle, actor=actor, scheme_version=version)
    return _page(cycle)


@job_kind("results_recompute", label=_("recomputing the results"))
def results_recompute_task(*, job: Job, actor: Any) -> str:
    cycle = _cycle(job)
    results_recompute(cycle=cycle, actor=actor)
    return _page(cycle)


# Not whole: publication's last recompute is its own transaction, so the results it
# marks for review stay marked when publication is then refused (ADR 0003); the
# publication itself is one transaction.
@job_kind("cycle_publish", label=_("publishing the results"), whole=False)
def cycle_publish_task(*, job: Job, actor: Any) -> str:
    return _page(cycle_publish(cycle=_cycle(job), actor=actor))


@job_kind("cycle_close", label=_("closing the cycle"))
def cycle_close_task(*, job: Job, actor: Any) -> str:
    return _page(cycle_close(cycle=_cycle(job), actor=actor))
