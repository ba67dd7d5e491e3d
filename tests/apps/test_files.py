"""Uploaded files (issue 10, finding 4): nothing under MEDIA_ROOT is served by URL,
DEBUG or not; evidence goes out only through the access-checked downloads, as an
attachment with `nosniff`, and the same 404 as a missing object for anyone else;
a refused or rolled-back appeal leaves no file behind; the forms show a refusal by
the field, in the reader's language."""

from __future__ import annotations

import datetime
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Appraisal, Cycle, Event
from jixiao.core.errors import ServiceError
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, publish
from tests.apps.test_uploads import HTML_PAGE, SVG_WITH_SCRIPT, pdf_bytes, png_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
HX = {"HTTP_HX_REQUEST": "true"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
XLSX = xlsx_bytes()  # once: a workbook carries the minute it was written


def stored_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Iterator[Any]:
    """Run what waits for the commit (the test's own transaction never commits)."""
    return django_capture_on_commit_callbacks  # type: ignore[no-any-return]


@pytest.fixture
def published(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Appraisal:
    appraisal = publish(open_cycle, hr, company)
    Cycle.objects.filter(pk=appraisal.cycle_id).update(appeal_deadline=None)
    return appraisal


def record_event(appraisal: Appraisal, actor: Any, on_commit: Any, name: str, body: bytes) -> Event:
    with on_commit(execute=True):
        return services.event_record(
            appraisal=appraisal,
            actor=actor,
            item="部门管理",
            name="violation",
            occurred_on=datetime.date(2026, 10, 9),
            description="未按流程审批付款",
            evidence=SimpleUploadedFile(name, body),
        )


def file_appeal(appraisal: Appraisal, actor: Any, on_commit: Any, name: str, body: bytes) -> Appeal:
    with on_commit(execute=True):
        return services.appeal_file(
            appraisal=appraisal,
            actor=actor,
            item="部门管理",
            reason="违纪记录有误",
            evidence=SimpleUploadedFile(name, body),
        )


def assert_attachment(response: Any, body: bytes, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content) == body


# -- nothing is served from MEDIA_ROOT by URL ------------------------------------------
@pytest.fixture
def urls_under_debug() -> Iterator[None]:
    """config.urls as it is built with DEBUG on (as `make demo` runs)."""
    import config.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(config.urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(config.urls)  # as the other tests know it
        clear_url_caches()


def test_no_stored_file_has_a_url_even_with_debug_on(urls_under_debug: None, hr: Any) -> None:
    name = default_storage.save("appeals/2026/10/x.svg", ContentFile(SVG_WITH_SCRIPT))
    pdf = default_storage.save("evidence/2026/10/考勤.pdf", ContentFile(pdf_bytes()))
    for path in (name, pdf):
        url = f"/{settings.MEDIA_URL.strip('/')}/{path}"
        with pytest.raises(Resolver404):
            resolve(url)
        assert client_for(hr).get(url).status_code == 404
        assert settings.DEBUG  # the mount was the DEBUG one


# -- event evidence ---------------------------------------------------------------------
@pytest.fixture
def event(company: SimpleNamespace, open_cycle: Cycle, on_commit: Any) -> Event:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    return record_event(appraisal, company.manager.user, on_commit, "付款审批单.pdf", pdf_bytes())


@pytest.mark.parametrize("who", ["appraisee", "manager", "skip_level", "hr", "auditor"])
def test_event_evidence_downloads_as_an_attachment(
    who: str, event: Event, company: SimpleNamespace, hr: Any, auditor: Any
) -> None:
    user = {
        "appraisee": company.clerks[0].user,
        "manager": company.manager.user,
        "skip_level": company.boss.user,
        "hr": hr,
        "auditor": auditor,
    }[who]
    response = client_for(user).get(reverse("portal:event_evidence", args=[event.pk]))
    assert_attachment(response, pdf_bytes(), "application/pdf")
    # the file's name (a Chinese one as RFC 5987 says), so the browser saves it under it
    assert (
        response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('付款审批单.pdf')}"
    )


def test_event_evidence_is_a_404_for_anyone_else(
    event: Event, company: SimpleNamespace, hr: Any
) -> None:
    colleague = client_for(company.clerks[1].user)
    allowed = reverse("portal:event_evidence", args=[event.pk])
    missing = reverse("portal:event_evidence", args=[event.pk + 1000])
    refused = colleague.get(allowed)
    assert refused.status_code == 404
    assert refused.content == colleague.get(missing).content  # the same 404
    worker = client_for(company.worker.user)  # another department
    assert worker.get(allowed).status_code == 404
    anonymous = client_for(hr)
    anonymous.logout()
    assert anonymous.get(allowed).status_code == 302  # to the login page


def test_a_file_stored_before_the_check_is_never_rendered(
    event: Event, company: SimpleNamespace
) -> None:
    """An SVG kept from before the types were checked goes out as bytes to save."""
    name = default_storage.save("evidence/2026/10/old.svg", ContentFile(SVG_WITH_SCRIPT))
    Event.objects.filter(pk=event.pk).update(evidence=name)
    response = client_for(company.clerks[0].user).get(
        reverse("portal:event_evidence", args=[event.pk])
    )
    assert_attachment(response, SVG_WITH_SCRIPT, "application/octet-stream")
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_pages_link_to_the_downloads_not_to_media(
    event: Event, company: SimpleNamespace, hr: Any
) -> None:
    download = reverse("portal:event_evidence", args=[event.pk])
    page = client_for(company.clerks[0].user).get(
        reverse("portal:appraisal_events", args=[event.appraisal_id])
    )
    assert download in page.content.decode() and "/media/" not in page.content.decode()
    admin = client_for(hr)
    for url in (
        reverse("admin:appraisals_event_change", args=[event.pk]),
        reverse("admin:appraisals_appraisal_change", args=[event.appraisal_id]),
    ):
        content = admin.get(url).content.decode()
        assert download in content, url
        assert "/media/" not in content and event.evidence.name not in content, url


# -- appeal evidence --------------------------------------------------------------------
@pytest.fixture
def appeal(published: Appraisal, company: SimpleNamespace, on_commit: Any) -> Appeal:
    return file_appeal(published, company.clerks[0].user, on_commit, "考勤.xlsx", XLSX)


def test_appeal_evidence_downloads_for_the_appellant_hr_and_the_committee(
    appeal: Appeal, company: SimpleNamespace, hr: Any, auditor: Any
) -> None:
    from tests.apps.factories import UserFactory

    committee = UserFactory(username="committee")
    services.cycle_set_committee(cycle=appeal.appraisal.cycle, actor=hr, members=[committee])
    url = reverse("portal:appeal_evidence", args=[appeal.pk])
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for user in (company.clerks[0].user, hr, auditor, committee):
        assert_attachment(client_for(user).get(url), XLSX, xlsx)
    # not the managers (their ratings may be what is appealed), not a colleague
    for user in (company.manager.user, company.clerks[1].user):
        client = client_for(user)
        refused = client.get(url)
        missing = client.get(reverse("portal:appeal_evidence", args=[appeal.pk + 1000]))
        assert refused.status_code == 404 and refused.content == missing.content


def test_the_appeal_page_and_the_admin_link_to_the_download(
    appeal: Appeal, company: SimpleNamespace, hr: Any
) -> None:
    download = reverse("portal:appeal_evidence", args=[appeal.pk])
    page = client_for(company.clerks[0].user).get(reverse("portal:appeal_detail", args=[appeal.pk]))
    assert download in page.content.decode()
    content = client_for(hr).get(reverse("admin:appraisals_appeal_change", args=[appeal.pk]))
    text = content.content.decode()
    assert download in text and "/media/" not in text


# -- what is accepted, and nothing left behind ------------------------------------------
@pytest.mark.parametrize(
    ("name", "body"),
    [("证明.pdf", pdf_bytes()), ("截图.png", png_bytes()), ("明细.xlsx", XLSX)],
)
def test_an_accepted_appeal_file_is_written_when_the_appeal_commits(
    name: str, body: bytes, published: Appraisal, company: SimpleNamespace, on_commit: Any
) -> None:
    before = stored_files()
    with on_commit(execute=False) as waiting:
        appeal = services.appeal_file(
            appraisal=published,
            actor=company.clerks[0].user,
            reason="违纪记录有误",
            evidence=SimpleUploadedFile(name, body),
        )
        assert appeal.evidence.name.endswith(name)  # the row carries its name at once
        assert stored_files() == before  # the file waits for the commit
    # the file's own write (a notice's delivery waits for the commit too)
    (write,) = [call for call in waiting if call.__qualname__.startswith("upload_store")]
    write()
    assert len(stored_files()) == len(before) + 1
    with Appeal.objects.get(pk=appeal.pk).evidence.open("rb") as stored:
        assert stored.read() == body


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("evidence.svg", SVG_WITH_SCRIPT, ".svg"),
        ("x.pdf", HTML_PAGE, "markup"),
        ("big.pdf", (b"%PDF-1.4\n" + b"0" * (21 * MB))[: 21 * MB], "20 MB"),
    ],
)
def test_a_refused_appeal_file_is_not_stored(
    name: str,
    body: bytes,
    says: str,
    published: Appraisal,
    company: SimpleNamespace,
    on_commit: Any,
) -> None:
    before = stored_files()
    with pytest.raises(ServiceError) as refused, on_commit(execute=True):
        services.appeal_file(
            appraisal=published,
            actor=company.clerks[0].user,
            reason="违纪记录有误",
            evidence=SimpleUploadedFile(name, body),
        )
    assert name in refused.value.message and says in refused.value.message
    assert not Appeal.objects.exists()
    assert stored_files() == before


