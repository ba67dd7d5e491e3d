"""The default exclusions of domain.md §3.1, as pure rules (no database)."""

from __future__ import annotations

import datetime

import pytest

from jixiao.appraisals.eligibility import (
    JOINED_AFTER_START,
    LEFT_BEFORE_APPRAISAL,
    LONG_ABSENCE,
    LONG_WORK_INJURY,
    AbsenceSpan,
    default_exclusions,
    longest_run,
)
from jixiao.appraisals.periods import period_bounds

D = datetime.date
OCT = (D(2026, 10, 1), D(2026, 10, 31))
Q4 = (D(2026, 10, 1), D(2026, 12, 31))
LONG_AGO = D(2020, 1, 1)


def codes(
    *,
    period: tuple[datetime.date, datetime.date] = OCT,
    hired: datetime.date = LONG_AGO,
    left: datetime.date | None = None,
    absences: tuple[AbsenceSpan, ...] = (),
) -> list[str]:
    found = default_exclusions(
        period_start=period[0],
        period_end=period[1],
        appraisal_date=period[1],
        hire_date=hired,
        leave_date=left,
        absences=absences,
    )
    return [exclusion.code for exclusion in found]


def test_someone_present_all_period_is_eligible() -> None:
    assert codes() == []


@pytest.mark.parametrize(
    ("hired", "expected"),
    [(D(2026, 9, 30), []), (D(2026, 10, 1), []), (D(2026, 10, 2), [JOINED_AFTER_START])],
)
def test_joining_after_the_period_started(hired: datetime.date, expected: list[str]) -> None:
    assert codes(hired=hired) == expected


@pytest.mark.parametrize(
    ("left", "expected"),
    [(D(2026, 10, 30), [LEFT_BEFORE_APPRAISAL]), (D(2026, 10, 31), []), (None, [])],
)
def test_leaving_before_the_appraisal_date(left: datetime.date | None, expected: list[str]) -> None:
    assert codes(left=left) == expected


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([("sick", D(2026, 10, 1), D(2026, 10, 29))], []),  # 29 days
        ([("sick", D(2026, 10, 1), D(2026, 10, 30))], [LONG_ABSENCE]),  # 30 days
        # sick leave followed at once by personal leave is one absence
        (
            [
                ("sick", D(2026, 10, 1), D(2026, 10, 15)),
                ("personal", D(2026, 10, 16), D(2026, 10, 30)),
            ],
            [LONG_ABSENCE],
        ),
        # a working day between them breaks the run
        (
            [
                ("sick", D(2026, 10, 1), D(2026, 10, 15)),
                ("personal", D(2026, 10, 17), D(2026, 10, 31)),
            ],
            [],
        ),
        ([("injury", D(2026, 9, 1), D(2026, 10, 30))], [LONG_ABSENCE]),  # counted inside the period
        ([("injury", D(2026, 9, 1), D(2026, 10, 29))], []),
        ([("annual", D(2026, 10, 1), D(2026, 10, 31))], []),  # annual leave does not count
        ([("work_injury", D(2026, 10, 1), D(2026, 10, 31))], []),  # 31 < 75
    ],
)
def test_long_absences_in_a_month(
    spans: list[tuple[str, datetime.date, datetime.date]], expected: list[str]
) -> None:
    assert codes(absences=tuple(AbsenceSpan(*span) for span in spans)) == expected


@pytest.mark.parametrize(
    ("end", "expected"),
    [(D(2026, 12, 13), []), (D(2026, 12, 14), [LONG_WORK_INJURY])],  # 74 and 75 days
)
def test_a_long_work_injury_in_a_quarter(end: datetime.date, expected: list[str]) -> None:
    spans = (AbsenceSpan("work_injury", D(2026, 10, 1), end),)
    assert codes(period=Q4, absences=spans) == expected


def test_every_reason_is_kept() -> None:
    spans = (AbsenceSpan("sick", D(2026, 10, 2), D(2026, 10, 31)),)
    found = codes(hired=D(2026, 10, 2), left=D(2026, 10, 20), absences=spans)
    assert found == [JOINED_AFTER_START, LONG_ABSENCE, LEFT_BEFORE_APPRAISAL]


def test_the_reason_says_why() -> None:
    (exclusion,) = default_exclusions(
        period_start=OCT[0],
        period_end=OCT[1],
        appraisal_date=OCT[1],
        hire_date=D(2026, 10, 8),
        leave_date=None,
        absences=(),
    )
    assert exclusion.reason == "joined on 2026-10-08, after the period started on 2026-10-01"


def test_longest_run_reports_its_days() -> None:
    spans = [
        AbsenceSpan("sick", D(2026, 10, 3), D(2026, 10, 5)),
        AbsenceSpan("sick", D(2026, 10, 4), D(2026, 10, 9)),
    ]
    assert longest_run(spans, frozenset({"sick"}), *OCT) == (7, D(2026, 10, 3), D(2026, 10, 9))


@pytest.mark.parametrize(
    ("kind", "period", "bounds"),
    [
        ("month", "2026-02", (D(2026, 2, 1), D(2026, 2, 28))),
        ("quarter", "2026-Q4", (D(2026, 10, 1), D(2026, 12, 31))),
        ("half", "2026-H1", (D(2026, 1, 1), D(2026, 6, 30))),
        ("year", "2026", (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_period_bounds(kind: str, period: str, bounds: tuple[datetime.date, datetime.date]) -> None:
    assert period_bounds(kind, period) == bounds


@pytest.mark.parametrize(
    ("kind", "period"), [("month", "2026-13"), ("quarter", "2026-10"), ("x", "2026")]
)
def test_period_bounds_refuse_what_is_not_a_period(kind: str, period: str) -> None:
    with pytest.raises(ValueError):
        period_bounds(kind, period)
