"""An Excel import of facts as a job: the upload is taken at once (a file that is no
workbook, or too big, is refused in the request), the page shows the job's progress
(polled by HTMX) and then what it did; a file with problems writes nothing and
offers the workbook with each bad cell marked; the same file for the same cycle
while its job waits is one job. The thread runner, its thread not started: jobs
wait until the test runs them (`drain`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jixiao.appraisals.models import Cycle, Fact
from jixiao.jobs.models import Job, JobState
from jixiao.spreadsheets.models import ImportBatch
from tests.apps.factories import UserFactory
from tests.apps.spreadsheets.helpers import load, long_file
from tests.apps.spreadsheets.test_views import upload
from tests.apps.test_jobs import drain, queued  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queued")]

ROWS = [
    ("1001", "预算执行偏差率", "input", "budget", 1000000),
    ("1001", "预算执行偏差率", "input", "actual", 990000),
    ("1002", "预算执行偏差率", "input", "actual", 960000),
]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_import_runs_as_a_job_whose_progress_the_page_follows(
    hr: Any, open_cycle: Cycle
) -> None:
    client = signed_in(hr)
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    page = client.post(url, {"file": upload(long_file(ROWS))})
    assert page.status_code == 200
    job = Job.objects.get(kind="facts_import")
    poll = f"{url}jobs/{job.pk}/"
    assert f'hx-get="{poll}"' in page.content.decode()  # the progress bar polls
    assert Fact.objects.count() == 0
    waiting = client.get(poll)
    assert waiting.status_code == 200 and 'id="job-progress"' in waiting.content.decode()

    drain()

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == job.total == 3  # three facts recorded
    finished = client.get(poll)
    assert finished.status_code == 204 and finished["HX-Redirect"] == f"{url}?job={job.pk}"
    shown = client.get(f"{url}?job={job.pk}").content.decode()
    assert "Imported 3 row(s): 3 added, 0 changed, 0 unchanged." in shown
    assert Fact.objects.count() == 3 and ImportBatch.objects.count() == 1
    assert job.outcome["added"] == 3
    # another person does not see it
    other = signed_in(UserFactory(username="hr2", is_hr=True))
    assert other.get(poll).status_code == 404


def test_a_file_with_a_problem_imports_nothing_and_offers_the_marked_workbook(
    hr: Any, open_cycle: Cycle
) -> None:
    client = signed_in(hr)
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    bad = [*ROWS, ("9999", "预算执行偏差率", "input", "actual", 1)]
    client.post(url, {"file": upload(long_file(bad))})
    drain()
    job = Job.objects.get(kind="facts_import")
    assert job.state == JobState.FAILED and job.outcome["problem_count"] == 1
    response = client.get(f"{url}?job={job.pk}")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page and "unknown appraisee 9999" in page
    download = client.get(f"/spreadsheets/problems/{response.context['token']}.xlsx")
    marked = load(b"".join(download.streaming_content))
    assert marked["facts"]["A5"].comment.text.startswith("unknown appraisee 9999")
    assert Fact.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_the_same_file_for_the_same_cycle_while_it_waits_is_one_job(
    hr: Any, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    client = signed_in(hr)
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    data = long_file(ROWS)
    client.post(url, {"file": upload(data)})
    client.post(url, {"file": upload(data, "again.xlsx")})
    assert Job.objects.filter(kind="facts_import").count() == 1
    drain()
    assert Fact.objects.count() == 3


def test_what_is_no_workbook_is_refused_in_the_request(hr: Any, open_cycle: Cycle) -> None:
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    response = signed_in(hr).post(url, {"file": upload(b"hello")})
    assert response.status_code == 400
    assert "the file is not an Excel workbook (.xlsx)" in response.content.decode()
    assert not Job.objects.exists()