def test_a_refused_or_rolled_back_appeal_leaves_no_file(
    published: Appraisal, company: SimpleNamespace, on_commit: Any
) -> None:
    """The second appeal of the same item is refused by the database after the file
    was taken; a rolled-back transaction takes the file with it."""
    file_appeal(published, company.clerks[0].user, on_commit, "first.pdf", pdf_bytes())
    before = stored_files()
    with pytest.raises(ServiceError), on_commit(execute=True):
        file_appeal(published, company.clerks[0].user, on_commit, "second.pdf", pdf_bytes())
    assert stored_files() == before

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), on_commit(execute=True), transaction.atomic():
        services.appeal_file(
            appraisal=published,
            actor=company.clerks[0].user,
            item="内部控制管理",
            reason="评分有误",
            evidence=SimpleUploadedFile("third.pdf", pdf_bytes()),
        )
        raise Abandoned
    assert stored_files() == before
    assert Appeal.objects.count() == 1


# -- the forms: the refusal by the field, in the reader's language ----------------------
def test_the_appeal_form_shows_the_refusal_by_the_field_in_chinese(
    published: Appraisal, company: SimpleNamespace
) -> None:
    client = client_for(company.clerks[0].user)
    before = stored_files()
    response = client.post(
        reverse("portal:appeal_file", args=[published.pk]),
        {
            "item": "部门管理",
            "reason": "违纪记录有误",
            "evidence": SimpleUploadedFile("证据.svg", SVG_WITH_SCRIPT),
        },
        **CHINESE,
    )
    assert response.status_code == 200
    content = response.content.decode()
    form = content[content.index('action="' + reverse("portal:appeal_file", args=[published.pk])) :]
    field = form[: form.index('name="evidence"')]
    assert "文件「证据.svg」无法上传" in field[field.rindex("errorlist") :]
    assert not Appeal.objects.exists() and stored_files() == before


