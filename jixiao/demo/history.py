"""The demo company's months before October 2026: August and September, made from
October's facts (`facts`) with the variation one sees from month to month, the
same on every run (each person's figures are drawn from a generator seeded by the
month and their 工号; no clock is read).

The story the numbers tell, kept modest:
- 生产部 improves: August had a press breakdown, scrap and late orders; September
  is better and October better still (the managers' figures, and the staff's
  levels a little below October's, less so in September);
- 营销部 slips: a strong August (sales above plan), then a softening market —
  sales, collections and the staff's levels a little lower each month;
- 魏小红 (T1505, 质检员) missed a defect in August and got a low grade and an
  improvement plan; she improved in September and is among the better ones in
  October;
- the warehouse provider's contract started in August, its adaptation month
  (适应期): 4 KPIs not met in August, 3 in September (a fee deduction), 2 in
  October (see `company.CONTRACT_START`).
Everyone else varies a little around their October figures."""

from __future__ import annotations

import datetime
import random
from typing import Any

from jixiao.demo import company, facts
from jixiao.demo.facts import Month, counts, day, days_in, events

MONTH_NAMES = "一二三四五六七八九十"  # 七月, 八月 ...

# The contract with the warehouse provider runs from August 2026 (company.CONTRACT_START:
# its first month, the adaptation period, reference only). Each month's result counts
# the contract over the months so far: August is the reference month, September
# withholds 5% (under 80 points, 3 KPIs not met: one month towards 解约权) and October
# none (2 KPIs not met: the streak is broken). The damages since the adaptation month
# (2 in September, 2 in October) reach the contract's 3 in October: 累计货损解约权.

# How far each earlier month is from October: + better, - worse (the managers'
# figures in steps of their usual spread; the staff's levels in points of 10).
MANAGER_SHIFT = {
    "TK-PRD": {"2026-08": -1.0, "2026-09": -0.5},  # improving towards October
    "TK-MKT": {"2026-08": 1.0, "2026-09": 0.5},  # slipping towards October
}
STAFF_SHIFT = {
    "TK-PRD": {"2026-08": -0.6, "2026-09": -0.3},
    "TK-MKT": {"2026-08": 0.5, "2026-09": 0.25},
}
PERSON_SHIFT = {  # 魏小红: a missed defect in August, then her improvement plan
    ("T1505", "2026-08"): -1.3,
    ("T1505", "2026-09"): -0.6,
}
# People appraised before October but not in it (彭辉 left on 20 October; 傅斌 is
# on sick leave from 24 September).
EARLIER_LEVEL = {"T1613": 7.6, "T1622": 7.4}

# Days that are not working days in these months (weekends aside): 中秋节.
HOLIDAYS = {datetime.date(2026, 9, 25)}

# (figure that moves, what it is measured against, better: higher/lower/closer to it,
# its usual spread from month to month as a share)
RATIOS: dict[str, tuple[str, str, str, float]] = {
    "预算执行偏差率": ("actual", "budget", "closer", 0.02),
    "销售目标达成率": ("actual", "plan", "higher", 0.03),
    "销售费用控制率": ("actual", "budget", "lower", 0.03),
    "销售回款率": ("received", "receivable", "higher", 0.03),
    "研发成本控制率": ("actual", "budget", "lower", 0.03),
    "生产成本控制率": ("actual", "plan", "lower", 0.015),
    "采购成本控制率": ("actual", "plan", "lower", 0.015),
    "生产任务完成率": ("done", "required", "higher", 0.02),
    "生产订单交期达成率": ("on_time", "ordered", "higher", 0.03),
    "质量合格率": ("qualified", "finished", "higher", 0.03),
    "设备完好率": ("good_days", "calendar_days", "higher", 0.03),
    "采购及时性": ("on_time", "batches", "higher", 0.03),
    "人员需求达成率": ("reported", "requested", "higher", 0.1),
    "培训计划达成率": ("done", "planned", "higher", 0.12),
    "课题完成率": ("done", "planned", "higher", 0.2),
    "部门培训计划达成率": ("done", "planned", "higher", 0.25),
    "attendance": ("attended", "required", "higher", 0.06),
    "客户质量投诉发生率": ("complaints", "batches", "lower", 0.02),
}

