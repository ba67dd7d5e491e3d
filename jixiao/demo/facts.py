"""The facts of October 2026: each manager's form filled in as the data owners,
the general manager and the record books would, the staff's ten scores, and the
warehouse provider's monthly KPI figures (`OCTOBER`). The months before it are
made from these in `history`.

An item's facts: `inputs`, `value`, `rating` (the supervisor's, 5…1), `events`:
(event, date, what happened, size or None), and `counts`: (event, date, what
happened, how many times)."""

from __future__ import annotations

import calendar
import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PERIOD = "2026-10"


def day(n: int, period: str = PERIOD) -> datetime.date:
    """Day `n` of the month `period` (2026-10: October 2026)."""
    year, month = (int(part) for part in period.split("-"))
    return datetime.date(year, month, n)


def days_in(period: str) -> int:
    year, month = (int(part) for part in period.split("-"))
    return calendar.monthrange(year, month)[1]


def budget(actual: float, planned: float = 1_000_000) -> dict[str, Any]:
    return {"inputs": {"actual": actual, "budget": planned}}


def training(done: int, planned: int, attended: int, required: int) -> dict[str, Any]:
    return {
        "部门培训计划达成率": {"inputs": {"done": done, "planned": planned}},
        "attendance": {"inputs": {"attended": attended, "required": required}},
    }


def events(*rows: tuple[str, int, str, float | None], period: str = PERIOD) -> dict[str, Any]:
    return {"events": [(name, day(n, period), text, size) for name, n, text, size in rows]}


def counts(*rows: tuple[str, int, str, int], period: str = PERIOD) -> dict[str, Any]:
    return {"counts": [(name, day(n, period), text, times) for name, n, text, times in rows]}


NO_EVENTS: dict[str, Any] = {"events": []}

MANAGERS: dict[str, dict[str, Any]] = {
    "T1001": {  # 财务部经理 张敏
        "预算执行偏差率": budget(1_012_000),
        "部门管理": events(("violation", 14, "一笔设备款未按付款审批流程提前支付", None)),
        "内部控制管理": {"rating": 4},
        "财务分析报告编制质量": {"rating": 5},
        "资金运转故障项次": {"value": 0},
        "上报材料的及时性": events(("late_day", 9, "三季度财务分析报告晚交", 2)),
        "外部关系协调质量": {"rating": 4},
        "外审不符合项次": {"value": 1},
        **training(4, 5, 19, 20),
    },
    "T1101": {  # 行政部经理 刘洋
        "预算执行偏差率": budget(1_046_000),
        "部门管理": NO_EVENTS,
        "公司决议督办有效": {"rating": 4},
        "行政故障发生项次": {"value": 1},
        "用印违纪次数": events(("seal_unsecured", 22, "检查发现合同章下班后未入柜上锁", None)),
        "上报材料的及时性": NO_EVENTS,
        "外部关系协调质量": {"rating": 5},
        "外审不符合项次": {"value": 0},
        **training(3, 3, 18, 20),
    },
    "T1201": {  # 人力资源部经理 周静
        "预算执行偏差率": budget(968_000),
        "部门管理": events(("late_day", 8, "九月部门考核结果汇总晚报", 1)),
        "人员需求达成率": {"inputs": {"reported": 9, "requested": 10}},
        "培训计划达成率": {"inputs": {"done": 7, "planned": 8}},
        "考核跟踪协调情况": {"rating": 4},
        "上报材料的及时性": NO_EVENTS,
        "外部关系协调质量": {"rating": 4},
        "外审不符合项次": {"value": 0},
        **training(2, 2, 20, 20),
    },
    "T1301": {  # 营销部经理 王磊
        "销售目标达成率": {"inputs": {"actual": 8_760_000, "plan": 9_000_000}},
        "销售费用控制率": {"inputs": {"actual": 412_000, "budget": 400_000}},
        "销售回款率": {"inputs": {"received": 6_950_000, "receivable": 7_800_000}},
        "部门管理": events(("complaint", 17, "销售代表投诉提成核算不透明", None)),
        "市场拓展和营销策略方案编制质量": {"rating": 3},
        "上报材料的及时性": events(("late_day", 28, "竞品分析材料晚交", 1)),
        "客户投诉处理": NO_EVENTS,
        **training(1, 2, 15, 20),
    },
    "T1401": {  # 技术工程部经理 赵鹏
        "预算执行偏差率": budget(1_018_000),
        "研发成本控制率": {"inputs": {"actual": 530_000, "budget": 500_000}},
        "部门管理": NO_EVENTS,
        "课题完成率": {"inputs": {"done": 4, "planned": 5}},
        "新项目报告的完整性": events(
            ("missing_section", 25, "新型号可研报告缺少风险分析章节", None)
        ),
        "上报材料的及时性": NO_EVENTS,
        "外审不符合项次": {"value": 2},
        **training(3, 3, 17, 20),
    },
    "T1501": {  # 质量保障部经理 孙丽
        "预算执行偏差率": budget(991_000),
        "部门管理": NO_EVENTS,
        "质量分析报告质量": {"rating": 5},
        "外审通过率": {"inputs": {"failed": 0, "third_party": 5, "second_party": 6}},
        "上报材料及时性": NO_EVENTS,
        "客户质量投诉发生率": {"inputs": {"complaints": 2, "batches": 64}},
        **training(2, 2, 20, 20),
    },
    "T1601": {  # 生产部经理 钱伟
        "生产成本控制率": {"inputs": {"actual": 3_090_000, "plan": 3_000_000}},
        "部门管理": events(
            ("violation", 11, "二车间未按规定办理动火审批", None),
            ("late_day", 6, "九月车间考核结果晚报", 2),
        ),
        "生产任务完成率": {"inputs": {"done": 1_920, "required": 2_000}},
        "生产订单交期达成率": {"inputs": {"on_time": 58, "ordered": 62}},
        "质量合格率": {"inputs": {"qualified": 59, "finished": 64}},
        "设备完好率": {"inputs": {"good_days": 30, "calendar_days": 31}},
        "上报材料及时性": NO_EVENTS,
        "外审不符合项次": {"value": 3},
        **training(2, 3, 16, 20),
    },
    "T1701": {  # 采购部经理 吴芳
        "采购成本控制率": {"inputs": {"actual": 2_020_000, "plan": 2_000_000}},
        "部门管理": NO_EVENTS,
        "采购及时性": {"inputs": {"on_time": 47, "batches": 50}},
        "采购分析": {"rating": 4},
        "库存价值分析": {"rating": 3},
        "上报材料及时性": NO_EVENTS,
        "外审不符合项次": {"value": 0},
        **training(2, 2, 19, 20),
    },
}

