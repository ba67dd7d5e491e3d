"""Background jobs (jixiao.jobs), on SQLite and on PostgreSQL: progress reported,
two requests → one job, a failure changes nothing and lists its errors, the runners
(immediate, the serving process's thread), the HR page's progress partial and
`GET /api/v1/jobs/{id}` with its access. The queue's own guarantees (Procrastinate:
locks, retries, a killed worker) are in test_jobs_queue.py, on PostgreSQL only."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import translation

from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.models import Appraisal, Cycle, Eligibility
from jixiao.core.models import AuditEvent
from jixiao.jobs import threads
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.services import job_enqueue
from jixiao.notices.models import Notice
from tests.apps import job_kinds
from tests.apps.api.conftest import Api, assert_error, personal
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch: Any) -> Any:
    """The thread runner, its thread not started: jobs wait until the test runs them
    (`drain`), as the thread would once the request has committed."""
    monkeypatch.setattr(threads, "autostart", False)
    with override_settings(JIXIAO_JOBS="thread"):
        yield
    _empty_queue()


def drain(_queued: Any = None) -> None:
    """What the worker thread does once the requests have committed: the test's
    transaction never commits, so its on-commit hand-overs are run here."""
    pending = [callback for _savepoints, callback, _robust in connection.run_on_commit]
    connection.run_on_commit.clear()
    for callback in pending:
        callback()
    threads.job_thread_drain()


def _empty_queue() -> None:
    while not threads._queue.empty():
        threads._queue.get_nowait()


def signed_in(user: Any) -> Any:
    from django.test import Client

    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def state_of(cycle: Cycle) -> dict[str, Any]:
    """Everything opening a cycle touches, to compare before and after a failed job."""
    cycle.refresh_from_db()
    return {
        "cycle": (cycle.state, cycle.name, cycle.opened_at),
        "versions": list(cycle.cycle_schemes.values_list("version_id", flat=True)),
        "eligibility": sorted(
            cycle.eligibilities.values_list("employee_id", "unit_id", "excluded", "scheme_id")
        ),
        "appraisals": Appraisal.objects.filter(cycle=cycle).count(),
        "events": sorted(
            AuditEvent.objects.exclude(action__startswith="job.").values_list("action", flat=True)
        ),
    }


# -- the job itself --------------------------------------------------------------------
def test_opening_a_cycle_is_a_job_that_reports_its_stages_and_is_audited(
    hr: Any, draft_cycle: Cycle
) -> None:
    job = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    assert (job.state, job.done, job.total, job.errors) == (JobState.DONE, 3, 3, [])
    assert job.result_url == f"/hr/cycles/{draft_cycle.pk}/"
    assert job.attempts == 1 and job.started_at and job.finished_at
    draft_cycle.refresh_from_db()
    assert draft_cycle.state == "targets" and Appraisal.objects.filter(cycle=draft_cycle).count()
    actions = list(
        AuditEvent.objects.filter(context__job=job.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["job.queued", "job.done"]
    assert AuditEvent.objects.filter(action="cycle.opened", actor=hr).exists()


def test_a_job_shows_its_progress_while_it_runs(hr: Any, draft_cycle: Cycle) -> None:
    job_kinds.SEEN.clear()
    job = job_enqueue(
        kind="test_steps", target=draft_cycle, actor=hr, arguments={"steps": 4, "watch": "inside"}
    )
    # the first and the last count are written at once; those between at most twice a second
    assert job_kinds.SEEN[0] == ("counting", 1, 4) and job_kinds.SEEN[-1] == ("counting", 4, 4)
    assert (job.state, job.done, job.total) == (JobState.DONE, 4, 4)


def test_two_requests_for_the_same_job_get_the_same_job(
    hr: Any, draft_cycle: Cycle, queued: Any
) -> None:
    first = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    second = job_enqueue(kind="cycle_open", target=draft_cycle, actor=None)
    assert first.pk == second.pk and first.state == JobState.QUEUED
    other = job_enqueue(kind="results_recompute", target=draft_cycle, actor=hr)
    assert other.pk != first.pk  # another kind of job on the cycle is another job
    assert Job.objects.count() == 2
    drain()
    assert Job.objects.get(pk=first.pk).state == JobState.DONE
    again = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    assert again.pk != first.pk  # once it has finished, asking again is a new job


def test_the_database_refuses_a_second_active_job_of_a_kind_on_a_target(
    draft_cycle: Cycle,
) -> None:
    fields = {"kind": "cycle_open", "target_type": "appraisals.cycle", "target_id": "1"}
    Job.objects.create(**fields, state=JobState.DONE)
    Job.objects.create(**fields, state=JobState.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(**fields, state=JobState.QUEUED)


def test_a_refused_job_changes_nothing_and_lists_its_errors_in_the_askers_language(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    # 赵六 is included against the rules, but no scheme of the cycle applies to him:
    # opening checks eligibility again (writing it), then refuses
    appraisal_services.population_rule_add(
        cycle=draft_cycle, actor=hr, kind="unit", unit=company.production
    )
    appraisal_services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    zhao = Eligibility.objects.get(cycle=draft_cycle, employee=company.worker)
    appraisal_services.eligibility_override(
        eligibility=zhao, actor=hr, decision="include", reason="特批"
    )
    before = state_of(draft_cycle)
    with translation.override("zh-hans"):
        job = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    assert job.state == JobState.FAILED
    assert job.errors == ["本周期没有适用于以下被纳入人员的考核方案", "赵六 (2001)"]
    assert state_of(draft_cycle) == before
    assert AuditEvent.objects.filter(action="job.failed", context__job=job.pk).exists()


def test_a_job_that_breaks_half_way_leaves_everything_as_it_was(
    hr: Any, draft_cycle: Cycle
) -> None:
    before = state_of(draft_cycle)
    job = job_enqueue(
        kind="test_steps", target=draft_cycle, actor=hr, arguments={"steps": 5, "break_at": 3}
    )
    assert job.state == JobState.FAILED
    assert job.errors == ["the job stopped on an unexpected error; nothing was changed"]
    assert state_of(draft_cycle) == before  # the renaming of the cycle was rolled back
    refused = job_enqueue(
        kind="test_steps", target=draft_cycle, actor=hr, arguments={"refuse_at": 2}
    )
    assert refused.errors == ["第 2 步不行", "原因一", "原因二"]
    assert state_of(draft_cycle) == before


def test_the_thread_runner_takes_up_what_a_stopped_server_left(
    hr: Any, draft_cycle: Cycle, queued: Any, monkeypatch: Any
) -> None:
    left = job_enqueue(kind="test_steps", target=draft_cycle, actor=hr)
    Job.objects.filter(pk=left.pk).update(state=JobState.RUNNING, attempts=1)  # died running
    monkeypatch.setattr(threads, "_started", threads.threading.Event())
    _empty_queue()
    threads.job_thread_start()  # (autostart off: it only queues what it finds)
    threads.job_thread_drain()
    left.refresh_from_db()
    assert (left.state, left.attempts, left.done) == (JobState.DONE, 2, 3)


# -- the HR page -----------------------------------------------------------------------
def test_the_cycle_page_starts_the_job_and_polls_its_progress(
    hr: Any, draft_cycle: Cycle, queued: Any
) -> None:
    client = signed_in(hr)
    with translation.override("en"):
        answer = client.post(f"/hr/cycles/{draft_cycle.pk}/move/", {"to": "targets"}, follow=True)
    page = answer.content.decode()
    job = Job.objects.get(kind="cycle_open")
    assert job.state == JobState.QUEUED
    assert "started in the background" in page
    assert f'hx-get="/hr/jobs/{job.pk}/?poll=1"' in page and 'hx-trigger="every 1s"' in page
    # the same button pressed again: the same job
    client.post(f"/hr/cycles/{draft_cycle.pk}/move/", {"to": "targets"})
    assert Job.objects.count() == 1
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, stage="creating appraisals", done=1, total=3
    )
    partial = client.get(f"/hr/jobs/{job.pk}/?poll=1")
    text = partial.content.decode()
    assert 'hx-trigger="every 1s"' in text and "creating appraisals" in text and "1 / 3" in text
    assert 'value="33"' in text and "HX-Refresh" not in partial.headers
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    drain()
    finished = client.get(f"/hr/jobs/{job.pk}/?poll=1")
    assert finished.headers["HX-Refresh"] == "true"  # the page reloads once, polling stops
    assert "every 1s" not in finished.content.decode()
    draft_cycle.refresh_from_db()
    assert draft_cycle.state == "targets"


def test_the_cycle_page_shows_a_finished_job_for_a_few_minutes_and_a_failed_one_until_the_next(
    hr: Any, draft_cycle: Cycle
) -> None:
    import datetime

    from django.utils import timezone

    client = signed_in(hr)
    page = f"/hr/cycles/{draft_cycle.pk}/"
    failed = job_enqueue(kind="test_steps", target=draft_cycle, actor=hr, arguments={"break_at": 1})
    Job.objects.filter(pk=failed.pk).update(kind="results_recompute")  # a cycle job failed
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=failed.pk).update(finished_at=long_ago)
    assert f'data-job="{failed.pk}"' in client.get(page).content.decode()
    opened = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    assert f'data-job="{opened.pk}"' in client.get(page).content.decode()
    Job.objects.filter(pk=opened.pk).update(finished_at=long_ago)
    assert "data-job=" not in client.get(page).content.decode()


def test_the_page_shows_a_failed_job_s_errors_in_chinese(
    hr: Any, draft_cycle: Cycle, company: SimpleNamespace
) -> None:
    with translation.override("zh-hans"):
        job = job_enqueue(
            kind="test_steps", target=draft_cycle, actor=hr, arguments={"break_at": 1}
        )
    client = signed_in(hr)
    page = client.get(f"/hr/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "任务因意外错误停止，数据未做任何改动" in page and "失败" in page
    assert "every 1s" not in page
    # nobody outside HR and the auditor sees it
    assert signed_in(company.manager.user).get(f"/hr/jobs/{job.pk}/").status_code == 404


# -- the API ---------------------------------------------------------------------------
def test_the_api_shows_a_job_to_those_who_may_see_its_cycle(
    hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    job = job_enqueue(kind="cycle_open", target=draft_cycle, actor=hr)
    body = personal(hr).get(f"/jobs/{job.pk}").json()
    assert {key: body[key] for key in ("kind", "state", "stage", "done", "total", "errors")} == {
        "kind": "cycle_open",
        "state": "done",
        "stage": "done",
        "done": 3,
        "total": 3,
        "errors": [],
    }
    assert body["links"] == {
        "self": f"/api/v1/jobs/{job.pk}",
        "result": f"/hr/cycles/{draft_cycle.pk}/",
    }
    # the drafts of HR are not the business of an accountant; an unknown job looks the same
    hidden = job_enqueue(kind="test_steps", target=_another_draft(hr), actor=hr)
    clerk = personal(company.clerks[0].user)
    assert_error(clerk.get(f"/jobs/{hidden.pk}"), 404, "not_found")
    assert_error(clerk.get("/jobs/999999"), 404, "not_found")
    assert_error(Api().get(f"/jobs/{job.pk}"), 401, "unauthenticated")


def test_opening_through_the_api_answers_202_with_the_job(
    hr: Any, draft_cycle: Cycle, queued: Any
) -> None:
    api = personal(hr)
    answer = api.post(f"/cycles/{draft_cycle.code}/transition", {"to": "targets"})
    assert answer.status_code == 202, answer.content
    job = Job.objects.get()
    assert answer["Location"] == f"/api/v1/jobs/{job.pk}" and answer.json()["state"] == "queued"
    assert api.get(f"/jobs/{job.pk}").json()["state"] == "queued"
    drain()
    assert api.get(f"/jobs/{job.pk}").json()["state"] == "done"
    # a move the table does not hold is refused at once, without a job
    assert_error(
        api.post(f"/cycles/{draft_cycle.code}/transition", {"to": "closed"}),
        409,
        "invalid_transition",
    )
    assert Job.objects.count() == 1


def _another_draft(hr: Any) -> Cycle:
    return appraisal_services.cycle_create(
        actor=hr, code="2026-11", name="2026年11月考核", period_kind="month", period="2026-11"
    )


# -- the periodic job ------------------------------------------------------------------
def test_the_reminders_are_a_periodic_job_recorded_like_the_others(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    from procrastinate.contrib.django import app

    from jixiao.notices.tasks import reminders_periodic_task

    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["jixiao.notices.reminders"] == "0 8 * * *"
    assert periodic["jixiao.jobs.stalled_retry"] == "* * * * *"
    reminders_periodic_task(timestamp=0)  # what a worker runs at 08:00
    job = Job.objects.get(kind="reminders_send")
    assert (job.state, job.target_type, job.requested_by) == (JobState.DONE, "", None)
    assert Notice.objects.filter(recipient=company.manager.user).count() == 2
    assert AuditEvent.objects.filter(action="job.done", context__job=job.pk).exists()


def test_a_worker_needs_postgresql() -> None:
    from django.core.management import CommandError, call_command

    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the worker runs (test_jobs_queue.py)")
    with pytest.raises(CommandError, match="workers need PostgreSQL"):
        call_command("jixiao_worker")
