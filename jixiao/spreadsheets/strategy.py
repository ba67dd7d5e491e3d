"""The strategy map and a position's duties as workbooks.

The map: sheet 战略目标 (one row per objective: code, name, perspective,
description) and sheet 因果关系 (one row per link: the cause's code, the effect's
code). A position's duties: sheet 岗位职责 (order, duty, work standard, authority,
the codes of the indicators that measure it).

Imported, the whole file is checked first; a problem refuses it with the sheet and
cell named and nothing written. Otherwise it is written in one transaction through
jixiao.strategy.services (so every change is audited); a row equal to what is
stored changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl.workbook.workbook import Workbook

from jixiao.core import roles
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.indicators.models import Indicator, Perspective
from jixiao.organization.models import Position
from jixiao.spreadsheets.readers import SpreadsheetRefused, open_workbook, upload_from
from jixiao.spreadsheets.tables import (
    ColumnSpec,
    TableRow,
    duplicates,
    read_table,
    sheet_named,
    write_table,
)
from jixiao.spreadsheets.writers import CellProblem, new_workbook, to_bytes
from jixiao.strategy import services
from jixiao.strategy.models import Duty, Objective
from jixiao.strategy.selectors import form_item_links, position_forms

OBJECTIVES, LINKS, DUTIES = "战略目标", "因果关系", "岗位职责"
PERSPECTIVES: dict[str, str] = {
    Perspective.FINANCIAL.value: "财务",
    Perspective.CUSTOMER.value: "客户",
    Perspective.INTERNAL.value: "内部运营",
    Perspective.LEARNING.value: "学习与成长",
}
OBJECTIVE_COLUMNS = (
    ColumnSpec("code", "目标编码", ("编码",), 12),
    ColumnSpec("name", "目标名称", ("名称", "战略目标"), 24),
    ColumnSpec("perspective", "视角", ("平衡计分卡视角", "BSC perspective"), 12),
    ColumnSpec("description", "说明", ("描述",), 40),
)
LINK_COLUMNS = (
    ColumnSpec("cause", "原因目标编码", ("原因", "cause"), 14),
    ColumnSpec("effect", "结果目标编码", ("结果", "effect", "导致"), 14),
)
DUTY_COLUMNS = (
    ColumnSpec("order", "序号", ("order",), 6),
    ColumnSpec("duty", "职责", ("岗位职责", "duty"), 40),
    ColumnSpec("standard", "工作标准", ("标准", "work standard"), 30),
    ColumnSpec("authority", "权限", ("authority",), 20),
    ColumnSpec("indicators", "衡量指标编码", ("指标编码", "indicators"), 16),
    ColumnSpec("items", "考核项目编码", ("项目编码", "items"), 16),
)
CODES = re.compile(r"[\s,，、;；]+")
SHOWN = 10


# -- export -------------------------------------------------------------------------
def strategy_workbook() -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    objectives = list(Objective.objects.prefetch_related("causes").order_by("perspective", "code"))
    write_table(
        workbook,
        OBJECTIVES,
        OBJECTIVE_COLUMNS,
        (
            [o.code, o.name, PERSPECTIVES.get(o.perspective, o.perspective), o.description or None]
            for o in objectives
        ),
    )
    links = sorted((o.code, effect.code) for o in objectives for effect in o.causes.all())
    write_table(workbook, LINKS, LINK_COLUMNS, links)
    return workbook


def duties_workbook(position: Position) -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    duties = Duty.objects.filter(position=position).prefetch_related("indicators")
    write_table(
        workbook,
        DUTIES,
        DUTY_COLUMNS,
        (
            [
                d.order,
                d.duty,
                d.standard or None,
                d.authority or None,
                "、".join(sorted(i.code for i in d.indicators.all())) or None,
                "、".join(d.items or []) or None,
            ]
            for d in duties
        ),
    )
    return workbook


# -- import -------------------------------------------------------------------------
def _refuse(problems: list[CellProblem]) -> SpreadsheetRefused:
    listed = "；".join(str(p) for p in problems[:SHOWN])
    more = len(problems) - SHOWN
    if more > 0:
        listed += _("; and %(count)d more") % {"count": more}
    return SpreadsheetRefused(_("Nothing was imported: %(problems)s") % {"problems": listed})


def _require_hr(actor: Any) -> None:
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR changes the strategy"))


def _sheet(workbook: Any, name: str, *aliases: str) -> Any:
    sheet = sheet_named(workbook, name, *aliases)
    if sheet is None:
        raise SpreadsheetRefused(_("the workbook needs a sheet named %(name)s") % {"name": name})
    return sheet


def import_strategy(*, file: Any, actor: Any, name: str | None = None) -> tuple[int, int]:
    """Objectives and cause → effect links from a workbook; (objectives written, links
    added). A loop of links is refused on the row that closes it."""
    _require_hr(actor)
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        objectives, problems = read_table(
            _sheet(workbook, OBJECTIVES, "objectives"),
            OBJECTIVE_COLUMNS,
            ("code", "name", "perspective"),
        )
        links_sheet = sheet_named(workbook, LINKS, "links")
        links: list[TableRow] = []
        if links_sheet is not None:
            links, more = read_table(links_sheet, LINK_COLUMNS, ("cause", "effect"))
            problems += more
    finally:
        workbook.close()
    duplicates(objectives, "code", _("the objective %(value)s is already on row %(row)d"))
    stored = {o.code: o for o in Objective.objects.prefetch_related("causes")}
    values = []
    for row in objectives:
        code, title = row.required("code"), row.required("name")
        perspective = row.choice("perspective", PERSPECTIVES, Perspective)
        if row.text("code") and not row.text("perspective"):
            row.problem("perspective", _("this cell must not be empty"))
        values.append((row, code, title, perspective, row.text("description")))
    known = set(stored) | {code for _row, code, *_rest in values}
    for row in links:
        for column in ("cause", "effect"):
            code = row.required(column)
            if code and code not in known:
                row.problem(column, _("no objective has the code %(code)s") % {"code": code})
        if row.text("cause") and row.text("cause") == row.text("effect"):
            row.problem("effect", _("an objective cannot drive itself"))
    problems += [p for row in (*objectives, *links) for p in row.problems]
    if problems:
        raise _refuse(problems)
    written = added = 0
    with transaction.atomic():
        for _row, code, title, perspective, description in values:
            old = stored.get(code)
            if old is not None and (old.name, old.perspective, old.description) == (
                title,
                perspective,
                description,
            ):
                continue
            stored[code] = services.objective_save(
                actor=actor, code=code, name=title, perspective=perspective, description=description
            )
            written += 1
        for row in links:
            cause, effect = stored[row.text("cause")], stored[row.text("effect")]
            if cause.causes.filter(pk=effect.pk).exists():
                continue
            try:
                services.objective_link(actor=actor, cause=cause, effect=effect)
            except ServiceError as error:  # a loop: nothing of the file stays written
                problem = CellProblem(row.sheet, row.row, row.columns["effect"], str(error.message))
                raise _refuse([problem]) from error
            added += 1
    return written, added


def import_duties(*, file: Any, actor: Any, position: Position, name: str | None = None) -> int:
    """A position's duties from a workbook, replacing those stored (unless equal)."""
    _require_hr(actor)
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        rows, problems = read_table(_sheet(workbook, DUTIES, "duties"), DUTY_COLUMNS, ("duty",))
    finally:
        workbook.close()
    indicators = {i.code: i for i in Indicator.objects.all()}
    form = next(iter(position_forms(only=position.pk)), None)
    form_codes = (
        {item.code for item in form_item_links({form.version_id}).get(form.version_id, [])}
        if form is not None
        else set()
    )
    parsed: list[tuple[int, str, str, str, list[Indicator], list[str]]] = []
    for row in rows:
        text = row.required("duty")
        order = row.integer("order")
        found = []
        for code in CODES.split(row.text("indicators")):
            if not code:
                continue
            if code in indicators:
                found.append(indicators[code])
            else:
                row.problem("indicators", _("no indicator has the code %(code)s") % {"code": code})
        key = order if order is not None else len(parsed) + 1
        codes = [code for code in CODES.split(row.text("items")) if code]
        for code in codes:
            if code not in form_codes:
                row.problem(
                    "items", _("the position's form has no item %(codes)s") % {"codes": code}
                )
        unique = list(dict.fromkeys(codes))  # the form's items that measure it
        parsed.append((key, text, row.text("standard"), row.text("authority"), found, unique))
        problems += row.problems
    if not rows:
        problems.append(CellProblem(DUTIES, 2, 2, _("no duty found")))
    if problems:
        raise _refuse(problems)
    parsed.sort(key=lambda item: item[0])
    wanted = [(t, s, a, sorted(i.code for i in found), c) for _o, t, s, a, found, c in parsed]
    current = [
        (d.duty, d.standard, d.authority, sorted(i.code for i in d.indicators.all()), d.items)
        for d in Duty.objects.filter(position=position).prefetch_related("indicators")
    ]
    if wanted == current:
        return 0
    services.duties_replace(
        actor=actor,
        position=position,
        rows=[(t, s, a, found) for _o, t, s, a, found, _c in parsed],
        items=[codes for *_rest, codes in parsed],
    )
    return len(parsed)


