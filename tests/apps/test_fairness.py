"""Fairness analytics against hand computation (issue 16): leniency with its
z-score and the number of people, spread, self-rating gaps, calibration drift."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.fairness import RatingRow, rater_stats, self_gaps, unit_drift
from jixiao.appraisals.models import Cycle, Result
from tests.apps.portal_world import to_calibration

R = RatingRow


def test_leniency_by_hand() -> None:
    # Two people, one item; three raters each rate both.
    #   person 1: A 9, B 7, C 5      person 2: A 8, B 6, C 4
    rows = [
        R(1, "x", "peer", 1, 9), R(1, "x", "peer", 2, 7), R(1, "x", "peer", 3, 5),
        R(2, "x", "peer", 1, 8), R(2, "x", "peer", 2, 6), R(2, "x", "peer", 3, 4),
    ]  # fmt: skip
    values = [9, 7, 5, 8, 6, 4]
    mean = sum(values) / 6  # 6.5
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 6)  # the item's spread
    # A: 9 − mean(7, 5) = 3 and 8 − mean(6, 4) = 3 → 3 / sd; B: 0; C: −3 / sd
    stats = {s.rater: s for s in rater_stats(rows)}
    assert stats[1].leniency == pytest.approx(3 / sd)
    assert stats[2].leniency == pytest.approx(0)
    assert stats[3].leniency == pytest.approx(-3 / sd)
    # z over raters: leniencies (3/sd, 0, −3/sd) have mean 0 and sd sqrt(6)/sd
    spread = math.sqrt((2 * (3 / sd) ** 2) / 3)
    assert stats[1].z == pytest.approx((3 / sd) / spread)  # = 1.2247…
    assert stats[1].z == pytest.approx(math.sqrt(1.5))
    assert stats[1].people == 2 and stats[1].compared == 2
    # A's own values 9 and 8: sd 0.5, in the item's units 0.5 / sd
    assert stats[1].spread == pytest.approx(0.5 / sd)


def test_a_rater_who_gives_everyone_the_same_has_no_spread() -> None:
    rows = [R(p, "x", "peer", 1, 7) for p in (1, 2, 3)] + [
        R(p, "x", "peer", 2, v) for p, v in ((1, 5), (2, 8), (3, 9))
    ]
    stats = {s.rater: s for s in rater_stats(rows)}
    assert stats[1].spread == 0
    assert stats[1].z is None  # fewer than three raters: no z-score


def test_self_ratings_are_left_out_of_leniency_and_give_the_gap() -> None:
    rows = [R(1, "x", "self", 9, 10), R(1, "x", "supervisor", 1, 6), R(1, "x", "peer", 2, 8)]
    assert 9 not in {s.rater for s in rater_stats(rows)}
    (gap,) = self_gaps(rows)
    assert (gap.self_value, gap.others, gap.gap) == (10, 7, 3)


def test_nothing_to_compare_gives_no_leniency() -> None:
    (only,) = rater_stats([R(1, "x", "supervisor", 1, 6)])
    assert only.leniency is None and only.people == 1 and only.compared == 0


@pytest.mark.django_db
def test_calibration_drift_per_unit(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> None:
    to_calibration(open_cycle, hr, company)
    results = list(Result.objects.filter(appraisal__cycle=open_cycle).order_by("pk"))
    first, second = results[0], results[1]
    Result.objects.filter(pk=first.pk).update(
        calibrated={"total": (first.total or 0) + 4, "grade": "卓越"}
    )
    Result.objects.filter(pk=second.pk).update(calibrated={"total": (second.total or 0) - 2})
    (drift,) = unit_drift(Result.objects.filter(appraisal__cycle=open_cycle))
    assert drift.unit == company.finance.pk
    assert (drift.people, drift.calibrated, drift.raised, drift.lowered) == (3, 2, 1, 1)
    assert drift.mean_change == pytest.approx(1.0)
    assert drift.grade_changes == (1 if first.grade != "卓越" else 0)


@pytest.mark.django_db
def test_the_fairness_page_is_hrs_in_chinese(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    from tests.apps.portal_world import client_for

    to_calibration(open_cycle, hr, company)
    page = client_for(hr).get(
        f"/hr/cycles/{open_cycle.pk}/fairness/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "评分公平性" in text and "校准偏移" in text and str(hr) in text
    assert "财务部" in text
    assert client_for(company.manager.user).get(
        f"/hr/cycles/{open_cycle.pk}/fairness/"
    ).status_code in (302, 403, 404)
