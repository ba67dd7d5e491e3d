"""Journeys through the portal (built beside the HR pages): an employee reads the
published result with every item's trace; a manager enters a rating."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Rating
from jixiao.appraisals.workflow import AppraisalState
from jixiao.hr.services import cycle_publish_calibrated
from tests.apps.conftest import appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_employee_sees_the_published_result_with_traces(
    page: Any, hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    clerk = company.clerks[0]
    appraisal = appraisal_of(cycle, clerk)
    log_in(page, clerk.user.username, then="/")
    page.goto(f"{page.base_url}/appraisals/{appraisal.pk}/result/")
    assert page.locator("td.trace code").count() == 0  # hidden until published
    cycle_publish_calibrated(cycle=cycle, actor=hr)
    page.goto(f"{page.base_url}/appraisals/{appraisal.pk}/result/")
    traces = page.locator("td.trace code").all_inner_texts()
    assert len(traces) == 3
    assert any("≥" in trace or "matched" in trace for trace in traces)
    appraisal.result.refresh_from_db()
    assert page.locator("dd.total").inner_text() == str(appraisal.result.data["total"])


def test_a_manager_enters_a_rating(
    page: Any, hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    clerk, manager = company.clerks[0], company.manager
    appraisal = appraisal_of(open_cycle, clerk)
    for state in (AppraisalState.COLLECTING, AppraisalState.SUPERVISOR_REVIEW):
        services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    log_in(page, manager.user.username, then="/")
    page.goto(f"{page.base_url}/appraisals/{appraisal.pk}/ratings/")
    form = page.locator("#ratings-form")
    form.get_by_label("李强 · 内部控制管理 · 评分").fill("4")
    form.get_by_role("button", name="保存草稿").click()
    page.wait_for_function(
        "[...document.querySelectorAll('#ratings td')].some(td => td.textContent.trim() === '4')"
    )
    rating = Rating.objects.get(appraisal=appraisal, item="内部控制管理")
    assert rating.value == 4 and rating.role in ("supervisor", "direct")
