"""An upload over the limits is refused at once, with the limit named (issue 11): a
workbook of facts on the import page (no job is queued), a request to the API larger
than DATA_UPLOAD_MAX_MEMORY_SIZE (413), a bulk of facts with more rows than one
request takes (422). Nothing is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import override_settings

from jixiao.api.services import facts as api_facts
from jixiao.appraisals.models import Cycle, Fact
from jixiao.jobs.models import Job
from tests.apps.api.conftest import assert_error, personal
from tests.apps.test_jobs import signed_in

pytestmark = pytest.mark.django_db


@override_settings(JIXIAO_IMPORT_MAX_BYTES=1000)
def test_a_workbook_over_the_limit_is_refused_on_the_page_before_any_job(
    hr: Any, open_cycle: Cycle
) -> None:
    upload = io.BytesIO(b"PK" + b"x" * 1000)
    upload.name = "facts.xlsx"
    page = signed_in(hr).post(f"/spreadsheets/cycles/{open_cycle.pk}/facts/", {"file": upload})
    text = page.content.decode()
    assert page.status_code == 400  # the page's answer to a refused file
    assert "files up to 0.0 MB can be imported" in text  # the limit named
    assert not Job.objects.exists() and not Fact.objects.exists()


def test_a_request_over_the_size_limit_is_refused_with_413_naming_it(
    hr: Any, open_cycle: Cycle
) -> None:
    api = personal(hr)
    rows = [{"idempotency_key": f"k{n}", "kind": "value", "value": n} for n in range(100)]
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        error = assert_error(api.post("/facts/bulk", {"rows": rows}), 413, "too_large")
    assert "1000" in error["message"]  # 1000 bytes
    assert not Job.objects.exists() and not Fact.objects.exists()


def test_more_rows_than_a_request_takes_are_refused_naming_the_limit(
    hr: Any, open_cycle: Cycle, monkeypatch: Any
) -> None:
    monkeypatch.setattr(api_facts, "MAX_ROWS", 3)
    rows = [
        {"idempotency_key": f"k{n}", "kind": "value", "value": n, "cycle": open_cycle.code}
        for n in range(4)
    ]
    error = assert_error(personal(hr).post("/facts/bulk", {"rows": rows}), 422, "refused")
    assert "at most 3 rows per request" in error["message"]
    assert not Job.objects.exists() and not Fact.objects.exists()
