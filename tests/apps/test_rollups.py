"""Roll-ups (scheme-language v1.1 §15): a year's cycle takes 40 % from the mean of the
appraisee's published monthly totals (after calibration) inside the year and 60 % from
its own year-end item; the result keeps which results it used; a later change is
picked up by the next recomputation while the year is open, and HR is told once the
year is published."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Result
from jixiao.appraisals.rollups import rollup_results
from jixiao.appraisals.scoring import items_info
from jixiao.appraisals.services.rollups import rollups_refresh
from jixiao.core.models import AuditEvent
from jixiao.hr.services import result_calibrate
from jixiao.notices.models import Notice
from jixiao.organization.models import Unit, UnitKind
from jixiao.organization.services import unit_create
from jixiao.schemes.models import AssignmentScope, Scheme
from jixiao.schemes.services import scheme_assign, scheme_save
from tests.apps.portal_world import client_for
from tests.apps.test_provider_access import _publish as publish

pytestmark = pytest.mark.django_db

MONTHLY = """\
code: T-M
name: 月度考核
period: month
items:
  - {code: M, name: 月度得分, weight: 100, rule: {interpolate: [[0, 0], [100, 100]]}}
"""

ANNUAL = """\
code: T-Y
name: 年度考核
period: year
history:
  monthly_totals: {period: month%s}
sections:
  - name: 月度考核
    weight: 40
    items:
      - {code: AVG, name: 月度平均, weight: 100,
         rule: {formula: "mean(monthly_totals) if count(monthly_totals) > 0 else 0"}}
  - name: 年终考核
    weight: 60
    items:
      - {code: YE, name: 年终, weight: 100, rule: {interpolate: [[0, 0], [100, 100]]}}
