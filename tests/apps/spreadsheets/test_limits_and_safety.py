"""Files refused before they exhaust anything; exported text never runs as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from django.test import override_settings

from jixiao.organization.services import employee_update
from jixiao.spreadsheets.readers import SpreadsheetRefused
from jixiao.spreadsheets.services import export_facts_template, import_facts
from jixiao.spreadsheets.writers import new_workbook, put, to_bytes
from tests.apps.spreadsheets.helpers import LONG_HEADER, long_file

pytestmark = pytest.mark.django_db


@override_settings(JIXIAO_IMPORT_MAX_BYTES=1000)
def test_a_file_above_the_size_limit_is_refused(hr: Any, open_cycle: Any) -> None:
    with pytest.raises(SpreadsheetRefused, match=r"files up to 0\.0 MB can be imported"):
        import_facts(file=b"x" * 1001, actor=hr, cycle=open_cycle)


@pytest.mark.parametrize(
    "data",
    [b"appraisee,item,kind,key,value\n", zipfile.ZipFile.__doc__.encode(), b"PK\x03\x04broken"],
)
def test_what_is_not_an_xlsx_is_refused(hr: Any, open_cycle: Any, data: bytes) -> None:
    with pytest.raises(SpreadsheetRefused, match=r"not an Excel workbook \(\.xlsx\)"):
        import_facts(file=data, actor=hr, cycle=open_cycle)


def test_a_zip_without_a_workbook_is_refused(hr: Any, open_cycle: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SpreadsheetRefused, match="not an Excel workbook"):
        import_facts(file=buffer.getvalue(), actor=hr, cycle=open_cycle)


@override_settings(JIXIAO_IMPORT_MAX_BYTES=1024 * 1024)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(hr: Any, open_cycle: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(SpreadsheetRefused, match="once unpacked; at most 20 MB"):
        import_facts(file=buffer.getvalue(), actor=hr, cycle=open_cycle)


def _with_dimension(data: bytes, ref: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), content
                )
            target.writestr(member, content)
    return buffer.getvalue()


def test_a_sheet_that_claims_millions_of_rows_is_refused(hr: Any, open_cycle: Any) -> None:
    data = _with_dimension(
        long_file([("1001", "部门管理", "event", "violation", 1)]), "A1:E5000000"
    )
    with pytest.raises(SpreadsheetRefused, match="has 5000000 rows; at most 200000"):
        import_facts(file=data, actor=hr, cycle=open_cycle)


@override_settings(JIXIAO_IMPORT_MAX_ROWS=5)
def test_a_sheet_with_more_rows_than_declared_is_refused_while_reading(
    hr: Any, open_cycle: Any
) -> None:
    rows = [("1001", "部门管理", "event", "violation", 1)] * 10
    data = _with_dimension(long_file(rows), "A1:E2")
    with pytest.raises(SpreadsheetRefused, match="has more than 5 rows"):
        import_facts(file=data, actor=hr, cycle=open_cycle)


def test_a_sheet_without_a_declared_size_is_not_read_twice() -> None:
    """openpyxl alone parses every row of such a sheet when the workbook is opened,
    looking for its size; the readers stop where the rows begin (issue 11)."""
    from jixiao.spreadsheets.readers import Upload, open_workbook

    data = _with_dimension(long_file([("1001", "部门管理", "event", "violation", 1)]), "A1:E2")
    bare = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(bare, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*" ?/>', b"", content)
                rows = content.count(b"<row ")
                # damage in the last row: found only by reading every row
                content = content.replace(b"</row></sheetData>", b"<<</row></sheetData>")
            target.writestr(member, content)
    assert rows == 2
    workbook = open_workbook(Upload(name="bare.xlsx", data=bare.getvalue()))
    assert workbook.worksheets[0].max_row is None  # no size declared, no row read yet
    declared = open_workbook(Upload(name="declared.xlsx", data=data))
    assert declared.worksheets[0].max_row == 2


FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://evil","x")']


def test_text_that_a_spreadsheet_would_run_is_written_as_quoted_text() -> None:
    workbook, sheet = new_workbook()
    for row, value in enumerate([*FORMULAS, "普通文字", -5], start=1):
        put(sheet, row, 1, value)
    data = to_bytes(workbook)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in xml  # no formula at all
    for row in range(1, 6):
        cell = re.search(rf'<c r="A{row}"[^>]*>', xml)
        assert (cell is not None and 't="s"' in cell.group(0)) or 't="inlineStr"' in cell.group(0)
    assert 'quotePrefix="1"' in styles
    back = openpyxl.load_workbook(io.BytesIO(data))
    values = [back.active.cell(row, 1).value for row in range(1, 8)]
    assert values == [*FORMULAS, "普通文字", -5]  # the text reads back as it was
    assert all(back.active.cell(row, 1).quotePrefix for row in range(1, 6))
    assert back.active.cell(6, 1).quotePrefix is False
    assert back.active.cell(7, 1).data_type == "n"  # numbers stay numbers


def test_an_exported_template_neutralises_names(hr: Any, open_cycle: Any, company: Any) -> None:
    employee_update(employee=company.manager, actor=hr, name="=cmd|' /C calc'!A0")
    data = export_facts_template(cycle=open_cycle, actor=hr)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["T-FIN"]
    names = {sheet.cell(row, 2).value: sheet.cell(row, 2) for row in range(2, 5)}
    cell = names["=cmd|' /C calc'!A0"]
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_long_header_is_the_csv_header() -> None:
    assert ",".join(LONG_HEADER) == "appraisee,item,kind,key,value"
