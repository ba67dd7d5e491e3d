"""Reminders as a periodic job: every morning at 08:00 (the server's time zone) a
worker refreshes everyone's notices and e-mails what is new — the same service as
`manage.py send_reminders`, recorded in the job table like any other job."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from procrastinate.contrib.django import app

from jixiao.jobs.kinds import job_kind
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_enqueue, job_run
from jixiao.notices.delivery import notices_deliver
from jixiao.notices.services import reminders_send


# Not whole: each person's notices are committed with their e-mail, one by one.
@job_kind("reminders_send", label=_("sending reminders"), whole=False)
def reminders_send_task(*, job: Job, actor: Any) -> str:
    reminders_send()
    return ""


@app.periodic(cron="0 8 * * *", periodic_id="reminders")
@app.task(name="jixiao.notices.reminders", queue="jixiao", queueing_lock="reminders")
def reminders_periodic_task(timestamp: int) -> None:
    job = job_enqueue(kind="reminders_send", target=None, actor=None, dispatch=False)
    job_run(job_id=job.pk)


# Not whole: each e-mail and robot message is marked as it leaves (at least once).
@job_kind("notices_deliver", label=_("sending notifications"), whole=False)
def notices_deliver_task(*, job: Job, actor: Any) -> str:
    notices_deliver()
    return ""
