"""The Excel pages through the test client: each page, each download, each refusal
(the same 404 for not allowed and not existing)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.appraisals.models import Fact
from jixiao.indicators.models import IndicatorVersion
from jixiao.organization.models import Unit
from jixiao.schemes.models import Scheme
from jixiao.spreadsheets.services import export_scheme_form
from tests.apps.conftest import appraisal_of
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.spreadsheets.helpers import load, long_file, workbook_bytes
from tests.apps.spreadsheets.test_dictionary import HEADER, row

pytestmark = pytest.mark.django_db

GOOD = [("1001", "预算执行偏差率", "input", "actual", 990000)]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, name: str = "f.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def owner(company: SimpleNamespace) -> Any:
    """An accountant who enters 财务部's figures."""
    return EmployeeFactory(
        number="1009", unit=company.finance, is_data_owner=True, user=UserFactory(username="acc")
    ).user


def test_the_index_lists_what_each_role_may_do(
    hr: Any, owner: Any, open_cycle: Any, scheme: Any
) -> None:
    page = signed_in(hr).get("/spreadsheets/").content.decode()
    for url in (
        f"/spreadsheets/cycles/{open_cycle.pk}/facts/",
        f"/spreadsheets/cycles/{open_cycle.pk}/template.xlsx",
        f"/spreadsheets/cycles/{open_cycle.pk}/results/",
        f"/spreadsheets/cycles/{open_cycle.pk}/forms/",
        "/spreadsheets/dictionary/",
        "/spreadsheets/dictionary.xlsx",
        "/spreadsheets/roster/",
        "/spreadsheets/roster.xlsx",
        "/spreadsheets/schemes/import/",
        "/spreadsheets/schemes/T-FIN.xlsx",
    ):
        assert url in page
    mine = signed_in(owner).get("/spreadsheets/").content.decode()
    assert f"/spreadsheets/cycles/{open_cycle.pk}/facts/" in mine
    assert "/spreadsheets/roster/" not in mine and "/results/" not in mine


def test_facts_import_shows_what_it_did_and_then_that_it_was_imported(
    hr: Any, open_cycle: Any
) -> None:
    client = signed_in(hr)
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    assert client.get(url).status_code == 200

    data = long_file(GOOD)  # the same bytes twice: a workbook saved later differs
    first = client.post(url, {"file": upload(data)}).content.decode()
    assert "1 added" in first
    again = client.post(url, {"file": upload(data)}).content.decode()
    assert "Nothing changed" in again and "This file was imported on" in again
    assert Fact.objects.count() == 1


def test_a_refused_import_lists_the_problems_and_offers_the_marked_workbook(
    hr: Any, open_cycle: Any
) -> None:
    client = signed_in(hr)
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    response = client.post(
        url, {"file": upload(long_file([("9999", "预算执行偏差率", "input", "actual", 1)]))}
    )

    page = response.content.decode()
    assert "Nothing was imported" in page and "unknown appraisee 9999" in page
    token = response.context["token"]
    download = client.get(f"/spreadsheets/problems/{token}.xlsx")
    assert download.status_code == 200
    marked = load(b"".join(download.streaming_content))
    assert marked["facts"]["A2"].comment.text.startswith("unknown appraisee 9999")
    # the marked workbook is its uploader's only
    assert (
        signed_in(UserFactory(username="other", is_hr=True))
        .get(f"/spreadsheets/problems/{token}.xlsx")
        .status_code
        == 404
    )


def test_a_file_that_is_no_workbook_is_refused_with_a_message(hr: Any, open_cycle: Any) -> None:
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    page = signed_in(hr).post(url, {"file": upload(b"hello")}).content.decode()
    assert "the file is not an Excel workbook (.xlsx)" in page