# What the record books say, by item and event ({prev}: last month, {month}: this one).
REPORTS_LATE = {  # 上报材料的及时性: the department's late reports
    "TK-FIN": ("{prev}财务分析报告晚交", "资金预算表晚交", "{prev}费用明细表晚交"),
    "TK-ADM": ("{prev}行政费用统计表晚交", "办公会会议纪要晚发", "车辆使用月报晚交"),
    "TK-HR": ("{prev}人员异动统计表晚交", "社保基数调整材料晚交", "招聘进度周报晚交"),
    "TK-MKT": ("{prev}销售分析报告晚交", "竞品分析材料晚交", "客户回访汇总晚交"),
    "TK-ENG": ("新产品试制总结晚交", "{prev}研发项目进度报告晚交", "工艺文件更改清单晚交"),
    "TK-QA": ("{prev}质量分析报告晚交", "客户审核整改报告晚交", "内审计划晚交"),
    "TK-PRD": ("{prev}生产统计月报晚交", "设备点检汇总表晚交", "安全检查整改报告晚交"),
    "TK-PUR": ("{prev}采购分析报告晚交", "库存盘点报告晚交", "供应商评价表晚交"),
}
VIOLATIONS = {  # 部门管理: not following a rule or a procedure
    "TK-FIN": ("一笔设备款未按付款审批流程提前支付", "费用报销单据不全即予报销"),
    "TK-ADM": ("公务用车未登记即出车", "办公用品采购未经审批"),
    "TK-HR": ("新员工入职体检未完成即安排上岗", "考勤数据未经复核即报送财务"),
    "TK-MKT": ("合同评审未完成即向客户承诺交期", "客户资料未按规定归档"),
    "TK-ENG": ("工艺变更未走ECN流程", "图纸未经审核即下发车间"),
    "TK-QA": ("不合格品未按规定隔离标识", "检验记录填写不规范"),
    "TK-PRD": ("车间未按规定办理动火审批", "交接班未进行安全确认"),
    "TK-PUR": ("供应商未经评审即下单", "紧急采购未补办审批手续"),
}
EVENT_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "部门管理": {
        "late_day": (
            "{prev}部门考核结果晚报",
            "{prev}部门绩效考核汇总表晚交",
            "{month}月度工作计划晚报",
        ),
        "complaint": (
            "员工投诉加班安排未提前通知",
            "员工投诉考核评分依据不清",
            "员工投诉调休申请长期未批复",
        ),
    },
    "用印违纪次数": {
        "seal_unsecured": ("检查发现公章下班后未入柜上锁", "合同章外借后未按时归还入柜"),
    },
    "新项目报告的完整性": {
        "missing_section": (
            "新产品可研报告缺少市场需求分析章节",
            "试制总结报告缺少成本测算章节",
            "项目立项报告缺少进度计划",
        ),
    },
}


def _department(unit: str) -> str:
    return "-".join(unit.split("-")[:2])  # TK-PRD-1 -> TK-PRD


DEPARTMENT_OF = {row[0]: _department(row[2]) for row in company.EMPLOYEES}


def working_days(period: str) -> list[datetime.date]:
    days = (day(n, period) for n in range(1, days_in(period) + 1))
    return [d for d in days if d.weekday() < 5 and d not in HOLIDAYS]


def _texts(item: str, department: str) -> dict[str, tuple[str, ...]]:
    """The events an item's record book holds, with what they say."""
    if item in ("上报材料的及时性", "上报材料及时性"):
        return {"late_day": REPORTS_LATE[department]}
    if item == "部门管理":
        return {**EVENT_TEXTS[item], "violation": VIOLATIONS[department]}
    return EVENT_TEXTS.get(item, {})


