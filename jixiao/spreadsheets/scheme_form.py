"""Schemes as the familiar Chinese form (考核表) and back: pure functions, no database.

The form: a title row (the scheme's name), a row with 方案编码 / 考核周期 / 满分, then
one row per item under the header

    考核因素 | 权数 | 考核指标 | 权数 | 考核方法 | 数据来源 | 100分 | 80分 | 60分 | 40分 | 20分
    | 得分标准 | 计算公式 | 指标编码 | 方案语言

A tier table (`bands`) puts each row's condition under its score (≥98%, =0 …,
the last written as the complement of the one before, as the forms do); rated
levels (`levels`) put each level's name under its points; deductions per
event are sentences in 得分标准 (`[late_day] 每次扣3分`). What the form cannot
say is kept, in the scheme language, in 方案语言 — so a scheme written out and
read back scores the same. A second sheet, 方案设置, holds the scheme-level keys
(raters, grades, adjustments …).

Reading a form written by hand works the same way; what cannot be understood
is listed in the notes and left for HR to fix, never guessed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import yaml
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment
from openpyxl.workbook.workbook import Workbook

from jixiao.schemes.engine import scheme_limits
from jixiao.scoring import DocumentError, SchemeError, language, scheme_from_text
from jixiao.scoring.describe import describe_adjustment
from jixiao.scoring.source import parse_text
from jixiao.spreadsheets.readers import number, sheet_rows, text
from jixiao.spreadsheets.writers import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    new_workbook,
    put,
    widths,
)

TIERS = (100, 80, 60, 40, 20)
HEADER = (
    "考核因素",
    "权数",
    "考核指标",
    "权数",
    "考核方法",
    "数据来源",
    *(f"{tier}分" for tier in TIERS),
    "得分标准",
    "计算公式",
    "指标编码",
    "方案语言",
)
FORM_KEYS = {"name", "weight", "source", "note", "indicator", "measure", "rule"}
TOP_KEYS = ("code", "name", "period", "scale", "sections", "items")
SETTINGS_SHEET = "方案设置"
POINTS_SHEET = "加减分项"
POINTS_HEADER = ("加减分项", "计算公式", "得分标准", "说明", "方案语言")
PERIODS = {"月度": "month", "季度": "quarter", "半年度": "half", "年度": "year"}


class FormError(ValueError):
    """The scheme cannot be laid out as the familiar form."""


def _flow(value: Any) -> str:
    return str(
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    ).strip()


# -- conditions in the form's own notation -------------------------------------
_TO_FORM = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<"}
_COMPLEMENT = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": ">"}
_CONDITION = re.compile(r"^(>=|<=|==|>|<)\s*(\S+)$")


def condition_to_form(condition: str, previous: str | None) -> str:
    if condition == "else":
        match = _CONDITION.match(previous or "")
        if match is None:
            raise FormError("else after a condition with no simple complement")
        return f"{_COMPLEMENT[match[1]]}{match[2]}"
    match = _CONDITION.match(condition)
    return f"{_TO_FORM[match[1]]}{match[2]}" if match else condition


_FORM_CONDITION = re.compile(
    r"^(≥|≤|>=|<=|==|=|>|<|＞|＜|＝)?\s*(-?\d+(?:\.\d+)?%?)\s*(次|天|个|项)?$"
)
_FROM_FORM = {"≥": ">=", "≤": "<=", "=": "==", "＝": "==", "＞": ">", "＜": "<"}


def condition_from_form(raw: str) -> str | None:
    """`≥98%` → `>= 98%`, `0 次` → `== 0`; None when the text is no condition."""
    cleaned = raw.strip().replace(" ", "")
    if re.match(r"^[\[(].*[\])]$", cleaned):
        return cleaned.replace(",", ", ")
    match = _FORM_CONDITION.match(cleaned)
    if match is None:
        return None
    operator, value, counted = match[1], match[2], match[3]
    if operator is None and not counted:
        return None  # a bare number is a level's name
    operator = _FROM_FORM.get(operator or "=", operator or "==")
    return f"{operator} {value}"


# -- scheme document → workbook --------------------------------------------------
@dataclass
class FormRow:
    section: str | None
    section_weight: Any
    item: dict[str, Any]


def _tiers(rule: Any) -> tuple[dict[int, str], str, dict[str, Any] | None]:
    """(tier cells, 得分标准 text, what stays in the scheme language)."""
    if isinstance(rule, dict) and set(rule) == {"bands"}:
        rows = rule["bands"]
        scores = [row[1] for row in rows if isinstance(row, list) and len(row) == 2]
        if len(scores) == len(rows) and all(s in TIERS for s in scores) and _descending(scores):
            cells, previous = {}, None
            try:
                for condition, score in rows:
                    cells[score] = condition_to_form(str(condition), previous)
                    previous = str(condition)
            except FormError:
                return {}, "", {"rule": rule}
            if all(condition_from_form(cell) for cell in cells.values()):
                return cells, "", None
    if isinstance(rule, dict) and set(rule) == {"levels"}:
        levels = rule["levels"]
        scores = list(levels.values()) if isinstance(levels, dict) else []
        names = [str(name) for name in levels] if isinstance(levels, dict) else []
        if (
            scores
            and all(s in TIERS for s in scores)
            and _descending(scores)
            and all(condition_from_form(name) is None for name in names)
        ):
            return dict(zip(scores, names, strict=True)), "", None
    if isinstance(rule, dict) and set(rule) == {"deduct"}:
        sentences = _deduct_sentences(rule["deduct"])
        if sentences is not None:
            return {}, sentences, None
    return {}, "", {"rule": rule}


def _descending(scores: list[Any]) -> bool:
    return all(a > b for a, b in pairwise(scores))


def _deduct_sentences(spec: Any) -> str | None:
    if not isinstance(spec, dict) or set(spec) != {"per"} or not isinstance(spec["per"], dict):
        return None
    sentences = []
    for name, cost in spec["per"].items():
        if cost == {"zero": True}:
            sentences.append(f"[{name}] 本项得0分")
        elif isinstance(cost, dict) and set(cost) == {"each"} and number(cost["each"]) is not None:
            sentences.append(f"[{name}] 每次扣{cost['each']}分")
        else:
            return None
    return ";".join(sentences)


def form_rows(document: dict[str, Any]) -> list[FormRow]:
    if "items" in document:
        return [FormRow(None, None, item) for item in document["items"]]
    rows = []
    for section in document.get("sections", []):
        if "sections" in section:
            raise FormError("the familiar form has one level of sections")
        for index, item in enumerate(section.get("items", [])):
            first = index == 0
            rows.append(
                FormRow(
                    section["name"] if first else None, section["weight"] if first else None, item
                )
            )
    return rows


def scheme_workbook(document: dict[str, Any]) -> Workbook:
    """The scheme document (as read from its YAML) laid out as the familiar form."""
    workbook, sheet = new_workbook()
    sheet.title = "考核表"
    put(sheet, 1, 1, document.get("name", ""))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.cell(1, 1).font = HEADER_FONT
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    meta: tuple[Any, ...] = ("方案编码", document.get("code", ""), "考核周期")
    meta += (document.get("period", "month"), "满分", document.get("scale", 100))
    for column, value in enumerate(meta, start=1):
        put(sheet, 2, column, value)
    for column, title in enumerate(HEADER, start=1):
        cell = put(sheet, 3, column, title)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
    for row, form_row in enumerate(form_rows(document), start=4):
        item = form_row.item
        tiers, standard, kept = _tiers(item.get("rule"))
        extra = {k: v for k, v in item.items() if k not in FORM_KEYS}
        if kept:
            extra.update(kept)
        values = [
            form_row.section,
            form_row.section_weight,
            item.get("name"),
            item.get("weight"),
            item.get("note"),
            item.get("source"),
            *(tiers.get(tier) for tier in TIERS),
            standard or None,
            item.get("measure"),
            item.get("indicator"),
            _flow(extra) if extra else None,
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border, cell.alignment = BOX, WRAP
    widths(sheet, [12, 6, 22, 6, 36, 12, 9, 9, 9, 9, 9, 36, 28, 10, 30])
    _points_sheet(workbook, document)
    settings = {k: v for k, v in document.items() if k not in TOP_KEYS}
    if settings:
        extra_sheet = workbook.create_sheet(SETTINGS_SHEET)
        text_lines = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=10_000)
        for row, line in enumerate(text_lines.splitlines(), start=1):
            put(extra_sheet, row, 1, line)
        widths(extra_sheet, [100])
    return workbook


def _points_sheet(workbook: Workbook, document: dict[str, Any]) -> None:
    """The points lines (加减分项, scheme-language §7 v1.1) as a sheet of their own:
    each line's name, formula, scoring standard in words, note and rule. 方案设置
    keeps them too, in the scheme language, so the form reads back the same."""
    lines = [
        entry
        for entry in document.get("adjustments") or []
        if isinstance(entry, dict) and isinstance(entry.get("points"), dict)
    ]
    if not lines:
        return
    said = _points_words(document)
    sheet = workbook.create_sheet(POINTS_SHEET)
    for column, title in enumerate(POINTS_HEADER, start=1):
        cell = put(sheet, 1, column, title)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
    for row, entry in enumerate(lines, start=2):
        body = entry["points"]
        values = [
            entry.get("name"),
            body.get("measure"),
            said.get(str(entry.get("name")), ""),
            entry.get("note") or body.get("note"),
            _flow(body.get("rule")),
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border, cell.alignment = BOX, WRAP
    widths(sheet, [16, 28, 48, 36, 48])


def _points_words(document: dict[str, Any]) -> dict[str, str]:
    """Each points line's scoring standard as the engine says it, in Chinese (the
    form's language); nothing when the document does not read as a scheme."""
    try:
        with language("zh"):
            scheme = scheme_from_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
            return {
                adjustment.name: str(describe_adjustment(adjustment))
                for adjustment in scheme.adjustments
                if adjustment.kind == "points"
            }
    except SchemeError:
        return {}


