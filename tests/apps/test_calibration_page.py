"""The calibration page a committee can work with (issues 11 and 13), on a company of
500 built by the benchmark generator: the groups' summary above, one group at a
time with one chart, small groups folded, rows filtered by flag and grade, searched,
sorted and paged, and the flags said in words only where they mean something (the
staff form's A–E distribution is not compared with its 优秀–差 bands)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from jixiao.appraisals.models import Result
from jixiao.hr.selectors import Group, calibration_groups, group_results
from tests.apps.scale_world import World, build_world

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr id="result-(\d+)"')


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """A company of 500, once for the module, rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(500)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _page(world: World, query: str = "", *, language: str = "zh-hans") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.committee)
    url = reverse("hr:cycle_calibration", args=[world.calibration.pk])
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def _rows(text: str) -> list[Result]:
    ids = [int(pk) for pk in ROW.findall(text)]
    found = Result.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def _staff(world: World) -> Group:
    """The staff form's group of 员工: a forced distribution A–E, bands 优秀–差."""
    groups = calibration_groups(world.calibration)
    return next(g for g in groups if g.scheme == "STAFF-M" and g.value == "员工")


def test_the_summary_lists_every_group_and_folds_the_small_ones(world: World) -> None:
    groups = calibration_groups(world.calibration)
    assert sum(group.size for group in groups) == world.calibration.appraisals.count()
    text = _page(world)
    for group in groups:
        assert f'data-group-row="{group.key}"' in text
    small = text.split('<details class="small-groups"', 1)[1].split("</details>", 1)[0]
    assert all(f'data-group-row="{g.key}"' in small for g in groups if g.small)
    assert not any(f'data-group-row="{g.key}"' in small for g in groups if not g.small)
    assert small.startswith(">")  # folded: not open while a large group is shown
    assert "个小组（不足 5 人）" in small
    # one chart on the page, for the group shown (the largest first)
    assert text.count("<canvas") == 1 and 'data-group="' + groups[0].key + '"' in text


def test_a_one_person_group_has_no_chart(world: World) -> None:
    tiny = next(g for g in calibration_groups(world.calibration) if g.size == 1)
    text = _page(world, f"?group={tiny.key}")
    assert "<canvas" not in text and "chart.umd.min.js" not in text
    assert '<details class="small-groups" open>' in text


def test_flags_are_words_and_the_staff_grades_are_not_compared_with_their_bands(
    world: World,
) -> None:
    staff = _staff(world)
    assert staff.ties > 0  # the generator's company has ties at the quota lines
    text = _page(world, f"?group={staff.key}&flag=tie&per=100")
    assert "quota_tie" not in text and "band_grade" not in text
    assert text.count('data-flag="tie">同分超额</span>') == min(staff.ties, 100)
    assert 'data-flag="moved"' not in _page(world, f"?group={staff.key}&per=100")
    assert not group_results(world.calibration, staff, flag="moved").exists()
    # their grades do differ from their bands: A–E against 优秀–差
    assert group_results(world.calibration, staff).exclude(band_grade="").count() == staff.size


def test_filter_by_flag_and_grade(world: World) -> None:
    staff = _staff(world)
    rows = _rows(_page(world, f"?group={staff.key}&flag=tie&per=100"))
    assert len(rows) == min(staff.ties, 100)
    assert all("quota_tie" in row.flags for row in rows)
    grade = staff.grades[0]
    rows = _rows(_page(world, f"?group={staff.key}&grade={grade}&per=100"))
    assert len(rows) == staff.counts[0] and {row.grade for row in rows} == {grade}
    far = group_results(world.calibration, staff, flag="far")
    bounds = staff.bounds()
    assert bounds is not None
    assert far.exists() and all(not bounds[0] <= r.total <= bounds[1] for r in far)


def test_sort_and_pages(world: World) -> None:
    staff = _staff(world)
    down = _rows(_page(world, f"?group={staff.key}&sort=-total&per=10"))
    assert len(down) == 10
    totals = [row.total for row in down]
    assert totals == sorted(totals, reverse=True)
    assert totals[0] == max(r.total for r in group_results(world.calibration, staff))
    up = [row.total for row in _rows(_page(world, f"?group={staff.key}&sort=total&per=10"))]
    assert up == sorted(up)
    second = _rows(_page(world, f"?group={staff.key}&sort=-total&per=10&page=2"))
    assert len(second) == 10 and not {r.pk for r in second} & {r.pk for r in down}
    assert second[0].total <= totals[-1]
    text = _page(world, f"?group={staff.key}&per=10")
    assert f"共 {staff.size} 条" in text


def test_search_by_name_or_number(world: World) -> None:
    staff = _staff(world)
    one = group_results(world.calibration, staff).select_related("appraisal__employee")[7]
    employee = one.appraisal.employee
    assert employee is not None
    rows = _rows(_page(world, f"?group={staff.key}&q={employee.number}"))
    assert [row.pk for row in rows] == [one.pk]
    rows = _rows(_page(world, f"?group={staff.key}&q={employee.name}&per=100"))
    assert one.pk in {row.pk for row in rows}


def test_an_unknown_group_flag_or_grade_falls_back_to_the_whole_first_group(
    world: World,
) -> None:
    groups = calibration_groups(world.calibration)
    text = _page(world, "?group=nonsense&flag=quota_tie&grade=Z&per=7")
    assert 'data-group="' + groups[0].key + '"' in text
    assert len(_rows(text)) == min(groups[0].size, 25)


def test_a_group_is_named_in_words(world: World) -> None:
    text = _page(world)
    assert "员工月度考核表 · 职级 员工" in text
    assert "level=" not in text and "STAFF-M ·" not in text


def test_departments_compared_agree_with_their_totals(world: World) -> None:
    """The spreads (PostgreSQL's percentile_cont, or the sorted totals elsewhere) are
    the quartiles of each department's totals (QUARTILE.INC)."""
    import statistics

    from jixiao.hr.selectors import unit_spreads

    totals: dict[str, list[float]] = {}
    for result in Result.objects.filter(
        appraisal__cycle=world.calibration, appraisal__employee__isnull=False, total__isnull=False
    ).select_related("appraisal"):
        totals.setdefault(result.appraisal.attributes["department"], []).append(result.total)
    spreads = unit_spreads(world.calibration)
    assert {spread.unit for spread in spreads} == set(totals)
    for spread in spreads:
        values = sorted(totals[spread.unit])
        q1, median, q3 = (
            statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        )
        expected = (len(values), statistics.fmean(values), values[0], q1, median, q3, values[-1])
        found = (spread.count, spread.mean, spread.low, spread.q1, spread.median, spread.q3)
        assert found == pytest.approx(expected[:6]) and spread.high == pytest.approx(values[-1])
    assert [s.median for s in spreads] == sorted((s.median for s in spreads), reverse=True)
