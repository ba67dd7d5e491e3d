"""The cascade (company → department → position indicators) as a workbook.

Sheet 指标分解: one row per dictionary entry, in the cascade's order — its code, its
name, the code of the indicator above it (上级指标编码: the dictionary's parent
link), the codes of the strategic objectives it measures, and the date a changed
parent takes effect; 层级 and 使用岗位 are written for the reader and not read
back. Sheet 岗位考核项目: one row per item of the forms the positions use (each
position's assigned form, else its default form, at its current version) — the
form's code, the item's code, the code of the indicator that measures it; the
item's name, its section and the positions are for the reader.

Imported, the whole file is checked first; a problem refuses it with the sheet and
cell named and nothing written. Otherwise, in one transaction: entries not in the
dictionary are added under their parent (to be completed there), a changed parent
makes a new version of the entry, objectives are linked and unlinked, and each form
whose items' indicators changed gets a new version — all through the services, so
every change is audited. A row equal to what is stored changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl.workbook.workbook import Workbook

from jixiao.core.errors import ServiceError
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.schemes.models import Scheme, SchemeItem, SchemeVersion
from jixiao.schemes.services import scheme_save
from jixiao.spreadsheets.readers import SpreadsheetRefused, open_workbook, upload_from
from jixiao.spreadsheets.strategy import (
    CODES,
    _download,
    _reader,
    _refuse,
    _require_hr,
    _upload,
)
from jixiao.spreadsheets.tables import (
    ColumnSpec,
    TableRow,
    duplicates,
    parents_first,
    read_table,
    sheet_named,
    write_table,
)
from jixiao.spreadsheets.writers import CellProblem, new_workbook
from jixiao.strategy import services
from jixiao.strategy.models import Objective
from jixiao.strategy.selectors import CascadeNode, cascade, position_forms

CASCADE, ITEMS = "指标分解", "岗位考核项目"
CASCADE_COLUMNS = (
    ColumnSpec("code", "指标编码", ("编码", "code"), 14),
    ColumnSpec("name", "指标名称", ("名称", "name"), 24),
    ColumnSpec("parent", "上级指标编码", ("上级指标", "parent"), 14),
    ColumnSpec("objectives", "战略目标编码", ("战略目标", "objectives"), 16),
    ColumnSpec("effective_from", "生效日期", ("effective from",), 12),
    ColumnSpec("level", "层级", (), 6),  # written, not read
    ColumnSpec("positions", "使用岗位", (), 30),  # written, not read
)
ITEM_COLUMNS = (
    ColumnSpec("scheme", "考核表编码", ("方案编码", "scheme"), 14),
    ColumnSpec("item", "项目编码", ("item",), 22),
    ColumnSpec("indicator", "指标编码", ("衡量指标编码", "indicator"), 14),
    ColumnSpec("name", "考核项目", (), 22),  # written, not read
    ColumnSpec("section", "所属部分", (), 16),  # written, not read
    ColumnSpec("positions", "岗位", (), 30),  # written, not read
)
ENTERED = "指标分解导入"


# -- export -------------------------------------------------------------------------
def _walk(nodes: list[CascadeNode], depth: int = 1) -> Iterator[tuple[int, CascadeNode]]:
    for node in nodes:
        yield depth, node
        yield from _walk(node.children, depth + 1)


def _objective_codes() -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {}
    for indicator, code in Objective.objects.filter(indicators__isnull=False).values_list(
        "indicators", "code"
    ):
        codes.setdefault(indicator, []).append(code)
    return {indicator: sorted(found) for indicator, found in codes.items()}


def cascade_workbook() -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    roots = cascade()
    parents = dict(
        IndicatorVersion.objects.order_by("indicator_id", "number").values_list(
            "indicator_id", "parent__code"
        )
    )
    objectives = _objective_codes()
    inside = [root for root in roots if root.children or root.objectives or root.positions]
    outside = [root for root in roots if root not in inside]
    write_table(
        workbook,
        CASCADE,
        CASCADE_COLUMNS,
        (
            [
                node.indicator.code,
                node.name,
                parents.get(node.indicator.pk) or None,
                "、".join(objectives.get(node.indicator.pk, [])) or None,
                None,
                depth,
                "、".join(node.positions) or None,
            ]
            for depth, node in _walk([*inside, *outside])
        ),
    )
    forms = position_forms()
    held: dict[int, list[str]] = {}
    for form in forms:
        held.setdefault(form.version_id, []).append(form.position.title)
    items = (
        SchemeItem.objects.filter(version_id__in=held)
        .select_related("version__scheme", "indicator")
        .order_by("version__scheme__code", "position")
    )
    write_table(
        workbook,
        ITEMS,
        ITEM_COLUMNS,
        (
            [
                item.version.scheme.code,
                item.code,
                item.indicator.code if item.indicator else None,
                item.name,
                item.section.replace(" / ", " › ") or None,
                "、".join(held[item.version_id]),
            ]
            for item in items
        ),
    )
    return workbook


# -- import -------------------------------------------------------------------------
@dataclass
class CascadeImport:
    """What an import did: entries placed (added or moved), objective links changed,
    form items relinked."""

    placed: int = 0
    linked: int = 0
    relinked: int = 0
    problems: list[CellProblem] = field(default_factory=list)


def _codes(row: TableRow, column: str, known: set[str], message: str) -> list[str]:
    found = []
    for code in CODES.split(row.text(column)):
        if not code:
            continue
        if code in known:
            found.append(code)
        else:
            row.problem(column, message % {"code": code})
    return sorted(set(found))


def import_cascade(*, file: Any, actor: Any, name: str | None = None) -> CascadeImport:
    """The cascade from a workbook with sheet 指标分解, sheet 岗位考核项目, or both."""
    _require_hr(actor)
    upload = upload_from(file, name)
    workbook = open_workbook(upload)
    try:
        tree_sheet = sheet_named(workbook, CASCADE, "cascade")
        item_sheet = sheet_named(workbook, ITEMS, "items")
        if tree_sheet is None and item_sheet is None:
            raise SpreadsheetRefused(
                _("the workbook needs a sheet named %(name)s") % {"name": f"{CASCADE} / {ITEMS}"}
            )
        tree: list[TableRow] = []
        links: list[TableRow] = []
        problems: list[CellProblem] = []
        if tree_sheet is not None:
            tree, problems = read_table(tree_sheet, CASCADE_COLUMNS, ("code", "parent"))
        if item_sheet is not None:
            links, more = read_table(item_sheet, ITEM_COLUMNS, ("scheme", "item", "indicator"))
            problems += more
    finally:
        workbook.close()
    latest: dict[str, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator", "parent").order_by(
        "indicator__code", "-number"
    ):
        latest.setdefault(version.indicator.code, version)
    known = set(latest) | {row.text("code") for row in tree if row.text("code")}
    plan = _plan_tree(tree, latest, known)
    relink = _plan_items(links, known)
    problems += [p for row in (*tree, *links) for p in row.problems]
    if problems:
        raise _refuse(problems)
    done = CascadeImport()
    with transaction.atomic():
        for row, code, parent, starts in plan.placements:
            try:
                services.indicator_place(
                    actor=actor,
                    code=code,
                    parent=Indicator.objects.get(code=parent) if parent else None,
                    effective_from=starts,
                    name=row.text("name"),
                )
            except ServiceError as error:
                problem = CellProblem(row.sheet, row.row, row.columns["parent"], str(error.message))
                raise _refuse([problem]) from error
            done.placed += 1
        objectives = {o.code: o for o in Objective.objects.all()}
        for code, adds, removes in plan.objectives:
            indicator = Indicator.objects.get(code=code)
            for objective in adds:
                services.indicator_link(
                    actor=actor, indicator=indicator, objective=objectives[objective]
                )
            for objective in removes:
                services.indicator_unlink(
                    actor=actor, indicator=indicator, objective=objectives[objective]
                )
            done.linked += len(adds) + len(removes)
        for scheme, changes in relink.items():
            done.relinked += _relink(scheme, changes, actor)
    return done


@dataclass
class _TreePlan:
    placements: list[tuple[TableRow, str, str, datetime.date]] = field(default_factory=list)
    objectives: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def _plan_tree(
    rows: list[TableRow], latest: dict[str, IndicatorVersion], known: set[str]
) -> _TreePlan:
    plan = _TreePlan()
    duplicates(rows, "code", _("the indicator %(value)s is already on row %(row)d"))
    parents = {code: (v.parent.code if v.parent else "") for code, v in latest.items()}
    parents.update({row.text("code"): row.text("parent") for row in rows if row.text("code")})
    objective_codes = set(Objective.objects.values_list("code", flat=True))
    linked: dict[str, set[str]] = {}
    for code, objective in Objective.objects.filter(indicators__isnull=False).values_list(
        "indicators__code", "code"
    ):
        linked.setdefault(code, set()).add(objective)
    today = timezone.localdate()
    for row in parents_first(rows, "code", "parent"):
        code = row.required("code")
        parent = row.text("parent")
        stored = latest.get(code)
        if parent and parent == code:
            row.problem("parent", _("an indicator cannot be its own parent"))
        elif parent and parent not in known:
            row.problem("parent", _("no indicator has the code %(code)s") % {"code": parent})
        elif parent and not row.has_problem("parent") and _loops(code, parents):
            row.problem("parent", _("this row is part of a loop of parents"))
        if stored is None and code and not row.text("name"):
            row.problem("name", _("a new indicator needs its name"))
        wanted = _codes(row, "objectives", objective_codes, _("no objective has the code %(code)s"))
        starts = row.date("effective_from") or today
        moved = stored is None or (stored.parent.code if stored.parent else "") != parent
        if moved and stored is not None and starts <= stored.effective_from:
            row.problem(
                "effective_from",
                _(
                    "version %(number)s of %(code)s takes effect on %(date)s: a new parent"
                    " needs a later date in this column"
                )
                % {"number": stored.number, "code": code, "date": stored.effective_from},
            )
        if row.problems:
            continue
        if moved:
            plan.placements.append((row, code, parent, starts))
        have = linked.get(code, set())
        if set(wanted) != have:
            plan.objectives.append((code, sorted(set(wanted) - have), sorted(have - set(wanted))))
    return plan


def _loops(code: str, parents: dict[str, str]) -> bool:
    seen: set[str] = set()
    current = parents.get(code, "")
    while current and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current, "")
    return False


def _plan_items(
    rows: list[TableRow], known: set[str]
) -> dict[Scheme, list[tuple[TableRow, str, str]]]:
    """The items whose indicator changes, by form: (row, item code, indicator code)."""
    schemes = {
        s.code: s for s in Scheme.objects.filter(code__in={row.text("scheme") for row in rows})
    }
    current: dict[int, int] = {}
    for scheme_id, version_id in (
        SchemeVersion.objects.filter(scheme__in=schemes.values())
        .order_by("scheme_id", "number")
        .values_list("scheme_id", "pk")
    ):
        current[scheme_id] = version_id
    stored: dict[tuple[int, str], str] = {}
    for version, item, indicator in SchemeItem.objects.filter(
        version_id__in=current.values()
    ).values_list("version__scheme_id", "code", "indicator__code"):
        stored[(version, item)] = indicator or ""
    seen: dict[tuple[str, str], int] = {}
    changes: dict[Scheme, list[tuple[TableRow, str, str]]] = {}
    for row in rows:
        code, item = row.required("scheme"), row.required("item")
        indicator = row.text("indicator")
        if not code or not item:
            continue
        if (code, item) in seen:
            row.problem(
                "item",
                _("the item %(value)s is already on row %(row)d")
                % {"value": item, "row": seen[(code, item)]},
            )
            continue
        seen[(code, item)] = row.row
        scheme = schemes.get(code)
        if scheme is None or scheme.pk not in current:
            row.problem("scheme", _("no form has the code %(code)s") % {"code": code})
            continue
        if (scheme.pk, item) not in stored:
            row.problem(
                "item",
                _("the form %(scheme)s has no item %(item)s") % {"scheme": code, "item": item},
            )
            continue
        if indicator and indicator not in known:
            row.problem("indicator", _("no indicator has the code %(code)s") % {"code": indicator})
            continue
        if stored[(scheme.pk, item)] != indicator:
            changes.setdefault(scheme, []).append((row, item, indicator))
    return changes


def _item_nodes(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        if not isinstance(node, dict):
            continue
        if "items" in node or "sections" in node:
            yield from _item_nodes(node.get("items") or [])
            yield from _item_nodes(node.get("sections") or [])
        else:
            yield node


def _relink(scheme: Scheme, changes: list[tuple[TableRow, str, str]], actor: Any) -> int:
    """The form's next version with its items linked to the indicators asked for."""
    version = scheme.current_version
    data = yaml.safe_load(version.text) if version is not None else None
    first = changes[0][0]
    if not isinstance(data, dict):
        raise _refuse(
            [
                CellProblem(
                    first.sheet,
                    first.row,
                    first.columns["scheme"],
                    _("the scheme's document cannot be read"),
                )
            ]
        )
    nodes = {str(node.get("code") or node.get("name")): node for node in _item_nodes(
        data.get("sections") or []
    )}  # fmt: skip
    for row, item, indicator in changes:
        node = nodes.get(item)
        if node is None:
            problem = _("the form %(scheme)s has no item %(item)s") % {
                "scheme": scheme.code,
                "item": item,
            }
            raise _refuse([CellProblem(row.sheet, row.row, row.columns["item"], problem)])
        if indicator:
            node["indicator"] = indicator
        else:
            node.pop("indicator", None)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    comment = _("%(source)s: %(count)d item(s) linked to other indicators") % {
        "source": ENTERED,
        "count": len(changes),
    }
    try:
        scheme_save(actor=actor, text=text, scheme=scheme, comment=comment[:200])
    except ServiceError as error:
        said = CellProblem(first.sheet, first.row, first.columns["scheme"], str(error.message))
        raise _refuse([said]) from error
    return len(changes)


# -- pages --------------------------------------------------------------------------
@login_required(login_url="login")
def cascade_export(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return _download(cascade_workbook(), "cascade.xlsx")


@require_POST
@login_required(login_url="login")
def cascade_import(request: HttpRequest) -> HttpResponse:
    def run(file: Any) -> str:
        done = import_cascade(file=file, actor=request.user, name=file.name)
        if not (done.placed or done.linked or done.relinked):
            return _("Nothing changed: the cascade is already stored.")
        return _(
            "%(placed)d indicator(s) placed in the cascade, %(linked)d objective link(s)"
            " changed, %(items)d form item(s) linked."
        ) % {"placed": done.placed, "linked": done.linked, "items": done.relinked}

    _upload(request, run)
    return redirect("strategy:cascade")


URLS = [
    path("cascade.xlsx", cascade_export, name="cascade_export"),
    path("cascade/", cascade_import, name="cascade_import"),
]
