"""The demo company: a group with a manufacturing company whose departments are those
of seed 002's eight manager forms, about sixty people with their supervisors, and an
external warehouse service provider (seed 003's 3PL contract). The positions, with
their duties and standards, are in `positions.py`."""

from __future__ import annotations

import datetime

D = datetime.date
PASSWORD = "jixiao-demo"
GROUP = "同凯集团有限公司"
COMPANY = "同凯制造有限公司"
PROVIDER = "3PL-HD"
# The warehouse contract runs from August 2026: August is its adaptation month (适应期).
CONTRACT_START = datetime.date(2026, 8, 1)

# The departments the monthly cycle appraises (the general manager's office is not).
DEPARTMENTS = ("TK-FIN", "TK-ADM", "TK-HR", "TK-MKT", "TK-ENG", "TK-QA", "TK-PRD", "TK-PUR")

# (code, name, kind, parent code)
UNITS = [
    ("TKG", GROUP, "group", None),
    ("TK", COMPANY, "company", "TKG"),
    ("TK-GM", "总经理室", "department", "TK"),
    ("TK-FIN", "财务部", "department", "TK"),
    ("TK-ADM", "行政部", "department", "TK"),
    ("TK-HR", "人力资源部", "department", "TK"),
    ("TK-MKT", "营销部", "department", "TK"),
    ("TK-ENG", "技术工程部", "department", "TK"),
    ("TK-QA", "质量保障部", "department", "TK"),
    ("TK-PRD", "生产部", "department", "TK"),
    ("TK-PRD-1", "一车间", "workshop", "TK-PRD"),
    ("TK-PRD-2", "二车间", "workshop", "TK-PRD"),
    ("TK-PUR", "采购部", "department", "TK"),
    ("TK-PUR-WH", "原料仓库", "section", "TK-PUR"),
    # the finished-goods warehouse of east China is run by a third party (3PL)
    (PROVIDER, "华东仓储物流有限公司", "provider", None),
]

