"""HR's comparison of departments (box plots of the totals) and their trend over
cycles (domain.md §5)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.appraisals.models import Cycle, Result
from jixiao.hr.selectors import _quantile, unit_spreads, unit_trend
from jixiao.hr.services import result_calibrate
from tests.apps.hr_setup import to_calibration

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=120, allow_nan=False), min_size=1, max_size=40),
    st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
)
def test_quartiles_are_excels_quartile_inc(values: list[float], share: float) -> None:
    ordered = sorted(values)
    assert _quantile(ordered, share) == pytest.approx(float(np.percentile(ordered, 100 * share)))


def test_the_spread_of_a_department_uses_the_calibrated_totals(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    results = list(Result.objects.filter(appraisal__cycle=cycle))
    lowest = min(results, key=lambda result: result.total or 0)
    result_calibrate(result=lowest, actor=hr, reason="复核后调整", total=70)

    (spread,) = unit_spreads(cycle)
    totals = sorted(float(r.total or 0) for r in Result.objects.filter(appraisal__cycle=cycle))
    assert 70.0 in totals
    assert spread.unit == "财务部" and spread.count == 3
    assert (spread.low, spread.high) == (totals[0], totals[-1])
    assert spread.median == totals[1]
    assert spread.q1 == pytest.approx(float(np.percentile(totals, 25)))
    assert spread.q3 == pytest.approx(float(np.percentile(totals, 75)))
    assert spread.mean == pytest.approx(sum(totals) / 3)

    trend = unit_trend(cycle)
    assert trend.cycles == [cycle]
    assert trend.lines == {"财务部": [round(sum(totals) / 3, 2)]}
    assert trend.overall == [round(sum(totals) / 3, 2)]


def test_the_page_draws_a_box_per_department_and_the_trend(
    hr: Any, auditor: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    url = f"/hr/cycles/{cycle.pk}/analysis/"
    assert url in signed_in(hr).get(f"/hr/cycles/{cycle.pk}/").content.decode()

    page = signed_in(auditor).get(url).content.decode()
    assert 'data-unit="财务部"' in page
    assert page.count('class="box"') == 1 and page.count('class="median"') == 1
    script = page.split('id="trend-data" type="application/json">')[1]
    data = json.loads(script.split("</script>")[0])
    assert data["labels"] == [cycle.name]
    assert data["lines"][0]["label"] == "财务部"
    assert data["lines"][0]["data"] == unit_trend(cycle).lines["财务部"]


def test_only_hr_and_the_auditor_see_the_comparison(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    url = f"/hr/cycles/{open_cycle.pk}/analysis/"
    assert signed_in(hr).get(url).status_code == 200
    for person in (company.manager, company.clerks[0], company.boss):
        assert signed_in(person.user).get(url).status_code == 404
    assert signed_in(hr).get("/hr/cycles/99999/analysis/").status_code == 404


def test_without_totals_the_page_says_so(hr: Any, open_cycle: Cycle) -> None:
    page = signed_in(hr).get(f"/hr/cycles/{open_cycle.pk}/analysis/").content.decode()
    assert "No totals yet" in page
    assert unit_spreads(open_cycle) == []


def test_a_providers_contract_is_not_compared_with_the_departments(hr: Any) -> None:
    """A provider is appraised on its contract's own terms: its total stays out."""
    from jixiao.organization.models import UnitKind
    from jixiao.organization.services import unit_create
    from jixiao.schemes.models import AssignmentScope
    from jixiao.schemes.services import scheme_assign, scheme_save
    from tests.apps.test_contracts import CONTRACT_SCHEME, month_cycle

    provider = unit_create(actor=hr, code="3PL-E", name="华东仓储", kind=UnitKind.PROVIDER)
    scheme = scheme_save(actor=hr, text=CONTRACT_SCHEME).scheme
    scheme_assign(actor=hr, scheme=scheme, unit=provider, scope=AssignmentScope.UNIT)
    cycle = month_cycle(hr, provider, scheme, "2026-08")
    assert Result.objects.get(appraisal__cycle=cycle).total is not None
    assert unit_spreads(cycle) == []
    assert unit_trend(cycle).lines == {} and unit_trend(cycle).overall == [None]
