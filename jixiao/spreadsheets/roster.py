"""The organisation and roster as a workbook: three sheets, 单位 (units with their
parents, external service providers among them), 岗位 (positions) and 员工
(employees with their supervisors by 工号).

Imported, every row of the three sheets is checked first against the database
and the rest of the file; then units (parents first), positions and employees
(supervisors first) are created or updated through the organisation services.
A row equal to what is stored changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from jixiao.organization import services as organization_services
from jixiao.organization.models import (
    Employee,
    EmployeeStatus,
    JobFamily,
    Position,
    Tier,
    Unit,
    UnitKind,
)
from jixiao.schemes.models import Scheme
from jixiao.spreadsheets.tables import (
    ColumnSpec,
    RowsPlan,
    TableRow,
    duplicates,
    parents_first,
    read_table,
    sheet_named,
    write_table,
    yes_no,
)
from jixiao.spreadsheets.writers import CellProblem, new_workbook

UNITS, POSITIONS, EMPLOYEES = "单位", "岗位", "员工"
KINDS = {
    "group": "集团",
    "company": "公司",
    "system": "系统",
    "department": "部门",
    "section": "科室",
    "workshop": "车间",
    "team": "班组",
    "provider": "外部服务商",
}
TIERS = {"senior": "高层", "middle": "中层管理", "junior": "基层管理", "staff": "员工"}
FAMILIES = {
    "management": "管理族",
    "professional": "专业族",
    "sales": "销售族",
    "technical": "技术族",
    "operations": "操作族",
}
STATUSES = {"probation": "试用期", "active": "在职", "suspended": "长期休假", "left": "离职"}

UNIT_COLUMNS = (
    ColumnSpec("code", "单位编码", ("编码",), 10),
    ColumnSpec("name", "单位名称", ("名称",), 16),
    ColumnSpec("kind", "类型", ("单位类型",), 10),
    ColumnSpec("parent", "上级单位编码", ("上级单位", "上级编码", "parent unit"), 12),
    ColumnSpec("is_active", "启用", ("active",), 6),
)
POSITION_COLUMNS = (
    ColumnSpec("code", "岗位编码", ("编码",), 10),
    ColumnSpec("title", "岗位名称", ("名称",), 16),
    ColumnSpec("unit", "单位编码", ("所属单位编码", "所属单位"), 10),
    ColumnSpec("tier", "层级", ("岗位层级",), 10),
    ColumnSpec("family", "职族", ("岗位族", "job family"), 10),
    ColumnSpec("responsibilities", "岗位职责", ("职责",), 30),
    ColumnSpec("authorities", "权限", ("岗位权限",), 20),
    ColumnSpec("work_standards", "工作标准", (), 20),
    ColumnSpec("salary_grade_min", "最低薪级", (), 8),
    ColumnSpec("salary_grade_max", "最高薪级", (), 8),
    ColumnSpec("default_scheme", "默认方案", ("默认方案编码", "default scheme"), 12),
    ColumnSpec("is_active", "启用", ("active",), 6),
)
EMPLOYEE_COLUMNS = (
    ColumnSpec("number", "工号", ("employee number",), 10),
    ColumnSpec("name", "姓名", (), 10),
    ColumnSpec("unit", "单位编码", ("所属单位编码", "部门编码"), 10),
    ColumnSpec("position", "岗位编码", (), 10),
    ColumnSpec("supervisor", "直接上级工号", ("上级工号", "直接上级", "supervisor"), 12),
    ColumnSpec("hire_date", "入职日期", ("hire date",), 11),
    ColumnSpec("leave_date", "离职日期", ("leave date",), 11),
    ColumnSpec("status", "状态", ("员工状态",), 8),
    ColumnSpec("is_data_owner", "录入本部门数据", ("数据录入", "data owner"), 10),
)


# -- export -------------------------------------------------------------------------
def roster_workbook() -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    units = Unit.objects.select_related("parent").order_by("code")
    write_table(
        workbook,
        UNITS,
        UNIT_COLUMNS,
        (
            [
                u.code,
                u.name,
                KINDS[u.kind],
                u.parent.code if u.parent else None,
                yes_no(u.is_active),
            ]
            for u in units
        ),
    )
    positions = Position.objects.select_related("unit", "default_scheme").order_by("code")
    write_table(workbook, POSITIONS, POSITION_COLUMNS, (_position_cells(p) for p in positions))
    employees = Employee.objects.select_related("unit", "position", "supervisor").order_by("number")
    sheet = write_table(
        workbook, EMPLOYEES, EMPLOYEE_COLUMNS, (_employee_cells(e) for e in employees)
    )
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    return workbook


def _position_cells(position: Position) -> list[Any]:
    return [
        position.code,
        position.title,
        position.unit.code,
        TIERS[position.tier],
        FAMILIES[position.family],
        position.responsibilities or None,
        position.authorities or None,
        position.work_standards or None,
        position.salary_grade_min,
        position.salary_grade_max,
        position.default_scheme.code if position.default_scheme else None,
        yes_no(position.is_active),
    ]


def _employee_cells(employee: Employee) -> list[Any]:
    return [
        employee.number,
        employee.name,
        employee.unit.code,
        employee.position.code if employee.position else None,
        employee.supervisor.number if employee.supervisor else None,
        employee.hire_date,
        employee.leave_date,
        STATUSES[employee.status],
        yes_no(employee.is_data_owner),
    ]


# -- import -------------------------------------------------------------------------
class Roster:
    """What is stored, read once, and what the file adds to it."""

    def __init__(self) -> None:
        self.units = {u.code: u for u in Unit.objects.select_related("parent")}
        self.positions = {
            p.code: p for p in Position.objects.select_related("unit", "default_scheme")
        }
        self.employees = {
            e.number: e for e in Employee.objects.select_related("unit", "position", "supervisor")
        }
        self.schemes = {s.code: s for s in Scheme.objects.all()}
        self.new_units: set[str] = set()
        self.new_positions: set[str] = set()
        self.new_employees: set[str] = set()

    def has_unit(self, code: str) -> bool:
        return code in self.units or code in self.new_units

    def has_employee(self, number: str) -> bool:
        return number in self.employees or number in self.new_employees


def plan_roster(workbook: Any, *, actor: Any) -> RowsPlan:
    plan = RowsPlan()
    sheets = {
        UNITS: sheet_named(workbook, UNITS, "units", "组织", "组织机构"),
        POSITIONS: sheet_named(workbook, POSITIONS, "positions"),
        EMPLOYEES: sheet_named(workbook, EMPLOYEES, "employees", "人员", "花名册"),
    }
    if not any(sheets.values()):
        first = workbook.worksheets[0].title if workbook.worksheets else UNITS
        message = _("the workbook needs a sheet named 单位, 岗位 or 员工")
        plan.problems.append(CellProblem(first, 1, 1, message))
        return plan
    roster = Roster()
    tables = {}
    for name, columns, required in (
        (UNITS, UNIT_COLUMNS, ("code", "name", "kind")),
        (POSITIONS, POSITION_COLUMNS, ("code", "title", "unit", "tier", "family")),
        (EMPLOYEES, EMPLOYEE_COLUMNS, ("number", "name", "unit", "hire_date")),
    ):
        rows: list[TableRow] = []
        if sheets[name] is not None:
            rows, problems = read_table(sheets[name], columns, required)
            plan.problems.extend(problems)
        tables[name] = rows
    units, positions, employees = tables[UNITS], tables[POSITIONS], tables[EMPLOYEES]
    duplicates(units, "code", _("the unit %(value)s is already on row %(row)d"))
    duplicates(positions, "code", _("the position %(value)s is already on row %(row)d"))
    duplicates(employees, "number", _("the employee %(value)s is already on row %(row)d"))
    roster.new_units = {row.text("code") for row in units} - set(roster.units)
    roster.new_positions = {row.text("code") for row in positions} - set(roster.positions)
    roster.new_employees = {row.text("number") for row in employees} - set(roster.employees)
    for row in parents_first(units, "code", "parent"):
        _plan_unit(row, plan, actor, roster, units)
    for row in positions:
        _plan_position(row, plan, actor, roster)
    for row in parents_first(employees, "number", "supervisor"):
        _plan_employee(row, plan, actor, roster, employees)
    for rows in tables.values():
        plan.take(rows)
    return plan


def _differs(stored: Any, changes: dict[str, Any]) -> bool:
    return any(getattr(stored, name) != value for name, value in changes.items())


def _tally(plan: RowsPlan, stored: Any, differs: bool) -> bool:
    """Count the row as added, changed or unchanged; whether it is to be written."""
    if stored is None:
        plan.added += 1
    elif differs:
        plan.changed += 1
    else:
        plan.unchanged += 1
    return stored is None or differs


def _code_of(related: Any, attribute: str = "code") -> str:
    return str(getattr(related, attribute)) if related is not None else ""


def _plan_unit(
    row: TableRow, plan: RowsPlan, actor: Any, roster: Roster, rows: list[TableRow]
) -> None:
    code = row.required("code")
    changes: dict[str, Any] = {
        "name": row.required("name"),
        "kind": row.choice("kind", KINDS, UnitKind),
        "is_active": row.flag("is_active", True),
    }
    parent = row.text("parent")
    if parent and not roster.has_unit(parent):
        row.problem("parent", _("unknown unit %(code)s") % {"code": parent})
    stored = roster.units.get(code)
    if stored is not None and parent and not row.problems and _below(roster, rows, parent, code):
        row.problem("parent", _("a unit cannot be moved below itself"))
    if row.problems:
        return
    moves = stored is not None and _code_of(stored.parent) != parent
    if not _tally(plan, stored, stored is not None and (moves or _differs(stored, changes))):
        return

    def apply() -> None:
        parent_unit = Unit.objects.get(code=parent) if parent else None
        if stored is None:
            active = changes.pop("is_active")
            unit = organization_services.unit_create(
                actor=actor, code=code, parent=parent_unit, **changes
            )
            if not active:
                organization_services.unit_update(unit=unit, actor=actor, is_active=False)
        else:
            organization_services.unit_update(
                unit=Unit.objects.get(pk=stored.pk), actor=actor, parent=parent_unit, **changes
            )

    plan.steps.append((row, "code", apply))


def _plan_position(row: TableRow, plan: RowsPlan, actor: Any, roster: Roster) -> None:
    code = row.required("code")
    unit = row.required("unit")
    if unit and not roster.has_unit(unit):
        row.problem("unit", _("unknown unit %(code)s") % {"code": unit})
    changes: dict[str, Any] = {
        "title": row.required("title"),
        "tier": row.choice("tier", TIERS, Tier),
        "family": row.choice("family", FAMILIES, JobFamily),
        "responsibilities": row.text("responsibilities"),
        "authorities": row.text("authorities"),
        "work_standards": row.text("work_standards"),
        "salary_grade_min": row.integer("salary_grade_min"),
        "salary_grade_max": row.integer("salary_grade_max"),
        "is_active": row.flag("is_active", True),
    }
    low, high = changes["salary_grade_min"], changes["salary_grade_max"]
    if low is not None and high is not None and low > high:
        row.problem("salary_grade_max", _("the highest salary grade is below the lowest"))
    scheme_code = row.text("default_scheme")
    scheme = roster.schemes.get(scheme_code) if scheme_code else None
    if scheme_code and scheme is None:
        row.problem("default_scheme", _("unknown scheme %(code)s") % {"code": scheme_code})
    if row.problems:
        return
    stored = roster.positions.get(code)
    moves = stored is not None and (
        _code_of(stored.unit) != unit or stored.default_scheme_id != (scheme.pk if scheme else None)
    )
    if not _tally(plan, stored, stored is not None and (moves or _differs(stored, changes))):
        return

    def apply() -> None:
        where = Unit.objects.get(code=unit)
        if stored is None:
            organization_services.position_create(
                actor=actor, code=code, unit=where, default_scheme=scheme, **changes
            )
        else:
            organization_services.position_update(
                position=Position.objects.get(pk=stored.pk),
                actor=actor,
                unit=where,
                default_scheme=scheme,
                **changes,
            )

    plan.steps.append((row, "code", apply))


def _plan_employee(
    row: TableRow, plan: RowsPlan, actor: Any, roster: Roster, rows: list[TableRow]
) -> None:
    number = row.required("number")
    unit = row.required("unit")
    if unit and not roster.has_unit(unit):
        row.problem("unit", _("unknown unit %(code)s") % {"code": unit})
    position = row.text("position")
    if position and position not in roster.positions and position not in roster.new_positions:
        row.problem("position", _("unknown position %(code)s") % {"code": position})
    supervisor = row.text("supervisor")
    if supervisor == number and number:
        row.problem("supervisor", _("an employee cannot report to themselves"))
    elif (
        supervisor and supervisor not in roster.employees and supervisor not in roster.new_employees
    ):
        row.problem("supervisor", _("unknown employee 工号 %(number)s") % {"number": supervisor})
    elif supervisor and not row.problems and _reports_to(roster, rows, supervisor, number):
        row.problem("supervisor", _("an employee cannot report to their own reports"))
    hired = row.date("hire_date")
    if hired is None and not row.has_problem("hire_date"):
        row.required("hire_date")
    left = row.date("leave_date")
    if hired is not None and left is not None and left < hired:
        row.problem("leave_date", _("the leave date is before the hire date"))
    stored = roster.employees.get(number)
    status = row.choice("status", STATUSES, EmployeeStatus) or (
        EmployeeStatus.LEFT
        if left is not None
        else (stored.status if stored is not None else EmployeeStatus.ACTIVE)
    )
    changes: dict[str, Any] = {
        "name": row.required("name"),
        "hire_date": hired,
        "leave_date": left,
        "status": str(status),
        "is_data_owner": row.flag("is_data_owner", False),
    }
    if row.problems:
        return
    moves = stored is not None and (
        _code_of(stored.unit) != unit
        or _code_of(stored.position) != position
        or _code_of(stored.supervisor, "number") != supervisor
    )
    if not _tally(plan, stored, stored is not None and (moves or _differs(stored, changes))):
        return

    def apply() -> None:
        related: dict[str, Any] = {
            "unit": Unit.objects.get(code=unit),
            "position": Position.objects.get(code=position) if position else None,
            "supervisor": Employee.objects.get(number=supervisor) if supervisor else None,
        }
        if stored is None:
            organization_services.employee_create(actor=actor, number=number, **changes, **related)
        else:
            organization_services.employee_update(
                employee=Employee.objects.get(pk=stored.pk), actor=actor, **changes, **related
            )

    plan.steps.append((row, "number", apply))


def _reports_to(roster: Roster, rows: list[TableRow], supervisor: str, number: str) -> bool:
    """Whether `supervisor` is below `number`, with the file's supervisors overriding."""
    chain = {n: _code_of(e.supervisor, "number") for n, e in roster.employees.items()}
    chain.update({row.text("number"): row.text("supervisor") for row in rows})
    seen: set[str] = set()
    current = supervisor
    while current and current not in seen:
        if current == number:
            return True
        seen.add(current)
        current = chain.get(current, "")
    return False


def _below(roster: Roster, rows: list[TableRow], parent: str, code: str) -> bool:
    """Whether `parent` is `code` or below it, with the file's parents overriding."""
    parents = {c: (u.parent.code if u.parent else "") for c, u in roster.units.items()}
    parents.update({row.text("code"): row.text("parent") for row in rows})
    seen: set[str] = set()
    current = parent
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current, "")
    return False
