"""The starter library (issue 15): the group KPI dictionary of seed 004 loaded into
the dictionary by `manage.py load_kpi_library`, once; a second run changes nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.core.models import AuditEvent
from jixiao.indicators.models import Indicator, IndicatorVersion, Perspective
from jixiao.strategy.library import LIBRARY

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^[A-Z]-[FCPL]-\d{2}$")


def _load(user: str = "hr") -> str:
    out = io.StringIO()
    call_command("load_kpi_library", "--user", user, "--effective-from", "2026-01-01", stdout=out)
    return out.getvalue()


def test_codes_are_unique_well_formed_and_in_their_perspective() -> None:
    codes = [entry.code for entry in LIBRARY]
    assert len(codes) == len(set(codes)) >= 70
    for entry in LIBRARY:
        assert CODE.match(entry.code), entry.code
        assert entry.perspective in Perspective.values
        assert entry.name.strip()
    letters = {entry.code[2]: entry.perspective for entry in LIBRARY}
    assert letters == {
        "F": Perspective.FINANCIAL,
        "C": Perspective.CUSTOMER,
        "P": Perspective.INTERNAL,
        "L": Perspective.LEARNING,
    }


def test_loading_puts_every_entry_in_the_dictionary(hr: Any) -> None:
    out = _load()
    assert f"新增 {len(LIBRARY)}" in out and f"{len(LIBRARY)} added" in out
    assert Indicator.objects.count() == len(LIBRARY)
    version = IndicatorVersion.objects.get(indicator__code="C-F-02")
    assert version.name == "采购成本的下降率"
    assert version.formula == "（采购成本基准值-当期采购成本）/采购成本基准值"
    assert version.perspective == Perspective.FINANCIAL
    assert version.data_source == "JHCW"
    assert version.statistical_period == "月度或季度"
    assert "控制能力" in version.notes
    assert AuditEvent.objects.filter(action="indicator.version_added").count() == len(LIBRARY)


def test_a_second_run_changes_nothing(hr: Any) -> None:
    _load()
    versions = IndicatorVersion.objects.count()
    events = AuditEvent.objects.count()
    out = _load()
    assert f"未变 {len(LIBRARY)}" in out and "新增 0" in out
    assert IndicatorVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


def test_garbled_cells_are_left_empty_and_the_entry_marked_incomplete(hr: Any) -> None:
    _load()
    # L-F-01 利润总额: the manual gives no 指标测度; B-F-01: its 数据来源 cell is garbled
    profit = IndicatorVersion.objects.get(indicator__code="L-F-01")
    assert profit.incomplete and "formula" in profit.missing
    planned = IndicatorVersion.objects.get(indicator__code="B-F-01")
    assert planned.incomplete and "data_source" in planned.missing
    # the manual never says who collects or audits the data: every entry waits for it
    assert not IndicatorVersion.objects.filter(incomplete=False).exists()
    assert all("data_auditor" in v.missing for v in IndicatorVersion.objects.all())


def test_only_hr_loads_it(hr: Any, auditor: Any) -> None:
    with pytest.raises(CommandError):
        _load("auditor")
    with pytest.raises(CommandError):
        _load("nobody")
    assert not Indicator.objects.exists()
