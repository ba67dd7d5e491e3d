"""Uploaded workbooks are not kept for ever: `imports_cleanup` (a daily job, and
`manage.py clean_imports`) deletes those stored more than JIXIAO_IMPORT_KEEP_DAYS
ago, but never one a queued job still has to read."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from jixiao.jobs.models import Job, JobState
from jixiao.spreadsheets.services import FACTS_IMPORT_JOB, imports_cleanup

pytestmark = pytest.mark.django_db


def stored(name: str, days_old: int) -> str:
    path = default_storage.save(name, ContentFile(b"PK workbook"))
    when = (timezone.now() - timedelta(days=days_old)).timestamp()
    os.utime(Path(settings.MEDIA_ROOT) / path, (when, when))
    return path


@pytest.fixture(autouse=True)
def empty_imports() -> Any:
    for folder in ("imports/problems", "imports"):
        if default_storage.exists(folder):
            for name in default_storage.listdir(folder)[1]:
                default_storage.delete(f"{folder}/{name}")
    yield


def test_old_uploads_and_marked_copies_go_and_recent_ones_stay() -> None:
    old = stored("imports/old.xlsx", days_old=31)
    marked = stored("imports/problems/job-1.xlsx", days_old=40)
    recent = stored("imports/recent.xlsx", days_old=2)

    deleted = imports_cleanup(keep_days=30)

    assert sorted(deleted) == sorted([old, marked])
    assert not default_storage.exists(old) and not default_storage.exists(marked)
    assert default_storage.exists(recent)


def test_a_file_a_waiting_job_still_reads_is_kept_however_old() -> None:
    waiting = stored("imports/waiting.xlsx", days_old=90)
    done = stored("imports/done.xlsx", days_old=90)
    Job.objects.create(
        kind=FACTS_IMPORT_JOB, state=JobState.QUEUED, arguments={"file": waiting, "cycle": 1}
    )
    Job.objects.create(
        kind=FACTS_IMPORT_JOB, state=JobState.DONE, arguments={"file": done, "cycle": 1}
    )

    assert imports_cleanup(keep_days=30) == [done]
    assert default_storage.exists(waiting)


def test_the_command_uses_the_setting_unless_told(settings: Any) -> None:
    settings.JIXIAO_IMPORT_KEEP_DAYS = 10
    eleven = stored("imports/eleven.xlsx", days_old=11)
    five = stored("imports/five.xlsx", days_old=5)
    out = StringIO()

    call_command("clean_imports", stdout=out)
    assert not default_storage.exists(eleven) and default_storage.exists(five)
    assert out.getvalue().startswith("1 ")

    call_command("clean_imports", "--days", "1", stdout=out)
    assert not default_storage.exists(five)