# -- the managers ------------------------------------------------------------------
def manager_facts(number: str, period: str) -> dict[str, dict[str, Any]]:
    """A manager's form in an earlier month: October's, varied; the story's figures
    (`STORY`) where it has them."""
    rng = random.Random(f"{period}-{number}")
    department = DEPARTMENT_OF[number]
    shift = MANAGER_SHIFT.get(department, {}).get(period, 0.0)
    varied = {
        item: _vary(item, given, rng, period, shift, department)
        for item, given in facts.MANAGERS[number].items()
    }
    return {**varied, **STORY.get((number, period), {})}


def _vary(
    item: str, given: dict[str, Any], rng: random.Random, period: str, shift: float, dept: str
) -> dict[str, Any]:
    varied: dict[str, Any] = {}
    if "inputs" in given:
        varied["inputs"] = _inputs(item, given["inputs"], rng, period, shift)
    if "value" in given:  # counts of nonconformities, failures: 0 or a few
        varied["value"] = max(0, given["value"] + round(-shift + rng.uniform(-0.8, 0.8)))
    if "rating" in given:  # the supervisor's 5…1, one level at most from October's
        was = given["rating"]
        rating = was + round(shift + rng.uniform(-0.7, 0.7))
        varied["rating"] = max(1, was - 1, min(5, was + 1, rating))
    if "events" in given:
        varied["events"] = _events(item, given["events"], rng, period, shift, dept)
    return varied


def _inputs(
    item: str, inputs: dict[str, Any], rng: random.Random, period: str, shift: float
) -> dict[str, Any]:
    if item == "外审通过率":  # audit findings: a few more or fewer, no audit failed
        return {
            "failed": 0,
            "third_party": max(0, inputs["third_party"] + rng.choice((-1, 0, 0, 1))),
            "second_party": max(0, inputs["second_party"] + rng.choice((-2, -1, 0, 1, 2))),
        }
    moving, base, better, spread = RATIOS[item]
    total = inputs[base]
    if base == "calendar_days":
        total = days_in(period)
    elif 20 <= total < 10_000:  # batches, orders, pieces: this month's own
        total = round(total * rng.uniform(0.92, 1.08))
    ratio = inputs[moving] / inputs[base]
    noise = rng.uniform(-spread, spread)
    if better == "closer":  # a budget: better is nearer to it
        ratio = 1 + (ratio - 1) * (1 - 0.5 * shift) + noise
    else:
        ratio += (shift if better == "higher" else -shift) * spread + noise
    if better == "higher" and inputs[moving] <= inputs[base]:
        ratio = min(ratio, 1.0)  # no more done than planned
    value = max(0.0, total * ratio)
    return {moving: int(round(value, -3)) if total >= 10_000 else round(value), base: total}


def _events(
    item: str,
    rows: list[tuple[str, datetime.date, str, float | None]],
    rng: random.Random,
    period: str,
    shift: float,
    department: str,
) -> list[tuple[str, datetime.date, str, float | None]]:
    texts = _texts(item, department)
    if not texts:
        return []
    names = sorted({name for name, *_ in rows} & set(texts)) or sorted(texts)
    how_many = max(0, min(2, len(rows) + round(-shift + rng.uniform(-0.9, 0.9))))
    month = int(period[5:])
    words = {"prev": f"{MONTH_NAMES[month - 2]}月", "month": f"{MONTH_NAMES[month - 1]}月"}
    found: list[tuple[str, datetime.date, str, float | None]] = []
    for _ in range(how_many):
        name = rng.choice(names)
        text = rng.choice(texts[name]).format(**words)
        if any(text == seen for _n, _d, seen, _s in found):
            continue
        days = working_days(period)
        when = rng.choice(days[:6] if "晚报" in text else days)  # reports are due early
        size = rng.choice((1, 1, 2)) if name == "late_day" else None
        found.append((name, when, text, size))
    return sorted(found, key=lambda row: row[1])


