"""Fairness of a cycle's ratings (issue 16): raters' leniency and severity with
their z-scores, raters who give everyone the same score, self-rating gaps, how far
calibration moved each unit, and each unit's grades against the quotas over the
last cycles. HR's page: raters are named, except those who gave anonymous ratings
where the company's anonymity policy keeps names from HR; units under five people
are shown to HR only (not to the auditor, nor on the committee's calibration
page, where `outliers` says the same findings briefly) (domain.md §3a).

Everything is summed in SQL: the queries and the memory do not grow with the
number of people or ratings (tests/apps/test_fairness.py measures 50 and 500)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.accounts.models import User
from jixiao.appraisals.access import ANONYMOUS_ROLES, sees_rater_names
from jixiao.appraisals.fairness import (
    SMALL_GROUP,
    QuotaDrift,
    RaterStats,
    cycle_rater_stats_kept,
    cycle_self_gaps_kept,
    drift_cycles,
    quota_drift,
    unit_drift,
)
from jixiao.appraisals.models import Appraisal, Cycle, Rating, Result
from jixiao.appraisals.selectors import cycle_get
from jixiao.core import roles
from jixiao.core.listing import listing
from jixiao.hr.views.base import hr_page
from jixiao.organization.models import Unit

NOTABLE_Z = 2.0  # |z| at or above: said as clearly lenient / severe
OUTLIER_PEOPLE = 5  # a rater flagged on the calibration page rated at least this many
DRIFT_UNITS = 20  # units shown in the quota drift table
CALIBRATION_UNITS = 10  # drifting units named on the calibration page


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _drift_rows(
    drifts: list[QuotaDrift], names: dict[int, str], *, with_small: bool
) -> list[dict[str, Any]]:
    """Each unit's table: per grade, its share and the quota's share in each cycle."""
    rows = []
    for drift in drifts:
        if drift.small and not with_small:
            continue
        rows.append(
            {
                "unit": names.get(drift.unit, "—"),
                "small": drift.small,
                "people": drift.people,
                "grades": [
                    {
                        "grade": grade.grade,
                        "direction": grade.direction,
                        "cells": [
                            {"share": _percent(share), "quota": _percent(expected)}
                            for share, expected in zip(grade.shares, grade.expected, strict=True)
                        ],
                    }
                    for grade in drift.grades
                ],
                "drifting": [
                    {"grade": grade.grade, "direction": grade.direction} for grade in drift.drifting
                ],
            }
        )
    return rows


def _anonymous_raters(cycle: Cycle, raters: list[int], user: Any) -> set[int]:
    """The raters among `raters` whose names `user` may not read: those who gave
    anonymous (peer, subordinate, customer, external) ratings in the cycle, unless the
    company's anonymity policy lets HR and the auditor see names. One query at most."""
    if not raters or sees_rater_names(user):
        return set()
    return set(
        Rating.objects.filter(appraisal__cycle=cycle, rater__in=raters, role__in=ANONYMOUS_ROLES)
        .values_list("rater_id", flat=True)
        .distinct()
    )


def _unit_names(ids: list[int | None]) -> dict[int, str]:
    return {unit.pk: unit.name for unit in Unit.objects.filter(pk__in=[i for i in ids if i])}


