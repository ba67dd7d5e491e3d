"""The strategy read by the API (issue 15): the map, the coverage report and a
position's duties, for HR and the auditor only."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.indicators.services import indicator_save
from jixiao.strategy import services
from tests.apps.api.conftest import assert_error

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 1)


@pytest.fixture
def strategy(hr: Any, company: SimpleNamespace) -> SimpleNamespace:
    growth = services.objective_save(
        actor=hr, code="F1", name="利润增长", perspective="financial", description="净利润年增10%"
    )
    loyal = services.objective_save(actor=hr, code="C1", name="客户忠诚", perspective="customer")
    services.objective_link(actor=hr, cause=loyal, effect=growth)
    services.factor_add(actor=hr, objective=growth, name="费用受控")
    profit = indicator_save(actor=hr, code="F-F-01", effective_from=DAY, name="费用利润率")
    services.indicator_link(actor=hr, indicator=profit.indicator, objective=growth)
    duties = services.duties_import(
        actor=hr,
        position=company.manager_position,
        text="1、编制年度预算；工作标准：偏差率≤5%\n2、审核报销单据",
    )
    services.indicator_link(actor=hr, indicator=profit.indicator, duty=duties[0])
    return SimpleNamespace(growth=growth, loyal=loyal, duties=duties)


def test_the_map_with_its_links(apis: SimpleNamespace, strategy: SimpleNamespace) -> None:
    body = apis.hr.get("/strategy/map").json_body
    by_code = {o["code"]: o for o in body["objectives"]}
    assert by_code["F1"] == {
        "code": "F1",
        "name": "利润增长",
        "perspective": "financial",
        "description": "净利润年增10%",
        "indicators": ["F-F-01"],
        "factors": ["费用受控"],
    }
    assert by_code["C1"]["indicators"] == []
    assert body["links"] == [{"cause": "C1", "effect": "F1"}]


def test_the_coverage_report(apis: SimpleNamespace, strategy: SimpleNamespace) -> None:
    response = apis.auditor.get("/strategy/coverage")
    assert response.status_code == 200
    body = response.json_body
    assert body["green"] is False
    assert {"code": "C1", "name": "客户忠诚"} in body["objectives_without_indicators"]
    assert {"code": "F-F-01", "name": "费用利润率"} in body["company_indicators_not_cascaded"]
    assert {"position": "FIN-MGR", "order": 2, "duty": "审核报销单据"} in body["duties_unmeasured"]
    assert body["factors_without_indicators"] == [{"code": "F1", "name": "费用受控"}]


def test_a_positions_duties(apis: SimpleNamespace, strategy: SimpleNamespace) -> None:
    body = apis.hr.get("/positions/FIN-MGR/duties").json_body
    assert body["position"] == "FIN-MGR" and body["title"] == "财务部经理"
    assert body["duties"][0] == {
        "order": 1,
        "duty": "编制年度预算",
        "standard": "偏差率≤5%",
        "authority": "",
        "indicators": ["F-F-01"],
        "items": [],
    }
    assert body["duties"][1]["indicators"] == []
    assert_error(apis.hr.get("/positions/NOPE/duties"), 404, "not_found")


@pytest.mark.parametrize("who", ["manager", "clerk", "boss", "finance_system"])
def test_only_hr_and_the_auditor_read_it(
    apis: SimpleNamespace, strategy: SimpleNamespace, who: str
) -> None:
    caller = getattr(apis, who)
    for path in ("/strategy/map", "/strategy/coverage", "/positions/FIN-MGR/duties"):
        assert_error(caller.get(path), 403, "forbidden")
    assert_error(apis.anonymous.get("/strategy/map"), 401, "unauthenticated")


def test_the_cascade(apis: SimpleNamespace, strategy: SimpleNamespace, hr: Any) -> None:
    from jixiao.indicators.models import Indicator

    indicator_save(
        actor=hr, code="F-F-01-FIN", effective_from=DAY, name="财务部费用利润率",
        parent=Indicator.objects.get(code="F-F-01"),
    )  # fmt: skip
    body = apis.hr.get("/strategy/cascade").json_body
    (root,) = body
    assert (root["code"], root["objectives"]) == ("F-F-01", ["利润增长"])
    assert [child["code"] for child in root["children"]] == ["F-F-01-FIN"]
    assert root["children"][0]["children"] == []