# -- workbook → scheme document ----------------------------------------------------
@dataclass
class FormReading:
    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return str(yaml.safe_dump(self.document, allow_unicode=True, sort_keys=False, width=100))


_EVENT_WORDS = (
    (("延误", "推迟", "迟交", "晚交"), "late_day"),
    (("拒不提交", "拒绝提交"), "refused"),
    (("违反", "违规", "违纪"), "violation"),
    (("投诉",), "complaint"),
)
_DEDUCT = re.compile(r"扣\s*(\d+(?:\.\d+)?)\s*分")
_ZERO = re.compile(r"(得分为|得|计)\s*0\s*分?|为\s*0\s*分?$")
_NAMED = re.compile(r"^\[(?P<name>[A-Za-z_][\w]*)\]\s*(?P<rest>.*)$")


def deduct_from_sentences(text_: str, item: str, notes: list[str]) -> dict[str, Any] | None:
    """`每延误一天扣3分;无正当理由拒不提交的本项考核得分为0` → a deduct rule."""
    per: dict[str, Any] = {}
    for clause in (c.strip() for c in re.split(r"[;；。\n]", text_)):
        if not clause:
            continue
        named = _NAMED.match(clause)
        name, rest = (named["name"], named["rest"]) if named else ("", clause)
        cost = _DEDUCT.search(rest)
        zero = _ZERO.search(rest)
        if cost is None and zero is None:
            notes.append(
                _("%(item)s: a scoring standard that was not understood was left out: 「%(text)s」")
                % {"item": item, "text": clause}
            )
            continue
        if not name:
            name = next((n for words, n in _EVENT_WORDS if any(w in rest for w in words)), "")
            if not name or name in per:
                name = f"event_{len(per) + 1}"
            notes.append(
                _("%(item)s: 「%(text)s」 was recorded as the event %(event)s; check its name")
                % {"item": item, "text": clause, "event": name}
            )
        value = number(cost[1]) if cost else None
        per[name] = {"each": value} if cost else {"zero": True}
    return {"deduct": {"per": per}} if per else None