# -- pages --------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(workbook: Workbook, name: str) -> HttpResponse:
    response = HttpResponse(to_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _reader(request: HttpRequest) -> None:
    if not roles.reads_everything(request.user):
        raise Http404


@login_required(login_url="login")
def strategy_export(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return _download(strategy_workbook(), "strategy-map.xlsx")


@login_required(login_url="login")
def duties_export(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    position = get_object_or_404(Position, pk=pk)
    return _download(duties_workbook(position), f"duties-{position.code}.xlsx")


def _upload(request: HttpRequest, run: Any) -> None:
    if not roles.is_hr(request.user):
        raise Http404
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("choose an Excel file (.xlsx) to import"))
        return
    try:
        message = run(file)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)


@require_POST
@login_required(login_url="login")
def strategy_import(request: HttpRequest) -> HttpResponse:
    def run(file: Any) -> str:
        written, added = import_strategy(file=file, actor=request.user, name=file.name)
        return _("%(objectives)d objective(s) saved, %(links)d link(s) added.") % {
            "objectives": written,
            "links": added,
        }

    _upload(request, run)
    return redirect("strategy:map")


@require_POST
@login_required(login_url="login")
def duties_import(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk)

    def run(file: Any) -> str:
        count = import_duties(file=file, actor=request.user, position=position, name=file.name)
        if not count:
            return _("Nothing changed: the duties are already stored.")
        return _("%(count)s duties read.") % {"count": count}

    _upload(request, run)
    return redirect("strategy:duties", pk=position.pk)


URLS = [
    path("strategy.xlsx", strategy_export, name="strategy_export"),
    path("strategy/", strategy_import, name="strategy_import"),
    path("positions/<int:pk>/duties.xlsx", duties_export, name="duties_export"),
    path("positions/<int:pk>/duties/", duties_import, name="duties_import"),
]