"""


def cycle_of(hr: Any, unit: Unit, scheme: Scheme, kind: str, period: str, value: float) -> Cycle:
    cycle = services.cycle_create(
        actor=hr, code=f"R-{period}", name=f"{period} 考核", period_kind=kind, period=period
    )
    services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="provider", unit=unit)
    services.cycle_open(cycle=cycle, actor=hr)
    appraisal = Appraisal.objects.get(cycle=cycle, unit=unit)
    item = "M" if kind == "month" else "YE"
    services.fact_record(appraisal=appraisal, actor=hr, kind="value", item=item, value=value)
    return cycle


@pytest.fixture
def world(hr: Any) -> dict[str, Any]:
    unit = unit_create(actor=hr, code="3PL-R", name="华南仓储", kind=UnitKind.PROVIDER)
    monthly = scheme_save(actor=hr, text=MONTHLY).scheme
    annual = scheme_save(actor=hr, text=ANNUAL % "").scheme
    for scheme in (monthly, annual):
        scheme_assign(actor=hr, scheme=scheme, unit=unit, scope=AssignmentScope.UNIT)
    return {"unit": unit, "monthly": monthly, "annual": annual}


def result_of(cycle: Cycle) -> Result:
    return Result.objects.get(appraisal__cycle=cycle)


def test_the_year_rolls_up_the_published_months_inside_it(hr: Any, world: dict[str, Any]) -> None:
    unit, monthly = world["unit"], world["monthly"]
    months = {}
    for period, value in (("2025-12", 10), ("2026-01", 80), ("2026-02", 90), ("2026-03", 50)):
        months[period] = cycle_of(hr, unit, monthly, "month", period, value)
    for period in ("2025-12", "2026-01", "2026-02"):  # March stays open: not used
        publish(months[period], hr)
    year = cycle_of(hr, unit, world["annual"], "year", "2026", 70)

    result = result_of(year)
    # mean(80, 90) = 85 → 40 × 85 / 100 = 34; 70 → 42
    assert result.total == pytest.approx(76)
    assert result.facts["appraisee"]["inputs"]["monthly_totals"] == [80, 90]
    used = result.facts["rollup"]["monthly_totals"]
    assert [(u["cycle"], u["period"], u["value"]) for u in used] == [
        ("R-2026-01", "2026-01", 80),
        ("R-2026-02", "2026-02", 90),
    ]
    assert rollup_results(result) == [result_of(months["2026-01"]), result_of(months["2026-02"])]
    trace = next(i["trace"] for i in result.data["items"] if i["code"] == "AVG")
    assert "monthly_totals = [80, 90]" in trace


def test_a_calibrated_month_counts_with_its_calibrated_total(
    hr: Any, world: dict[str, Any]
) -> None:
    unit, monthly = world["unit"], world["monthly"]
    january = cycle_of(hr, unit, monthly, "month", "2026-01", 80)
    for appraisal in january.appraisals.all():
        for state in ("collecting", "supervisor_review", "calibration"):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    for state in ("collecting", "review", "calibration"):
        services.cycle_transition(cycle=january, actor=hr, to=state)
    result_calibrate(result=result_of(january), actor=hr, reason="委员会校准", total=100)
    services.cycle_publish(cycle=january, actor=hr)

    year = cycle_of(hr, unit, world["annual"], "year", "2026", 50)
    assert result_of(year).facts["appraisee"]["inputs"]["monthly_totals"] == [100]
    assert result_of(year).total == pytest.approx(40 + 30)


def test_a_later_month_is_picked_up_while_the_year_is_open_and_hr_told_after(
    hr: Any, world: dict[str, Any]
) -> None:
    unit, monthly = world["unit"], world["monthly"]
    january = cycle_of(hr, unit, monthly, "month", "2026-01", 80)
    publish(january, hr)
    february = cycle_of(hr, unit, monthly, "month", "2026-02", 100)
    year = cycle_of(hr, unit, world["annual"], "year", "2026", 50)
    assert result_of(year).total == pytest.approx(32 + 30)

    publish(february, hr)
    february_appraisal = Appraisal.objects.get(cycle=february)
    assert rollups_refresh(appraisal=february_appraisal, actor=hr, reason="二月结果发布") == []
    assert result_of(year).facts["appraisee"]["inputs"]["monthly_totals"] == [80, 100]
    assert result_of(year).total == pytest.approx(36 + 30)  # mean 90

    publish(year, hr)
    told = rollups_refresh(appraisal=february_appraisal, actor=hr, reason="申诉成立，二月更正")
    assert told == [result_of(year)]
    event = AuditEvent.objects.filter(action="result.rollup_source_changed").get()
    assert event.reason == "申诉成立，二月更正"
    notice = Notice.objects.get(kind="rollup_changed", recipient=hr)  # HR is told, in words
    assert "2026-02" in notice.text and "calibration" in notice.text
    assert result_of(year).total == pytest.approx(66)  # published: HR applies it
    waiting = result_of(year)
    assert waiting.needs_review  # on the calibration page, and the year cannot close
    result_calibrate(result=waiting, actor=hr, total=67.5, reason="二月申诉更正后按新均值计")
    applied = result_of(year)
    assert applied.total == pytest.approx(67.5) and not applied.needs_review


def test_missing_error_makes_too_few_months_an_error_of_the_appraisee(
    hr: Any, world: dict[str, Any]
) -> None:
    strict = scheme_save(actor=hr, text=(ANNUAL % ", missing: error").replace("T-Y", "T-Y2"))
    scheme_assign(actor=hr, scheme=strict.scheme, unit=world["unit"], scope=AssignmentScope.UNIT)
    publish(cycle_of(hr, world["unit"], world["monthly"], "month", "2026-01", 80), hr)
    year = cycle_of(hr, world["unit"], strict.scheme, "year", "2026", 50)
    result = result_of(year)
    assert result.total is None
    assert "monthly_totals: 1 of 12 months" in result.errors[0]


def test_an_upheld_appeal_on_a_month_recomputes_the_open_year(
    hr: Any, world: dict[str, Any]
) -> None:
    january = cycle_of(hr, world["unit"], world["monthly"], "month", "2026-01", 80)
    publish(january, hr)
    year = cycle_of(hr, world["unit"], world["annual"], "year", "2026", 50)
    assert result_of(year).total == pytest.approx(32 + 30)

    appraisal = Appraisal.objects.get(cycle=january)
    Fact.objects.filter(appraisal=appraisal, item="M").update(value=100)  # as corrected
    services.results_correct_on_appeal(appraisal=appraisal, actor=hr, reason="申诉成立")
    assert result_of(january).total == 100
    assert result_of(year).total == pytest.approx(40 + 30)
    assert result_of(year).facts["rollup"]["monthly_totals"][0]["value"] == 100


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Earlier results rolled up"), ("zh-hans", "汇总的往期结果")]
)
def test_the_result_page_links_the_results_it_rolled_up(
    hr: Any, world: dict[str, Any], language: str, heading: str
) -> None:
    january = cycle_of(hr, world["unit"], world["monthly"], "month", "2026-01", 80)
    publish(january, hr)
    year = cycle_of(hr, world["unit"], world["annual"], "year", "2026", 50)
    client = client_for(hr)
    client.cookies["django_language"] = language
    page = client.get(f"/appraisals/{Appraisal.objects.get(cycle=year).pk}/result/")
    assert page.status_code == 200
    content = page.content.decode()
    shown = content.split(heading, 1)[1].split("</ul>", 1)[0]
    link = f'href="/appraisals/{Appraisal.objects.get(cycle=january).pk}/result/"'
    assert link in shown and "2026-01 考核</a> (2026-01): 80" in shown


def test_a_history_input_is_not_asked_for_as_a_fact(hr: Any) -> None:
    text = (ANNUAL % "").replace(
        'rule: {formula: "mean(monthly_totals) if count(monthly_totals) > 0 else 0"}',
        'measure: "mean(monthly_totals) + bonus", rule: {interpolate: [[0, 0], [100, 100]]}',
    )
    version = scheme_save(actor=hr, text=text)
    [average, _year_end] = items_info(version)
    assert average.inputs == ("bonus",)
