"""Two people recording facts or ratings on the same appraisal at the same moment lose
nothing.

Each thread has its own database connection; a barrier makes them start together,
and scoring is slowed down so that both are inside a recomputation at once. Only
PostgreSQL locks rows (SQLite runs one writer at a time), so this runs there only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections

from jixiao.accounts.models import User
from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Rating, Result
from jixiao.appraisals.scoring import appraisee_entry, with_facts
from jixiao.appraisals.services import results as results_module
from jixiao.core.errors import ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.conftest import appraisal_of

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL's row locks; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]

ITEM = "预算执行偏差率"


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads that start at the same moment; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # reported to the test
            outcomes[index] = exc
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return outcomes


def record(appraisal_pk: int, username: str, **fact: Any) -> Callable[[], Fact]:
    """A fact recorded by `username`, on a fresh copy of the appraisal, in the thread."""

    def call() -> Fact:
        return services.fact_record(
            appraisal=Appraisal.objects.get(pk=appraisal_pk),
            actor=User.objects.get(username=username),
            **fact,
        )

    return call


@pytest.fixture
def slow_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each recomputation reads the facts, then takes a while to score them: without a
    lock, two writers would both read before either commits, and the last to store its
    result would drop the other's fact from it."""
    score_group = results_module.score_group

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return score_group(*args, **kwargs)

    monkeypatch.setattr(results_module, "score_group", slow)


def fact_events(fact: Fact, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type="appraisals.fact", target_id=str(fact.pk), action=action
        ).order_by("created_at", "id")
    )


def stored_result(appraisal: Appraisal) -> Result:
    """The stored result, checked to be computed from the facts as they are now."""
    result = Result.objects.get(appraisal=appraisal)
    fresh = with_facts(Appraisal.objects.filter(pk=appraisal.pk)).get()
    assert result.facts["appraisee"] == appraisee_entry(fresh)
    return result


def item_value(result: Result) -> float:
    return next(item["value"] for item in result.data["items"] if item["code"] == ITEM)


def test_two_writers_on_one_appraisal_lose_nothing(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, slow_scoring: None
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    manager = company.manager.user.username  # 张敏, the accountant's supervisor

    # two different facts at once: both stored, both audited, the result counts both
    budget, actual = race(
        record(appraisal.pk, "hr", kind="input", item=ITEM, key="budget", value=1_000_000),
        record(appraisal.pk, manager, kind="input", item=ITEM, key="actual", value=1_010_000),
    )
    assert isinstance(budget, Fact) and isinstance(actual, Fact), (budget, actual)
    assert {(f.key, f.value) for f in Fact.objects.filter(appraisal=appraisal)} == {
        ("budget", 1_000_000),
        ("actual", 1_010_000),
    }
    assert len(fact_events(budget, "fact.recorded")) == 1
    assert len(fact_events(actual, "fact.recorded")) == 1
    result = stored_result(appraisal)
    assert item_value(result) == pytest.approx(0.99)  # needs both inputs

    # the same fact changed by both at once: one value wins, the other change is in the
    # audit log, and the second change starts from the first one's value
    outcomes = race(
        record(
            appraisal.pk, "hr", kind="input", item=ITEM, key="actual", value=1_040_000, reason="A"
        ),
        record(
            appraisal.pk, manager, kind="input", item=ITEM, key="actual", value=900_000, reason="B"
        ),
    )
    assert all(isinstance(outcome, Fact) for outcome in outcomes), outcomes
    actual.refresh_from_db()
    first, second = fact_events(actual, "fact.changed")
    assert first.before["value"] == 1_010_000
    assert second.before["value"] == first.after["value"]
    assert second.after["value"] == actual.value
    assert {first.after["value"], second.after["value"]} == {1_040_000, 900_000}
    assert {first.reason, second.reason} == {"A", "B"}
    expected = 1 - abs(actual.value - 1_000_000) / 1_000_000
    assert item_value(stored_result(appraisal)) == pytest.approx(expected)


def test_the_same_new_fact_at_once_is_recorded_once_and_the_other_is_told(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, slow_scoring: None
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    manager = company.manager.user.username

    outcomes = race(
        record(appraisal.pk, "hr", kind="input", key="loss", value=500),
        record(appraisal.pk, manager, kind="input", key="loss", value=800),
    )

    recorded = [outcome for outcome in outcomes if isinstance(outcome, Fact)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Fact)]
    assert len(recorded) == 1 and len(refused) == 1, outcomes
    # the second writer found the first one's fact: a change, which needs a reason
    assert isinstance(refused[0], ServiceError), refused
    assert "reason" in str(refused[0])
    loss = Fact.objects.get(appraisal=appraisal, key="loss")
    assert loss.value == recorded[0].value
    assert len(fact_events(loss, "fact.recorded")) == 1
    assert not fact_events(loss, "fact.changed")
    assert stored_result(appraisal).facts["appraisee"]["inputs"] == {"loss": loss.value}


def rate(appraisal_pk: int, username: str, **rating: Any) -> Callable[[], Rating]:
    """A rating given by `username`, on a fresh copy of the appraisal, in the thread."""

    def call() -> Rating:
        return services.rating_record(
            appraisal=Appraisal.objects.get(pk=appraisal_pk),
            actor=User.objects.get(username=username),
            **rating,
        )

    return call


def test_the_first_supervisor_rating_given_twice_at_once_is_stored_once(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, slow_scoring: None
) -> None:
    """The supervisor rates while HR enters the supervisor's rating on paper for them:
    a supervisor role holds one rating per item, whoever gives it."""
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    manager = company.manager.user
    item = "内部控制管理"

    outcomes = race(
        rate(appraisal.pk, manager.username, item=item, role="supervisor", value=4),
        rate(appraisal.pk, "hr", item=item, role="supervisor", value=3, rater=manager),
    )

    stored = [outcome for outcome in outcomes if isinstance(outcome, Rating)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Rating)]
    assert len(stored) == 1 and len(refused) == 1, outcomes
    # the second found the first one's rating: a change, which needs a reason
    assert isinstance(refused[0], ServiceError) and "reason" in str(refused[0]), refused
    rating = Rating.objects.get(appraisal=appraisal, item=item, role="supervisor")
    assert rating.value == stored[0].value
    recorded = AuditEvent.objects.filter(
        target_type="appraisals.rating", target_id=str(rating.pk), action="rating.recorded"
    )
    assert recorded.count() == 1
    ratings = stored_result(appraisal).facts["appraisee"]["facts"][item]["ratings"]
    assert ratings == {"supervisor": rating.value}