@hr_page
def cycle_fairness(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = cycle_get(visible_to=request.user, pk=pk)
    with_small = roles.is_hr(request.user)  # the auditor reads the page without them
    stats = sorted(
        cycle_rater_stats_kept(cycle.pk),
        key=lambda s: (-(abs(s.z) if s.z is not None else -1), s.rater),
    )
    raters = listing(request, stats, per_page=25)
    shown: list[RaterStats] = list(raters.rows)
    hidden = _anonymous_raters(cycle, [s.rater for s in shown], request.user)
    names = {
        user.pk: str(user)
        for user in User.objects.filter(pk__in=[s.rater for s in shown if s.rater not in hidden])
    }
    gaps = cycle_self_gaps_kept(cycle.pk, limit=20)
    people = {
        a.pk: a.appraisee_name
        for a in Appraisal.objects.filter(pk__in=[g.appraisal for g in gaps]).select_related(
            "employee", "unit"
        )
    }
    drifts = [
        d
        for d in unit_drift(Result.objects.filter(appraisal__cycle=cycle))
        if with_small or d.people >= SMALL_GROUP
    ]
    drifts = sorted(drifts, key=lambda d: -abs(d.mean_change or 0))[:50]
    cycles = drift_cycles(cycle)
    quotas = [d for d in quota_drift(cycles) if with_small or not d.small][:DRIFT_UNITS]
    units = _unit_names([d.unit for d in drifts] + [d.unit for d in quotas])
    context = {
        "cycle": cycle,
        "raters": raters,
        "rater_rows": [
            {
                "name": names.get(s.rater, "—"),
                "anonymous": s.rater in hidden,
                "stats": s,
                "notable": s.z is not None and abs(s.z) >= NOTABLE_Z,
                "same_for_all": s.spread == 0 and s.people >= 3,
            }
            for s in shown
        ],
        "gaps": [
            {"name": people.get(g.appraisal, "—"), "gap": g.gap, "items": g.items} for g in gaps
        ],
        "drifts": [
            {
                "unit": units.get(d.unit, "—") if d.unit else "—",
                "drift": d,
                "small": d.people < SMALL_GROUP,
            }
            for d in drifts
        ],
        "drift_cycles": cycles,
        "quota_rows": _drift_rows(quotas, units, with_small=with_small),
        "notable_z": NOTABLE_Z,
        "small_group": SMALL_GROUP,
        "with_small": with_small,
    }
    return render(request, "hr/cycle_fairness.html", context)


@dataclass(frozen=True)
class Outliers:
    """What the calibration page says to the committee: the raters clearly more
    lenient or severe than the others, and the units drifting from the quotas."""

    raters: list[dict[str, Any]]  # name (or None: an anonymous rater), z, people
    unnamed: int  # flagged raters whose names anonymity withholds from this reader
    units: list[dict[str, Any]]
    cycles: list[Cycle]

    def __bool__(self) -> bool:
        return bool(self.raters or self.units)


def drifting_units(cycle: Cycle, user: Any) -> tuple[list[dict[str, Any]], list[Cycle]]:
    """The units whose share of a grade stayed ten points from the quota in every one
    of the last cycles (at most ten, the most drifting first); units under five people
    only for HR. Two aggregates over the last cycles' results: the calibration page
    loads them as a fragment of their own (`calibration_drift`), after the page."""
    is_hr = roles.is_hr(user)
    cycles = drift_cycles(cycle)
    drifting = [d for d in quota_drift(cycles) if d.drifting and (is_hr or not d.small)][
        :CALIBRATION_UNITS
    ]
    units = _unit_names([d.unit for d in drifting])
    return _drift_rows(drifting, units, with_small=is_hr), cycles


def outliers(cycle: Cycle, user: Any, *, with_units: bool = True) -> Outliers:
    """The calibration page's fairness notes, in a constant number of queries. Raters
    with |z| ≥ 2 who rated at least five people; a rater who gave anonymous (peer,
    subordinate, customer) ratings in the cycle is counted, not named, unless the
    reader sees raters' names (HR, where the anonymity policy allows). With
    `with_units`, the drifting units too (`drifting_units`)."""
    flagged = [
        s
        for s in cycle_rater_stats_kept(cycle.pk)
        if s.z is not None and abs(s.z) >= NOTABLE_Z and s.people >= OUTLIER_PEOPLE
    ]
    hidden = _anonymous_raters(cycle, [s.rater for s in flagged], user)
    named = [s for s in flagged if s.rater not in hidden]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[s.rater for s in named])}
    units, cycles = drifting_units(cycle, user) if with_units else ([], [])
    return Outliers(
        raters=[
            {
                "name": names.get(s.rater, "—"),
                "z": s.z,
                "people": s.people,
                "lenient": (s.z or 0) > 0,
            }
            for s in sorted(named, key=lambda s: -abs(s.z or 0))
        ],
        unnamed=len(flagged) - len(named),
        units=units,
        cycles=cycles,
    )
