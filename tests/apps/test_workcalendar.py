"""Working days by the Chinese calendar: the National Day holiday of 2026 (1–7
October) and the Saturday worked in lieu (调休, 10 October), with HR's corrections."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.workcalendar.services import calendar_correction_remove, calendar_correction_set
from jixiao.workcalendar.workdays import add_working_days, is_workday, working_days_between

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_package_knows_2026() -> None:
    assert not is_workday(D(2026, 10, 1))  # National Day
    assert not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 10))  # Saturday, worked in lieu
    assert is_workday(D(2026, 9, 20))  # Sunday, worked in lieu
    assert not is_workday(D(2026, 10, 11))  # an ordinary Sunday


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # 8th, 9th, then the adjusted Saturday
        (D(2026, 9, 30), 10, D(2026, 10, 20)),  # 8, 9, 10, 12–16, 19, 20
        (D(2026, 9, 29), 1, D(2026, 9, 30)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # straight across the holiday
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # Friday → the Saturday worked in lieu
        (D(2026, 10, 10), 1, D(2026, 10, 12)),  # the Sunday after it is off
        (D(2026, 11, 2), 0, D(2026, 11, 2)),
    ],
)
def test_add_working_days_across_national_day(start: D, n: int, due: D) -> None:
    assert add_working_days(start, n) == due


def test_working_days_between_counts_the_adjusted_saturday() -> None:
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_hr_corrections_override_the_package_and_are_audited(hr: Any) -> None:
    calendar_correction_set(date=D(2026, 10, 8), is_workday=False, reason="公司统一放假", actor=hr)
    assert not is_workday(D(2026, 10, 8))
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 12)
    correction = calendar_correction_set(
        date=D(2026, 10, 8), is_workday=True, reason="取消放假", actor=hr
    )
    assert is_workday(D(2026, 10, 8))
    calendar_correction_remove(correction=correction, actor=hr, reason="恢复")
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "calendar_correction.set",
        "calendar_correction.changed",
        "calendar_correction.removed",
    ]


def test_only_hr_corrects_and_a_reason_is_needed(hr: Any, auditor: Any) -> None:
    with pytest.raises(NotAllowed):
        calendar_correction_set(
            date=D(2026, 12, 31), is_workday=False, reason="年会", actor=auditor
        )
    with pytest.raises(ServiceError):
        calendar_correction_set(date=D(2026, 12, 31), is_workday=False, reason=" ", actor=hr)


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday() -> None:
    assert is_workday(D(2099, 6, 1)) is True  # a Monday
    assert is_workday(D(2099, 6, 6)) is False  # a Saturday
