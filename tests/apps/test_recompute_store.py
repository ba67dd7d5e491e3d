"""How a whole recompute stores a group (`_store_group`): an unchanged result is not
written again, a changed one is written back whole, a frozen one is never touched,
and a group without results gets them with their keys — on SQLite and on PostgreSQL,
where the comparison and the writes are done by the database (COPY, `jsonb`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.services import results as results_service
from jixiao.core.models import AuditEvent
from tests.apps.conftest import record_full_facts

pytestmark = pytest.mark.django_db

STORED = (
    "scheme_version_id", "facts", "facts_digest", "data", "wording", "subtotal", "total", "rank",
    "ranked", "grade", "band_grade", "flags", "outcomes", "errors", "warnings", "needs_review",
    "calibrated", "calibrated_on", "frozen_at", "computed_at",
)  # fmt: skip


@pytest.fixture(autouse=True, params=["copy", "statements"])
def writes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with the results written both ways: by COPY (PostgreSQL, a group of
    `COPY_ROWS` or more) and by plain statements (a few rows, SQLite)."""
    if request.param == "copy":
        monkeypatch.setattr(results_service, "COPY_ROWS", 0)


@pytest.fixture
def scored(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    for who, actual, rating, violations in (
        (company.manager, 1_010_000, 4, 1),
        (company.clerks[0], 1_040_000, 3, 0),
        (company.clerks[1], 900_000, 5, 2),
    ):
        record_full_facts(open_cycle, who, hr, actual=actual, rating=rating, violations=violations)
    return open_cycle


def rows() -> dict[int, dict[str, Any]]:
    return {row["appraisal_id"]: row for row in Result.objects.values("appraisal_id", *STORED)}


def computed_events() -> int:
    return AuditEvent.objects.filter(action="result.computed").count()


def test_nothing_changed_writes_nothing(hr: Any, scored: Cycle) -> None:
    before, events = rows(), computed_events()
    assert len(before) == 3
    assert services.results_recompute(cycle=scored, actor=hr) == 0
    assert rows() == before  # computed_at included: no row written
    assert computed_events() == events


def test_a_changed_result_is_written_back_whole_and_alone(hr: Any, scored: Cycle) -> None:
    before, events = rows(), computed_events()
    first, second, third = sorted(before)
    # as if the engine had said something else before (a new release): the JSON differs
    Result.objects.filter(appraisal_id=first).update(
        data={**before[first]["data"], "total": 1}, total=1
    )
    Result.objects.filter(appraisal_id=second).update(wording={"zh": {}})

    assert services.results_recompute(cycle=scored, actor=hr) == 2

    after = rows()
    for pk in (first, second):
        assert {name: after[pk][name] for name in STORED if name != "computed_at"} == {
            name: before[pk][name] for name in STORED if name != "computed_at"
        }
        assert after[pk]["computed_at"] > before[pk]["computed_at"]
    assert after[third] == before[third]
    assert computed_events() == events + 2


def test_a_frozen_result_is_never_touched(hr: Any, scored: Cycle) -> None:
    before = rows()
    first = min(before)
    frozen = timezone.now()
    Result.objects.filter(appraisal_id=first).update(
        frozen_at=frozen, data={**before[first]["data"], "total": 1}
    )
    assert services.results_recompute(cycle=scored, actor=hr) == 0
    assert rows()[first]["data"]["total"] == 1


def test_a_group_without_results_gets_them_with_their_keys(hr: Any, scored: Cycle) -> None:
    before = rows()
    Result.objects.all().delete()
    events = computed_events()

    assert services.results_recompute(cycle=scored, actor=hr) == 3

    after = rows()
    for pk, row in after.items():
        assert {name: row[name] for name in STORED if name != "computed_at"} == {
            name: before[pk][name] for name in STORED if name != "computed_at"
        }
    targets = set(
        AuditEvent.objects.filter(action="result.computed")
        .order_by("pk")[events:]
        .values_list("target_id", flat=True)
    )
    assert targets == {str(pk) for pk in Result.objects.values_list("pk", flat=True)}
