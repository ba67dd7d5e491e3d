"""The demo company's positions (岗位): duties, authorities and work standards taken
from seeds 000 and 001 (a production planner; the office, finance, sales, market-data,
statistics and warehouse positions), the manager duties of seed 002's eight forms."""

from __future__ import annotations

from typing import Any

MANAGER_DUTIES = {
    "fin": (
        "1.组织编制并执行部门及公司预算,控制预算执行偏差;\n2.负责资金调度,保证正常支付;\n"
        "3.编制财务分析报告,为经营决策提供依据;\n4.建立并执行内部控制制度,发挥财务监控作用;\n"
        "5.协调税务、银行、审计等外部关系;\n6.组织本部门培训与绩效考核。"
    ),
    "adm": (
        "1.准确传达公司决议并跟踪督办;\n2.组织行政、后勤保障工作,保证公司正常运转;\n"
        "3.管理公司印章,规范用印审批;\n4.组织会议、接待及对外联络;\n5.组织本部门培训与绩效考核。"
    ),
    "hr": (
        "1.根据人员需求组织招聘,保证人员按时到岗;\n2.制定并实施公司培训计划;\n"
        "3.组织绩效考核的跟踪与协调,汇总考核结果;\n4.办理劳动合同、劳资等相关手续;\n"
        "5.统计培训和会议出勤情况。"
    ),
    "mkt": (
        "1.制定销售策略和计划,确保公司销售目标的达成;\n2.控制销售费用,跟进销售回款;\n"
        "3.分析市场趋势和竞争对手,编制市场拓展和营销策略方案;\n"
        "4.协调内部部门,及时处理客户投诉,维护公司声誉;\n5.定期向上级汇报销售情况和市场动态。"
    ),
    "eng": (
        "1.组织领导公司技术工作,按计划完成研发课题;\n2.控制研发成本;\n"
        "3.负责新项目从立项、可研到最终形成报告文件的完整;\n4.配合二、三方审核,整改不符合项。"
    ),
    "qa": (
        "1.负责公司质量管理体系的策划、运行、维护、监控、持续改进;\n"
        "2.组织二、三方审核,保证审核一次通过;\n3.编制质量分析报告;\n4.处理客户质量投诉,降低投诉发生率。"
    ),
    "prd": (
        "1.制定年度工作计划(包括生产计划、生产准备计划),并组织实施;\n"
        "2.根据营销部排产单,组织落实各项生产准备工作,审批下达周生产作业排产计划和日调度命令,"
        "并监控生产运行过程,保证按质按量按期交货;\n"
        "3.直接管理工段长及以上生产管理骨干,培养一支生产技术过硬、会管人管事的生产管理队伍;\n"
        "4.组织做好质量管理、设备管理、安全生产、文明生产工作,推行全面质量管理和全员质量管理;\n"
        "5.主持生产部每月一次的总结大会和每周一次的生产调度会;\n6.审核每天的各类报表并督促按时报送;\n"
        "7.协助人力资源部做好员工绩效考核、教育培训、年终总结评比工作。"
    ),
    "pur": (
        "1.按时完成采购计划,控制采购成本;\n2.开展市场调查和采购分析,提出合理化建议;\n"
        "3.管理供应商,保证材料供应的稳定性;\n4.分析库存价值,减少库存积压;\n"
        "5.管理原料仓库,监督仓储服务商履行KPI协议。"
    ),
}
MANAGER_TITLES = (
    ("fin", "财务部经理", "TK-FIN"),
    ("adm", "行政部经理", "TK-ADM"),
    ("hr", "人力资源部经理", "TK-HR"),
    ("mkt", "营销部经理", "TK-MKT"),
    ("eng", "技术工程部经理", "TK-ENG"),
    ("qa", "质量保障部经理", "TK-QA"),
    ("prd", "生产部经理", "TK-PRD"),
    ("pur", "采购部经理", "TK-PUR"),
)
MANAGER_AUTHORITIES = "审核本部门工作计划与费用;提名本部门人员的任免、奖惩;对下属进行考核。"
MANAGER_STANDARDS = (
    "每年元月十五日前报送年度工作计划,每月第1个工作日报送月度工作计划,每迟交1天扣1分;"
    "部门考核结果每月按期上报;公司领导要求的上报材料按时提交。"
)

GM_DUTIES = (
    "1.主持制订公司中长期发展规划和年度经营计划并组织实施,保证经营目标的实现;\n"
    "2.指导协调公司各职能部门工作,考核各职能部门负责人,完善公司各项管理制度;\n"
    "3.致力于培育公司核心竞争力,建设保证公司永续经营的企业文化;\n"
    "4.主持办公例会、管理评审会议、年终总结会议。"
)
GM_AUTHORITIES = (
    "在董事会授权下,主持公司全面工作;决定组织体制和人事编制,决定公司员工的聘请、辞退、任免、"
    "薪酬、奖惩;审批各项财务支出;审批公司方针、目标、发展规划和各部门业务计划。"
)

