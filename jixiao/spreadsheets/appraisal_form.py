"""The printable per-person appraisal form (考核表): the familiar layout of the
scheme (考核因素 / 权数 / 考核指标 / 权数 / 考核方法 / 数据来源 / 得分标准) with the
appraisee's score and its trace per item, then subtotal, adjustments, total,
grade and rank, and the signature lines. Set up to print on A4, fitted to the
page width, the header row repeated on every page.
"""

from __future__ import annotations

from typing import Any

import yaml
from openpyxl.styles import Alignment, Border, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.appraisals.anonymity import result_shown_to
from jixiao.appraisals.models import Appraisal
from jixiao.appraisals.outcome_labels import result_labels
from jixiao.schemes.engine import engine_scheme, rule_words
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring import language
from jixiao.scoring.describe import describe_adjustment
from jixiao.spreadsheets.scheme_form import form_rows
from jixiao.spreadsheets.writers import BOX, HEADER_FILL, HEADER_FONT, WRAP, new_workbook, put

HEADER = (
    "考核因素",
    "权数",
    "考核指标",
    "权数",
    "考核方法",
    "数据来源",
    "得分标准",
    "得分",
    "计算过程",
)
WIDTHS = (11, 6, 18, 6, 26, 10, 30, 8, 40)
HEADER_ROW = 3
SIGNATURES = ("被考核人签字", "直接上级签字", "人力资源部签字")
UNDERLINE = Border(bottom=BOX.bottom)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _line(sheet: Worksheet, row: int, label: str, value: Any, trace: str = "") -> None:
    put(sheet, row, 1, label).font = HEADER_FONT
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    put(sheet, row, 8, value)
    put(sheet, row, 9, trace or None)
    for column in range(1, 10):
        cell = sheet.cell(row=row, column=column)
        cell.border, cell.alignment = BOX, WRAP


def _identity(sheet: Worksheet, appraisal: Appraisal) -> None:
    employee = appraisal.employee
    position = employee.position.title if employee is not None and employee.position else ""
    department = appraisal.attributes.get("department") or (
        appraisal.unit.name if appraisal.unit is not None else ""
    )
    cells = (
        "被考核人",
        f"{appraisal.appraisee_name}({appraisal.appraisee_id})",
        None,
        "部门",
        department,
        "岗位",
        position,
        "考核周期",
        f"{appraisal.cycle.name}({appraisal.cycle.period})",
    )
    for column, value in enumerate(cells, start=1):
        put(sheet, 2, column, value)
    sheet.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)


def _standard(engine: EngineScheme | None, item: dict[str, Any]) -> str | None:
    """得分标准: the engine's words for the item's rule, in Chinese as the form is."""
    found = engine.item(str(item.get("code") or item.get("name"))) if engine else None
    return rule_words(found, code="zh") if found is not None else None


def _items(
    sheet: Worksheet, document: dict[str, Any], scored: dict[str, Any], engine: EngineScheme | None
) -> int:
    row = HEADER_ROW
    for form_row in form_rows(document):
        row += 1
        item = form_row.item
        found = scored.get(str(item.get("code") or item.get("name"))) or scored.get(
            str(item.get("name"))
        )
        values = (
            form_row.section,
            form_row.section_weight,
            item.get("name"),
            item.get("weight"),
            item.get("note"),
            item.get("source"),
            _standard(engine, item),
            found.get("score") if found else None,
            found.get("trace") if found else None,
        )
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border, cell.alignment = BOX, WRAP
    return row


def _points(sheet: Worksheet, row: int, engine: EngineScheme, result: Any) -> int:
    """加减分项 (points lines, v1.1 §7): each line with its standard in words and,
    once scored, the points it added or took and how."""
    applied = {
        str(a.get("name")): a
        for a in (result.shown("zh").get("adjustments", []) if result else [])
        if a.get("kind") == "points"
    }
    for adjustment in engine.adjustments:
        if adjustment.kind != "points":
            continue
        row += 1
        found = applied.get(adjustment.name)
        with language("zh"):
            standard = str(describe_adjustment(adjustment))
        values = (
            "加减分项",
            None,
            adjustment.name,
            None,
            adjustment.item.info.get("note") if adjustment.item is not None else None,
            None,
            standard,
            found.get("amount") if found else None,
            found.get("trace") if found else None,
        )
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border, cell.alignment = BOX, WRAP
    return row


def _totals(sheet: Worksheet, row: int, result: Any) -> int:
    if result is None:
        row += 1
        _line(sheet, row, "小计 / 总分", None, "尚未计算")
        return row
    row += 1
    _line(sheet, row, "小计", result.subtotal)
    for adjustment in result.shown("zh").get("adjustments", []) or []:
        if adjustment.get("kind") == "points":  # shown with 加减分项 above
            continue
        row += 1
        _line(
            sheet,
            row,
            f"调整:{adjustment.get('name')}",
            adjustment.get("amount"),
            str(adjustment.get("trace") or ""),
        )
    row += 1
    _line(sheet, row, "总分", result.total)
    row += 1
    _line(sheet, row, "等级", result.grade or None)
    for name, label in result_labels(result).items():  # training … (v1.1 §12), calibrated
        row += 1
        _line(sheet, row, name, label or "—")
    row += 1
    rank = f"{result.rank} / {result.ranked}" if result.rank else None
    _line(sheet, row, "排名", rank)
    if result.errors:
        row += 1
        _line(sheet, row, "错误", None, "; ".join(str(e) for e in result.errors))
    return row


def _signatures(sheet: Worksheet, row: int) -> int:
    row += 1
    for label in SIGNATURES:
        row += 2
        put(sheet, row, 1, f"{label}:")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row=row, column=3).border = UNDERLINE
        put(sheet, row, 7, "日期:")
        sheet.cell(row=row, column=8).border = UNDERLINE
        sheet.cell(row=row, column=9).border = UNDERLINE
    return row


def _print_setup(sheet: Worksheet, last_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:I{last_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def appraisal_form_workbook(appraisal: Appraisal, reader: Any = None) -> Workbook:
    """`appraisal` with its cycle, scheme version, employee and result loaded; its traces
    as `reader` may read them (anonymous ratings combined: `result_shown_to`)."""
    document = yaml.safe_load(appraisal.scheme_version.text)
    result = getattr(appraisal, "result", None)
    shown = result_shown_to(reader, result, "zh") if result else {}  # a Chinese form
    scored = {str(entry.get("code")): entry for entry in shown.get("items", [])}
    workbook, sheet = new_workbook()
    sheet.title = "考核表"
    title = put(sheet, 1, 1, f"{document.get('name', '')} 绩效考核表")
    title.font, title.alignment = Font(bold=True, size=14), CENTER
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.row_dimensions[1].height = 28
    _identity(sheet, appraisal)
    for column, text in enumerate(HEADER, start=1):
        cell = put(sheet, HEADER_ROW, column, text)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BOX, CENTER
    engine = engine_scheme(appraisal.scheme_version)
    row = _items(sheet, document, scored, engine)
    row = _points(sheet, row, engine, result)
    row = _totals(sheet, row, result)
    row = _signatures(sheet, row)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    _print_setup(sheet, row)
    return workbook
