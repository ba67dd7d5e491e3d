"""The bulk upload of facts as a job (docs/adr/0008-recompute-design.md, docs/api.md):
the whole batch is checked in the request — refused, 422 with every problem and no
job; accepted, 202 with the job's address — and written by the job, all or nothing.
The same batch sent twice while its job waits is one job; a batch its job refuses
(the cycle closed meanwhile) leaves nothing. The job runner here is the thread one,
its thread not started: jobs wait until the test runs them (`drain`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jixiao.api.models import IdempotencyKey
from jixiao.appraisals.models import Cycle, Fact
from jixiao.appraisals.workflow import CycleState
from jixiao.core.models import AuditEvent
from jixiao.jobs.models import Job, JobState
from tests.apps.api.conftest import assert_error
from tests.apps.api.test_facts_bulk import month, row
from tests.apps.test_jobs import drain, queued  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queued")]


def uploads() -> list[Job]:
    return list(Job.objects.filter(kind="facts_upload").order_by("pk"))


def test_a_refused_batch_is_answered_at_once_with_every_problem_and_no_job(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    rows = [*month(), row("bad", "1002", "actual", "many"), row("x", "9999", "actual", 1)]
    error = assert_error(apis.hr.post("/facts/bulk", {"rows": rows}), 422, "invalid_rows")
    assert {(d["row"], d["code"]) for d in error["details"]} == {
        (2, "not_a_number"),
        (3, "unknown_appraisal"),
    }
    assert uploads() == [] and Fact.objects.count() == 0


def test_an_accepted_batch_is_answered_202_and_written_by_its_job(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    response = apis.finance_system.post("/facts/bulk", {"rows": month()})
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/jobs/{body['id']}"
    assert (body["kind"], body["state"], body["outcome"]) == ("facts_upload", "queued", {})
    assert Fact.objects.count() == 0  # nothing before the job runs

    drain()

    done = apis.finance_system.get(f"/jobs/{body['id']}").json()
    assert done["state"] == "done"
    assert done["outcome"] == {"rows": 2, "recorded": 2, "changed": 0, "unchanged": 0}
    assert Fact.objects.count() == 2 and IdempotencyKey.objects.count() == 2
    # an upload is its sender's: not another token's, not a person's
    assert apis.production_system.get(f"/jobs/{body['id']}").status_code == 404
    assert apis.hr.get(f"/jobs/{body['id']}").status_code == 404


def test_the_same_batch_sent_twice_while_it_waits_is_one_job(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    first = apis.hr.post("/facts/bulk", {"rows": month()}).json()
    second = apis.hr.post("/facts/bulk", {"rows": month()}).json()
    other = apis.hr.post("/facts/bulk", {"rows": month("1003")}).json()
    assert first["id"] == second["id"] != other["id"]
    assert len(uploads()) == 2
    drain()
    assert [job.state for job in uploads()] == [JobState.DONE, JobState.DONE]
    assert Fact.objects.count() == 4


def test_a_batch_its_job_refuses_writes_nothing_and_says_why_by_row(
    apis: SimpleNamespace, open_cycle: Cycle
) -> None:
    body = apis.hr.post("/facts/bulk", {"rows": month()}).json()
    Cycle.objects.filter(pk=open_cycle.pk).update(state=CycleState.CLOSED)  # meanwhile
    written = AuditEvent.objects.exclude(action__startswith="job.").count()

    drain()

    failed = apis.hr.get(f"/jobs/{body['id']}").json()
    assert failed["state"] == "failed" and failed["outcome"] == {}
    assert failed["errors"][0] == "2 rows cannot be recorded; nothing was recorded"
    assert failed["errors"][1].startswith("row 0, cycle: ")
    assert Fact.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    assert AuditEvent.objects.exclude(action__startswith="job.").count() == written