PLANNER_DUTIES = (
    "1.监控制单生产准备工作,检查进度是否符合生产计划要求;\n"
    "2.确保有关部门及时得到制单生产所需信息;\n3.生产订单计划执行的检查和跟踪;\n4.生产物料耗用的监控。"
)
CASHIER_DUTIES = (
    "1.严格执行会计法和公司财务制度;\n2.负责现金账户、银行存款账户的出纳工作;\n"
    "3.负责公司员工的工资及各项津贴发放;\n4.定期清理往来款项,对长期挂账的应收、应付款提出清理意见。"
)
CLERK_DUTIES = (
    "1.负责公司固定资产的登记与保管;\n2.负责办公用品的购买、发放及通讯网络设备的办理缴费;\n"
    "3.负责员工加班、请假的统计;\n4.负责会议组织、用印登记和后勤事务。"
)
CLERK_STANDARDS = (
    "固定资产造册登记及时,无漏登、错登,做到无丢失、无损坏;购买办公用品须经领导同意;"
    "加班、请消假统计真实、准确。"
)
SECRETARY_DUTIES = (
    "1.负责起草有关公文、工作计划(总结)及通知,负责打印校对;\n"
    "2.负责来文的接收登记、管理和归档,文件运转迅速,催办及时;\n"
    "3.参加有关会议,做好会议记录,整理会议纪要;\n4.执行档案管理和保密制度,确保档案安全。"
)
DRIVER_DUTIES = (
    "1.负责公司公务用车的驾驶,保证行车安全;\n2.负责车辆的日常维修、保养和清洁;\n"
    "3.遵守交通法规和公司车辆管理制度,服从行政部统一调度。"
)
SALES_STANDARDS = (
    "1.推动销售业绩的实现,完成销售目标;\n2.维护客户关系,确保客户满意度;\n"
    "3.了解市场需求,提供产品优化建议;\n4.完成销售报表和销售数据的记录。"
)
ANALYST_DUTIES = (
    "1.收集和整理市场数据,包括销售数据、竞争对手数据等;\n2.进行市场数据分析,提供决策参考;\n"
    "3.定期报告市场趋势和竞争情况;\n4.为市场策划和销售团队提供数据支持。"
)
STATISTICIAN_DUTIES = (
    "1.严格贯彻有关统计法规,依法施行统计;\n2.汇总每天的生产日报表并按时报送;\n"
    "3.统计产量、工时和物料消耗,编制月度生产统计报表。"
)
STORE_HEAD_DUTIES = (
    "1.负责仓库全面工作,负责各类物资的收、发、存管理;\n2.负责本部门周、月计划的制定与落实;\n"
    "3.负责与生产部、采购部等部门的协调沟通;\n4.负责仓库员工的日常培训学习与日常工作考核;\n"
    "5.负责仓库防火、防盗、防潮、防尘、防腐工作。"
)
STORE_HEAD_STANDARDS = (
    "每天巡查所属仓库一次,发现问题立即处理;每周一组织业务学习;每月组织一次内部盘点;"
    "每天少检查一次工作或没有考核下属扣1分;每月少一次盘点扣3分;周、月计划晚报一次扣1分。"
)
KEEPER_DUTIES = (
    "1.负责所管材料的验收、入库、保管保养和发放;\n2.负责盘点对账,保证账、卡、物三对照;\n"
    "3.与材料使用部门及时沟通,及时补库;\n4.做好收发单据的填写和日清月结。"
)
KEEPER_STANDARDS = (
    "按程序验收物资,验收合格、手续齐全方可入库;不按程序入库扣1分;物资摆放不整齐扣0.5分;"
    "手续不全发料扣0.5分。"
)
STORE_CLERK_DUTIES = (
    "1.负责仓库材料入库、出库单据的入账;\n2.负责统计和编制仓库材料的各项数据和报表;\n"
    "3.协助财务及审计部门审核仓库账目;\n4.编制仓库材料的月、年盘点表。"
)