# The figures the story is told by (they replace the varied ones).
STORY: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("T1601", "2026-08"): {  # 生产部: the press breakdown and its consequences
        "生产成本控制率": {"inputs": {"actual": 3_210_000, "plan": 3_000_000}},
        "生产任务完成率": {"inputs": {"done": 1_810, "required": 2_000}},
        "生产订单交期达成率": {"inputs": {"on_time": 52, "ordered": 61}},
        "质量合格率": {"inputs": {"qualified": 53, "finished": 62}},
        "设备完好率": {"inputs": {"good_days": 27, "calendar_days": 31}},
        "部门管理": events(
            ("violation", 12, "一车间冲压机带故障运行,未按规定停机报修", None),
            ("complaint", 24, "员工投诉抢修期间连续加班未安排调休", None),
            period="2026-08",
        ),
        "外审不符合项次": {"value": 4},
    },
    ("T1601", "2026-09"): {  # 生产部: recovering
        "生产成本控制率": {"inputs": {"actual": 3_130_000, "plan": 3_000_000}},
        "生产任务完成率": {"inputs": {"done": 1_870, "required": 2_000}},
        "生产订单交期达成率": {"inputs": {"on_time": 55, "ordered": 60}},
        "质量合格率": {"inputs": {"qualified": 55, "finished": 62}},
        "设备完好率": {"inputs": {"good_days": 29, "calendar_days": 30}},
        "部门管理": events(
            ("violation", 16, "二车间未按规定办理动火审批", None),
            ("late_day", 4, "八月车间考核结果晚报", 1),
            period="2026-09",
        ),
        "外审不符合项次": {"value": 3},
    },
    ("T1301", "2026-08"): {  # 营销部: a strong month
        "销售目标达成率": {"inputs": {"actual": 9_380_000, "plan": 9_000_000}},
        "销售费用控制率": {"inputs": {"actual": 386_000, "budget": 400_000}},
        "销售回款率": {"inputs": {"received": 7_480_000, "receivable": 7_800_000}},
        "部门管理": {"events": []},
        "市场拓展和营销策略方案编制质量": {"rating": 4},
        "上报材料的及时性": {"events": []},
    },
    ("T1301", "2026-09"): {  # 营销部: the market softens
        "销售目标达成率": {"inputs": {"actual": 8_930_000, "plan": 9_000_000}},
        "销售费用控制率": {"inputs": {"actual": 409_000, "budget": 400_000}},
        "销售回款率": {"inputs": {"received": 7_120_000, "receivable": 7_800_000}},
        "部门管理": {"events": []},
        "市场拓展和营销策略方案编制质量": {"rating": 4},
        "上报材料的及时性": events(("late_day", 29, "八月销售分析报告晚交", 1), period="2026-09"),
    },
}


# -- the staff -----------------------------------------------------------------------
def staff_levels(period: str) -> dict[str, float]:
    """How well each staff member appraised in `period` did: October's level, the
    department's shift, their own story, and a little noise of their own."""
    found = {}
    for number, level in {**EARLIER_LEVEL, **facts.STAFF_LEVEL}.items():
        rng = random.Random(f"level-{period}-{number}")
        shift = STAFF_SHIFT.get(DEPARTMENT_OF[number], {}).get(period, 0.0)
        shift += PERSON_SHIFT.get((number, period), 0.0)
        found[number] = round(level + shift + rng.uniform(-0.3, 0.3), 2)
    return dict(sorted(found.items()))


