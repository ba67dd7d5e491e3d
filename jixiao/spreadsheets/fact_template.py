"""The fact-entry template of a cycle: one sheet per scheme, one row per
appraisee, one column per fact their items need (the wide format), pre-filled
with what is stored already, with lists of the levels where an item is rated.

Filled in and uploaded, it imports as it reads: a row already stored counts
unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from jixiao.appraisals.access import owned_sources
from jixiao.appraisals.models import Appraisal, Cycle, Event, Fact, Rating
from jixiao.core import roles
from jixiao.organization.access import employee_of
from jixiao.schemes.engine import engine_scheme
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.model import Item
from jixiao.spreadsheets.fact_plan import SINGLE_ROLES
from jixiao.spreadsheets.facts import wide_title
from jixiao.spreadsheets.writers import header, new_workbook, put, widths

SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    item: str
    kind: str
    key: str
    hint: str = ""
    choices: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return wide_title(self.item, self.kind, self.key)


def _rating_roles(item: Item, scheme: EngineScheme) -> list[str]:
    raters = item.raters or scheme.raters
    found = [role for role in (raters.types if raters else ()) if role in SINGLE_ROLES]
    return found or ["supervisor"]


def item_columns(item: Item, scheme: EngineScheme) -> list[Column]:
    """The facts one item needs, as template columns."""
    rule = item.rule
    columns: list[Column] = []
    if item.measure is not None:
        columns += [Column(item.code, "input", name) for name in sorted(item.measure.names)]
    for expression in rule.expressions():
        columns += [
            Column(item.code, "input", name)
            for name in sorted(expression.names)
            if Column(item.code, "input", name) not in columns
        ]
    columns += [
        Column(item.code, "event", name, _("number of occurrences"))
        for name in sorted(rule.event_names())
    ]
    if rule.kind == "direct":
        low, high = getattr(rule, "min", None), getattr(rule, "max", None)
        columns.append(Column(item.code, "score", "", _("a score from %s to %s") % (low, high)))
    elif rule.takes_ratings():
        levels = tuple(str(name) for name, _score in getattr(rule, "levels", ()))
        for role in _rating_roles(item, scheme):
            columns.append(Column(item.code, "rating", role, ", ".join(levels), levels))
    elif rule.needs_value and item.measure is None:
        columns.append(Column(item.code, "value", ""))
    return columns


def appraisee_columns(scheme: EngineScheme) -> list[Column]:
    """Appraisee-level inputs the adjustments read (gates, coefficients)."""
    names: set[str] = set()
    for adjustment in scheme.adjustments:
        if adjustment.when is not None:
            names |= set(adjustment.when.names)
        if adjustment.by:
            names.add(adjustment.by)
    return [Column("", "input", name) for name in sorted(names)]


def scheme_columns(scheme: EngineScheme, allowed: set[str] | None, rates: bool) -> list[Column]:
    columns: list[Column] = []
    for item in scheme.items:
        if allowed is not None and item.code not in allowed:
            continue
        columns += [c for c in item_columns(item, scheme) if rates or c.kind != "rating"]
    if allowed is None:
        columns += appraisee_columns(scheme)
    return columns


def _allowed_items(actor: Any, version: Any) -> set[str] | None:
    """None: every item (HR); else the items whose data source the actor owns."""
    if roles.is_hr(actor):
        return None
    me = employee_of(actor)
    sources = owned_sources(me) if me is not None else set()
    return set(version.items.filter(source__in=sources).values_list("code", flat=True))


def stored_values(appraisals: Iterable[Appraisal]) -> dict[tuple[int, str, str, str], Any]:
    """What is stored, keyed like the template's cells (appraisal, item, kind, key)."""
    ids = [a.pk for a in appraisals]
    found: dict[tuple[int, str, str, str], Any] = {}
    for fact in Fact.objects.filter(appraisal_id__in=ids):
        found[(fact.appraisal_id, fact.item, fact.kind, fact.key)] = fact.value
    for rating in Rating.objects.filter(appraisal_id__in=ids, role__in=SINGLE_ROLES):
        found[(rating.appraisal_id, rating.item, "rating", rating.role)] = rating.value
    counts: dict[tuple[int, str, str, str], int | None] = {}
    for event in Event.objects.filter(appraisal_id__in=ids):
        key = (event.appraisal_id, event.item, "event", event.name)
        previous = counts.get(key, 0)
        counts[key] = None if event.size is not None or previous is None else previous + event.count
    found.update({key: count for key, count in counts.items() if count is not None})
    return found


def template_workbook(*, cycle: Cycle, actor: Any, appraisals: list[Appraisal]) -> Workbook:
    workbook, first = new_workbook()
    workbook.remove(first)
    stored = stored_values(appraisals)
    by_version: dict[int, list[Appraisal]] = {}
    for appraisal in appraisals:
        by_version.setdefault(appraisal.scheme_version_id, []).append(appraisal)
    for members in by_version.values():
        version = members[0].scheme_version
        scheme = engine_scheme(version)
        columns = scheme_columns(scheme, _allowed_items(actor, version), roles.is_hr(actor))
        sheet = workbook.create_sheet(scheme.code.translate(SHEET_FORBIDDEN)[:31])
        header(sheet, ["工号", "姓名", "期间", *(c.title for c in columns)])
        for index, column in enumerate(columns, start=4):
            cell = sheet.cell(row=1, column=index)
            if column.hint:
                cell.comment = Comment(column.hint, "jixiao")
            if column.choices:
                _choices(sheet, index, column.choices, len(members))
        for row, appraisal in enumerate(members, start=2):
            put(sheet, row, 1, appraisal.appraisee_id)
            put(sheet, row, 2, appraisal.appraisee_name)
            put(sheet, row, 3, cycle.period)
            for index, column in enumerate(columns, start=4):
                value = stored.get((appraisal.pk, column.item, column.kind, column.key))
                if value is not None:
                    put(sheet, row, index, value)
        widths(sheet, [10, 10, 9, *(max(12, min(40, len(c.title) * 1.6)) for c in columns)])
    if not workbook.worksheets:
        workbook.create_sheet(_("facts"))
    return workbook


def _choices(sheet: Any, column: int, choices: tuple[str, ...], rows: int) -> None:
    listed = ",".join(choices)
    if len(listed) > 250 or any('"' in c or "," in c for c in choices):
        return  # Excel's inline list is limited to 255 characters
    validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    validation.error = _("Choose one of the levels: %(levels)s") % {"levels": listed}
    validation.showErrorMessage = True
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{max(2, rows + 1)}")
    sheet.add_data_validation(validation)
