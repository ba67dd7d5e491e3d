"""Pay follows the grade in force (ADR 0003): when the committee changes a grade,
the pay from the pool is shared again by the calibrated grades — the calibrated
person's pay and the shares of everyone paid from the same pool — while the
engine's computed pay stays in the result's data. The export's coefficient and
amount agree. The finance group of `hr_setup.to_calibration`: 张敏 95 优秀, 李强 80
良好, 王芳 80 良好; pool 10,000 for the department; coefficients 优秀 1.5, 良好 1.0,
合格 0.5, 差 0."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Result
from jixiao.core.models import AuditEvent
from jixiao.hr import services as calibration
from jixiao.hr.exports import outcome_rows
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.hr_setup import to_calibration

pytestmark = pytest.mark.django_db

PAY = """outcomes:
  pay:
    coefficients: {优秀: 1.5, 良好: 1.0, 合格: 0.5, 差: 0}
    pool: pool
    within: department
"""


@pytest.fixture
def scheme(hr: Any) -> SchemeVersion:
    return scheme_save(actor=hr, text=SCHEME + PAY)


@pytest.fixture
def calibrating(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    department = appraisal_of(open_cycle, company.manager).attributes["department"]
    services.group_input_set(
        cycle=open_cycle, actor=hr, attribute="department", value=department, key="pool",
        amount=10000,
    )  # fmt: skip
    return to_calibration(hr, company, open_cycle)


def pays(cycle: Cycle, company: SimpleNamespace) -> dict[str, tuple[Any, Any]]:
    """Each person's pay: (in force, computed by the engine)."""
    found = {}
    for employee in (company.manager, *company.clerks[:2]):
        result = Result.objects.get(appraisal=appraisal_of(cycle, employee))
        found[employee.name] = (result.outcomes["pay"], result.data["outcomes"]["pay"])
    return found


def test_a_calibrated_grade_shares_the_pool_again_for_the_whole_group(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    zhang, li, wang = company.manager, *company.clerks[:2]
    # 1.5 + 1.0 + 1.0 = 3.5 shares of 10,000
    computed = {zhang.name: 4285.7143, li.name: 2857.1429, wang.name: 2857.1429}
    assert pays(calibrating, company) == {name: (pay, pay) for name, pay in computed.items()}

    wang_result = Result.objects.get(appraisal=appraisal_of(calibrating, wang))
    calibration.result_calibrate(result=wang_result, actor=hr, grade="优秀", reason="攻坚贡献")

    # 1.5 + 1.0 + 1.5 = 4 shares: everyone's pay moves, the engine's stays in data
    assert pays(calibrating, company) == {
        zhang.name: (3750, computed[zhang.name]),
        li.name: (2500, computed[li.name]),
        wang.name: (3750, computed[wang.name]),
    }
    events = AuditEvent.objects.filter(action="result.outcomes_in_force")
    assert events.count() == 3 and {e.reason for e in events} == {"攻坚贡献"}
    assert events.get(target_id=str(wang_result.pk)).after == {"pay": 3750}


def test_the_pay_in_force_survives_a_recompute_and_a_fact_written_alone(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    result = Result.objects.get(appraisal=appraisal_of(calibrating, wang))
    calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="攻坚贡献")

    services.results_recompute(cycle=calibrating, actor=hr)
    assert pays(calibrating, company)[wang.name][0] == 3750

    # 李强 80 → 75 合格: his computed share falls, 优秀 stays for 王芳
    services.adjustment_record(
        appraisal=appraisal_of(calibrating, company.clerks[0]),
        actor=hr,
        name="重大违纪",
        amount=5,
        reason="违纪",
    )
    in_force = pays(calibrating, company)
    assert in_force[company.clerks[0].name][0] == 1428.5714  # 0.5 of 1.5 + 0.5 + 1.5
    assert in_force[wang.name][0] == 4285.7143


def test_the_export_pays_by_the_coefficient_it_shows(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    result = Result.objects.get(appraisal=appraisal_of(calibrating, wang))
    calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="攻坚贡献")

    _header, *rows = list(outcome_rows(calibrating))
    row = next(r for r in rows if wang.name in r)
    assert 1.5 in row and 3750 in row
