"""Opening uploaded workbooks safely, and reading their rows.

A file is refused before it is parsed when it is too big, is not a zip
archive with a workbook in it, or would inflate past the configured size
(a zip bomb); a sheet is refused when its declared dimension or its actual
row count passes the configured maximum. Workbooks are opened read-only
(streamed), with cached values instead of formulas.

Whatever is wrong inside a workbook — a damaged archive member, XML that is not
well-formed, a document type or entity declaration (refused by defusedxml, which
openpyxl uses when it is installed), a cell it cannot decode — is refused as
`SpreadsheetRefused` naming the problem and the sheet, whether it shows when the
workbook is opened or only while its rows are read; never a server error.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet import _reader as sheet_reader

from jixiao.core.errors import ServiceError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_INFLATION = 20  # uncompressed size at most 20 × the allowed file size


class SpreadsheetRefused(ServiceError):
    """The file cannot be imported at all (too big, not a workbook, too many rows)."""


@dataclass(frozen=True)
class Upload:
    """An uploaded file, read into memory after its size was checked."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def max_bytes() -> int:
    return int(getattr(settings, "JIXIAO_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "JIXIAO_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _too_big(size: int) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("the file is %(size).1f MB; files up to %(limit).1f MB can be imported")
        % {"size": size / MB, "limit": max_bytes() / MB}
    )


def upload_from(file: Any, name: str | None = None) -> Upload:
    """An `Upload` from a path, bytes, a Django uploaded file or a binary file object;
    the size is checked before the content is read."""
    limit = max_bytes()
    if isinstance(file, Upload):
        return file
    if isinstance(file, bytes):
        if len(file) > limit:
            raise _too_big(len(file))
        return Upload(name or "upload.xlsx", file)
    if isinstance(file, str | Path):
        path = Path(file)
        size = path.stat().st_size
        if size > limit:
            raise _too_big(size)
        return Upload(name or path.name, path.read_bytes())
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_big(declared)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(len(data))
    return Upload(name or str(getattr(file, "name", "") or "upload.xlsx"), data)


def check_archive(data: bytes) -> None:
    """Refuse what is not an xlsx archive, or would inflate too far when opened."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetRefused(_("the file is not an Excel workbook (.xlsx)"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(_("the file is not an Excel workbook (.xlsx)")) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise SpreadsheetRefused(_("the file is not an Excel workbook (.xlsx)"))
    inflated = sum(member.file_size for member in members)
    limit = max_bytes() * int(getattr(settings, "JIXIAO_IMPORT_MAX_INFLATION", 20))
    if inflated > limit:
        raise SpreadsheetRefused(
            _("the workbook would take %(size).0f MB once unpacked; at most %(limit).0f MB")
            % {"size": inflated / MB, "limit": limit / MB}
        )


def unreadable(error: BaseException, sheet: str | None = None) -> SpreadsheetRefused:
    """What is wrong with a workbook that cannot be read, in words: the refusal."""
    where = {"sheet": sheet or "?"}
    error = _cause(error)
    if isinstance(error, DefusedXmlException):
        problem = _(
            "it declares a document type or XML entities, which a workbook never needs"
            " (they can make a small file expand without end)"
        )
    elif isinstance(error, ParseError):
        line, column = getattr(error, "position", (0, 0))
        problem = _("its XML is damaged (line %(line)s, column %(column)s)") % {
            "line": line,
            "column": column,
        }
    elif isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
        problem = _("a part of the archive is damaged and cannot be unpacked")
    elif isinstance(error, KeyError):
        problem = _("a part the workbook refers to is missing")
    elif isinstance(error, UnicodeError):
        problem = _("it is written in a text encoding that cannot be read")
    else:
        problem = _("its content is not what an .xlsx workbook holds")
    if sheet is None:
        message = _("the workbook cannot be read: %(problem)s; save it again as .xlsx")
    else:
        message = _("sheet %(sheet)s cannot be read: %(problem)s; save it again as .xlsx")
    return SpreadsheetRefused(message % {**where, "problem": problem})


KNOWN = (DefusedXmlException, ParseError, zipfile.BadZipFile, zlib.error, EOFError, UnicodeError)


def _cause(error: BaseException) -> BaseException:
    """The first error of a kind we can name, down the chain (openpyxl wraps what it
    meets in a ValueError of its own)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KNOWN):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return error


def _declared_size(parser: Any) -> tuple[int, int, int, int] | None:
    """A sheet's declared size (its <dimension>), read from the start of its XML.

    openpyxl 3.1's own `parse_dimensions` stops at the *end* of <sheetData>: on a sheet
    without <dimension> (openpyxl's write-only workbooks, many data systems') it parses
    every row just to find there is none — 13 s of a 100,000-row import. The elements
    are read as they open instead, and the search stops where the rows begin."""
    for _event, element in sheet_reader.iterparse(parser.source, events=("start",)):
        if element.tag == sheet_reader.DIMENSION_TAG:
            return sheet_reader.SheetDimension.from_tree(element).boundaries  # type: ignore[no-any-return]
        if element.tag == sheet_reader.DATA_TAG:
            return None
    return None


sheet_reader.WorkSheetParser.parse_dimensions = _declared_size


def open_workbook(upload: Upload) -> Workbook:
    """The workbook, streamed read-only; every sheet's declared size is checked."""
    check_archive(upload.data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise unreadable(error) from None
    if not workbook.worksheets:  # a workbook of chart sheets only, or its sheet list lost
        workbook.close()
        raise SpreadsheetRefused(_("the workbook has no sheet of cells to read"))
    limit = max_rows()
    for sheet in workbook.worksheets:
        try:
            declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        except Exception as error:  # the dimension is read from the sheet's own XML
            workbook.close()
            raise unreadable(error, _title(sheet)) from None
        if declared > limit + 1:
            workbook.close()
            raise _too_many_rows(sheet.title, declared)
    return workbook


def _title(sheet: Any) -> str:
    return str(getattr(sheet, "title", "") or "?")


def _too_many_rows(sheet: str, rows: int | None = None) -> SpreadsheetRefused:
    if rows is None:
        return SpreadsheetRefused(
            _("sheet %(sheet)s has more than %(limit)d rows")
            % {"sheet": sheet, "limit": max_rows()}
        )
    return SpreadsheetRefused(
        _("sheet %(sheet)s has %(rows)d rows; at most %(limit)d can be imported")
        % {"sheet": sheet, "rows": rows, "limit": max_rows()}
    )


def sheet_rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of every row that is not blank; counts the actual rows
    as it goes, whatever the sheet declared."""
    limit = max_rows() + 1
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # read every row, not only those the sheet declares
    rows = sheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:  # the sheet's XML is parsed as its rows are read: a damage shows only here
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise unreadable(error, _title(sheet)) from None
        number += 1
        if number > limit:
            raise _too_many_rows(sheet.title)
        if values and any(value is not None and str(value).strip() != "" for value in values):
            yield number, tuple(values)


def text(value: Any) -> str:
    """A cell as text: numbers that are whole are written without `.0` (工号 1001)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number(value: Any) -> float | int | None:
    """A cell as a number, or None when it is not one (a word, a date, a boolean)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        stripped = value.strip().replace(",", "")
        percent = stripped.endswith("%")
        try:
            parsed = float(stripped[:-1] if percent else stripped)
        except ValueError:
            return None
        if percent:
            return parsed / 100
        return int(parsed) if parsed.is_integer() and "." not in stripped else parsed
    return None
