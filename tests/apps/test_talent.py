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
from jixiao.hr.services import result_calibrate
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
    # the committee lifts 王芳 to 96: the total in force counts
    result_calibrate(
        result=Result.objects.get(appraisal=appraisal_of(calibrating, company.clerks[1])),
        actor=hr,
        reason="年度攻坚项目",
        total=96,
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


TWO_DIMENSIONS = """\
code: T-MGR2
name: 中层两维考核表
period: month
sections:
  - name: 业绩
    weight: 80
    items:
      - {code: YJ-1, name: 工作业绩, weight: 80, full: 100, rule: {direct: {min: 0, max: 100}}}
  - name: 品质
    weight: 20
    items:
      - {code: PZ-1, name: 职业道德, weight: 10, full: 10, rule: {direct: {min: 0, max: 10}}}
      - {code: PZ-2, name: 团队协作, weight: 10, full: 10, rule: {direct: {min: 0, max: 10}}}
grades: [[">= 90", 优秀], [">= 80", 良好], [">= 60", 合格], [else, 差]]
"""


def _year(hr: Any, company: SimpleNamespace) -> SimpleNamespace:
    """The year 2026 of the three finance people under a two-dimension form (the
    seed's performance × 品质), results given by hand (total; 职业道德, 团队协作):

                 11月 (published)   12月 (published)   2026 annual     10月 (not published)
        张敏     95; 9, 8            85; 9, 8           65; 9, 9        100
        李强     80; 6, 5            60; 6, 5           92; 6, 5        100
        王芳     50; 7, 7            70; 7, 7           75; 7, 7        100
    """
    from django.utils import timezone

    from jixiao.appraisals import services
    from jixiao.appraisals.models import Appraisal
    from jixiao.appraisals.workflow import CycleState
    from jixiao.schemes.services import scheme_save

    version = scheme_save(actor=hr, text=TWO_DIMENSIONS)
    people = [company.manager, *company.clerks]
    given = {
        ("2026-11", "month"): [(95, 9, 8), (80, 6, 5), (50, 7, 7)],
        ("2026-12", "month"): [(85, 9, 8), (60, 6, 5), (70, 7, 7)],
        ("2026", "year"): [(65, 9, 9), (92, 6, 5), (75, 7, 7)],
        ("2026-10", "month"): [(100, 10, 10)] * 3,
    }
    cycles = {}
    for (period, kind), rows in given.items():
        cycle = services.cycle_create(
            actor=hr, code=f"Y-{period}", name=f"{period}考核", period_kind=kind, period=period
        )
        cycles[period] = cycle
        for person, (total, ethics, team) in zip(people, rows, strict=True):
            appraisal = Appraisal.objects.create(
                cycle=cycle, employee=person, scheme_version=version
            )
            items = [
                {"code": "YJ-1", "score": total, "full": 100},
                {"code": "PZ-1", "score": ethics, "full": 10},
                {"code": "PZ-2", "score": team, "full": 10},
            ]
            Result.objects.create(
                appraisal=appraisal, scheme_version=version, facts={}, facts_digest="",
                data={"total": total, "items": items}, total=total, computed_at=timezone.now(),
            )  # fmt: skip
        if period != "2026-10":
            Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    return SimpleNamespace(cycles=cycles, people=people)


def _boxes(review: TalentReview) -> dict[str, tuple[Any, ...]]:
    return {
        p.appraisal.employee.name: (
            p.performance, p.potential, p.performance_value, p.potential_value
        )
        for p in Placement.objects.filter(review=review).select_related("appraisal__employee")
    }  # fmt: skip


def test_performance_from_the_years_mean_and_potential_from_the_forms_quality_section(
    hr: Any, company: SimpleNamespace
) -> None:
    world = _year(hr, company)
    review = review_start(
        cycle=world.cycles["2026"], actor=hr, low_below=70, high_from=90,
        performance_source="year_mean", year=2026,
        potential_source="part", potential_part="品质",
        potential_low_below=60, potential_high_from=85,
    )  # fmt: skip
    # By hand, the published months only (10月 is not published; the annual cycle is
    # not a month): 张敏 (95 + 85) / 2 = 90 → high; 李强 (80 + 60) / 2 = 70 → middle;
    # 王芳 (50 + 70) / 2 = 60 → low. 品质 = (职业道德 + 团队协作) / 20: 张敏 17/20 =
    # 85% → high; 李强 11/20 = 55% → low; 王芳 14/20 = 70% → middle.
    assert _boxes(review) == {
        "张敏": (3, 3, 90, 85),
        "李强": (2, 1, 70, 55),
        "王芳": (1, 2, 60, 70),
    }
    assert box_counts(review) == {(3, 3): 1, (2, 1): 1, (1, 2): 1}
    # potential read from the form is not rated by hand; the committee moves, with a reason
    placement = Placement.objects.get(review=review, appraisal__employee=company.clerks[0])
    with pytest.raises(ServiceError):
        potential_set(placement=placement, actor=hr, level=3)
    placement_move(placement=placement, actor=hr, performance=2, potential=2, reason="新任副职")
    assert box_counts(review) == {(3, 3): 1, (2, 2): 1, (1, 2): 1}


def test_performance_from_the_annual_cycle_and_an_item_as_potential(
    hr: Any, company: SimpleNamespace
) -> None:
    world = _year(hr, company)
    review = review_start(
        cycle=world.cycles["2026-12"], actor=hr, low_below=70, high_from=90,
        performance_source="year_result", year=2026,
        potential_source="part", potential_part="团队协作",
        potential_low_below=60, potential_high_from=85,
    )  # fmt: skip
    # 张敏 65 → low, 9/10 = 90% → high; 李强 92 → high, 50% → low; 王芳 75 → middle, 70%
    assert _boxes(review) == {
        "张敏": (1, 3, 65, 90),
        "李强": (3, 1, 92, 50),
        "王芳": (2, 2, 75, 70),
    }
    # compared with the year's other review (the annual cycle's, below): the same people
    later = review_start(
        cycle=world.cycles["2026"], actor=hr, low_below=70, high_from=90,
        performance_source="cycle", potential_source="part", potential_part="PZ-1",
        potential_low_below=60, potential_high_from=85,
    )  # fmt: skip
    # the annual cycle itself: 65 / 92 / 75; 职业道德 9, 6, 7 → 90%, 60%, 70%
    assert _boxes(later) == {
        "张敏": (1, 3, 65, 90),
        "李强": (3, 2, 92, 60),
        "王芳": (2, 2, 75, 70),
    }
    comparison = compare(later)
    assert comparison is not None and comparison.previous == review
    assert comparison.before == {(1, 3): 1, (3, 1): 1, (2, 2): 1}
    assert (comparison.moved_up, comparison.moved_down, comparison.stayed) == (1, 0, 2)


def test_the_sources_say_what_is_missing(hr: Any, company: SimpleNamespace) -> None:
    world = _year(hr, company)
    cycle = world.cycles["2026-12"]
    with pytest.raises(ServiceError, match="2025"):
        review_start(
            cycle=cycle, actor=hr, low_below=70, high_from=90,
            performance_source="year_result", year=2025,
        )  # fmt: skip
    with pytest.raises(ServiceError, match="德能"):
        review_start(
            cycle=cycle, actor=hr, low_below=70, high_from=90,
            potential_source="part", potential_part="德能",
            potential_low_below=60, potential_high_from=85,
        )  # fmt: skip
    with pytest.raises(ServiceError):
        review_start(
            cycle=cycle, actor=hr, low_below=70, high_from=90,
            potential_source="part", potential_part="品质",
            potential_low_below=85, potential_high_from=60,
        )  # fmt: skip
    assert not TalentReview.objects.exists()


def test_the_page_and_the_export_with_the_years_figures(hr: Any, company: SimpleNamespace) -> None:
    world = _year(hr, company)
    cycle = world.cycles["2026"]
    client = client_for(hr)
    client.post(
        f"/talent/cycles/{cycle.pk}/",
        {
            "performance_source": "year_mean", "year": "2026",
            "low_below": "70", "high_from": "90",
            "potential_source": "part", "potential_part": "品质",
            "potential_low_below": "60", "potential_high_from": "85",
        },
    )  # fmt: skip
    review = TalentReview.objects.get(cycle=cycle)
    assert (review.performance_source, review.year, review.potential_part) == (
        "year_mean",
        2026,
        "品质",
    )
    page = client.get(f"/talent/cycles/{cycle.pk}/?box=3-3", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "全年已公布各期的平均" in text and "“品质”" in text
    assert "张敏" in text and "85%" in text
    cell = text[text.index('data-box="3-3"') :]
    assert '<span class="badge">1</span>' in cell[:400]
    export = client.get(f"/spreadsheets/talent/{cycle.pk}.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet is not None
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    header = rows["名称"]
    zhang = dict(zip(header, rows["张敏"], strict=True))
    assert (zhang["业绩"], zhang["潜力"], zhang["九宫格位置"]) == ("高", "高", "明星人才")
    assert zhang["业绩数值"] == 90 and zhang["潜力数值"] == 85