# (number, name, unit, position, supervisor, hired, left, username, data owner)
EMPLOYEES = [
    ("T0001", "陈志远", "TK-GM", "GM", None, D(2012, 3, 1), None, "zongjingli", False),
    ("T1001", "张敏", "TK-FIN", "FIN-MGR", "T0001", D(2015, 7, 1), None, "zhangmin", False),
    ("T1101", "刘洋", "TK-ADM", "ADM-MGR", "T0001", D(2016, 2, 15), None, "liuyang", False),
    ("T1201", "周静", "TK-HR", "HR-MGR", "T0001", D(2014, 9, 1), None, "zhoujing", False),
    ("T1301", "王磊", "TK-MKT", "MKT-MGR", "T0001", D(2017, 4, 10), None, "wanglei", False),
    ("T1401", "赵鹏", "TK-ENG", "ENG-MGR", "T0001", D(2013, 6, 1), None, "zhaopeng", False),
    ("T1501", "孙丽", "TK-QA", "QA-MGR", "T0001", D(2018, 1, 8), None, "sunli", False),
    ("T1601", "钱伟", "TK-PRD", "PRD-MGR", "T0001", D(2011, 11, 1), None, "qianwei", False),
    ("T1701", "吴芳", "TK-PUR", "PUR-MGR", "T0001", D(2019, 3, 18), None, "wufang", False),
    # 财务部
    ("T1002", "李强", "TK-FIN", "FIN-ACC", "T1001", D(2019, 5, 6), None, "liqiang", True),
    ("T1003", "黄丽娟", "TK-FIN", "FIN-ACC", "T1001", D(2021, 8, 2), None, None, False),
    ("T1004", "陈晓燕", "TK-FIN", "FIN-CSH", "T1001", D(2022, 3, 14), None, None, False),
    ("T1005", "杨帆", "TK-FIN", "FIN-ACC", "T1001", D(2024, 7, 8), None, None, False),
    # 行政部
    ("T1102", "郑晓", "TK-ADM", "ADM-CLK", "T1101", D(2020, 10, 12), None, None, False),
    ("T1103", "周晓梅", "TK-ADM", "ADM-SEC", "T1101", D(2021, 4, 19), None, None, False),
    ("T1104", "王建国", "TK-ADM", "ADM-DRV", "T1101", D(2015, 9, 1), None, None, False),
    ("T1105", "孙志刚", "TK-ADM", "ADM-DRV", "T1101", D(2019, 12, 2), None, None, False),
    # 人力资源部
    ("T1202", "何雪", "TK-HR", "HR-SPC", "T1201", D(2018, 4, 2), None, "hr", True),
    ("T1203", "吕婷", "TK-HR", "HR-REC", "T1201", D(2021, 6, 7), None, None, False),
    ("T1204", "蒋欣", "TK-HR", "HR-TRN", "T1201", D(2022, 9, 13), None, None, False),
    ("T1205", "田甜", "TK-HR", "HR-PAY", "T1201", D(2020, 2, 24), None, None, False),
    # 营销部; 高远 joined on 12 October, after the period started: not appraised
    ("T1302", "马超", "TK-MKT", "MKT-REP", "T1301", D(2020, 3, 9), None, None, False),
    ("T1303", "林涛", "TK-MKT", "MKT-REP", "T1301", D(2022, 6, 20), None, None, False),
    ("T1304", "高远", "TK-MKT", "MKT-REP", "T1301", D(2026, 10, 12), None, None, False),
    ("T1305", "胡斌", "TK-MKT", "MKT-REP", "T1301", D(2018, 5, 21), None, None, False),
    ("T1306", "朱丽", "TK-MKT", "MKT-REP", "T1301", D(2021, 11, 1), None, None, False),
    ("T1307", "郭晶", "TK-MKT", "MKT-ANA", "T1301", D(2020, 8, 17), None, None, False),
    ("T1308", "董佳", "TK-MKT", "MKT-SVC", "T1301", D(2023, 3, 6), None, None, False),
    # 技术工程部
    ("T1402", "罗军", "TK-ENG", "ENG-ENG", "T1401", D(2016, 8, 15), None, None, False),
    ("T1403", "梁晨", "TK-ENG", "ENG-ENG", "T1401", D(2023, 7, 3), None, None, False),
    ("T1404", "潘振宇", "TK-ENG", "ENG-RD", "T1401", D(2017, 10, 9), None, None, False),
    ("T1405", "袁海", "TK-ENG", "ENG-EQP", "T1401", D(2016, 3, 28), None, None, False),
    ("T1406", "杜宇航", "TK-ENG", "ENG-RD", "T1401", D(2024, 2, 26), None, None, False),
    # 质量保障部
    ("T1502", "宋佳", "TK-QA", "QA-INS", "T1501", D(2019, 9, 23), None, None, False),
    ("T1503", "谢明", "TK-QA", "QA-INS", "T1501", D(2021, 2, 22), None, None, False),
    ("T1504", "金晓东", "TK-QA", "QA-INS", "T1501", D(2020, 5, 11), None, None, False),
    ("T1505", "魏小红", "TK-QA", "QA-INS", "T1501", D(2022, 8, 1), None, None, False),
    ("T1506", "姚振华", "TK-QA", "QA-SYS", "T1501", D(2018, 6, 25), None, None, False),
    # 生产部 and its two workshops; 彭辉 left on 20 October, 傅斌 is on long sick leave,
    # 沈浩 joined on 8 October and is appraised by HR's decision
    ("T1602", "唐琳", "TK-PRD", "PRD-PLN", "T1601", D(2017, 5, 2), None, None, False),
    ("T1603", "范晓光", "TK-PRD", "PRD-STA", "T1601", D(2019, 4, 15), None, None, False),
    ("T1610", "韩冬", "TK-PRD-1", "PRD-LEAD", "T1601", D(2012, 4, 1), None, None, False),
    ("T1611", "冯刚", "TK-PRD-1", "PRD-OP", "T1610", D(2018, 3, 5), None, None, False),
    ("T1612", "曹勇", "TK-PRD-1", "PRD-OP", "T1610", D(2020, 7, 13), None, None, False),
    ("T1613", "彭辉", "TK-PRD-1", "PRD-OP", "T1610", D(2021, 1, 4), D(2026, 10, 20), None, False),
    ("T1614", "蔡文军", "TK-PRD-1", "PRD-OP", "T1610", D(2017, 8, 7), None, None, False),
    ("T1615", "邹建平", "TK-PRD-1", "PRD-OP", "T1610", D(2020, 3, 16), None, None, False),
    ("T1616", "石永康", "TK-PRD-1", "PRD-OP", "T1610", D(2023, 5, 8), None, None, False),
    ("T1620", "邓飞", "TK-PRD-2", "PRD-LEAD", "T1601", D(2014, 8, 18), None, None, False),
    ("T1621", "许亮", "TK-PRD-2", "PRD-OP", "T1620", D(2019, 11, 11), None, None, False),
    ("T1622", "傅斌", "TK-PRD-2", "PRD-OP", "T1620", D(2022, 2, 14), None, None, False),
    ("T1623", "沈浩", "TK-PRD-2", "PRD-OP", "T1620", D(2026, 10, 8), None, None, False),
    ("T1624", "程东升", "TK-PRD-2", "PRD-OP", "T1620", D(2016, 11, 21), None, None, False),
    ("T1625", "陆海波", "TK-PRD-2", "PRD-OP", "T1620", D(2021, 9, 6), None, None, False),
    ("T1626", "夏春生", "TK-PRD-2", "PRD-OP", "T1620", D(2022, 12, 5), None, None, False),
    # 采购部 and its raw-material warehouse
    ("T1702", "曾婷", "TK-PUR", "PUR-BUY", "T1701", D(2020, 6, 1), None, None, False),
    ("T1703", "方志成", "TK-PUR", "PUR-BUY", "T1701", D(2021, 5, 10), None, None, False),
    ("T1710", "廖建华", "TK-PUR-WH", "PUR-STH", "T1701", D(2013, 9, 2), None, None, False),
    ("T1711", "贺文斌", "TK-PUR-WH", "PUR-KPR", "T1710", D(2018, 10, 8), None, None, False),
    ("T1712", "严秀英", "TK-PUR-WH", "PUR-KPR", "T1710", D(2021, 3, 1), None, None, False),
    ("T1713", "邱雪芳", "TK-PUR-WH", "PUR-SCL", "T1710", D(2019, 7, 22), None, None, False),
]

