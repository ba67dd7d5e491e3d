"""Making and reading workbooks in the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl

LONG_HEADER = ("appraisee", "item", "kind", "key", "value")


def workbook_bytes(*sheets: tuple[str, Sequence[Sequence[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def long_file(rows: Sequence[Sequence[Any]], header: Sequence[str] = LONG_HEADER) -> bytes:
    return workbook_bytes(("facts", [header, *rows]))


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def marked_cells(data: bytes) -> dict[str, str]:
    """`sheet!A1` → comment of every cell the annotated workbook marked."""
    workbook = load(data)
    found = {}
    for sheet in workbook.worksheets[1:]:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
                    found[f"{sheet.title}!{cell.coordinate}"] = cell.comment.text
    return found
