"""Fairness analytics against hand computation (issue 16): leniency with its
z-score and the number of people, spread, self-rating gaps, calibration drift."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from jixiao.appraisals.fairness import RatingRow, rater_stats, self_gaps, unit_drift
from jixiao.appraisals.models import Cycle, Result
from jixiao.hr.services import result_calibrate
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
    computed = (first.total or 0, second.total or 0)
    # through the committee's service: the stored total becomes the calibrated one,
    # the drift is measured against what the engine computed
    result_calibrate(
        result=first, actor=hr, reason="年度重点项目", total=computed[0] + 4, grade="差"
    )
    result_calibrate(result=second, actor=hr, reason="复核扣分", total=computed[1] - 2)
    (drift,) = unit_drift(Result.objects.filter(appraisal__cycle=open_cycle))
    assert drift.unit == company.finance.pk
    assert (drift.people, drift.calibrated, drift.raised, drift.lowered) == (3, 2, 1, 1)
    assert drift.mean_change == pytest.approx((4 - 2) / 2)
    assert drift.grade_changes == 1  # 差 is not what the engine gave anyone here


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


DISTRIBUTED = """\
code: T-DIST
name: 分布考核表
period: month
sections:
  - name: 综合
    weight: 100
    items:
      - {name: 综合评价, weight: 100, full: 100, rule: {direct: {min: 0, max: 100}}}
grades: [[">= 90", 优秀], [">= 80", 良好], [">= 60", 合格], [else, 差]]
ranking: {within: department}
distribution:
  within: department
  quotas: {优秀: 20%, 良好: 30%, 合格: 40%, 差: 10%}
