"""Label outcomes (scheme-language §12, v1.1) in the application: the outcomes
export (CSV and the results workbook) shows them, following a calibration."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.outcome_labels import result_labels, result_outcomes
from jixiao.hr.services import result_calibrate
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from jixiao.spreadsheets.results import results_workbook
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.apps.test_hr_pages import signed_in
from tests.apps.test_jobs_exports import exported_csv

pytestmark = pytest.mark.django_db

LABELS = """\
outcomes:
  培训:
    table: [[">= 80", 晋升培训], [">= 70", 可申请培训], ["<= 60", 必须培训]]
  晋升:
    by: grade
    table: {优秀: 优先晋升, 差: 调岗}
"""


@pytest.fixture
def scheme(hr: Any) -> SchemeVersion:
    """The finance form of conftest.py with two label outcomes."""
    return scheme_save(actor=hr, text=SCHEME + LABELS)


@pytest.fixture
def calibrating(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    return to_calibration(hr, company, open_cycle)


def result_of(cycle: Cycle, employee: Any) -> Result:
    return Result.objects.get(appraisal=appraisal_of(cycle, employee))


def test_the_engine_gives_them_and_a_calibration_moves_them(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[1])
    computed = result_labels(result)
    assert computed == {"培训": result.outcomes["培训"], "晋升": result.outcomes["晋升"]}
    result_calibrate(result=result, actor=hr, total=95.0, grade="优秀", reason="季度攻坚")
    result.refresh_from_db()
    assert result_labels(result) == {"培训": "晋升培训", "晋升": "优先晋升"}
    result_calibrate(result=result, actor=hr, total=55.0, grade="差", reason="复核")
    result.refresh_from_db()
    assert result_outcomes(result)["培训"] == "必须培训"
    assert result_outcomes(result)["晋升"] == "调岗"
    assert result.outcomes["晋升"] == computed["晋升"]  # the engine's own answer is kept


def test_the_csv_export_has_a_column_per_label_outcome(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[0])
    result_calibrate(result=result, actor=hr, total=65.0, grade="合格", reason="复核")
    rows = exported_csv(signed_in(hr), calibrating)
    assert rows[0][-2:] == ["培训", "晋升"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["1002"][-2:] == ["", ""]  # 65 is in no row; 合格 is not in the table


def test_the_results_workbook_shows_the_calibrated_labels(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.manager)
    result_calibrate(result=result, actor=hr, total=58.0, grade="差", reason="重大差错")
    appraisals = list(
        Appraisal.objects.filter(cycle=calibrating).select_related("result").order_by("pk")
    )
    sheet = load_workbook(io.BytesIO(_saved(results_workbook(appraisals)))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "1001")
    shown = dict(zip(header, row, strict=True))
    assert shown["培训"] == "必须培训"  # the scheme's own words head the column
    assert shown["晋升"] == "调岗"


def _saved(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_result_page_says_each_clause_with_its_months_and_the_labels() -> None:
    from django.utils import translation

    from jixiao.portal.views.results import outcome_rows

    outcomes = {
        "fee_deduction": 0,
        "triggers": ["累计货损解约权"],
        "trigger_periods": {"累计货损解约权": ["2026-09", "2026-10"]},
        "培训": "晋升培训",
    }
    with translation.override("zh-hans"):
        rows = dict(outcome_rows(outcomes))
    assert rows == {
        "服务费扣减比例": "0%",
        "触发的合同条款": "累计货损解约权（2026-09、2026-10）",
        "培训": "晋升培训",
    }


def test_the_result_page_shows_the_calibrated_label(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    from jixiao.hr.services import cycle_publish_calibrated

    clerk = company.clerks[1]
    result = result_of(calibrating, clerk)
    assert (result.outcomes["培训"], result.outcomes["晋升"]) != ("必须培训", "调岗")
    result_calibrate(result=result, actor=hr, total=55.0, grade="差", reason="复核数据")
    cycle_publish_calibrated(cycle=calibrating, actor=hr)
    appraisal = appraisal_of(calibrating, clerk)
    page = signed_in(clerk.user).get(f"/appraisals/{appraisal.pk}/result/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "必须培训" in text and "调岗" in text


def test_the_hr_cycle_page_lists_each_clause_with_its_months(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    """A provider's listed clause, as the engine writes it into the result (its
    series is scored in tests/scoring/test_v11_outcomes.py), on HR's cycle page."""
    result = result_of(calibrating, company.clerks[0])
    Result.objects.filter(pk=result.pk).update(
        outcomes={
            **result.outcomes,
            "triggers": ["累计货损解约权"],
            "trigger_periods": {"累计货损解约权": ["2026-09", "2026-10"]},
        }
    )
    page = signed_in(hr).get(f"/hr/cycles/{calibrating.pk}/").content.decode()
    assert 'id="contract-clauses"' in page
    assert f'href="/appraisals/{result.appraisal_id}/result/">李强</a>' in page
    assert "累计货损解约权（2026-09、2026-10）" in page
    Result.objects.filter(pk=result.pk).update(outcomes=result.outcomes)
    assert (
        'id="contract-clauses"'
        not in signed_in(hr).get(f"/hr/cycles/{calibrating.pk}/").content.decode()
    )


def test_the_calibration_page_shows_labels_that_follow_a_calibrated_grade(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[1])
    assert result.outcomes["晋升"] != "调岗"
    result_calibrate(result=result, actor=hr, total=50.0, grade="差", reason="复核数据")
    page = signed_in(hr).get(f"/hr/cycles/{calibrating.pk}/calibration/").content.decode()
    row = page[page.index(f'id="result-{result.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<div class="muted label-outcome">晋升：调岗</div>' in row
    assert '<div class="muted label-outcome">培训：必须培训</div>' in row
