"""The benchmark company generator (`manage.py bench_company`) at a small size:
deterministic for a seed, what it says it builds, results equal to the engine's,
and no second company over a first one unless asked."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from jixiao.accounts.models import User
from jixiao.appraisals.access import owned_sources
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Result
from jixiao.appraisals.scoring import score_group, with_facts
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.demo import bench_company
from jixiao.organization.models import Employee, Unit
from jixiao.schemes.models import Scheme, SchemeItem, SchemeVersion

pytestmark = pytest.mark.django_db

SIZE = 60


def _build(seed: int, *, replace: bool = False) -> None:
    call_command("bench_company", employees=SIZE, seed=seed, replace=replace, stdout=_Quiet())


class _Quiet:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _snapshot() -> dict[str, Any]:
    """What a seed decides, without database keys (they differ between builds)."""
    return {
        "units": sorted(Unit.objects.values_list("code", "name", "kind", "parent__code")),
        "people": sorted(
            Employee.objects.values_list(
                "number",
                "name",
                "unit__code",
                "position__code",
                "supervisor__number",
                "hire_date",
                "leave_date",
                "user__username",
            )
        ),
        "facts": sorted(
            (f.appraisal.cycle.code, f.appraisal.appraisee_id, f.item, f.kind, f.key, str(f.value))
            for f in Fact.objects.select_related("appraisal__cycle", "appraisal__employee")
        ),
        "totals": sorted(
            (r.appraisal.cycle.code, r.appraisal.appraisee_id, r.total, r.grade, r.rank)
            for r in Result.objects.select_related(
                "appraisal__cycle", "appraisal__employee", "appraisal__unit"
            )
        ),
    }


def test_the_same_seed_builds_the_same_company_another_seed_another_and_never_over_one() -> None:
    _build(1)
    first = _snapshot()
    with pytest.raises(CommandError, match="already holds a company"):
        _build(2)
    assert _snapshot() == first  # refused: nothing changed
    _build(2, replace=True)
    other = _snapshot()
    _build(1, replace=True)
    again = _snapshot()
    assert again == first
    assert other["people"] != first["people"]
    assert other["facts"] != first["facts"]
    assert other["totals"] != first["totals"]
    assert other["units"] == first["units"]  # the shape depends on the size alone


def test_it_builds_what_it_says_with_the_engines_results() -> None:
    _build(1)
    shape = bench_company.Shape.of(SIZE)
    # the company, its eight centres, departments, teams, the workshop and the provider
    assert Unit.objects.count() == 1 + 8 + shape.departments + shape.teams + 1 + 1
    assert Employee.objects.exclude(unit__kind="provider").count() == SIZE
    assert Employee.objects.filter(user__isnull=True).count() == 0
    assert Scheme.objects.count() == 13  # the demo's twelve forms and the operators' copy
    logins = set(User.objects.values_list("username", flat=True))
    assert {"hr", "gm", "chejian", "staff", "owner", "provider"} <= logins
    # the data owner answers for the figures whose source is their department (财务部)
    owner = Employee.objects.get(user__username="owner")
    assert SchemeItem.objects.filter(source__in=owned_sources(owner)).exists()
    # the workshop manager has the most direct reports, more than anyone else
    reports = Counter(
        dict(Employee.objects.annotate(n=Count("reports")).values_list("user__username", "n"))
    )
    (top, most), (_second, next_most) = reports.most_common(2)
    assert top == "chejian" and most > next_most and most >= shape.big_team
    september, october = Cycle.objects.order_by("start")
    assert september.state == CycleState.PUBLISHED
    assert october.state == CycleState.CALIBRATION
    assert set(september.appraisals.values_list("state", flat=True)) == {AppraisalState.PUBLISHED}
    assert set(october.appraisals.values_list("state", flat=True)) == {AppraisalState.CALIBRATION}
    for cycle in (september, october):
        appraisals = cycle.appraisals.count()
        assert appraisals > SIZE * 0.9
        assert Result.objects.filter(appraisal__cycle=cycle, total__isnull=False).count() == (
            appraisals
        )
        facts = Fact.objects.filter(appraisal__cycle=cycle).count()
        assert 11 * appraisals <= facts <= 13 * appraisals  # about twelve each
    assert not Result.objects.filter(appraisal__cycle=september, frozen_at__isnull=True).exists()
    assert not Result.objects.filter(appraisal__cycle=october, frozen_at__isnull=False).exists()
    # someone joined in October: left out of October; someone left in October: in both
    assert october.eligibilities.filter(excluded=True).exists()
    assert not september.eligibilities.filter(excluded=True).exists()
    _assert_results_are_the_engines()


def _assert_results_are_the_engines() -> None:
    for cycle in Cycle.objects.all():
        versions = SchemeVersion.objects.filter(appraisals__cycle=cycle).distinct()
        assert versions.count() >= 4  # manager forms, the staff form, the operators', 3PL
        for version in versions:
            members = list(
                with_facts(Appraisal.objects.filter(cycle=cycle, scheme_version=version)).order_by(
                    "pk"
                )
            )
            scored, _warnings = score_group(cycle, version, members)
            stored = {r.appraisal_id: r for r in Result.objects.filter(appraisal__in=members)}
            for one in scored:
                result = stored[one.appraisal.pk]
                assert result.data == one.result
                assert (result.total, result.grade) == (
                    one.result["total"],
                    one.result["grade"] or "",
                )
                assert result.errors == []