def _header_row(rows: list[tuple[int, tuple[Any, ...]]]) -> int | None:
    for index, (_number, values) in enumerate(rows):
        if any(text(v) in ("考核指标", "指标名称") for v in values):
            return index
    return None


def _columns(rows: list[tuple[int, tuple[Any, ...]]], at: int) -> tuple[dict[str, Any], int]:
    """Column positions by header text; a second header row may hold the tiers."""
    titles = [text(v) for v in rows[at][1]]
    columns: dict[str, Any] = {"tiers": {}}
    weights = [i for i, t in enumerate(titles) if t == "权数"]
    for index, title in enumerate(titles):
        tier = re.match(r"^(\d+)\s*分$", title)
        if tier:
            columns["tiers"][int(tier[1])] = index
        elif title in ("考核因素", "考核维度", "指标类型"):
            columns["section"] = index
        elif title in ("考核指标", "指标名称"):
            columns["item"] = index
        elif title == "考核方法":
            columns["note"] = index
        elif title == "数据来源":
            columns["source"] = index
        elif "得分标准" in title:
            columns["standard"] = index
        elif title == "计算公式":
            columns["measure"] = index
        elif title == "指标编码":
            columns["indicator"] = index
        elif title == "方案语言":
            columns["extra"] = index
    if len(weights) >= 2:
        columns["section_weight"], columns["weight"] = weights[0], weights[1]
    elif weights:
        columns["weight"] = weights[0]
    start = at + 1
    if not columns["tiers"] and start < len(rows):
        for index, value in enumerate(rows[start][1]):
            tier = re.match(r"^(\d+)\s*分$", text(value))
            if tier:
                columns["tiers"][int(tier[1])] = index
        if columns["tiers"]:
            start += 1
    return columns, start


