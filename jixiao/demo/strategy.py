"""The demo company's strategy (issue 15): a map of six objectives in the four
perspectives with their cause → effect links, two key success factors with
fishbone causes, the dictionary entries that measure them, and the finance
manager's duties read from the text of a 岗位说明书."""

from __future__ import annotations

from collections.abc import Callable

from jixiao.accounts.models import User
from jixiao.indicators.models import Indicator
from jixiao.organization.models import Position
from jixiao.strategy import services

Say = Callable[[str], None]

OBJECTIVES = [
    # code, name, perspective, description, indicators
    ("S-F1", "利润增长", "financial", "销售收入稳定增长，利润率不低于上年", ["TK-F-02", "TK-F-04"]),
    ("S-F2", "成本领先", "financial", "生产、采购和费用成本受控", ["TK-F-01", "TK-F-05"]),
    ("S-C1", "客户满意", "customer", "质量投诉少、响应快", ["TK-C-02"]),
    ("S-P1", "准时交付", "internal", "订单按期交付", ["TK-P-04", "TK-P-03"]),
    ("S-P2", "质量稳定", "internal", "产品一次合格率稳定提升", ["TK-P-05"]),
    ("S-L1", "员工能力提升", "learning", "培训计划落实，关键岗位持证上岗", ["TK-L-03"]),
]
LINKS = [  # cause → effect
    ("S-L1", "S-P1"),
    ("S-L1", "S-P2"),
    ("S-P1", "S-C1"),
    ("S-P2", "S-C1"),
    ("S-P2", "S-F2"),
    ("S-C1", "S-F1"),
    ("S-F2", "S-F1"),
]
FIN_MGR_DUTIES = """1、负责公司年度财务预算的编制与执行监控；工作标准：部门预算偏差率不超过5%
2、组织月度结账和财务报表编制；工作标准：每月5日前报出上月报表
3、负责资金计划与调度，保证生产经营资金需要和资金安全
4、完成领导交办的其他工作"""


def load(hr: User, say: Say) -> None:
    objectives = {}
    for code, name, perspective, description, indicators in OBJECTIVES:
        objective = services.objective_save(
            actor=hr, code=code, name=name, perspective=perspective, description=description
        )
        for indicator in Indicator.objects.filter(code__in=indicators):
            services.indicator_link(actor=hr, indicator=indicator, objective=objective)
        objectives[code] = objective
    for cause, effect in LINKS:
        services.objective_link(actor=hr, cause=objectives[cause], effect=objectives[effect])
    purchasing = services.factor_add(actor=hr, objective=objectives["S-F2"], name="采购成本控制")
    services.cause_add(
        actor=hr, factor=purchasing, bone="material", text="原材料价格波动大",
        candidate="采购成本控制率",
    )  # fmt: skip
    services.cause_add(
        actor=hr, factor=purchasing, bone="method", text="询比价流程执行不严",
        candidate="询比价执行率",
    )  # fmt: skip
    purchasing.indicators.add(Indicator.objects.get(code="TK-F-06"))
    complaints = services.factor_add(actor=hr, objective=objectives["S-C1"], name="投诉快速响应")
    complaints.indicators.add(Indicator.objects.get(code="TK-C-03"))
    services.cause_add(
        actor=hr, factor=complaints, bone="man", text="客服人员处理投诉的经验不足",
        candidate="投诉处理及时率",
    )  # fmt: skip
    finance = Position.objects.get(code="FIN-MGR")
    duties = services.duties_import(actor=hr, position=finance, text=FIN_MGR_DUTIES)
    services.indicator_link(
        actor=hr, indicator=Indicator.objects.get(code="TK-F-01"), duty=duties[0]
    )
    say(
        f"Strategy: {len(OBJECTIVES)} objectives, {len(LINKS)} links, 2 key success factors,"
        f" {len(duties)} duties of the finance manager."
    )
