"""The printable per-person form: the familiar layout with scores and traces,
totals, signature lines, set up for A4."""

from __future__ import annotations

import shutil
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Appraisal
from jixiao.core.errors import NotAllowed
from jixiao.spreadsheets.pdf import PdfUnavailable
from jixiao.spreadsheets.services import export_appraisal_form
from tests.apps.conftest import appraisal_of, record_full_facts
from tests.apps.spreadsheets.helpers import load

pytestmark = pytest.mark.django_db


def scored(open_cycle: Any, company: SimpleNamespace, hr: Any) -> Appraisal:
    record_full_facts(open_cycle, company.manager, hr, actual=990000, rating=4, violations=1)
    return Appraisal.objects.select_related("result", "cycle", "scheme_version").get(
        pk=appraisal_of(open_cycle, company.manager).pk
    )


def cells(sheet: Any) -> dict[str, Any]:
    return {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}


def test_the_form_shows_scores_traces_totals_and_signature_lines(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = scored(open_cycle, company, hr)

    sheet = load(export_appraisal_form(appraisal=appraisal, actor=hr))["考核表"]
    found = cells(sheet)

    assert found["A1"] == "财务部考核表 绩效考核表"
    assert found["B2"] == "张敏(1001)"
    header = "考核因素 权数 考核指标 权数 考核方法 数据来源 得分标准 得分 计算过程"
    assert [found[f"{c}3"] for c in "ABCDEFGHI"] == header.split()
    assert (found["A4"], found["C4"], found["F4"]) == ("财务指标", "预算执行偏差率", "财务部")
    assert found["G4"].startswith("预算执行偏差率 ≥ 98% 得 100 分；≥ 95% 得 80 分")
    assert found["H4"] == appraisal.result.data["items"][0]["score"]
    assert found["I4"] == appraisal.result.wording["zh"]["items"][0]  # the form is Chinese
    assert "符合" in found["I4"]
    labels = {value: key for key, value in found.items() if isinstance(value, str)}
    assert found["H" + labels["总分"][1:]] == appraisal.result.total
    assert found["H" + labels["等级"][1:]] == appraisal.result.grade
    for signature in ("被考核人签字:", "直接上级签字:", "人力资源部签字:"):
        assert signature in labels
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"


def test_only_hr_and_the_auditor_print_forms(
    hr: Any, auditor: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = scored(open_cycle, company, hr)
    assert export_appraisal_form(appraisal=appraisal, actor=auditor)
    with pytest.raises(NotAllowed):
        export_appraisal_form(appraisal=appraisal, actor=company.manager.user)


def test_without_libreoffice_the_pdf_is_refused_with_a_reason(
    hr: Any, open_cycle: Any, company: SimpleNamespace, settings: Any
) -> None:
    settings.JIXIAO_LIBREOFFICE = ""
    appraisal = scored(open_cycle, company, hr)
    with pytest.raises(PdfUnavailable, match="PDF needs LibreOffice"):
        export_appraisal_form(appraisal=appraisal, actor=hr, pdf=True)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_with_libreoffice_the_form_is_a_pdf(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = scored(open_cycle, company, hr)
    assert export_appraisal_form(appraisal=appraisal, actor=hr, pdf=True).startswith(b"%PDF")
