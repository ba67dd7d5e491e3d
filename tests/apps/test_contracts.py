"""A provider's contract over monthly cycles (domain.md §4, scheme-language §12): the
adaptation month counted from the contract start, the fee withheld by each month's
total, a trigger over consecutive months — each month's result counting the months
before it, and keeping them so it can be computed again."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.periods import period_of
from jixiao.core.errors import ServiceError
from jixiao.organization.models import Unit, UnitKind
from jixiao.organization.services import unit_create, unit_update
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import AssignmentScope, Scheme
from jixiao.schemes.services import scheme_assign, scheme_save
from jixiao.scoring import facts_from_data, score_periods
from tests.apps.test_provider_access import _publish as publish

pytestmark = pytest.mark.django_db

CONTRACT_SCHEME = """\
code: T-3PL-C
name: 仓储服务商月度KPI考核
period: month
items:
  - code: KPI-1
    name: 收货及时率
    full: 50
    weight: 1
    standard: ">= 98%"
    rule: {bands: [[">= 98%", 50], [">= 95%", 40], [else, 20]]}
  - code: KPI-2
    name: 库存准确率
    full: 50
    weight: 1
    standard: ">= 99%"
    rule: {bands: [[">= 99%", 50], [">= 97%", 40], [else, 20]]}
outcomes:
  contract:
    fee_deduction: [["< 60", 10%], ["< 80", 5%], [else, 0]]
    reference_periods: 1
    triggers:
      - {name: 解约权, failed_items: ">= 2", consecutive: 2}
"""

# month → (收货及时率, 库存准确率)
MONTHS = {"2026-08": (0.90, 0.95), "2026-09": (0.96, 0.98), "2026-10": (0.95, 0.96)}


def month_cycle(hr: Any, provider: Unit, scheme: Any, period: str) -> Cycle:
    cycle = services.cycle_create(
        actor=hr,
        code=f"P-{period}",
        name=f"{period} 服务商考核",
        period_kind="month",
        period=period,
    )
    services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="provider", unit=provider)
    services.cycle_open(cycle=cycle, actor=hr)
    appraisal = Appraisal.objects.get(cycle=cycle, unit=provider)
    for item, value in zip(("KPI-1", "KPI-2"), MONTHS[period], strict=True):
        services.fact_record(appraisal=appraisal, actor=hr, kind="value", item=item, value=value)
    return cycle


@pytest.fixture
def provider(hr: Any) -> Unit:
    unit = unit_create(
        actor=hr,
        code="3PL-E",
        name="华东仓储",
        kind=UnitKind.PROVIDER,
        contract_start=datetime.date(2026, 8, 1),
    )
    scheme = scheme_save(actor=hr, text=CONTRACT_SCHEME).scheme
    scheme_assign(actor=hr, scheme=scheme, unit=unit, scope=AssignmentScope.UNIT)
    return unit


def test_each_month_counts_the_contract_from_its_start(hr: Any, provider: Unit) -> None:
    scheme = Scheme.objects.get(code="T-3PL-C")
    results = []
    for period in MONTHS:
        cycle = month_cycle(hr, provider, scheme, period)
        result = Result.objects.get(appraisal__cycle=cycle)
        results.append(result)
        if period != "2026-10":
            publish(cycle, hr)

    august, september, october = (r.outcomes for r in results)
    # August: the adaptation month — 40 points, both KPIs failed, nothing withheld
    assert (results[0].total, august["reference_period"], august["fee_deduction"]) == (40, True, 0)
    assert august["failed_items"] == 2 and august["triggers"] == []
    # September: 80 points, both failed once more — the first counted month
    assert (results[1].total, september["fee_deduction"]) == (80, 0)
    assert september["reference_period"] is False and september["triggers"] == []
    # October: 60 points (5% withheld), both failed for the second month running: 解约权
    assert (results[2].total, october["fee_deduction"]) == (60, 0.05)
    assert october["triggers"] == ["解约权"]
    assert results[2].appraisal.attributes["since"] == "2026-08"

    # October's result keeps the months it counted, and is what the engine gives for them
    history = results[2].facts["history"]
    assert [h["period"] for h in history] == ["2026-08", "2026-09"]
    series = facts_from_data(
        {
            "periods": [
                *({"period": h["period"], "appraisees": [h["appraisee"]]} for h in history),
                {"period": "2026-10", "appraisees": [results[2].facts["appraisee"]]},
            ]
        }
    )
    runs = score_periods(engine_scheme(results[2].scheme_version), series)
    assert runs[-1].result(0) == results[2].data


def test_a_fact_change_recounts_the_month_with_the_months_before(hr: Any, provider: Unit) -> None:
    scheme = Scheme.objects.get(code="T-3PL-C")
    for period in ("2026-08", "2026-09"):
        publish(month_cycle(hr, provider, scheme, period), hr)
    october = month_cycle(hr, provider, scheme, "2026-10")
    appraisal = Appraisal.objects.get(cycle=october)
    assert Result.objects.get(appraisal=appraisal).outcomes["triggers"]

    services.fact_record(
        appraisal=appraisal, actor=hr, kind="value", item="KPI-2", value=0.995, reason="盘点复核"
    )
    result = Result.objects.get(appraisal=appraisal)
    assert result.outcomes["failed_items"] == 1 and result.outcomes["triggers"] == []


def test_only_a_provider_has_a_contract_start(hr: Any, provider: Unit) -> None:
    with pytest.raises(ServiceError):
        unit_create(
            actor=hr,
            code="D-1",
            name="行政部",
            kind=UnitKind.DEPARTMENT,
            contract_start=datetime.date(2026, 8, 1),
        )
    with pytest.raises(ServiceError):
        unit_update(unit=provider, actor=hr, kind=UnitKind.DEPARTMENT)
    assert Unit.objects.get(pk=provider.pk).kind == UnitKind.PROVIDER


@pytest.mark.parametrize(
    ("kind", "period"),
    [("month", "2026-08"), ("quarter", "2026-Q3"), ("half", "2026-H2"), ("year", "2026")],
)
def test_the_period_of_a_day(kind: str, period: str) -> None:
    assert period_of(kind, datetime.date(2026, 8, 31)) == period


def test_the_providers_page_reads_the_contract_in_words(hr: Any, provider: Unit) -> None:
    from django.test import Client

    from tests.apps.factories import EmployeeFactory, UserFactory

    scheme = Scheme.objects.get(code="T-3PL-C")
    for period in MONTHS:
        cycle = month_cycle(hr, provider, scheme, period)
        publish(cycle, hr)
    contact = EmployeeFactory(number="3PL-E-01", unit=provider, user=UserFactory()).user
    client = Client()
    client.force_login(contact)
    appraisal = Appraisal.objects.get(cycle__period="2026-10", unit=provider)
    page = client.get(
        f"/appraisals/{appraisal.pk}/result/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    section = page.split('class="totals outcomes"')[1].split("</dl>")[0]
    assert "<dd>5%</dd>" in section and "<dd>2</dd>" in section
    assert "<dd>解约权（2026-09、2026-10）</dd>" in section  # the clause with the months behind it
