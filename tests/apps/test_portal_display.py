"""How the result page shows things. Two display faults the browser journey
(tests/e2e/test_cycle_journey.py) found:
the target field of the targets form was labelled 对象 ("object") in Chinese, and
the result page padded a total such as 86.2 to 86.2000."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle, Result
from jixiao.hr.services import cycle_publish_calibrated, result_calibrate
from jixiao.portal.views.results import shown_total
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, to_calibration

pytestmark = pytest.mark.django_db
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def test_the_target_field_is_labelled_target_value_in_chinese(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    page = client_for(company.manager.user).get(f"/appraisals/{appraisal.pk}/targets/", **CHINESE)
    content = page.content.decode()
    # one form for every item: the columns are headed 目标值 and 挑战值
    assert "<th>目标值</th>" in content and "<th>挑战值</th>" in content
    assert re.search(r'<input[^>]*name="t0-target"', content)
    assert re.search(r'<input[^>]*name="t0-challenge"', content)
    assert "对象" not in content


def test_the_result_page_shows_the_total_without_padding(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    to_calibration(open_cycle, hr, company)
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    result_calibrate(result=appraisal.result, actor=hr, total=86.2, reason="委员会议定")
    cycle_publish_calibrated(cycle=open_cycle, actor=hr)
    assert Result.objects.get(appraisal=appraisal).total == 86.2
    page = client_for(company.clerks[0].user).get(f"/appraisals/{appraisal.pk}/result/")
    content = page.content.decode()
    assert '<dd class="total">86.2 <small>' in content
    assert "86.2000" not in content


def test_totals_are_shown_as_the_engine_rounds_them() -> None:
    assert [shown_total(t) for t in (86.2, 90.0, 71.23456, 0.0, None)] == [
        "86.2",
        "90",
        "71.2346",
        "0",
        "—",
    ]


def test_outcomes_read_in_words_and_money_in_yuan() -> None:
    from django.utils import translation

    from jixiao.portal.views.results import outcome_rows

    with translation.override("zh-hans"):
        rows = dict(
            outcome_rows(
                {
                    "pay": 4708.5202,
                    "fee_deduction": 0.05,
                    "reference_period": False,
                    "failed_items": 3,
                    "triggers": [],
                    "salary_step": None,
                }
            )
        )
    assert rows == {
        "绩效工资": "¥4,708.52",  # money with its unit (issue 13)
        "服务费扣减比例": "5%",
        "适应期": "否",
        "未达标KPI数": "3",
        "触发的合同条款": "无",
        "薪级调整": "—",
    }
