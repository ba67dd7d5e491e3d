"""Shared set-up of the HR page tests (and the browser journeys): the finance
cycle of `conftest.py`, scored and moved to calibration."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle
from jixiao.appraisals.workflow import AppraisalState, CycleState
from tests.apps.conftest import record_full_facts

A, C = AppraisalState, CycleState


def to_calibration(hr: Any, company: SimpleNamespace, cycle: Cycle) -> Cycle:
    """All three finance appraisals scored and moved to calibration, the cycle too."""
    for employee, actual, rating in (
        (company.manager, 1010000, 4),
        (company.clerks[0], 1040000, 3),
        (company.clerks[1], 900000, 5),
    ):
        appraisal = record_full_facts(cycle, employee, hr, actual=actual, rating=rating)
        for state in (A.COLLECTING, A.SUPERVISOR_REVIEW, A.CALIBRATION):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    for state in (C.COLLECTING, C.REVIEW, C.CALIBRATION):
        services.cycle_transition(cycle=cycle, actor=hr, to=state)
    return cycle
