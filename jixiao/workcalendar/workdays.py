"""Is a day a working day, and which day is n working days after another.

HR's corrections win; then the `chinesecalendar` package (statutory holidays,
调休 working weekends); for a year the package does not cover yet, Monday to
Friday.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import chinese_calendar

from jixiao.workcalendar.models import CalendarCorrection


def published_workday(day: datetime.date) -> bool:
    """The published calendar's answer, without HR's corrections."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package does not know yet
        return day.weekday() < 5


def corrections_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    rows = CalendarCorrection.objects.filter(date__gte=start, date__lte=end)
    return dict(rows.values_list("date", "is_workday"))


def is_workday(day: datetime.date, corrections: Mapping[datetime.date, bool] | None = None) -> bool:
    if corrections is None:
        corrections = corrections_between(day, day)
    if day in corrections:
        return corrections[day]
    return published_workday(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (`start` itself does not count; n ≥ 0).
    Something received on Wednesday 30 September 2026 with 3 working days to answer
    is due on Saturday 10 October: 1–7 October are the National Day holiday, the
    8th and 9th are the first two working days, and the 10th is a Saturday worked
    in lieu (调休)."""
    if n < 0:
        raise ValueError("n must not be negative")
    horizon = start + datetime.timedelta(days=n * 3 + 30)
    corrections = corrections_between(start, horizon)
    day, left = start, n
    while left > 0:
        day += datetime.timedelta(days=1)
        if day > horizon:
            horizon = day + datetime.timedelta(days=60)
            corrections = corrections_between(day, horizon)
        if is_workday(day, corrections):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    corrections = corrections_between(start, end)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day, corrections)
    return count