ATTENDANCE_ITEMS = ("培训&会议出勤率", "培训/会议出勤率")

STAFF_ITEMS = (
    "工作任务",
    "工作质量",
    "工作效率",
    "专业技能",
    "适应能力",
    "沟通合作",
    "理解力",
    "工作态度",
    "执行力",
    "忠诚度",
)

# How well each staff member did this month (their scores spread around it).
STAFF_LEVEL = {
    # 财务部
    "T1002": 9.2,
    "T1003": 8.1,
    "T1004": 8.4,
    "T1005": 7.5,
    # 行政部
    "T1102": 7.6,
    "T1103": 8.0,
    "T1104": 8.7,
    "T1105": 7.3,
    # 人力资源部
    "T1202": 8.8,
    "T1203": 8.2,
    "T1204": 7.8,
    "T1205": 8.9,
    # 营销部
    "T1302": 9.0,
    "T1303": 7.2,
    "T1305": 9.1,
    "T1306": 7.7,
    "T1307": 8.3,
    "T1308": 7.4,
    # 技术工程部
    "T1402": 8.5,
    "T1403": 7.9,
    "T1404": 8.8,
    "T1405": 8.0,
    "T1406": 7.1,
    # 质量保障部
    "T1502": 8.3,
    "T1503": 6.8,
    "T1504": 7.9,
    "T1505": 8.2,
    "T1506": 8.6,
    # 生产部
    "T1602": 8.6,
    "T1603": 7.6,
    "T1610": 8.9,
    "T1611": 7.4,
    "T1612": 8.0,
    "T1614": 8.1,
    "T1615": 7.5,
    "T1616": 6.9,
    "T1620": 8.2,
    "T1621": 7.7,
    "T1623": 7.0,
    "T1624": 8.4,
    "T1625": 7.2,
    "T1626": 7.8,
    # 采购部
    "T1702": 8.4,
    "T1703": 7.7,
    "T1710": 8.5,
    "T1711": 8.0,
    "T1712": 7.3,
    "T1713": 8.1,
}