def _meta(rows: list[tuple[int, tuple[Any, ...]]], header_at: int) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for _number, values in rows[:header_at]:
        cells = [text(v) for v in values]
        if "name" not in meta and cells and cells[0] and cells[0] not in ("方案编码",):
            meta["name"] = cells[0]
        for index, cell in enumerate(cells[:-1]):
            following = values[index + 1]
            if cell == "方案编码":
                meta["code"] = text(following)
            elif cell == "考核周期":
                meta["period"] = PERIODS.get(text(following), text(following))
            elif cell == "满分":
                meta["scale"] = number(following)
    return meta


def read_form(sheets: Iterable[Any]) -> FormReading:
    """The scheme document a familiar form describes, and notes on what was not understood."""
    notes: list[str] = []
    sheet_list = list(sheets)
    form = sheet_list[0]
    rows = list(sheet_rows(form))
    at = _header_row(rows)
    if at is None:
        raise FormError("找不到表头:需要一行含「考核指标」的表头")
    columns, start = _columns(rows, at)
    meta = _meta(rows, at)
    document: dict[str, Any] = {
        "code": meta.get("code") or "FORM",
        "name": meta.get("name") or "考核表",
        "period": meta.get("period") or "month",
    }
    if not meta.get("code"):
        notes.append(_("the form has no 方案编码; FORM is used for now, please change it"))
    if meta.get("scale") not in (None, 100):
        document["scale"] = meta["scale"]
    sections: list[dict[str, Any]] = []
    flat: list[dict[str, Any]] = []
    for _number, values in rows[start:]:
        item = _item(values, columns, notes)
        section = text(_cell(values, columns.get("section")))
        if section:
            weight = number(_cell(values, columns.get("section_weight")))
            if weight is None:
                notes.append(
                    _("the section %(section)s has no weight; 0 for now, please change it")
                    % {"section": section}
                )
            sections.append({"name": section, "weight": weight or 0, "items": []})
        if item is None:
            continue
        (sections[-1]["items"] if sections else flat).append(item)
    if sections and flat:
        notes.append(_("the items between the header and the first section were left out"))
    if sections:
        document["sections"] = [s for s in sections if s["items"]]
    else:
        document["items"] = flat
    settings_sheet = next((s for s in sheet_list[1:] if s.title == SETTINGS_SHEET), None)
    if settings_sheet is not None:
        lines = [
            values[0]
            if values and isinstance(values[0], str)
            else text(values[0] if values else "")
            for _n, values in sheet_rows(settings_sheet)
        ]
        try:  # read as a scheme document is, under the same caps (no alias bomb, no depth)
            found = parse_text(
                "\n".join(lines), kind="scheme", limits=scheme_limits(), is_json=False
            )
            settings = found.data
        except DocumentError:
            settings = None
            notes.append(
                _("%(sheet)s: not valid scheme language, left out") % {"sheet": SETTINGS_SHEET}
            )
        if isinstance(settings, dict):
            document.update(settings)
    points_sheet = next((s for s in sheet_list[1:] if s.title == POINTS_SHEET), None)
    if points_sheet is not None:
        _read_points(points_sheet, document, notes)
    return FormReading(document, notes)


