"""The demo company's strategy (issue 15): a map of six objectives in the four
perspectives with their cause → effect links, measured by the company indicators
at the top of the cascade (the department indicators under them are in
jixiao.demo.indicators.PARENTS, and the managers' forms use those); two key success
factors with fishbone causes; the finance and production managers' duties read
from the text of a 岗位说明书 and linked to the indicators that measure them; and
the rest of seed 004's group KPI manual as the starter library."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from jixiao.accounts.models import User
from jixiao.indicators.models import Indicator
from jixiao.organization.models import Position
from jixiao.strategy import services
from jixiao.strategy.library import load_library

Say = Callable[[str], None]

OBJECTIVES = [
    # code, name, perspective, description, the company indicators that measure it
    ("S-F1", "利润增长", "financial", "销售收入稳定增长，利润率不低于上年", ["X-F-05"]),
    ("S-F2", "成本领先", "financial", "生产、采购和费用成本受控", ["B-F-01", "C-F-02"]),
    ("S-C1", "客户满意", "customer", "质量投诉少、响应快", ["X-C-01"]),
    ("S-P1", "准时交付", "internal", "订单按期交付", ["J-P-01"]),
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
FIN_MGR_MEASURES = [["TK-F-01"], ["TK-P-02"], ["TK-P-08"], []]  # the 4th: nothing yet
PRD_MGR_DUTIES = """1、组织生产计划的执行，保证订单按期交付；工作标准：订单交期达成率不低于95%
2、负责生产过程的质量控制；工作标准：产品合格率不低于98%
3、负责生产设备的使用、维护与保养；工作标准：设备完好率不低于95%
4、控制生产成本，降低物料消耗"""
PRD_MGR_MEASURES = [["TK-P-03", "TK-P-04"], ["TK-P-05"], ["TK-P-06"], ["TK-F-05"]]
LIBRARY_FROM = datetime.date(2026, 1, 1)


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
    duties = 0
    for position, text, measures in (
        ("FIN-MGR", FIN_MGR_DUTIES, FIN_MGR_MEASURES),
        ("PRD-MGR", PRD_MGR_DUTIES, PRD_MGR_MEASURES),
    ):
        found = services.duties_import(
            actor=hr, position=Position.objects.get(code=position), text=text
        )
        for duty, codes in zip(found, measures, strict=True):
            for indicator in Indicator.objects.filter(code__in=codes):
                services.indicator_link(actor=hr, indicator=indicator, duty=duty)
        duties += len(found)
    loaded = load_library(actor=hr, effective_from=LIBRARY_FROM, keep_existing=True)
    say(
        f"Strategy: {len(OBJECTIVES)} objectives, {len(LINKS)} links, 2 key success factors,"
        f" {duties} duties of the finance and production managers; starter library:"
        f" {loaded.added} entries added, {loaded.kept} already in the dictionary."
    )