# The duties of the staff positions: the long ones above, the short ones here.
DUTIES = {
    "FIN-ACC": "负责记账、报表编制和预算数据统计。",
    "FIN-CSH": CASHIER_DUTIES,
    "ADM-CLK": CLERK_DUTIES,
    "ADM-SEC": SECRETARY_DUTIES,
    "ADM-DRV": DRIVER_DUTIES,
    "HR-SPC": "负责绩效考核的组织与汇总、考勤统计。",
    "HR-REC": "根据各部门人员需求组织招聘,保证人员按时到岗。",
    "HR-TRN": "编制并实施公司培训计划,统计培训和会议出勤。",
    "HR-PAY": "负责工资核算、社会保险和劳动合同手续。",
    "MKT-REP": "负责开辟新客户,跟进订单和回款。",
    "MKT-ANA": ANALYST_DUTIES,
    "MKT-SVC": "负责客户咨询解答、投诉处理和客户满意度调查。",
    "ENG-ENG": "负责工艺文件编制和研发课题实施。",
    "ENG-RD": "负责新产品设计、试制和可研报告编写。",
    "ENG-EQP": "负责设备维修保养计划的编制与实施,做好维修记录。",
    "QA-INS": "负责来料、过程和成品检验。",
    "QA-SYS": "负责质量管理体系的维护,组织内审,配合二、三方审核。",
    "PRD-PLN": PLANNER_DUTIES,
    "PRD-STA": STATISTICIAN_DUTIES,
    "PRD-LEAD": "负责车间生产任务、现场管理和安全生产。",
    "PRD-OP": "按作业指导书完成生产任务,做好设备日常保养。",
    "PUR-BUY": "负责询价、下单和到货跟踪。",
    "PUR-STH": STORE_HEAD_DUTIES,
    "PUR-KPR": KEEPER_DUTIES,
    "PUR-SCL": STORE_CLERK_DUTIES,
}


def staff(
    code: str,
    title: str,
    unit: str,
    family: str,
    grades: tuple[int, int],
    standards: str = "",
    tier: str = "staff",
) -> tuple[Any, ...]:
    """A position without a scheme of its own (the staff form applies through the unit)."""
    return (code, title, unit, tier, family, DUTIES[code], "", standards, grades, None)


GM = ("GM", "总经理", "TK-GM", "senior", "management", GM_DUTIES, GM_AUTHORITIES, "", (18, 20))

# (code, title, unit, tier, family, responsibilities, authorities, standards, grades, scheme)
POSITIONS: list[tuple[Any, ...]] = [
    (*GM, None),
    *[
        (
            f"{key.upper()}-MGR",
            title,
            unit,
            "middle",
            "management",
            MANAGER_DUTIES[key],
            MANAGER_AUTHORITIES,
            MANAGER_STANDARDS,
            (10, 14),
            f"{key.upper()}-MGR",
        )
        for key, title, unit in MANAGER_TITLES
    ],
    staff("FIN-ACC", "会计", "TK-FIN", "professional", (4, 7)),
    staff("FIN-CSH", "出纳", "TK-FIN", "professional", (3, 6)),
    staff("ADM-CLK", "行政专员", "TK-ADM", "professional", (3, 6), CLERK_STANDARDS),
    staff("ADM-SEC", "文员", "TK-ADM", "professional", (2, 5)),
    staff("ADM-DRV", "驾驶员", "TK-ADM", "operations", (2, 4)),
    staff("HR-SPC", "人事专员", "TK-HR", "professional", (4, 7)),
    staff("HR-REC", "招聘专员", "TK-HR", "professional", (4, 7)),
    staff("HR-TRN", "培训专员", "TK-HR", "professional", (4, 7)),
    staff("HR-PAY", "薪酬专员", "TK-HR", "professional", (4, 7)),
    staff("MKT-REP", "销售代表", "TK-MKT", "sales", (3, 8), SALES_STANDARDS),
    staff("MKT-ANA", "市场数据分析专员", "TK-MKT", "sales", (4, 7)),
    staff("MKT-SVC", "客服专员", "TK-MKT", "sales", (2, 5)),
    staff("ENG-ENG", "工艺工程师", "TK-ENG", "technical", (5, 9)),
    staff("ENG-RD", "研发工程师", "TK-ENG", "technical", (5, 10)),
    staff("ENG-EQP", "设备工程师", "TK-ENG", "technical", (4, 8)),
    staff("QA-INS", "质检员", "TK-QA", "technical", (3, 6)),
    staff("QA-SYS", "质量体系工程师", "TK-QA", "technical", (5, 8)),
    staff("PRD-PLN", "生产计划员", "TK-PRD", "professional", (4, 7)),
    staff("PRD-STA", "生产统计员", "TK-PRD", "professional", (3, 6)),
    staff("PRD-LEAD", "车间主任", "TK-PRD", "management", (6, 9), tier="junior"),
    staff("PRD-OP", "操作工", "TK-PRD", "operations", (1, 4)),
    staff("PUR-BUY", "采购员", "TK-PUR", "professional", (3, 6)),
    staff("PUR-STH", "仓库主任", "TK-PUR-WH", "management", (5, 8), STORE_HEAD_STANDARDS, "junior"),
    staff("PUR-KPR", "库管员", "TK-PUR-WH", "operations", (2, 4), KEEPER_STANDARDS),
    staff("PUR-SCL", "仓库内业员", "TK-PUR-WH", "professional", (2, 5)),
]
