"""The figures a talent review places people by: performance from the cycle's totals
or the year's (the mean of the year's published cycles, or the annual cycle's
result), and potential from a part of the form — a section or an item, such as
the seed's 品质 / 能力 dimension — as its score in % of its full marks.

Totals are those in force (after calibration). Performance is one SQL aggregate
per source; a part's score is read from each result's items (one pass over the
results, memory by person)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Avg
from django.utils.translation import gettext as _

from jixiao.appraisals.access import PUBLISHED_CYCLE_STATES
from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.errors import ServiceError
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import PeriodKind, SchemeVersion
from jixiao.talent.models import PerformanceSource


def source_cycles(cycle: Cycle, source: str, year: int | None) -> list[Cycle]:
    """The cycles whose results give performance (and a part's potential)."""
    if source == PerformanceSource.CYCLE:
        return [cycle]
    if year is None:
        raise ServiceError(_("give the year whose results give performance"))
    if source == PerformanceSource.YEAR_MEAN:
        found = list(
            Cycle.objects.filter(start__year=year, state__in=PUBLISHED_CYCLE_STATES)
            .exclude(period_kind=PeriodKind.YEAR)
            .order_by("start", "pk")
        )
        if not found:
            raise ServiceError(_("no cycle of %(year)s is published yet") % {"year": year})
        return found
    if source == PerformanceSource.YEAR_RESULT:
        annual = Cycle.objects.filter(period_kind=PeriodKind.YEAR, period=str(year)).first()
        if annual is None:
            raise ServiceError(_("there is no annual cycle for %(year)s") % {"year": year})
        return [annual]
    raise ServiceError(_("choose where performance comes from"))


def _people_results(cycles: list[Cycle]) -> Any:
    return Result.objects.filter(
        appraisal__cycle__in=cycles, appraisal__employee__isnull=False
    ).exclude(appraisal__state=AppraisalState.WITHDRAWN)


def performance_by_person(cycles: list[Cycle]) -> dict[int, float]:
    """Each person's total in force, the mean over the cycles (one aggregate)."""
    rows = (
        _people_results(cycles)
        .filter(total__isnull=False)
        .values("appraisal__employee_id")
        .annotate(mean=Avg("total"))
        .order_by()
    )
    return {row["appraisal__employee_id"]: float(row["mean"]) for row in rows}


def part_items(versions: list[SchemeVersion], part: str) -> dict[int, set[str]]:
    """Per scheme version, the codes of the items in the part: the item whose code or
    name is `part`, or the items of the section called `part` (at any depth)."""
    part = part.strip()
    found: dict[int, set[str]] = {}
    for version in versions:
        codes = {
            item.code
            for item in engine_scheme(version).items
            if part in (item.code, item.name) or part in item.section
        }
        if codes:
            found[version.pk] = codes
    return found


def potential_by_person(cycles: list[Cycle], part: str) -> dict[int, float]:
    """Each person's score on the part in % of its full marks (the sum of its items'
    scores over the sum of their full marks), the mean over the cycles."""
    versions = list(
        SchemeVersion.objects.filter(
            pk__in=_people_results(cycles).values("scheme_version_id")
        ).select_related("scheme")
    )
    codes = part_items(versions, part)
    if not codes:
        raise ServiceError(
            _("no form of these cycles has a section or item called “%(part)s”") % {"part": part}
        )
    shares: dict[int, list[float]] = defaultdict(list)
    rows = (
        _people_results(cycles)
        .filter(scheme_version_id__in=list(codes))
        .values_list("appraisal__employee_id", "scheme_version_id", "data")
        .order_by()
    )
    for employee, version, data in rows.iterator(chunk_size=2000):
        wanted = codes[version]
        score = full = 0.0
        for item in (data or {}).get("items", []):
            if item.get("code") in wanted and item.get("score") is not None:
                score += float(item["score"])
                full += float(item.get("full") or 0)
        if full > 0:
            shares[employee].append(100 * score / full)
    return {employee: sum(values) / len(values) for employee, values in shares.items()}
