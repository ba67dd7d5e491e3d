"""How an outcome is exported (issue 13): the unit in the column's heading (绩效工资（元）)
and the cell a number a spreadsheet can add up; flags in words. The one place the CSV
of outcomes (jixiao.hr.exports) and the Excel results (jixiao.spreadsheets.results)
take them from."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# an outcome's name in a heading and its unit (None: a plain number or words)
OUTCOME_COLUMNS: dict[str, tuple[Promise, Promise | str | None]] = {
    "pay": (gettext_lazy("performance pay"), gettext_lazy("yuan")),
    "salary_step": (gettext_lazy("salary steps"), None),
    "salary_grade": (gettext_lazy("new salary grade"), None),
    "fee_deduction": (gettext_lazy("share of the service fee withheld"), "%"),
    "reference_period": (gettext_lazy("adaptation period (适应期)"), None),
    "failed_items": (gettext_lazy("KPIs not met"), None),
    "triggers": (gettext_lazy("contract clauses triggered"), None),
}
FLAG_WORDS: dict[str, Promise] = {
    "no_bonus": gettext_lazy("no bonus (the score stands)"),
    "quota_tie": gettext_lazy("tied over the quota"),
}


def with_unit(name: Any, unit: Any) -> str:
    """A column heading with its unit: 绩效工资（元）."""
    if unit is None:
        return str(name)
    return _("%(name)s (%(unit)s)") % {"name": name, "unit": unit}


def outcome_header(name: str) -> str:
    label, unit = OUTCOME_COLUMNS.get(name, (name, None))
    return with_unit(label, unit)


def outcome_cell(name: str, value: Any) -> Any:
    """The outcome as a number where it is one (money to the fen, the share of a fee
    in per cent), yes/no and lists in words."""
    if value is None:
        return None
    if name == "pay" and isinstance(value, int | float):
        return round(float(value), 2)
    if name == "fee_deduction" and isinstance(value, int | float):
        return round(float(value) * 100, 4)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "、".join(str(entry) for entry in value)
    return value


def flags_text(flags: list[Any]) -> str:
    return "、".join(str(FLAG_WORDS.get(str(flag), flag)) for flag in flags)