def test_a_data_owner_imports_the_facts_of_their_items(
    owner: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    client = signed_in(owner)
    template = client.get(f"/spreadsheets/cycles/{open_cycle.pk}/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd")
    url = f"/spreadsheets/cycles/{open_cycle.pk}/facts/"
    page = client.post(url, {"file": upload(long_file(GOOD))}).content.decode()
    assert "1 added" in page
    refused = client.post(
        url, {"file": upload(long_file([("1001", "内部控制管理", "rating", "supervisor", 4)]))}
    ).content.decode()
    assert "Nothing was imported" in refused


@pytest.mark.parametrize(
    "path",
    [
        "/spreadsheets/",
        "/spreadsheets/cycles/{cycle}/facts/",
        "/spreadsheets/cycles/{cycle}/template.xlsx",
        "/spreadsheets/cycles/{cycle}/results/",
        "/spreadsheets/cycles/{cycle}/forms/",
        "/spreadsheets/appraisals/{appraisal}/form.xlsx",
        "/spreadsheets/appraisals/{appraisal}/form.pdf",
        "/spreadsheets/dictionary/",
        "/spreadsheets/dictionary.xlsx",
        "/spreadsheets/roster/",
        "/spreadsheets/roster.xlsx",
        "/spreadsheets/schemes/import/",
        "/spreadsheets/schemes/T-FIN.xlsx",
    ],
)
def test_an_employee_gets_404_everywhere(
    path: str, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    url = path.format(cycle=open_cycle.pk, appraisal=appraisal.pk)
    assert signed_in(company.manager.user).get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/spreadsheets/cycles/{cycle}/results/",
        "/spreadsheets/cycles/{cycle}/forms/",
        "/spreadsheets/appraisals/{appraisal}/form.xlsx",
        "/spreadsheets/dictionary/",
        "/spreadsheets/dictionary.xlsx",
        "/spreadsheets/roster/",
        "/spreadsheets/roster.xlsx",
        "/spreadsheets/schemes/import/",
        "/spreadsheets/schemes/T-FIN.xlsx",
    ],
)
def test_a_data_owner_gets_404_beyond_facts(
    path: str, owner: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    assert (
        signed_in(owner).get(path.format(cycle=open_cycle.pk, appraisal=appraisal.pk)).status_code
        == 404
    )


def test_not_existing_is_the_same_404(hr: Any, owner: Any, open_cycle: Any) -> None:
    assert signed_in(hr).get("/spreadsheets/cycles/999/facts/").status_code == 404
    assert signed_in(hr).get("/spreadsheets/appraisals/999/form.xlsx").status_code == 404
    assert signed_in(hr).get("/spreadsheets/schemes/NOPE.xlsx").status_code == 404
    assert signed_in(hr).get("/spreadsheets/problems/nothing.xlsx").status_code == 404


def test_a_data_owner_does_not_see_a_draft_cycle(owner: Any, draft_cycle: Any) -> None:
    assert signed_in(owner).get(f"/spreadsheets/cycles/{draft_cycle.pk}/facts/").status_code == 404


def test_signed_out_people_are_sent_to_log_in(open_cycle: Any) -> None:
    response = Client().get(f"/spreadsheets/cycles/{open_cycle.pk}/facts/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_downloads_for_hr(hr: Any, open_cycle: Any, company: SimpleNamespace) -> None:
    client = signed_in(hr)
    appraisal = appraisal_of(open_cycle, company.manager)
    for url in (  # the results workbook is a job: test_jobs_exports.py
        f"/spreadsheets/cycles/{open_cycle.pk}/template.xlsx",
        f"/spreadsheets/appraisals/{appraisal.pk}/form.xlsx",
        "/spreadsheets/dictionary.xlsx",
        "/spreadsheets/roster.xlsx",
        "/spreadsheets/schemes/T-FIN.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert load(response.content).worksheets
    page = client.get(f"/spreadsheets/cycles/{open_cycle.pk}/forms/").content.decode()
    assert f"/spreadsheets/appraisals/{appraisal.pk}/form.xlsx" in page


def test_dictionary_and_roster_pages(hr: Any) -> None:
    client = signed_in(hr)
    data = workbook_bytes(("指标库", [HEADER, row("A-1", "回款率")]))
    page = client.post("/spreadsheets/dictionary/", {"file": upload(data)}).content.decode()
    assert "1 added" in page and IndicatorVersion.objects.count() == 1

    roster = workbook_bytes(("单位", [["单位编码", "单位名称", "类型"], ["HQ", "总部", "公司"]]))
    page = client.post("/spreadsheets/roster/", {"file": upload(roster)}).content.decode()
    assert "1 added" in page and Unit.objects.filter(code="HQ").exists()


def test_a_scheme_form_is_reviewed_then_saved(hr: Any, scheme: Any) -> None:
    client = signed_in(hr)
    form = export_scheme_form(version=scheme, actor=hr)
    review = client.post("/spreadsheets/schemes/import/", {"file": upload(form)})
    assert review.status_code == 200
    text = review.context["text"]
    assert "code: T-FIN" in text and review.context["problems"] == []

    renamed = text.replace("财务部考核表", "财务部考核表(新)")
    saved = client.post("/spreadsheets/schemes/save/", {"text": renamed})
    assert saved.status_code == 302
    assert Scheme.objects.get(code="T-FIN").current_version.number == 2

    broken = client.post("/spreadsheets/schemes/save/", {"text": "code: X\nname: y\n"})
    assert broken.status_code == 400 and broken.context["problems"]
    assert Scheme.objects.filter(code="X").count() == 0


def test_a_hand_typed_form_shows_its_notes(hr: Any) -> None:
    data = workbook_bytes(
        (
            "考核表",
            [
                ["销售部考核表"],
                ["考核因素", "权数", "考核指标", "权数", "考核方法", "数据来源", "得分标准"],
                ["工作态度", 100, "劳动纪律", 100, None, "人力资源部", "每迟到一次扣2分"],
            ],
        )
    )
    review = signed_in(hr).post("/spreadsheets/schemes/import/", {"file": upload(data)})
    assert review.status_code == 200
    assert any("FORM" in note for note in review.context["notes"])
    assert "What was not understood or was inferred" in review.content.decode()


def test_the_pdf_degrades_to_a_message_without_libreoffice(
    hr: Any, open_cycle: Any, company: SimpleNamespace, settings: Any
) -> None:
    settings.JIXIAO_LIBREOFFICE = ""
    appraisal = appraisal_of(open_cycle, company.manager)
    client = signed_in(hr)
    response = client.get(f"/spreadsheets/appraisals/{appraisal.pk}/form.pdf", follow=True)
    page = response.content.decode()
    assert "PDF needs LibreOffice on the server" in page
    assert f"/spreadsheets/appraisals/{appraisal.pk}/form.xlsx" in page


def test_the_pages_speak_chinese_by_default(hr: Any, open_cycle: Any) -> None:
    client = signed_in(hr)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/spreadsheets/cycles/{open_cycle.pk}/facts/").content.decode()
    assert "检查并导入" in page and "下载数据录入模板" in page
