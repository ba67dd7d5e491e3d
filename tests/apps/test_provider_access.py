"""A service provider's contact (someone registered under the provider unit) sees the
provider's own appraisal, as an employee sees theirs, and its result once published;
nothing of other providers or of the company's people."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.appraisals.selectors import appraisal_list, result_list
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.organization.models import UnitKind
from jixiao.schemes.models import AssignmentScope
from jixiao.schemes.services import scheme_assign, scheme_save
from tests.apps.factories import EmployeeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PROVIDER_SCHEME = """\
code: T-3PL
name: 仓储服务商月度KPI考核
period: month
items:
  - code: KPI-L3-01
    name: 收货及时率
    full: 10
    weight: 1
    rule: {deduct: {per: {overtime: {tiers: [[10, 0.5], [else, 1]]}}}}
"""


@pytest.fixture
def providers(hr: Any, company: SimpleNamespace) -> SimpleNamespace:
    """Two warehouse providers, each with a contact, appraised in an open October cycle
    beside the finance department."""
    scheme = scheme_save(actor=hr, text=PROVIDER_SCHEME).scheme
    east = UnitFactory(code="3PL-E", name="华东仓储", kind=UnitKind.PROVIDER)
    south = UnitFactory(code="3PL-S", name="华南仓储", kind=UnitKind.PROVIDER)
    cycle = services.cycle_create(
        actor=hr, code="P-2026-10", name="服务商月度考核", period_kind="month", period="2026-10"
    )
    services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    for provider in (east, south):
        scheme_assign(actor=hr, scheme=scheme, unit=provider, scope=AssignmentScope.UNIT)
        services.population_rule_add(cycle=cycle, actor=hr, kind="provider", unit=provider)
    services.cycle_open(cycle=cycle, actor=hr)
    contacts = {
        provider.code: EmployeeFactory(
            number=f"{provider.code}-01", unit=provider, user=UserFactory(username=username)
        ).user
        for provider, username in ((east, "wuliu"), (south, "huanan"))
    }
    return SimpleNamespace(east=east, south=south, cycle=cycle, contacts=contacts)


def _publish(cycle: Cycle, hr: Any) -> None:
    for appraisal in cycle.appraisals.all():
        for state in (
            AppraisalState.COLLECTING,
            AppraisalState.SUPERVISOR_REVIEW,
            AppraisalState.CALIBRATION,
        ):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    for state in (CycleState.COLLECTING, CycleState.REVIEW, CycleState.CALIBRATION):
        services.cycle_transition(cycle=cycle, actor=hr, to=state)
    services.cycle_publish(cycle=cycle, actor=hr)


def test_the_contact_sees_the_providers_appraisal_and_its_published_result_only(
    hr: Any, company: SimpleNamespace, providers: SimpleNamespace
) -> None:
    contact = providers.contacts["3PL-E"]
    east = Appraisal.objects.get(cycle=providers.cycle, unit=providers.east)

    assert list(appraisal_list(visible_to=contact)) == [east]
    assert not result_list(visible_to=contact).exists()  # not before publication

    _publish(providers.cycle, hr)

    assert [r.appraisal for r in result_list(visible_to=contact)] == [east]
    other = providers.contacts["3PL-S"]
    assert [r.appraisal.unit for r in result_list(visible_to=other)] == [providers.south]


def test_the_companys_people_do_not_see_the_providers(
    hr: Any, company: SimpleNamespace, providers: SimpleNamespace
) -> None:
    _publish(providers.cycle, hr)
    for user in (company.worker.user, company.manager.user, company.clerks[0].user):
        assert not appraisal_list(visible_to=user, cycle=providers.cycle).exists()
        assert not result_list(visible_to=user, cycle=providers.cycle).exists()
