"""The organisation and roster in and out: units (providers among them),
positions, employees with supervisors by 工号; checked whole, idempotent."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.core.errors import NotAllowed
from jixiao.core.models import AuditEvent
from jixiao.organization.models import Employee, Position, Unit
from jixiao.spreadsheets.roster import EMPLOYEE_COLUMNS, POSITION_COLUMNS, UNIT_COLUMNS
from jixiao.spreadsheets.services import export_roster, import_roster
from tests.apps.spreadsheets.helpers import load, marked_cells, workbook_bytes

pytestmark = pytest.mark.django_db


def titles(columns: Any) -> list[str]:
    return [spec.title for spec in columns]


UNITS = [
    ("G-SALES", "销售部", "部门", "G"),
    ("G", "华东集团", "集团", None),
    ("3PL", "顺达仓储", "外部服务商", "G"),
]
POSITIONS = [("S-MGR", "销售经理", "G-SALES", "中层管理", "销售族")]
EMPLOYEES = [
    ("2002", "钱二", "G-SALES", "S-MGR", "2001", "2024-03-01", None, "在职", "否"),
    ("2001", "孙一", "G-SALES", "S-MGR", None, datetime.datetime(2020, 1, 1), None, None, "是"),
]


def roster_file(
    units: Any = UNITS, positions: Any = POSITIONS, employees: Any = EMPLOYEES
) -> bytes:
    return workbook_bytes(
        ("单位", [titles(UNIT_COLUMNS)[:4], *units]),
        ("岗位", [titles(POSITION_COLUMNS)[:5], *positions]),
        ("员工", [titles(EMPLOYEE_COLUMNS), *employees]),
    )


def test_a_roster_is_created_parents_and_supervisors_first(hr: Any) -> None:
    data = roster_file()  # the same bytes twice: a workbook saved later differs
    outcome = import_roster(file=data, actor=hr, name="roster.xlsx")

    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.added, outcome.unchanged) == (6, 6, 0)
    assert Unit.objects.get(code="G-SALES").parent == Unit.objects.get(code="G")
    assert Unit.objects.get(code="3PL").is_provider
    assert Position.objects.get(code="S-MGR").tier == "middle"
    report = Employee.objects.get(number="2002")
    assert report.supervisor == Employee.objects.get(number="2001")
    assert report.hire_date == datetime.date(2024, 3, 1)
    assert Employee.objects.get(number="2001").is_data_owner
    assert AuditEvent.objects.filter(action="employee.created").count() == 2

    again = import_roster(file=data, actor=hr, name="roster.xlsx")
    assert again.nothing_changed and again.unchanged == 6
    assert "This file was imported on" in again.summary()


def test_export_then_import_changes_nothing(hr: Any, company: SimpleNamespace) -> None:
    data = export_roster(actor=hr)
    workbook = load(data)
    assert workbook["员工"]["A2"].value == "0001"
    assert workbook["员工"]["E3"].value == "0001"  # 1001's supervisor by 工号

    outcome = import_roster(file=data, actor=hr)

    assert outcome.ok and outcome.nothing_changed, outcome.problems
    assert outcome.unchanged == Unit.objects.count() + Position.objects.count() + 5


def test_a_changed_supervisor_is_an_update(hr: Any, company: SimpleNamespace) -> None:
    workbook = load(export_roster(actor=hr))
    employees = [list(r) for r in workbook["员工"].iter_rows(values_only=True)]
    for cells in employees:
        if cells[0] == "1002":
            cells[4] = "0001"
    data = workbook_bytes(
        ("单位", list(workbook["单位"].iter_rows(values_only=True))),
        ("员工", employees),
    )

    outcome = import_roster(file=data, actor=hr)

    assert outcome.ok and outcome.changed == 1
    assert Employee.objects.get(number="1002").supervisor == company.boss
    assert AuditEvent.objects.filter(action="employee.updated").count() == 1


def test_every_problem_is_marked_and_nothing_is_written(hr: Any, company: SimpleNamespace) -> None:
    units = [("X1", "新部门", "部", "NOPE"), ("X1", "重复", "部门", None)]
    positions = [("P1", "岗位", "ZZ", "高层", "管理族")]
    employees = [
        ("3001", "甲", "FIN", "P9", "9999", "2024-01-01", None, None, None),
        ("3002", "乙", "FIN", None, "3003", "2024-01-01", "2023-01-01", None, None),
        ("3003", "丙", "FIN", None, "3002", "昨天", None, "在岗", None),
        ("3001", "丁", "FIN", None, None, "2024-01-01", None, None, None),
        ("0001", "总经理", "C", None, "1001", "2020-01-01", None, None, None),
    ]

    outcome = import_roster(file=roster_file(units, positions, employees), actor=hr)

    assert not outcome.ok
    assert not Unit.objects.filter(code="X1").exists()
    assert not Employee.objects.filter(number__startswith="3").exists()
    assert marked_cells(outcome.annotated or b"") == {
        "单位!C2": "部 is not one of 集团、公司、系统、部门、科室、车间、班组、外部服务商",
        "单位!D2": "unknown unit NOPE",
        "单位!A3": "the unit X1 is already on row 2",
        "岗位!C2": "unknown unit ZZ",
        "员工!D2": "unknown position P9",
        "员工!E2": "unknown employee 工号 9999",
        "员工!E3": "this row is part of a loop of parents",
        "员工!G3": "the leave date is before the hire date",
        "员工!E4": "this row is part of a loop of parents",
        "员工!F4": "昨天 is not a date (write 2026-01-31)",
        "员工!H4": "在岗 is not one of 试用期、在职、长期休假、离职",
        "员工!A5": "the employee 3001 is already on row 2",
        "员工!E6": "an employee cannot report to their own reports",
    }


def test_only_hr_imports_and_exports_the_roster(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        import_roster(file=roster_file(), actor=company.manager.user)
    with pytest.raises(NotAllowed):
        export_roster(actor=company.manager.user)
