"""One's own results on the home page are those `results_visible_to` grants one of
one's own appraisals (published; unpublished only to a committee member of the cycle,
HR and the auditor), read from the person's rows (`own_results_visible_to`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from jixiao.appraisals.access import own_results_visible_to, results_visible_to
from jixiao.appraisals.models import Cycle, Result
from tests.apps.conftest import appraisal_of

pytestmark = pytest.mark.django_db


def _ids(results: Any) -> set[int]:
    return set(results.values_list("pk", flat=True))


def test_own_results_are_the_visible_results_of_ones_own_appraisals(
    open_cycle: Cycle, company: SimpleNamespace, hr: Any, auditor: Any
) -> None:
    clerk, other = company.clerks
    for employee, published in ((company.manager, False), (clerk, True), (other, False)):
        appraisal = appraisal_of(open_cycle, employee)  # scored when the cycle opened
        assert Result.objects.filter(appraisal=appraisal).exists()
        frozen = timezone.now() if published else None
        Result.objects.filter(appraisal=appraisal).update(frozen_at=frozen)
    people = [company.boss.user, company.manager.user, clerk.user, other.user, hr, auditor]

    def check() -> None:
        for user in people:
            me = getattr(user, "employee", None)
            expected = (
                _ids(results_visible_to(user).filter(appraisal__employee=me)) if me else set()
            )
            assert _ids(own_results_visible_to(user)) == expected, user

    check()
    assert _ids(own_results_visible_to(clerk.user)) != set()  # published: one's own
    assert _ids(own_results_visible_to(other.user)) == set()  # not yet published
    open_cycle.committee.add(other.user)  # a committee member sees the cycle's results
    check()
    assert _ids(own_results_visible_to(other.user)) != set()
