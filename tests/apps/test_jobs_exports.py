"""The exports of a cycle as background jobs (issue 11): HR's outcomes (CSV) and the
results workbook (Excel). Asking starts a job (the same one for two people while it
runs), the page follows its progress, then offers the job's output file; the file is
downloaded by whoever may export, audited, and deleted with the old uploads."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from jixiao.appraisals.models import Cycle
from jixiao.core.models import AuditEvent
from jixiao.hr.tasks import OUTCOMES_EXPORT_JOB
from jixiao.jobs.models import Job, JobState
from jixiao.spreadsheets.services import RESULTS_EXPORT_JOB, imports_cleanup
from tests.apps.factories import HrFactory
from tests.apps.test_jobs import drain, queued, signed_in  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def exported_csv(client: Any, cycle: Cycle) -> list[list[str]]:
    """Press 导出 on the export page and download the file the job made (the test
    settings run jobs at once)."""
    page = client.post(f"/hr/cycles/{cycle.pk}/export/")
    assert page.status_code == 302
    job = Job.objects.filter(kind=OUTCOMES_EXPORT_JOB).latest("pk")
    assert job.state == JobState.DONE, job.errors
    download = client.get(job.result_url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))


def test_the_outcomes_export_is_a_job_whose_file_hr_downloads(
    hr: Any, auditor: Any, open_cycle: Cycle
) -> None:
    client = signed_in(hr)
    rows = exported_csv(client, open_cycle)
    assert rows[0][:2] == ["employee number", "name"]
    assert len(rows) == 1 + open_cycle.appraisals.count()

    job = Job.objects.get(kind=OUTCOMES_EXPORT_JOB)
    assert job.result_url == f"/hr/cycles/{open_cycle.pk}/export/{job.pk}/outcomes.csv"
    assert job.outcome["name"] == f"outcomes-{open_cycle.code}.csv"
    page = client.get(f"/hr/cycles/{open_cycle.pk}/export/")
    assert page.status_code == 200
    assert job.result_url in page.content.decode()  # the page offers the file
    download = client.get(job.result_url)
    assert download["Content-Disposition"].startswith("attachment")
    assert f"outcomes-{open_cycle.code}.csv" in download["Content-Disposition"]
    downloads = AuditEvent.objects.filter(action="job.output_downloaded", target_id=str(job.pk))
    assert downloads.filter(actor=hr).count() == 2

    # the auditor may read (and download) as before, but not start an export
    reader = signed_in(auditor)
    assert reader.get(job.result_url).status_code == 200
    assert reader.post(f"/hr/cycles/{open_cycle.pk}/export/").status_code == 404
    assert Job.objects.filter(kind=OUTCOMES_EXPORT_JOB).count() == 1


def test_an_employee_gets_a_404_for_the_export_and_its_file(
    hr: Any, company: Any, open_cycle: Cycle
) -> None:
    exported_csv(signed_in(hr), open_cycle)
    job = Job.objects.get(kind=OUTCOMES_EXPORT_JOB)
    clerk = signed_in(company.clerks[0].user)
    assert clerk.get(f"/hr/cycles/{open_cycle.pk}/export/").status_code == 404
    assert clerk.get(job.result_url).status_code == 404
    downloads = AuditEvent.objects.filter(action="job.output_downloaded")
    assert list(downloads.values_list("actor", flat=True)) == [hr.pk]  # HR's own only


def test_two_people_asking_for_the_same_export_get_the_same_job(
    hr: Any,
    open_cycle: Cycle,
    queued: Any,  # noqa: F811
) -> None:
    signed_in(hr).post(f"/hr/cycles/{open_cycle.pk}/export/")
    signed_in(HrFactory(username="hr2")).post(f"/hr/cycles/{open_cycle.pk}/export/")
    assert Job.objects.filter(kind=OUTCOMES_EXPORT_JOB).count() == 1
    job = Job.objects.get(kind=OUTCOMES_EXPORT_JOB)
    assert job.state == JobState.QUEUED
    page = signed_in(hr).get(f"/hr/cycles/{open_cycle.pk}/export/")
    assert 'hx-trigger="every 1s"' in page.content.decode()  # the progress, polled
    assert job.result_url == ""
    drain()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result_url
    partial = signed_in(hr).get(f"/hr/jobs/{job.pk}/?poll=1")
    assert partial["HX-Refresh"] == "true"


def test_the_results_workbook_is_a_job_too(hr: Any, open_cycle: Cycle) -> None:
    client = signed_in(hr)
    assert client.post(f"/spreadsheets/cycles/{open_cycle.pk}/results/").status_code == 302
    job = Job.objects.get(kind=RESULTS_EXPORT_JOB)
    assert job.state == JobState.DONE, job.errors
    page = client.get(f"/spreadsheets/cycles/{open_cycle.pk}/results/")
    assert job.result_url in page.content.decode()
    download = client.get(job.result_url)
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames
    # another cycle's address, or another kind of job, is not this file
    other = Job.objects.create(
        kind=OUTCOMES_EXPORT_JOB, target_type="appraisals.cycle", target_id=str(open_cycle.pk)
    )
    wrong = f"/spreadsheets/cycles/{open_cycle.pk}/results/{other.pk}/results.xlsx"
    assert client.get(wrong).status_code == 404


def test_a_failed_export_has_no_file(hr: Any, open_cycle: Cycle, monkeypatch: Any) -> None:
    from jixiao.hr import tasks

    def broken(cycle: Cycle) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "outcomes_csv", broken)
    client = signed_in(hr)
    client.post(f"/hr/cycles/{open_cycle.pk}/export/")
    job = Job.objects.get(kind=OUTCOMES_EXPORT_JOB)
    assert job.state == JobState.FAILED and job.errors and not job.outcome
    url = f"/hr/cycles/{open_cycle.pk}/export/{job.pk}/outcomes.csv"
    assert client.get(url).status_code == 404


def test_old_export_files_are_deleted_with_the_old_uploads(hr: Any, open_cycle: Cycle) -> None:
    client = signed_in(hr)
    exported_csv(client, open_cycle)
    job = Job.objects.get(kind=OUTCOMES_EXPORT_JOB)
    path = job.outcome["file"]
    when = (timezone.now() - timedelta(days=settings.JIXIAO_IMPORT_KEEP_DAYS + 1)).timestamp()
    os.utime(Path(settings.MEDIA_ROOT) / path, (when, when))
    assert path in imports_cleanup()
    assert not default_storage.exists(path)
    assert client.get(job.result_url).status_code == 404  # gone: export again