def _read_points(sheet: Any, document: dict[str, Any], notes: list[str]) -> None:
    """Points lines written on the 加减分项 sheet and not in 方案设置: a name, a
    formula and the rule in the scheme language (a line HR added by hand)."""
    known = {
        str(entry.get("name"))
        for entry in document.get("adjustments") or []
        if isinstance(entry, dict)
    }
    for at, values in list(sheet_rows(sheet))[1:]:
        name = text(_cell(values, 0))
        if not name or name in known:
            continue
        raw_rule = _cell(values, 4)
        try:
            rule = yaml.safe_load(str(raw_rule)) if raw_rule else None
        except yaml.YAMLError:
            rule = None
        if not isinstance(rule, dict):
            notes.append(
                _("%(sheet)s row %(row)s: %(name)s has no rule in 方案语言, left out")
                % {"sheet": POINTS_SHEET, "row": at, "name": name}
            )
            continue
        body: dict[str, Any] = {"rule": rule}
        if text(_cell(values, 1)):
            body["measure"] = text(_cell(values, 1))
        line: dict[str, Any] = {"name": name, "points": body}
        if text(_cell(values, 3)):
            line["note"] = text(_cell(values, 3))
        document.setdefault("adjustments", []).append(line)


def _cell(values: tuple[Any, ...], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else None


def _item(
    values: tuple[Any, ...], columns: dict[str, Any], notes: list[str]
) -> dict[str, Any] | None:
    name = text(_cell(values, columns.get("item")))
    if not name:
        return None
    item: dict[str, Any] = {"name": name}
    weight = number(_cell(values, columns.get("weight")))
    if weight is None:
        notes.append(_("%(item)s: no weight; 0 for now, please change it") % {"item": name})
    item["weight"] = weight if weight is not None else 0
    for key in ("source", "indicator", "note", "measure"):
        value = text(_cell(values, columns.get(key)))
        if value:
            item[key] = value
    extra_text = text(_cell(values, columns.get("extra")))
    try:  # a cell of scheme language, read under the caps of a scheme document
        limits = scheme_limits()
        extra = (
            parse_text(extra_text, kind="scheme", limits=limits, is_json=False).data
            if extra_text
            else {}
        )
    except DocumentError:
        extra = None
    if not isinstance(extra, dict):
        notes.append(_("%(item)s: the 方案语言 cell is not a mapping, left out") % {"item": name})
        extra = {}
    rule = extra.pop("rule", None) or _rule(values, columns, name, notes)
    item.update(extra)
    item["rule"] = rule
    return item


def _rule(values: tuple[Any, ...], columns: dict[str, Any], name: str, notes: list[str]) -> Any:
    cells = [
        (tier, _cell(values, index))
        for tier, index in sorted(columns["tiers"].items(), reverse=True)
        if text(_cell(values, index))
    ]
    if len(cells) == 1 and len(text(cells[0][1])) > 8 and re.search("[扣加得]", text(cells[0][1])):
        cells = []  # the deduction sentences written across the tier columns, as the seed does
        standard_text = text(_cell(values, columns["tiers"][max(columns["tiers"])]))
    else:
        standard_text = text(_cell(values, columns.get("standard")))
    if cells:
        conditions = [condition_from_form(text(value)) for _tier, value in cells]
        if all(conditions):
            bands = [[c, tier] for c, (tier, _v) in zip(conditions, cells, strict=True)]
            if len(bands) > 1 and _is_complement(bands[-2][0], bands[-1][0]):
                bands[-1][0] = "else"
            return {"bands": bands}
        if not any(conditions):
            return {"levels": {_level(value): tier for tier, value in cells}}
        notes.append(
            _(
                "%(item)s: the tiers mix conditions and levels and were not understood;"
                " scored directly (direct) for now, please change it"
            )
            % {"item": name}
        )
        return {"direct": {"min": 0, "max": 100}}
    rule = deduct_from_sentences(standard_text, name, notes) if standard_text else None
    if rule is not None:
        return rule
    notes.append(
        _(
            "%(item)s: no scoring standard that could be understood;"
            " scored directly (direct) for now, please change it"
        )
        % {"item": name}
    )
    return {"direct": {"min": 0, "max": 100}}


def _level(value: Any) -> Any:
    found = number(value)
    return found if isinstance(found, int) else text(value)


def _is_complement(previous: str, last: str) -> bool:
    """Whether `last` is exactly what `previous` leaves over (`>= 80%` then `< 80%`)."""
    before, after = _CONDITION.match(previous), _CONDITION.match(last)
    if before is None or after is None:
        return False
    complement = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": ">"}[before[1]]
    return complement == after[1] and before[2] == after[2]
