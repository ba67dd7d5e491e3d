"""A cycle move says what it will do before HR confirms it (issue 13): what is
unfinished and what happens — "公示 3 条结果，3 位员工将收到通知" — in a constant
number of queries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.workflow import CycleState
from jixiao.hr.moves import move_preview
from tests.apps.portal_world import client_for, to_calibration

pytestmark = pytest.mark.django_db


def test_opening_says_how_many_appraisals_it_makes(hr: Any, draft_cycle: Cycle) -> None:
    from jixiao.appraisals import services

    services.cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    with translation.override("zh-hans"):
        preview = move_preview(draft_cycle, CycleState.TARGETS)
    assert preview.effects == ["将建立考核并请参评人员签订目标：3 人"]


def test_moving_on_lists_unsigned_targets(open_cycle: Cycle) -> None:
    with translation.override("zh-hans"):
        preview = move_preview(open_cycle, CycleState.COLLECTING)
    assert preview.unfinished == ["目标尚未签订的考核：3 份"]


def test_publishing_says_what_it_publishes_and_what_blocks_it(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    to_calibration(open_cycle, hr, company)
    with translation.override("zh-hans"):
        preview = move_preview(open_cycle, CycleState.PUBLISHED)
        assert preview.unfinished == []
        assert preview.effects == ["公示 3 条结果，3 位员工将收到通知"]
        Result.objects.filter(appraisal__cycle=open_cycle).update(needs_review=True)
        blocked = move_preview(open_cycle, CycleState.PUBLISHED)
    assert blocked.unfinished == ["3 条校准结果待复核：公示将被拒绝"]
    page = client_for(hr).get(f"/hr/cycles/{open_cycle.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "公示 3 条结果，3 位员工将收到通知" in text and 'data-confirm="' in text


def test_the_preview_costs_the_same_queries_whatever_the_size(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    to_calibration(open_cycle, hr, company)
    with CaptureQueriesContext(connection) as queries:
        move_preview(open_cycle, CycleState.PUBLISHED)
    assert len(queries) == 2