"""


def _world(hr: Any, company: SimpleNamespace) -> SimpleNamespace:
    """Three monthly cycles (August to October 2026) of the finance department's five
    people and the workshop's one, under a scheme with quotas 20/30/40/10, the
    grades given by hand:

        finance    Aug 优秀 优秀 良好 合格 合格   Sep 优秀 优秀 良好 良好 合格
                   Oct 优秀 优秀 优秀 良好 合格
        workshop   优秀 every month (one person: a small unit)

    and in October six raters of 综合评价: 严 a supervisor giving 90 to all five,
    five peers giving 50 to all five (严: 欧阳明)."""
    from jixiao.appraisals import services
    from jixiao.appraisals.models import Appraisal, Rating
    from jixiao.schemes.services import scheme_save
    from tests.apps.factories import EmployeeFactory, UserFactory

    version = scheme_save(actor=hr, text=DISTRIBUTED)
    finance = [
        company.manager,
        *company.clerks,
        *(EmployeeFactory(number=f"10{n}", name=f"会计{n}", unit=company.finance) for n in (4, 5)),
    ]
    grades = {
        "08": ["优秀", "优秀", "良好", "合格", "合格"],
        "09": ["优秀", "优秀", "良好", "良好", "合格"],
        "10": ["优秀", "优秀", "优秀", "良好", "合格"],
    }
    cycles, october = [], []
    for month, given in grades.items():
        cycle = services.cycle_create(
            actor=hr, code=f"D-{month}", name=f"2026年{int(month)}月", period_kind="month",
            period=f"2026-{month}",
        )  # fmt: skip
        cycles.append(cycle)
        for person, grade in [*zip(finance, given, strict=True), (company.worker, "优秀")]:
            appraisal = Appraisal.objects.create(
                cycle=cycle, employee=person, scheme_version=version,
                attributes={"department": person.unit.name},
            )  # fmt: skip
            total = {"优秀": 95.0, "良好": 85.0, "合格": 70.0}[grade]
            Result.objects.create(
                appraisal=appraisal, scheme_version=version, facts={}, facts_digest="",
                data={"total": total, "grade": grade}, total=total, grade=grade,
                computed_at=timezone.now(),
            )  # fmt: skip
            if month == "10" and person in finance:
                october.append(appraisal)
    strict = UserFactory(username="yan", display_name="欧阳明")
    peers = [UserFactory(username=f"peer{n}") for n in range(5)]
    for appraisal in october:
        Rating.objects.create(
            appraisal=appraisal, item="综合评价", role="supervisor", rater=strict, value=90
        )
        for peer in peers:
            Rating.objects.create(
                appraisal=appraisal, item="综合评价", role="peer", rater=peer, value=50
            )
    committee = UserFactory(username="committee")
    cycles[-1].committee.add(committee)
    return SimpleNamespace(
        cycles=cycles, october=october, strict=strict, peers=peers, committee=committee
    )


@pytest.mark.django_db
def test_the_cycles_statistics_from_sql_equal_the_hand_computation(
    hr: Any, company: SimpleNamespace
) -> None:
    from jixiao.appraisals.fairness import cycle_rater_stats, cycle_self_gaps, rating_rows
    from jixiao.appraisals.models import Rating

    world = _world(hr, company)
    october = world.cycles[-1]
    first = world.october[0]
    # a level name counts nowhere; a self-rating gives a gap
    Rating.objects.create(appraisal=first, item="综合评价", role="customer", rater=hr, value="优")
    Rating.objects.create(
        appraisal=first, item="综合评价", role="self", rater=company.manager.user, value=98
    )
    # By hand: each (person, item) has 90 and five 50s. 严: 90 − 50 = 40; a peer:
    # 50 − (90 + 4 × 50) / 5 = −8. All 30 values: mean 56.67, sd = sqrt(5) × 40 / 6.
    sd = math.sqrt(5) * 40 / 6
    stats = {s.rater: s for s in cycle_rater_stats(october.pk)}
    strict = stats[world.strict.pk]
    assert strict.leniency == pytest.approx(40 / sd)
    assert stats[world.peers[0].pk].leniency == pytest.approx(-8 / sd)
    # leniencies 40 and five −8 (over sd): mean 0, sd sqrt((1600 + 5 × 64) / 6) = 17.89
    assert strict.z == pytest.approx(40 / math.sqrt((1600 + 5 * 64) / 6))
    assert strict.z == pytest.approx(math.sqrt(5))
    assert (strict.people, strict.compared, strict.spread) == (5, 5, 0)
    # the same numbers as the row-by-row computation
    rows = rating_rows(Rating.objects.filter(appraisal__cycle=october))
    from_sql = sorted(cycle_rater_stats(october.pk), key=lambda s: s.rater)
    by_rows = sorted(rater_stats(rows), key=lambda s: s.rater)
    assert [(s.rater, s.people, s.compared) for s in from_sql] == [
        (s.rater, s.people, s.compared) for s in by_rows
    ]
    for a, b in zip(from_sql, by_rows, strict=True):
        assert (a.leniency, a.z, a.spread) == pytest.approx((b.leniency, b.z, b.spread))
    (gap,) = cycle_self_gaps(october.pk)
    assert (gap.appraisal, gap.items) == (first.pk, 1)
    assert gap.gap == pytest.approx(98 - (90 + 5 * 50) / 6)


@pytest.mark.django_db
def test_grades_against_the_quotas_over_the_cycles_by_hand(
    hr: Any, company: SimpleNamespace
) -> None:
    from jixiao.appraisals.fairness import drift_cycles, quota_drift

    world = _world(hr, company)
    cycles = drift_cycles(world.cycles[-1])
    assert [c.code for c in cycles] == ["D-08", "D-09", "D-10"]
    drifts = {d.unit: d for d in quota_drift(cycles)}
    finance = drifts[company.finance.pk]
    assert finance.people == (5, 5, 5) and not finance.small
    shares = {g.grade: g for g in finance.grades}
    # 优秀: 2/5, 2/5, 3/5 against 20%: 20, 20 and 40 points above in every cycle
    assert shares["优秀"].shares == pytest.approx((0.4, 0.4, 0.6))
    assert shares["优秀"].expected == pytest.approx((0.2, 0.2, 0.2))
    assert shares["优秀"].direction == 1
    # 良好: 1/5, 2/5, 1/5 against 30%: −10, +10, −10 — not one way: not drifting
    assert shares["良好"].shares == pytest.approx((0.2, 0.4, 0.2))
    assert shares["良好"].direction == 0
    # 合格: 2/5, 1/5, 1/5 against 40%: 0, −20, −20 — not every cycle
    assert shares["合格"].direction == 0
    # 差: nobody against 10%: exactly ten points below each time
    assert shares["差"].shares == (0, 0, 0) and shares["差"].direction == -1
    assert [g.grade for g in finance.drifting] == ["优秀", "差"]
    workshop = drifts[company.workshop.pk]
    assert workshop.people == (1, 1, 1) and workshop.small
    # the cycles before: only those of the same kind, this one last
    assert [c.code for c in drift_cycles(world.cycles[1], last=4)] == ["D-08", "D-09"]


@pytest.mark.django_db
def test_outliers_on_the_calibration_page_for_the_committee(
    hr: Any, auditor: Any, company: SimpleNamespace
) -> None:
    from jixiao.appraisals.models import Rating
    from tests.apps.portal_world import client_for

    world = _world(hr, company)
    october = world.cycles[-1]
    url = f"/hr/cycles/{october.pk}/calibration/"
    page = client_for(world.committee).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    notes = text[text.index('id="fairness-notes"') : text.index('id="groups"')]
    # the supervisor who gave 90 where five peers gave 50: named, with z and people
    assert "欧阳明" in notes and "更宽松" in notes and "5 人" in notes
    assert "评分公平性" not in notes  # the committee has no link to HR's page
    # the drifting units come after the page (htmx), from a link of their own
    drift = f"{url}drift/"
    assert f'hx-get="{drift}"' in notes and f'href="{drift}"' in notes
    assert "财务部" not in notes
    units = client_for(world.committee).get(drift, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert units.status_code == 200
    units_text = units.content.decode()
    assert "财务部" in units_text and "一车间" not in units_text  # the small unit: HR only
    assert "高于配额" in units_text
    assert "一车间" in client_for(hr).get(drift, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # nobody who may not see the calibration reads its drift
    assert client_for(world.strict).get(drift).status_code == 404
    # once 严 also rated someone as a peer, the committee no longer reads the name
    Rating.objects.create(
        appraisal=world.october[1], item="其他", role="peer", rater=world.strict, value="优"
    )
    text = client_for(world.committee).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    notes = text[text.index('id="fairness-notes"') : text.index('id="groups"')]
    assert "欧阳明" not in notes and "1 位匿名评分人" in notes
    # the fairness page: HR sees the small unit, the auditor does not
    fair = f"/hr/cycles/{october.pk}/fairness/"
    hr_page = client_for(hr).get(fair, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    drift = hr_page[hr_page.index('id="quota-drift"') :]
    assert "一车间" in drift and "财务部" in drift and "每期都高于配额" in drift
    assert '40% <span class="muted">(20%)</span>' in drift
    audit = client_for(auditor).get(fair, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "一车间" not in audit and "财务部" in audit


@pytest.mark.django_db
def test_raters_of_anonymous_answers_are_named_only_where_the_policy_lets_hr(
    hr: Any, company: SimpleNamespace
) -> None:
    from jixiao.appraisals.services.anonymity import anonymity_policy_set
    from tests.apps.portal_world import client_for

    world = _world(hr, company)
    october = world.cycles[-1]
    fair = f"/hr/cycles/{october.pk}/fairness/"
    calibration = f"/hr/cycles/{october.pk}/calibration/"

    def raters_table(url: str) -> str:
        text = client_for(hr).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        return text[text.index('id="rater-table"') : text.index('id="self-gaps"')]

    # by default HR reads the peers as anonymous raters, the supervisor by name
    table = raters_table(fair)
    assert "欧阳明" in table and table.count("匿名评分人") == 5
    assert not any(str(peer) in table for peer in world.peers)
    anonymity_policy_set(actor=hr, least_raters=3, hr_sees_names=True, reason="年度复核")
    table = raters_table(fair)
    assert "匿名评分人" not in table and all(str(peer) in table for peer in world.peers)
    # the committee never reads the names behind anonymous answers
    from jixiao.appraisals.models import Rating

    Rating.objects.create(
        appraisal=world.october[1], item="其他", role="peer", rater=world.strict, value="优"
    )
    committee = client_for(world.committee).get(calibration, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "欧阳明" not in committee.content.decode()
    hr_page = client_for(hr).get(calibration, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "欧阳明" in hr_page[hr_page.index('id="fairness-notes"') :]


@pytest.fixture(scope="module")
def measured(django_db_setup: Any, django_db_blocker: Any) -> dict[int, dict[str, Any]]:
    """The fairness page of October and of September (published) for a company of 50
    and one of 500 (the benchmark generator; tests/apps/scale_world.py)."""
    from django.urls import reverse

    from tests.apps.scale_world import at_sizes, measure

    def pages(world: Any) -> dict[str, Any]:
        return {
            "fairness": measure(
                world.hr, reverse("hr:cycle_fairness", args=[world.calibration.pk])
            ),
            "fairness (published)": measure(
                world.hr, reverse("hr:cycle_fairness", args=[world.published.pk])
            ),
        }

    with django_db_blocker.unblock():
        return at_sizes((50, 500), pages)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["fairness", "fairness (published)"])
def test_the_fairness_page_does_not_grow_with_the_company(
    measured: dict[int, dict[str, Any]], page: str
) -> None:
    from tests.apps.scale_world import assert_flat

    # the same queries; the tables are a page of raters, twenty gaps, fifty units
    assert_flat(measured, page, growth=1.0)
    assert "评分公平性" in measured[500][page].text


@pytest.mark.django_db
def test_the_kept_statistics_follow_a_changed_or_new_rating(
    hr: Any, company: SimpleNamespace
) -> None:
    from jixiao.appraisals.fairness import cycle_rater_stats_kept
    from jixiao.appraisals.models import Rating

    world = _world(hr, company)
    october = world.cycles[-1].pk

    def strict() -> Any:
        return next(s for s in cycle_rater_stats_kept(october) if s.rater == world.strict.pk)

    assert strict().leniency is not None and strict().leniency > 0
    # 严 now gives 40 where the peers give 50: severe (the ratings as saved, not the cache)
    for rating in Rating.objects.filter(rater=world.strict):
        rating.value = 40
        rating.save()
    assert strict().leniency is not None and strict().leniency < 0
    Rating.objects.create(
        appraisal=world.october[0], item="综合评价", role="peer", rater=hr, value=10
    )
    assert hr.pk in {s.rater for s in cycle_rater_stats_kept(october)}
