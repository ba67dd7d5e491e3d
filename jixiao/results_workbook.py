"""`jixiao score … --format xlsx`: the results as a workbook HR can open.

Sheet 1, one row per appraisee (and period): item scores, subtotal, total, rank, grade,
outcomes, flags, errors. Sheet 2, the traces: each item's trace and each adjustment's,
one row per appraisee. Headers in the language asked (Chinese with `--language zh`),
frozen; numbers are numbers; text that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return) is written as a string cell with
the quote prefix, so it shows and stays text (the rule of jixiao/spreadsheets/writers.py,
which this command cannot import: it needs no Django). Written in openpyxl's write-only
mode for the headers (bold, frozen) and the styles; the rows are then streamed into the
sheets as the XML openpyxl writes for such cells, made as text a chunk at a time (openpyxl
spends about 10 µs a cell; 100,000 appraisees have 3.7 million), so 100,000 appraisees
stay fast and small.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jixiao.scoring.engine import ScoreRun
from jixiao.scoring.summary import numbers, outcome_texts, summarize
from jixiao.scoring.traces import prepare

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 5_000  # appraisees whose traces are rendered at once

HEADERS = {
    "en": {
        "results": "Results",
        "traces": "Traces",
        "period": "period",
        "appraisee": "appraisee",
        "name": "name",
        "subtotal": "subtotal",
        "total": "total",
        "rank": "rank",
        "ranked": "ranked",
        "grade": "grade",
        "band_grade": "band grade",
        "normalized": "normalized",
        "flags": "flags",
        "outcomes": "outcomes",
        "errors": "errors",
        "adjustments": "adjustments",
    },
    "zh": {
        "results": "考核结果",
        "traces": "计算过程",
        "period": "期间",
        "appraisee": "工号",
        "name": "姓名",
        "subtotal": "小计",
        "total": "总分",
        "rank": "排名",
        "ranked": "参与排名人数",
        "grade": "等级",
        "band_grade": "分档等级",
        "normalized": "调整后得分",
        "flags": "标记",
        "outcomes": "结果应用",
        "errors": "错误",
        "adjustments": "加减分与系数",
    },
}


# the population's outcomes as numbers, one column each, the unit in the heading
# (绩效工资（元）): a spreadsheet adds them up; the text column says them all in words
NUMERIC_OUTCOMES = ("pay", "salary_step", "salary_grade")
OUTCOME_HEADERS = {
    "en": {
        "pay": "performance pay (yuan)",
        "salary_step": "salary steps",
        "salary_grade": "new salary grade",
    },
    "zh": {"pay": "绩效工资（元）", "salary_step": "薪级调整", "salary_grade": "新薪级"},
}


def _numeric_outcomes(runs: Sequence[ScoreRun]) -> list[str]:
    """The numeric outcomes some run's scheme gives (pay; a salary step and grade)."""
    found = set()
    for run in runs:
        outcomes = run.scheme.outcomes
        if outcomes.pay is not None:
            found.add("pay")
        if outcomes.salary is not None:
            found |= {"salary_step", "salary_grade"}
    return [name for name in NUMERIC_OUTCOMES if name in found]


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


