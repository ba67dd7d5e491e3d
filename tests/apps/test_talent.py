"""Talent review (人才盘点, issue 16): the 9-box of performance (the cycle's totals
after calibration, by HR's thresholds) × potential (rated by the manager or the
committee), counts per box, moves with a reason, the comparison with the last
review, the Excel export and who may see it."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from jixiao.appraisals.models import Cycle, Result
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.talent.models import Placement, TalentReview
from jixiao.talent.selectors import box_counts, compare
from jixiao.talent.services import placement_move, potential_set, review_start
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, to_calibration

pytestmark = pytest.mark.django_db


@pytest.fixture
def calibrating(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    to_calibration(open_cycle, hr, company)
    return open_cycle


def totals(cycle: Cycle, company: SimpleNamespace) -> dict[str, float]:
    return {
        person.name: Result.objects.get(appraisal=appraisal_of(cycle, person)).total or 0.0
        for person in (company.manager, *company.clerks)
    }


def test_performance_follows_the_thresholds_and_calibration(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    assert totals(calibrating, company) == {"张敏": 95.0, "李强": 80.0, "王芳": 80.0}
    # calibration lifts 王芳 to 96: the total in force counts
    Result.objects.filter(appraisal=appraisal_of(calibrating, company.clerks[1])).update(
        calibrated={"total": 96, "grade": "优秀"}
    )
    review = review_start(cycle=calibrating, actor=hr, low_below=80, high_from=95)
    levels = {
        p.appraisal.employee.name: p.performance
        for p in Placement.objects.filter(review=review).select_related("appraisal__employee")
    }
    assert levels == {"张敏": 3, "李强": 2, "王芳": 3}  # 80 is middle (not below 80); 95 is high
    other = review_start(cycle=_second(hr), actor=hr, low_below=80.01, high_from=99)
    assert other.performance_of(80) == 1 and other.performance_of(98.99) == 2


def _second(hr: Any) -> Cycle:
    from jixiao.appraisals import services

    return services.cycle_create(
        actor=hr, code="2026-11", name="2026年11月考核", period_kind="month", period="2026-11"
    )


def test_counts_per_box_once_potential_is_rated(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    review = review_start(cycle=calibrating, actor=hr, low_below=0, high_from=1000)
    assert box_counts(review) == {}  # no potential yet: nobody placed
    placements = {
        p.appraisal.employee_id: p
        for p in Placement.objects.filter(review=review).select_related("appraisal")
    }
    # the manager rates the two clerks (direct reports); HR rates the manager
    potential_set(placement=placements[company.clerks[0].pk], actor=company.manager.user, level=3)
    potential_set(placement=placements[company.clerks[1].pk], actor=company.manager.user, level=3)
    potential_set(placement=placements[company.manager.pk], actor=hr, level=1)
    assert box_counts(review) == {(2, 3): 2, (2, 1): 1}
    with pytest.raises(NotAllowed):  # a clerk rates nobody
        potential_set(
            placement=placements[company.clerks[1].pk], actor=company.clerks[0].user, level=1
        )
    with pytest.raises(ServiceError):
        potential_set(placement=placements[company.clerks[1].pk], actor=hr, level=7)


def test_a_move_needs_a_reason_and_is_audited(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    review = review_start(cycle=calibrating, actor=hr, low_below=0, high_from=1000)
    placement = Placement.objects.filter(review=review).first()
    assert placement is not None
    with pytest.raises(ServiceError):
        placement_move(placement=placement, actor=hr, performance=3, potential=3, reason=" ")
    with pytest.raises(NotAllowed):
        placement_move(
            placement=placement, actor=company.manager.user, performance=3, potential=3, reason="x"
        )
    placement_move(
        placement=placement, actor=hr, performance=3, potential=2, reason="年度攻坚项目表现突出"
    )
    placement.refresh_from_db()
    assert (placement.box, placement.moved) == ((3, 2), True)
    event = AuditEvent.objects.get(action="talent.moved")
    assert event.reason == "年度攻坚项目表现突出"
    assert event.before == {"performance": 2, "potential": None}


def test_thresholds_must_be_in_order_and_one_review_per_cycle(hr: Any, calibrating: Cycle) -> None:
    with pytest.raises(ServiceError):
        review_start(cycle=calibrating, actor=hr, low_below=90, high_from=70)
    review_start(cycle=calibrating, actor=hr, low_below=70, high_from=90)
    with pytest.raises(ServiceError):
        review_start(cycle=calibrating, actor=hr, low_below=70, high_from=90)
    assert TalentReview.objects.count() == 1


def test_the_comparison_with_the_last_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    earlier = review_start(cycle=calibrating, actor=hr, low_below=0, high_from=1000)
    for placement in Placement.objects.filter(review=earlier):
        potential_set(placement=placement, actor=hr, level=2)
    later_cycle = _second(hr)
    later = TalentReview.objects.create(
        cycle=later_cycle, low_below=0, high_from=1000, created_by=hr
    )
    for n, placement in enumerate(Placement.objects.filter(review=earlier).order_by("pk")):
        Placement.objects.create(
            review=later,
            appraisal=placement.appraisal,
            performance=2,
            potential=(3, 1, 2)[n],
        )
    comparison = compare(later)
    assert comparison is not None and comparison.previous == earlier
    assert comparison.before == {(2, 2): 3}
    assert (comparison.moved_up, comparison.moved_down, comparison.stayed) == (1, 1, 1)


def test_the_page_and_the_export(hr: Any, company: SimpleNamespace, calibrating: Cycle) -> None:
    client = client_for(hr)
    start = client.get(f"/talent/cycles/{calibrating.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "人才盘点" in start.content.decode()
    client.post(f"/talent/cycles/{calibrating.pk}/", {"low_below": "60", "high_from": "95"})
    review = TalentReview.objects.get(cycle=calibrating)
    placement = Placement.objects.filter(review=review).first()
    assert placement is not None
    client.post(f"/talent/cycles/{calibrating.pk}/placements/{placement.pk}/", {"potential": "3"})
    page = client.get(f"/talent/cycles/{calibrating.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200 and "潜力" in text and 'data-box="2-3"' in text
    export = client.get(
        f"/spreadsheets/talent/{calibrating.pk}.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[0][0] == "工号"
    # a clerk (not HR, not on the committee) sees nothing
    clerk = client_for(company.clerks[0].user)
    assert clerk.get(f"/talent/cycles/{calibrating.pk}/").status_code == 404
    assert clerk.get(f"/spreadsheets/talent/{calibrating.pk}.xlsx").status_code == 404
