"""HR's and the committee's pages do not grow with the company (issue 11): the same
SQL queries and about the same bytes for a company of 50 as for one of 500
(`tests/apps/scale_world.py`: the benchmark generator, each company built in a
transaction rolled back)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.apps.scale_world import Measure, World, assert_flat, at_sizes, measure

pytestmark = pytest.mark.django_db


def _pages(world: World) -> dict[str, Measure]:
    current, published = world.calibration.pk, world.published.pk
    hr, committee = world.hr, world.committee
    return {
        "home": measure(hr, reverse("hr:home")),
        "cycles": measure(hr, reverse("hr:cycle_list")),
        "cycle": measure(hr, reverse("hr:cycle_detail", args=[current])),
        "cycle (published)": measure(hr, reverse("hr:cycle_detail", args=[published])),
        "drill-down": measure(
            hr, reverse("hr:cycle_appraisals", args=[current]) + "?state=calibration"
        ),
        "calibration": measure(hr, reverse("hr:cycle_calibration", args=[current]) + "?per=10"),
        "calibration (committee)": measure(
            committee, reverse("hr:cycle_calibration", args=[current]) + "?per=10"
        ),
        "calibration (published)": measure(
            hr, reverse("hr:cycle_calibration", args=[published]) + "?per=10&sort=-total"
        ),
        "calibration drift": measure(
            committee, reverse("hr:cycle_calibration_drift", args=[current])
        ),
        "eligibility": measure(hr, reverse("hr:cycle_eligibility", args=[current])),
        "comparison": measure(hr, reverse("hr:cycle_analysis", args=[current])),
        "audit log": measure(hr, reverse("hr:audit_list")),
        "employees": measure(hr, reverse("hr:employee_list")),
        "organisation": measure(hr, reverse("hr:organisation")),
    }


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> dict[int, dict[str, Measure]]:
    with django_db_blocker.unblock():
        return at_sizes((50, 500), _pages)


# The pages of a list show a page of rows (calibration: ?per=10, as the smaller
# company's largest group has more than ten people).
PAGES = [
    "home",
    "cycles",
    "cycle",
    "cycle (published)",
    "drill-down",
    "calibration",
    "calibration (committee)",
    "calibration (published)",
    "calibration drift",
    "eligibility",
    "comparison",
    "audit log",
    "employees",
    "organisation",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_page_does_not_grow_with_the_company(
    measured: dict[int, dict[str, Measure]], page: str
) -> None:
    assert_flat(measured, page)


def test_the_pages_are_in_chinese_and_show_no_flag_codes(
    measured: dict[int, dict[str, Measure]],
) -> None:
    for size, pages in measured.items():
        for name in ("calibration", "calibration (committee)", "calibration (published)"):
            text = pages[name].text
            assert "quota_tie" not in text and "band_grade" not in text, (size, name)
            assert "校准" in text, (size, name)


def test_the_overview_shows_the_cycles_by_stage_at_both_sizes(measured: Any) -> None:
    """Issue 13: the overview's stage tiles, completion bars and cycles are there in
    both companies, so its flat query count covers them."""
    for size in (50, 500):
        home = measured[size]["home"].text
        assert 'id="stages"' in home and 'class="meter small' in home, size
        assert 'id="appeals-due"' in home or "没有等待人力资源部处理的申诉" in home, size


def test_the_result_columns_the_pages_sum_are_read_from_an_index_on_postgresql() -> None:
    """HR migrations 0004–0005: the counters, calibration groups, quota drift and
    box plots read these columns of every result of a cycle; without them in an index
    they read whole result rows (facts, data, wording: about 3 KB each)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's covering and partial indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'appraisals_result'"
        )
        found = dict(cursor.fetchall())
    summary = found["hr_result_summary"]
    assert "(appraisal_id) INCLUDE (" in summary
    for column in ("scheme_version_id", "grade", "band_grade", "total", "rank", "flags"):
        assert column in summary, column
    assert "trigger_periods" in found["hr_result_clauses"]
