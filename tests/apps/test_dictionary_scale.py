"""The dictionary's list costs the same queries for 3 entries as for 30 (it was one
query per entry, which grew HR's home page with the dictionary)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.indicators.selectors import indicator_list
from jixiao.indicators.services import indicator_save

pytestmark = pytest.mark.django_db


def _queries(hr: Any, **kwargs: Any) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        found = indicator_list(visible_to=hr, **kwargs)
        codes = [v.indicator.code for v in found] + [str(v.parent) for v in found]
    return len(queries), codes


def test_the_list_is_one_query_and_picks_the_version_in_force(hr: Any) -> None:
    day = datetime.date(2026, 1, 1)
    for n in range(3):
        indicator_save(actor=hr, code=f"X-{n:02d}", effective_from=day, name=f"指标{n}")
    small, _codes = _queries(hr)
    for n in range(3, 30):
        indicator_save(actor=hr, code=f"X-{n:02d}", effective_from=day, name=f"指标{n}")
    indicator_save(actor=hr, code="X-00", effective_from=datetime.date(2026, 6, 1), name="新名称")
    large, codes = _queries(hr)
    assert small == large
    assert codes[:30] == [f"X-{n:02d}" for n in range(30)]
    latest = indicator_list(visible_to=hr)[0]
    assert latest.name == "新名称" and latest.number == 2
    earlier = indicator_list(visible_to=hr, on=datetime.date(2026, 3, 1))[0]
    assert earlier.name == "指标0" and earlier.number == 1
    assert indicator_list(visible_to=hr, on=datetime.date(2025, 1, 1)) == []