# The staff form's pay pools, per level (group inputs of the cycle): 员工 and 基层.
STAFF_POOLS = {"员工": 150_000, "基层": 15_000}

# Appraisee-level inputs of the staff form's gate (基本项): 损失 in yuan.
STAFF_LOSS = {"T1611": 2_600}


def staff_scores(number: str, period: str = PERIOD, level: float | None = None) -> dict[str, int]:
    """The ten scores (0–10) a staff member's supervisor gives in a month, spread
    around their level (October's by default); the same every run."""
    rng = random.Random(f"{period}-{number}")
    level = STAFF_LEVEL[number] if level is None else level
    return {item: max(0, min(10, round(level + rng.uniform(-1.2, 1.2)))) for item in STAFF_ITEMS}


def self_scores(number: str, period: str, given: Mapping[str, int]) -> dict[str, int]:
    """The employee's self-assessment (自评) of the month: most people rate themselves
    as their supervisor does or a point higher; the same every run."""
    rng = random.Random(f"{period}-{number}-self")
    return {item: min(10, score + rng.choice((0, 0, 1, 1, 2))) for item, score in given.items()}


# The appeal waiting for HR: 李强 contests September's 工作效率 (the month-end closing
# was early); filed in the appeal window after publication, not yet accepted.
APPEAL = {
    "cycle": "TK-2026-09",
    "number": "T1002",
    "item": "工作效率",
    "reason": "9月月结比计划提前两天完成（见月结记录），工作效率评分偏低，请复核。",
}


# The warehouse provider's October figures, from its monthly report and the WMS.
PROVIDER: dict[str, dict[str, Any]] = {
    "KPI-L3-01": {
        "inputs": {"received": 620},
        **counts(
            ("overtime", 8, "节后集中到货,3张PO点收超过2小时", 3),
            ("overtime", 15, "WMS系统故障,4张PO延迟点收", 4),
            ("overtime", 27, "夜间到货次日点收,2张PO超时", 2),
        ),
    },
    "KPI-L3-02": {
        "inputs": {"shipped": 940},
        **counts(
            ("overtime", 11, "双十一备货高峰,7张SO作业超过1小时", 7),
            ("overtime", 30, "5张加急出货单未在30分钟内完成", 5),
        ),
    },
    "KPI-L3-03": counts(
        ("error", 9, "IQC漏检一箱外观破损", 1),
        ("error", 21, "入库单证记录数量与实收不符", 1),
    ),
    "KPI-L3-04": {"counts": []},
    "KPI-L3-05": counts(("bad_barcode", 18, "3个条码未及时上传HUB", 3)),
    "KPI-L3-06": {"counts": []},
    "KPI-L3-07": {
        "inputs": {"avg_stock": 168_000},
        **counts(("damaged", 24, "叉车作业碰损外包装2PCS", 2)),
    },
    "KPI-L3-08": {"value": 0.72},
}


@dataclass(frozen=True)
class Month:
    """One monthly cycle of the demo company and its facts."""

    period: str  # 2026-10
    code: str  # TK-2026-10
    name: str  # 2026年10月月度考核
    managers: dict[str, dict[str, Any]]  # 工号 -> the manager form's item facts
    staff_level: dict[str, float]  # 工号 -> how well they did (scores spread around it)
    staff_loss: Mapping[str, float]  # 工号 -> 损失 in yuan (the staff form's gate)
    provider: dict[str, dict[str, Any]]  # the warehouse provider's item facts
    # HR's decisions on eligibility: (工号, include or exclude, reason)
    overrides: tuple[tuple[str, str, str], ...] = field(default=())
    # interviews after publication: {"number", "interview": {...}, "plan": {...}}
    interviews: tuple[dict[str, Any], ...] = field(default=())

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int:
        return int(self.period[5:])


OCTOBER = Month(
    period=PERIOD,
    code="TK-2026-10",
    name="2026年10月月度考核",
    managers=MANAGERS,
    staff_level=STAFF_LEVEL,
    staff_loss=STAFF_LOSS,
    provider=PROVIDER,
    overrides=(("T1623", "include", "10月8日入职,经总经理批准参加本月考核"),),
)
