"""Writing workbooks: neutralised text, headers, and the annotated copy of a
refused upload.

A text cell that a spreadsheet would run as a formula (it starts with `=`,
`+`, `-`, `@`, a tab or a carriage return) is written as a string cell (`t="s"`,
never `<f>`) with the `quotePrefix` style, so Excel and LibreOffice show it as
text and keep it text when the cell is edited. The text itself is not changed:
what is exported reads back as it was.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
AUTHOR = "jixiao"


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell; text that a spreadsheet would execute is neutralised."""
    cell = sheet.cell(row=row, column=column)
    if is_formula_like(value):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store `=…` as a formula
        cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append(sheet: Worksheet, values: Sequence[Any]) -> int:
    """Append a row of values (neutralised); returns its row number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value)
    return row


def header(sheet: Worksheet, titles: Sequence[str], row: int = 1) -> None:
    for column, title in enumerate(titles, start=1):
        cell = put(sheet, row, column, title)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
    sheet.freeze_panes = f"A{row + 1}"


def widths(sheet: Worksheet, values: Sequence[float]) -> None:
    for column, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def new_workbook() -> tuple[Workbook, Worksheet]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    return workbook, sheet


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class CellProblem:
    """What is wrong with one cell of an uploaded workbook (row and column from 1)."""

    sheet: str
    row: int
    column: int
    message: str

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.message}"


def annotate(
    data: bytes, problems: Iterable[CellProblem], *, title: str, columns: Sequence[str]
) -> bytes:
    """The uploaded workbook back, each bad cell filled red with a comment saying
    what is wrong, and a first sheet listing every problem. A workbook whose values
    could be read but not the whole of it (damaged styles, say) gets the list alone."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl raises many kinds on a damaged file
        workbook, blank = new_workbook()
        workbook.remove(blank)
    by_cell: dict[tuple[str, int, int], list[str]] = {}
    listed = list(problems)
    for problem in listed:
        by_cell.setdefault((problem.sheet, problem.row, problem.column), []).append(problem.message)
    for (sheet_name, row, column), messages in by_cell.items():
        if sheet_name not in workbook.sheetnames:
            continue
        cell = workbook[sheet_name].cell(row=row, column=column)
        cell.fill = PROBLEM_FILL
        text = "\n".join(messages)
        cell.comment = Comment(text, AUTHOR, width=300, height=40 + 20 * len(messages))
    summary = workbook.create_sheet(title[:31], 0)
    header(summary, list(columns))
    for problem in listed:
        append(summary, [problem.sheet, problem.cell, problem.message])
    widths(summary, [16, 10, 80])
    workbook.active = 0
    return to_bytes(workbook)
