"""Who is appraised in a cycle: the default exclusions of domain.md §3.1,
computed from the data, each with its reason. Pure: no database.

- joined after the period started;
- absent 30 or more consecutive days (personal leave, sickness, injury), or
  75 or more for a work injury — counting the days inside the period;
- left before the appraisal date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

LONG_ABSENCE_KINDS = frozenset({"personal", "sick", "injury"})
LONG_ABSENCE_DAYS = 30
WORK_INJURY_KINDS = frozenset({"work_injury"})
WORK_INJURY_DAYS = 75

JOINED_AFTER_START = "joined_after_start"
LONG_ABSENCE = "long_absence"
LONG_WORK_INJURY = "long_work_injury"
LEFT_BEFORE_APPRAISAL = "left_before_appraisal"
NO_SCHEME = "no_scheme"


@dataclass(frozen=True)
class Exclusion:
    code: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class AbsenceSpan:
    kind: str
    start: datetime.date
    end: datetime.date


def longest_run(
    spans: Iterable[AbsenceSpan], kinds: frozenset[str], start: datetime.date, end: datetime.date
) -> tuple[int, datetime.date | None, datetime.date | None]:
    """The longest run of consecutive absent days of `kinds` inside [start, end].

    Adjacent or overlapping records join into one run (sick leave followed by
    personal leave is one absence).
    """
    clipped = sorted(
        (max(s.start, start), min(s.end, end))
        for s in spans
        if s.kind in kinds and s.end >= start and s.start <= end
    )
    best: tuple[int, datetime.date | None, datetime.date | None] = (0, None, None)
    run_start: datetime.date | None = None
    run_end: datetime.date | None = None
    for first, last in clipped:
        if run_end is not None and first <= run_end + datetime.timedelta(days=1):
            run_end = max(run_end, last)
        else:
            run_start, run_end = first, last
        assert run_start is not None
        days = (run_end - run_start).days + 1
        if days > best[0]:
            best = (days, run_start, run_end)
    return best


def default_exclusions(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    appraisal_date: datetime.date,
    hire_date: datetime.date,
    leave_date: datetime.date | None,
    absences: Iterable[AbsenceSpan],
) -> list[Exclusion]:
    """The reasons a person is left out of a cycle by default (none: eligible)."""
    found: list[Exclusion] = []
    if hire_date > period_start:
        found.append(
            Exclusion(
                JOINED_AFTER_START,
                _("joined on %(hired)s, after the period started on %(start)s")
                % {"hired": hire_date, "start": period_start},
            )
        )
    spans = list(absences)
    days, first, last = longest_run(spans, LONG_ABSENCE_KINDS, period_start, period_end)
    if days >= LONG_ABSENCE_DAYS:
        found.append(
            Exclusion(
                LONG_ABSENCE,
                _(
                    "absent %(days)s consecutive days (%(first)s to %(last)s);"
                    " the limit is %(limit)s"
                )
                % {"days": days, "first": first, "last": last, "limit": LONG_ABSENCE_DAYS},
            )
        )
    days, first, last = longest_run(spans, WORK_INJURY_KINDS, period_start, period_end)
    if days >= WORK_INJURY_DAYS:
        found.append(
            Exclusion(
                LONG_WORK_INJURY,
                _(
                    "off %(days)s consecutive days with a work injury (%(first)s to %(last)s);"
                    " the limit is %(limit)s"
                )
                % {"days": days, "first": first, "last": last, "limit": WORK_INJURY_DAYS},
            )
        )
    if leave_date is not None and leave_date < appraisal_date:
        found.append(
            Exclusion(
                LEFT_BEFORE_APPRAISAL,
                _("left on %(left)s, before the appraisal date %(date)s")
                % {"left": leave_date, "date": appraisal_date},
            )
        )
    return found


def no_scheme() -> Exclusion:
    return Exclusion(NO_SCHEME, _("none of the cycle's schemes applies to this appraisee"))


# -- which scheme applies, for a whole population at once ------------------------------
MEMBERS = "members"  # AssignmentScope.MEMBERS: the people of a unit (and below it)
UNIT = "unit"  # AssignmentScope.UNIT: the unit or provider itself


@dataclass(frozen=True)
class Assignment:
    """A scheme assigned to a position, or to a unit (its people, or itself)."""

    pk: int
    scheme: int
    position: int | None
    unit: int | None
    scope: str


def ancestors(parents: Mapping[int, int | None], unit: int) -> list[int]:
    """From the unit's parent up to the root (a loop in the tree stops the walk)."""
    chain: list[int] = []
    seen = {unit}
    current = parents.get(unit)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return chain


class SchemeChooser:
    """Which of a cycle's schemes applies to each appraisee, decided in memory from
    the schemes' assignments and the unit tree (read once), by the same rules as
    `scheme_for_employee` and `scheme_for_unit`: a scheme assigned to the position;
    the position's default scheme; a scheme assigned to the people of the unit or of
    the nearest unit above it — the earliest assignment first, as those do."""

    def __init__(
        self,
        *,
        schemes: Iterable[int],
        assignments: Iterable[Assignment],
        parents: Mapping[int, int | None],
    ) -> None:
        self.schemes = frozenset(schemes)
        self.parents = parents
        self.by_position: dict[int, int] = {}
        self.by_unit: dict[tuple[int, str], int] = {}
        for entry in sorted(assignments, key=lambda entry: entry.pk):
            if entry.scheme not in self.schemes:
                continue
            if entry.position is not None:
                self.by_position.setdefault(entry.position, entry.scheme)
            elif entry.unit is not None:
                self.by_unit.setdefault((entry.unit, entry.scope), entry.scheme)

    def for_employee(
        self, *, position: int | None, default_scheme: int | None, unit: int
    ) -> int | None:
        if position is not None:
            if position in self.by_position:
                return self.by_position[position]
            if default_scheme in self.schemes:
                return default_scheme
        for each in [unit, *ancestors(self.parents, unit)]:
            found = self.by_unit.get((each, MEMBERS))
            if found is not None:
                return found
        return None

    def for_unit(self, unit: int) -> int | None:
        return self.by_unit.get((unit, UNIT))