# -- the warehouse provider -------------------------------------------------------
PROVIDER_AUGUST: dict[str, dict[str, Any]] = {  # its first month: learning the WMS
    "KPI-L3-01": {
        "inputs": {"received": 560},
        **counts(
            ("overtime", 4, "新仓启用,收货人员不熟悉WMS,5张PO点收超时", 5),
            ("overtime", 13, "月台调度混乱,4张PO点收超过2小时", 4),
            ("overtime", 26, "夜间到货次日点收,3张PO超时", 3),
            period="2026-08",
        ),
    },
    "KPI-L3-02": {
        "inputs": {"shipped": 830},
        **counts(("overtime", 19, "拣货路径未优化,8张SO作业超过1小时", 8), period="2026-08"),
    },
    "KPI-L3-03": counts(
        ("error", 6, "IQC抽样数量不足", 1),
        ("error", 14, "入库单证批号录入错误", 1),
        ("error", 27, "系统点收数量与实收不符", 1),
        period="2026-08",
    ),
    "KPI-L3-04": {"counts": []},
    "KPI-L3-05": counts(
        ("bad_barcode", 10, "条码模板设置错误,4个条码上传HUB数据不准确", 4),
        ("bad_barcode", 21, "2个条码遗漏上传", 2),
        period="2026-08",
    ),
    "KPI-L3-06": counts(("sku_error", 31, "月度盘点1个SKU盘亏", 1), period="2026-08"),
    "KPI-L3-07": {
        "inputs": {"avg_stock": 152_000},
        **counts(("damaged", 17, "搬运时跌落破损3PCS", 3), period="2026-08"),
    },
    "KPI-L3-08": {"value": 0.70},
}
PROVIDER_SEPTEMBER: dict[str, dict[str, Any]] = {  # better, but the shipping peak
    "KPI-L3-01": {
        "inputs": {"received": 590},
        **counts(
            ("overtime", 9, "到货集中,4张PO点收超过2小时", 4),
            ("overtime", 23, "中秋节前备货,3张PO延迟点收", 3),
            period="2026-09",
        ),
    },
    "KPI-L3-02": {
        "inputs": {"shipped": 910},
        **counts(
            ("overtime", 15, "中秋备货高峰,9张SO作业超过1小时", 9),
            ("overtime", 24, "7张加急出货单未在30分钟内完成", 7),
            ("overtime", 29, "国庆节前集中出货,6张SO超时", 6),
            period="2026-09",
        ),
    },
    "KPI-L3-03": counts(("error", 11, "入库单证记录数量与实收不符", 1), period="2026-09"),
    "KPI-L3-04": {"counts": []},
    "KPI-L3-05": counts(("bad_barcode", 16, "2个条码未及时上传HUB", 2), period="2026-09"),
    "KPI-L3-06": {"counts": []},
    "KPI-L3-07": {
        "inputs": {"avg_stock": 161_000},
        **counts(("damaged", 22, "叉车作业碰损外包装2PCS", 2), period="2026-09"),
    },
    "KPI-L3-08": {"value": 0.71},
}


# -- the interviews -----------------------------------------------------------------
INTERVIEWS = {
    "2026-08": (
        {  # 魏小红's low grade: the interview and her improvement plan (绩效改进计划)
            "number": "T1505",
            "interview": {
                "held_on": datetime.date(2026, 9, 8),
                "summary": "8月来料检验漏检一批外观不良品,流入生产线后才发现;检验记录有补记现象。",
                "to_improve": "严格按抽样方案和检验指导书检验;检验记录当场填写。",
                "next_goals": "9月来料检验零漏检,检验记录完整率100%。",
            },
            "plan": {
                "goals": "来料检验零漏检;检验记录当场填写、完整准确。",
                "actions": "由姚振华带教两周;每周抽查检验记录一次;参加9月检验标准培训。",
                "review_on": datetime.date(2026, 9, 30),
            },
        },
    ),
}


# -- the months ----------------------------------------------------------------------
def month(period: str, provider: dict[str, dict[str, Any]], loss: dict[str, float]) -> Month:
    number = int(period[5:])
    return Month(
        period=period,
        code=f"TK-{period}",
        name=f"{period[:4]}年{number}月月度考核",
        managers={n: manager_facts(n, period) for n in facts.MANAGERS},
        staff_level=staff_levels(period),
        staff_loss=loss,
        provider=provider,
        interviews=INTERVIEWS.get(period, ()),
    )


AUGUST = month("2026-08", PROVIDER_AUGUST, {"T1625": 3_200})  # 陆海波: a damaged die
SEPTEMBER = month("2026-09", PROVIDER_SEPTEMBER, {"T1712": 2_300})  # 严秀英: a stock loss
EARLIER = (AUGUST, SEPTEMBER)  # oldest first
