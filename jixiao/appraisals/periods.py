"""Appraisal periods as the scheme language writes them (§2.2, §14): `2026-10`
(month), `2026-Q4`, `2026-H2`, `2026`. Pure: no database."""

from __future__ import annotations

import calendar
import datetime
import re

_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}
_MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_bounds(kind: str, period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a period; `ValueError` when it is not written as its kind."""
    pattern = _PATTERNS.get(kind)
    if pattern is None:
        raise ValueError(f"unknown kind of period: {kind!r}")
    match = pattern.match(period.strip())
    if match is None:
        examples = {"month": "2026-10", "quarter": "2026-Q4", "half": "2026-H2", "year": "2026"}
        raise ValueError(f"a {kind} is written like {examples[kind]}, not {period!r}")
    year = int(match.group(1))
    index = int(match.group(2)) if kind != "year" else 1
    span = _MONTHS_PER[kind]
    first_month = (index - 1) * span + 1
    last_month = first_month + span - 1
    last_day = calendar.monthrange(year, last_month)[1]
    return datetime.date(year, first_month, 1), datetime.date(year, last_month, last_day)


def period_of(kind: str, day: datetime.date) -> str:
    """The period of a kind that holds a day: `period_of("month", 2026-08-15)` is
    `2026-08`, `period_of("quarter", …)` `2026-Q3`."""
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    if kind == "year":
        return str(day.year)
    raise ValueError(f"unknown kind of period: {kind!r}")