# The provider's contact person, registered under the provider (not a company employee):
# (number, name, unit, registered on, username)
PROVIDER_CONTACT = ("3PL-HD-01", "吴立新", PROVIDER, D(2026, 9, 15), "wuliu")

# (number, kind, first day, last day, note)
ABSENCES = [
    ("T1105", "personal", D(2026, 9, 14), D(2026, 9, 22), "回老家处理房屋拆迁事宜"),
    ("T1622", "sick", D(2026, 9, 24), D(2026, 10, 31), "腰伤住院治疗"),
    ("T1303", "personal", D(2026, 10, 19), D(2026, 10, 27), "家中有事"),
    ("T1505", "annual", D(2026, 10, 12), D(2026, 10, 14), "年休假"),
]

# The demo logins, all with PASSWORD: (username, what to look at)
LOGINS = [
    ("hr", "人力资源管理员 HR administrator (何雪, 人事专员)"),
    ("auditor", "审计员 auditor (read-only, audit log)"),
    ("zongjingli", "总经理 陈志远: supervisor of the eight managers, committee member"),
    ("zhangmin", "财务部经理 张敏: a manager (her team's appraisals and results)"),
    ("liqiang", "会计 李强: an employee, and the finance department's data owner"),
    ("wuliu", "仓储服务商联系人 吴立新: the provider's appraisal; its result once published"),
]
