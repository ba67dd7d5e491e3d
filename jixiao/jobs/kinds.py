"""The kinds of job: each app declares its own in its `tasks.py`.

    @job_kind("cycle_open", label=_("opening the cycle"))
    def cycle_open_task(*, job: Job, actor: Any) -> str:
        cycle_open(cycle=Cycle.objects.get(pk=job.target_id), actor=actor)
        return reverse("hr:cycle_detail", args=[job.target_id])   # the result link

A kind's function calls the same service a page or the API would; it returns the
address of what it made (or "") and raises `ServiceError` to refuse. `whole=False`
for a service that commits part of its work on purpose (publication keeps the
review marks of its last recompute when it is refused, ADR 0003)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TaskFunction = Callable[..., str]


@dataclass(frozen=True)
class JobKind:
    name: str
    function: TaskFunction
    label: Any  # what a person reads (a lazy translation)
    whole: bool = True


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, label: Any, whole: bool = True
) -> Callable[[TaskFunction], TaskFunction]:
    def register(function: TaskFunction) -> TaskFunction:
        KINDS[name] = JobKind(name=name, function=function, label=label, whole=whole)
        return function

    return register


def kind_get(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} (is its app's tasks.py imported?)") from None
