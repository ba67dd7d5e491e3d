"""Row-per-object tables (the dictionary, the roster): reading a sheet whose first
row names the columns, turning cells into values with a problem on the cell when
they cannot be, and writing such a sheet back.

Each column has one Chinese title (what is written) and the names it may also be
read under (English field names, older titles), so a file written by hand or by
another system is read as long as its titles are recognisable.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from jixiao.spreadsheets.readers import sheet_rows, text
from jixiao.spreadsheets.writers import CellProblem, header, put, widths

YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗"})


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # the field it fills
    title: str  # the title written on export
    aliases: tuple[str, ...] = ()
    width: float = 14


@dataclass
class TableRow:
    """One row of a table: the raw cells by field name, and where each came from."""

    sheet: str
    row: int
    cells: dict[str, Any]
    columns: dict[str, int]
    problems: list[CellProblem] = field(default_factory=list)

    def text(self, name: str) -> str:
        return text(self.cells.get(name))

    def problem(self, name: str, message: str) -> None:
        column = self.columns.get(name, 1)
        self.problems.append(CellProblem(self.sheet, self.row, column, message))

    def has_problem(self, name: str) -> bool:
        column = self.columns.get(name, 1)
        return any(problem.column == column for problem in self.problems)

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.problem(name, _("this cell must not be empty"))
        return value

    def date(self, name: str) -> datetime.date | None:
        raw = self.cells.get(name)
        if raw is None or text(raw) == "":
            return None
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        value = text(raw).replace("/", "-").replace(".", "-")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(name, _("%(value)s is not a date (write 2026-01-31)") % {"value": raw})
            return None

    def flag(self, name: str, default: bool) -> bool:
        value = self.text(name).lower()
        if not value:
            return default
        if value in YES:
            return True
        if value in NO:
            return False
        self.problem(name, _("write 是 or 否, not %(value)s") % {"value": self.text(name)})
        return default

    def choice(self, name: str, labels: dict[str, str], choices: Any) -> str:
        """A choice by its value, its Chinese title or its English label; '' when empty."""
        value = self.text(name)
        if not value:
            return ""
        known = {key.lower(): key for key in choices.values}
        known.update({str(label).lower(): key for key, label in choices.choices})
        known.update({title: key for key, title in labels.items()})
        found = known.get(value.lower()) or known.get(value)
        if found is None:
            self.problem(
                name,
                _("%(value)s is not one of %(choices)s")
                % {"value": value, "choices": "、".join(labels.values())},
            )
            return ""
        return str(found)

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return int(float(value))
        except ValueError:
            self.problem(name, _("%(value)s is not a number") % {"value": value})
            return None


@dataclass
class RowsPlan:
    """What importing a table would do: the steps to run in order (each calls a
    service, with the row and column to mark should the service still refuse),
    or the problems that stop it; and the counts shown to the person."""

    steps: list[tuple[TableRow, str, Callable[[], Any]]] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def take(self, rows: Iterable[TableRow]) -> None:
        """Count the rows and collect their problems."""
        for row in rows:
            self.rows += 1
            self.problems.extend(row.problems)


def parents_first(rows: Sequence[TableRow], key: str, parent: str) -> list[TableRow]:
    """The rows ordered so that a row comes after the row it names as its parent
    (a unit after its parent unit, an employee after their supervisor); a row in a
    loop is marked on its parent cell."""
    by_key = {row.text(key): row for row in rows if row.text(key)}
    ordered: list[TableRow] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for row in rows:
        chain: list[TableRow] = []
        current: TableRow | None = row
        while current is not None and state.get(current.text(key)) != 2:
            name = current.text(key)
            if state.get(name) == 1:
                for looped in chain[chain.index(current) :]:
                    looped.problem(parent, _("this row is part of a loop of parents"))
                    state[looped.text(key)] = 2
                    ordered.append(looped)  # still checked, for its other cells
                break
            state[name] = 1
            chain.append(current)
            above = current.text(parent)
            current = by_key.get(above) if above != name else None  # oneself: the row says
        for member in reversed(chain):
            if state.get(member.text(key)) == 1:
                state[member.text(key)] = 2
                ordered.append(member)
    return ordered


def _key(title: str) -> str:
    return "".join(title.split()).lower()


def read_table(
    sheet: Any, specs: Sequence[ColumnSpec], required: Iterable[str]
) -> tuple[list[TableRow], list[CellProblem]]:
    """The rows of a sheet whose first non-blank row names the columns."""
    rows = sheet_rows(sheet)
    first = next(rows, None)
    if first is None:
        return [], []
    header_row, titles = first
    names: dict[str, str] = {}
    for spec in specs:
        for alias in (spec.title, spec.name, *spec.aliases):
            names[_key(alias)] = spec.name
    columns: dict[str, int] = {}
    for index, title in enumerate(titles, start=1):
        name = names.get(_key(text(title)))
        if name and name not in columns:
            columns[name] = index
    problems = [
        CellProblem(
            sheet.title,
            header_row,
            1,
            _("the column %(name)s is missing")
            % {"name": next(s.title for s in specs if s.name == name)},
        )
        for name in required
        if name not in columns
    ]
    if problems:
        return [], problems
    found = []
    for number, values in rows:
        cells = {
            name: values[index - 1] if index <= len(values) else None
            for name, index in columns.items()
        }
        found.append(TableRow(sheet.title, number, cells, columns))
    return found, []


def write_table(
    workbook: Workbook, title: str, specs: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]
) -> Any:
    sheet = workbook.create_sheet(title)
    header(sheet, [spec.title for spec in specs])
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put(sheet, number, column, value)
    widths(sheet, [spec.width for spec in specs])
    return sheet


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def duplicates(rows: Iterable[TableRow], name: str, message: str) -> None:
    """Mark every row whose `name` repeats one of an earlier row."""
    seen: dict[str, int] = {}
    for row in rows:
        value = row.text(name)
        if not value:
            continue
        if value in seen:
            row.problem(name, message % {"value": value, "row": seen[value]})
        else:
            seen[value] = row.row


def sheet_named(workbook: Any, *names: str) -> Any:
    """The first sheet whose title is one of `names` (case and spaces ignored)."""
    wanted = {_key(name) for name in names}
    for sheet in workbook.worksheets:
        if _key(sheet.title) in wanted:
            return sheet
    return None