def test_the_event_form_shows_the_refusal_by_the_field(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    before = stored_files()
    response = client_for(company.manager.user).post(
        reverse("portal:appraisal_events", args=[appraisal.pk]),
        {
            "item": "部门管理",
            "name": "violation",
            "occurred_on": "2026-10-09",
            "description": "未按流程审批付款",
            "count": "1",
            "evidence": SimpleUploadedFile("审批单.pdf", HTML_PAGE),
        },
        **HX,
        **CHINESE,
    )
    assert response.status_code == 200
    content = response.content.decode()
    field = content[: content.index('name="evidence"')]
    assert "文件「审批单.pdf」无法上传：其中含有网页标记" in field[field.rindex("errorlist") :]
    assert 'value="未按流程审批付款"' in content or "未按流程审批付款</textarea>" in content
    assert not Event.objects.exists() and stored_files() == before


@pytest.mark.django_db(transaction=True)  # the file is written when the appeal commits
def test_an_appeal_filed_through_the_form_keeps_its_file_and_name(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = publish(open_cycle, hr, company)
    Cycle.objects.filter(pk=appraisal.cycle_id).update(appeal_deadline=None)
    client = client_for(company.clerks[0].user)
    response = client.post(
        reverse("portal:appeal_file", args=[appraisal.pk]),
        {
            "item": "部门管理",
            "reason": "违纪记录有误",
            "evidence": SimpleUploadedFile("考勤 记录.png", png_bytes()),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    download = client.get(reverse("portal:appeal_evidence", args=[appeal.pk]))
    assert_attachment(download, png_bytes(), "image/png")
    # the name it was sent with (a space becomes "_" on disk), in a folder of its own
    assert (
        download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('考勤_记录.png')}"
    )
    folder = Path(appeal.evidence.name).parent.name
    assert re.fullmatch(r"[0-9a-f]{12}", folder)