class _Sheet:
    """A write-only sheet whose text cells are neutralised."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.bold = Font(bold=True)

    def header(self, titles: Sequence[str]) -> None:
        self.sheet.freeze_panes = "A2"
        cells = []
        for title in titles:
            cell = self._text(title)
            cell.font = self.bold
            cells.append(cell)
        self.sheet.append(cells)

    def _text(self, value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value)
        if is_formula_like(value):
            cell.data_type = "s"  # openpyxl would otherwise store `=…` as a formula
            cell.quotePrefix = True
        return cell


def write_workbook(runs: Sequence[ScoreRun], path: str | Path, language: str) -> None:
    """Write the results of `runs` (one period or several) to an .xlsx file at `path`,
    traces and errors in the current language, headers in `language`."""
    words = HEADERS.get(language, HEADERS["en"])
    book = Workbook(write_only=True)
    results = _Sheet(book.create_sheet(words["results"]))
    traces = _Sheet(book.create_sheet(words["traces"]))
    items = _items(runs)
    numeric = _numeric_outcomes(runs)
    said = OUTCOME_HEADERS.get(language, OUTCOME_HEADERS["en"])
    results.header(
        [
            words["period"],
            words["appraisee"],
            words["name"],
            *(f"{code} {name}" for code, name in items),
            *(words[key] for key in ("subtotal", "total", "rank", "ranked", "grade")),
            *(words[key] for key in ("band_grade", "normalized", "outcomes")),
            *(said[name] for name in numeric),
            words["flags"],
            words["errors"],
        ]
    )
    traces.header(
        [
            words["period"],
            words["appraisee"],
            words["name"],
            *(f"{code} {name}" for code, name in items),
            words["adjustments"],
            words["errors"],
        ]
    )
    codes = [code for code, _ in items]
    style = StyleArray()
    style.quotePrefix = 1
    quote = book._cell_styles.add(style)  # the style of neutralised text, as openpyxl's own
    skeleton = io.BytesIO()
    book.save(skeleton)  # the headers, frozen, in bold; the rows are streamed in below
    rows = {
        "xl/worksheets/sheet1.xml": _rows_xml(
            (row for run in runs for row in _result_rows(run, codes, numeric)), quote
        ),
        "xl/worksheets/sheet2.xml": _rows_xml(
            (row for run in runs for row in _trace_rows(run, codes)), quote
        ),
    }
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename not in rows:
                target.writestr(info.filename, data)
                continue
            end = data.index(b"</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as out:
                out.write(data[:end])
                for chunk in rows[info.filename]:
                    out.write(chunk.encode("utf-8"))
                out.write(data[end:])


def _rows_xml(rows: Iterator[list[Any]], quote: int, chunk: int = 2_000) -> Iterator[str]:
    """The rows' XML after the header row, as openpyxl's write-only mode writes cells
    (numbers `%.16g`, text as inline strings, neutralised text with the quote prefix
    style, no cell for None) but made as text, a chunk of rows at a time."""
    letters: list[str] = []
    parts: list[str] = []
    for number, values in enumerate(rows, start=2):
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        cells = [f'<row r="{number}">']
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                cells.append(_text_xml(f"{letter}{number}", value, quote))
            elif kind is bool:
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind is int or kind is float:
                if math.isfinite(value):
                    cells.append(f'<c r="{letter}{number}" t="n"><v>{value:.16g}</v></c>')
                else:  # openpyxl writes no number for NaN or infinity
                    cells.append(f'<c r="{letter}{number}" t="n"><v></v></c>')
            else:
                cells.append(_text_xml(f"{letter}{number}", str(value), quote))
        cells.append("</row>")
        parts.append("".join(cells))
        if len(parts) >= chunk:
            yield "".join(parts)
            parts = []
    if parts:
        yield "".join(parts)


def _text_xml(place: str, text: str, quote: int) -> str:
    if not text:
        return f'<c r="{place}" t="inlineStr" />'  # as openpyxl writes "" (read back: None)
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    style = f' s="{quote}"' if text.startswith(FORMULA_PREFIXES) else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{place}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _items(runs: Sequence[ScoreRun]) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for run in runs:
        for column in run.items:
            found.setdefault(column.item.code, column.item.name)
    return list(found.items())


def _result_rows(run: ScoreRun, codes: list[str], numeric: list[str]) -> Iterator[list[Any]]:
    summary = summarize(run)
    missing = [None] * summary.n
    amounts = [
        _money(summary.outcome_numbers[name])
        if name == "pay"
        else numbers(summary.outcome_numbers[name])
        if name in summary.outcome_numbers
        else missing
        for name in numeric
    ]
    scores = [
        numbers(summary.scores[code]) if code in summary.scores else missing for code in codes
    ]
    normalized = missing if summary.normalized is None else numbers(summary.normalized)
    columns = [
        [summary.period or ""] * summary.n,
        summary.ids,
        summary.names,
        *scores,
        numbers(summary.subtotal),
        numbers(summary.total),
        [rank or None for rank in summary.rank.tolist()],
        [ranked or None for ranked in summary.ranked.tolist()],
        summary.grade,
        summary.band_grade,
        normalized,
        outcome_texts(summary, slice(None)),
        *amounts,
        ["; ".join(flags) for flags in summary.flags],
        ["; ".join(errors) for errors in summary.errors],
    ]
    for row in zip(*columns, strict=True):
        yield list(row)


def _money(values: Any) -> list[float | None]:
    """Amounts to the fen; None where there is none."""
    return [None if value is None else round(value, 2) for value in numbers(values)]


def _trace_rows(run: ScoreRun, codes: list[str]) -> Iterator[list[Any]]:
    at = {column.item.code: index for index, column in enumerate(run.items)}
    for start in range(0, run.n, CHUNK):
        rows = range(start, min(start + CHUNK, run.n))
        prepare(run, rows)  # each distinct item trace said once
        for row, said in zip(rows, run.words_of(rows), strict=True):
            item_traces = said["items"]
            adjustments = "; ".join(f"{a['name']}: {a['trace']}" for a in said["adjustments"])
            yield [
                run.period or "",
                run.facts.ids[row],
                run.facts.names[row],
                *(item_traces[at[code]] if code in at else None for code in codes),
                adjustments or None,
                "; ".join(said["errors"]) or None,
            ]
