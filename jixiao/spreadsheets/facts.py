"""Facts in bulk: reading the long format (one fact per row, the CSV format of
scheme-language §14) and the wide format (one row per appraisee, one column per
item fact) into `FactRow`s, each remembering the cells it came from.

Wide headers name the fact: `预算执行偏差率 [input:actual]`, `部门管理 [event:violation]`,
`内部控制管理 [rating:supervisor]`, `[input:loss]` (the appraisee's own input), or a
bare item name for its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.spreadsheets.readers import sheet_rows, text
from jixiao.spreadsheets.writers import CellProblem

KINDS = ("attribute", "input", "value", "event", "rating", "score", "adjustment", "group")
FIELDS = ("appraisee", "item", "kind", "key", "value", "period")
ALIASES = {
    "appraisee": "appraisee",
    "工号": "appraisee",
    "被考核人": "appraisee",
    "item": "item",
    "考核项目": "item",
    "考核指标": "item",
    "项目": "item",
    "kind": "kind",
    "类型": "kind",
    "key": "key",
    "名称": "key",
    "value": "value",
    "值": "value",
    "数值": "value",
    "period": "period",
    "期间": "period",
    "name": "name",
    "姓名": "name",
    "note": "note",
    "备注": "note",
}
WIDE_HEADER = re.compile(r"^(?P<item>.*?)\s*\[(?P<kind>[a-z]+)(?::(?P<key>[^\]]+))?\]\s*$")


@dataclass
class FactRow:
    """One fact as written in the workbook, with the column of each of its parts."""

    sheet: str
    row: int
    appraisee: str
    item: str
    kind: str
    key: str
    value: Any
    period: str = ""
    columns: dict[str, int] = field(default_factory=dict)

    def problem(self, part: str, message: str) -> CellProblem:
        column = self.columns.get(part) or self.columns.get("value") or 1
        return CellProblem(self.sheet, self.row, column, message)


@dataclass(frozen=True)
class WideColumn:
    item: str
    kind: str
    key: str


def wide_title(item: str, kind: str, key: str = "") -> str:
    """The header of a wide column; a bare item name for its value."""
    if kind == "value" and not key:
        return item
    suffix = f"{kind}:{key}" if key else kind
    return f"{item} [{suffix}]" if item else f"[{suffix}]"


def parse_wide_title(title: str) -> WideColumn:
    match = WIDE_HEADER.match(title)
    if match is None:
        return WideColumn(title.strip(), "value", "")
    return WideColumn(match["item"].strip(), match["kind"], (match["key"] or "").strip())


def read_facts(workbook: Any) -> tuple[list[FactRow], list[CellProblem], int]:
    """Every fact of every sheet, the problems of layout, and the number of rows read."""
    facts: list[FactRow] = []
    problems: list[CellProblem] = []
    rows_read = 0
    for sheet in workbook.worksheets:
        rows = sheet_rows(sheet)
        first = next(rows, None)
        if first is None:
            continue
        header_row, header = first
        names = [ALIASES.get(text(value).lower(), ALIASES.get(text(value), "")) for value in header]
        if "kind" in names:
            reader = _long(sheet.title, header_row, names, rows, problems)
        elif names and names[0] == "appraisee":
            reader = _wide(sheet.title, header_row, header, names, rows, problems)
        else:
            problems.append(
                CellProblem(
                    sheet.title,
                    header_row,
                    1,
                    _(
                        "the first row must name the columns: appraisee, item, kind, key, value"
                        " (one fact per row), or 工号 and one column per item"
                    ),
                )
            )
            continue
        for count, fact in reader:
            rows_read += count
            if fact is not None:
                facts.append(fact)
    return facts, problems, rows_read


def _long(
    sheet: str,
    header_row: int,
    names: list[str],
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    problems: list[CellProblem],
) -> Iterator[tuple[int, FactRow | None]]:
    columns = {name: index + 1 for index, name in enumerate(names) if name in FIELDS}
    for required in ("appraisee", "item", "kind", "key", "value"):
        if required not in columns:
            problems.append(
                CellProblem(
                    sheet, header_row, 1, _("the column %(name)s is missing") % {"name": required}
                )
            )
            return
    for number, values in rows:

        def cell(name: str, values: tuple[Any, ...] = values) -> Any:
            index = columns.get(name)
            return values[index - 1] if index is not None and index <= len(values) else None

        yield (
            1,
            FactRow(
                sheet=sheet,
                row=number,
                appraisee=text(cell("appraisee")),
                item=text(cell("item")),
                kind=text(cell("kind")).lower(),
                key=text(cell("key")),
                value=cell("value"),
                period=text(cell("period")),
                columns=columns,
            ),
        )


def _wide(
    sheet: str,
    header_row: int,
    header: tuple[Any, ...],
    names: list[str],
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    problems: list[CellProblem],
) -> Iterator[tuple[int, FactRow | None]]:
    period_column = names.index("period") + 1 if "period" in names else None
    fact_columns: dict[int, WideColumn] = {}
    for index, (value, name) in enumerate(zip(header, names, strict=False), start=1):
        title = text(value)
        if name or not title:
            continue
        column = parse_wide_title(title)
        if column.kind not in KINDS or column.kind in ("attribute", "group"):
            problems.append(
                CellProblem(
                    sheet,
                    header_row,
                    index,
                    _("unknown kind of fact %(kind)s; expected one of %(kinds)s")
                    % {"kind": column.kind, "kinds": "input, value, event, rating, score"},
                )
            )
            continue
        fact_columns[index] = column
    for number, values in rows:
        appraisee = text(values[0]) if values else ""
        period = (
            text(values[period_column - 1])
            if period_column and period_column <= len(values)
            else ""
        )  # a streamed row ends at its last filled cell
        yield 1, None
        for index, column in fact_columns.items():
            raw = values[index - 1] if index <= len(values) else None
            if raw is None or text(raw) == "":
                continue
            columns = {"appraisee": 1, "item": index, "kind": index, "key": index, "value": index}
            if period_column:
                columns["period"] = period_column
            yield (
                0,
                FactRow(
                    sheet=sheet,
                    row=number,
                    appraisee=appraisee,
                    item=column.item,
                    kind=column.kind,
                    key=column.key,
                    value=raw,
                    period=period,
                    columns=columns,
                ),
            )
