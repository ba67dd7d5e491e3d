"""The indicator dictionary (KPI指标库) as a workbook: one row per indicator, the ten
questions as columns, then its classification, parent and effective dates.

Exported, each incomplete entry says so in 完整性 and its unanswered cells are
shaded. Imported, every row is checked first; a row equal to the stored entry
changes nothing, a changed row becomes a new version through `indicator_save`
(it must take effect after the current version), a 失效日期 retires the entry.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook

from jixiao.indicators import services as indicator_services
from jixiao.indicators.models import (
    Category,
    Dimension,
    Indicator,
    IndicatorVersion,
    Perspective,
    Polarity,
)
from jixiao.indicators.questions import QUESTION_FIELDS
from jixiao.spreadsheets.tables import (
    ColumnSpec,
    RowsPlan,
    TableRow,
    duplicates,
    parents_first,
    read_table,
    write_table,
    yes_no,
)
from jixiao.spreadsheets.writers import new_workbook

SHEET = "指标库"
MISSING_FILL = PatternFill("solid", fgColor="FFF2CC")

PERSPECTIVES = {
    "financial": "财务",
    "customer": "客户",
    "internal": "内部运营",
    "learning": "学习与成长",
}
DIMENSIONS = {"time": "时间", "cost": "成本", "quality": "质量", "quantity": "数量"}
CATEGORIES = {"performance": "业绩", "attitude": "态度", "ability": "能力"}
POLARITIES = {"higher": "越高越好", "lower": "越低越好", "band": "目标区间"}

COLUMNS = (
    ColumnSpec("code", "指标编码", ("编码",), 10),
    ColumnSpec("name", "指标名称", ("正式名称", "名称", "official name"), 18),
    ColumnSpec("definition", "指标定义", ("定义",), 30),
    ColumnSpec("purpose", "设置目的", ("目的",), 24),
    ColumnSpec("notes", "备注", ("说明", "相关说明"), 20),
    ColumnSpec("collection", "数据收集", ("数据收集人及方式", "收集方式", "数据收集方式"), 20),
    ColumnSpec("data_source", "数据来源", ("数据提供部门",), 12),
    ColumnSpec("formula", "计算公式", ("公式",), 24),
    ColumnSpec("statistical_period", "统计周期", ("考核周期",), 10),
    ColumnSpec("data_auditor", "数据审核人", ("审核人", "数据审核"), 12),
    ColumnSpec("unit", "计量单位", ("单位",), 8),
    ColumnSpec("perspective", "BSC视角", ("BSC维度", "平衡计分卡", "视角"), 10),
    ColumnSpec("dimension", "指标维度", ("维度",), 8),
    ColumnSpec("category", "指标类别", ("类别",), 8),
    ColumnSpec("polarity", "指标极性", ("极性",), 10),
    ColumnSpec("quantitative", "定量", ("是否定量",), 6),
    ColumnSpec("controllable", "可控", ("是否可控",), 6),
    ColumnSpec("operational", "作业面", ("是否作业面",), 7),
    ColumnSpec("parent", "上级指标", ("上级指标编码", "parent indicator"), 10),
    ColumnSpec("effective_from", "生效日期", ("effective from",), 11),
    ColumnSpec("effective_to", "失效日期", ("effective to",), 11),
    ColumnSpec("version", "版本", (), 6),
    ColumnSpec("completeness", "完整性", (), 28),
)
TITLES = {spec.name: spec.title for spec in COLUMNS}
CHOICES = {
    "perspective": (PERSPECTIVES, Perspective),
    "dimension": (DIMENSIONS, Dimension),
    "category": (CATEGORIES, Category),
    "polarity": (POLARITIES, Polarity),
}
FLAGS = {"quantitative": True, "controllable": True, "operational": False}


def latest_versions() -> list[IndicatorVersion]:
    """The latest version of every indicator, by code."""
    found: dict[int, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator", "parent").order_by(
        "indicator__code", "-number"
    ):
        found.setdefault(version.indicator_id, version)
    return list(found.values())


def _export_row(version: IndicatorVersion) -> list[Any]:
    missing = "、".join(TITLES[name] for name in version.missing)
    return [
        version.indicator.code,
        *(getattr(version, name) or None for name in QUESTION_FIELDS),
        PERSPECTIVES.get(version.perspective),
        DIMENSIONS.get(version.dimension),
        CATEGORIES.get(version.category),
        POLARITIES.get(version.polarity),
        yes_no(version.quantitative),
        yes_no(version.controllable),
        yes_no(version.operational),
        version.parent.code if version.parent else None,
        version.effective_from,
        version.effective_to,
        version.number,
        f"不完整:缺{missing}" if version.incomplete else "完整",
    ]


def dictionary_workbook(versions: list[IndicatorVersion]) -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    sheet = write_table(workbook, SHEET, COLUMNS, (_export_row(v) for v in versions))
    positions = {name: index for index, name in enumerate(QUESTION_FIELDS, start=2)}
    for row, version in enumerate(versions, start=2):
        for name in version.missing:
            sheet.cell(row=row, column=positions[name]).fill = MISSING_FILL
    for row in range(2, len(versions) + 2):
        for column in (20, 21):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
    return workbook


# -- import -------------------------------------------------------------------------
def _content(row: TableRow) -> dict[str, Any]:
    content: dict[str, Any] = {name: row.text(name) for name in QUESTION_FIELDS}
    for name, (labels, choices) in CHOICES.items():
        content[name] = row.choice(name, labels, choices)
    for name, default in FLAGS.items():
        content[name] = row.flag(name, default)
    for name in QUESTION_FIELDS:
        limit = getattr(IndicatorVersion._meta.get_field(name), "max_length", None)
        if limit and len(content[name]) > limit:
            row.problem(name, _("at most %(limit)d characters") % {"limit": limit})
    return content


def _same(current: IndicatorVersion, content: dict[str, Any], parent: str) -> bool:
    for name in (*QUESTION_FIELDS, *CHOICES, *FLAGS):
        if getattr(current, name) != content[name]:
            return False
    return (current.parent.code if current.parent else "") == parent


def plan_dictionary(sheet: Any, *, actor: Any) -> RowsPlan:
    plan = RowsPlan()
    rows, plan.problems = read_table(sheet, COLUMNS, ("code", "name"))
    duplicates(rows, "code", _("the indicator %(value)s is already on row %(row)d"))
    current = {version.indicator.code: version for version in latest_versions()}
    parents = {code: (v.parent.code if v.parent else "") for code, v in current.items()}
    parents.update({row.text("code"): row.text("parent") for row in rows})
    ordered = parents_first(rows, "code", "parent")
    for row in ordered:
        _plan_row(row, plan, actor, current, parents)
    plan.take(rows)
    return plan


def _plan_row(
    row: TableRow,
    plan: RowsPlan,
    actor: Any,
    current: dict[str, IndicatorVersion],
    parents: dict[str, str],
) -> None:
    code = row.required("code")
    row.required("name")
    content = _content(row)
    parent = row.text("parent")
    if parent and parent == code:
        row.problem("parent", _("an indicator cannot be its own parent"))
    elif parent and parent not in parents:
        row.problem("parent", _("unknown indicator %(code)s") % {"code": parent})
    starts, ends = row.date("effective_from"), row.date("effective_to")
    stored = current.get(code)
    same = stored is not None and _same(stored, content, parent)
    if stored is not None and same:
        starts = stored.effective_from
    else:
        starts = _check_start(row, stored, starts)
    if ends is not None and starts is not None and ends < starts:
        row.problem("effective_to", _("the entry cannot end before it takes effect"))
    retires = ends is not None and (not same or stored is None or stored.effective_to != ends)
    if row.problems or starts is None:
        return
    if same and not retires:
        plan.unchanged += 1
        return
    if stored is None:
        plan.added += 1
    else:
        plan.changed += 1

    def apply() -> None:
        content["parent"] = Indicator.objects.get(code=parent) if parent else None
        version = indicator_services.indicator_save(
            actor=actor, code=code, effective_from=starts, **content
        )
        if retires and ends is not None and version.effective_to != ends:
            indicator_services.indicator_retire(
                indicator=version.indicator, actor=actor, effective_to=ends
            )

    plan.steps.append((row, "code", apply))


def _check_start(
    row: TableRow, stored: IndicatorVersion | None, starts: datetime.date | None
) -> datetime.date | None:
    if starts is None:
        if not row.has_problem("effective_from"):
            message = _("a new or changed entry needs the date it takes effect")
            row.problem("effective_from", message)
        return None
    if stored is not None and starts <= stored.effective_from:
        row.problem(
            "effective_from",
            _(
                "the entry differs from version %(number)s (in force from %(date)s): a new"
                " version must take effect after that date"
            )
            % {"number": stored.number, "date": stored.effective_from},
        )
        return None
    return starts
