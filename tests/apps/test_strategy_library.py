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


def test_the_manuals_eighty_cards_the_one_whose_code_was_lost_by_its_place() -> None:
    """Seed 004's manual has 80 cards; the scrape lost the code of 库存金额利用率,
    between B-P-01 and C-P-01 in a manual ordered by unit letter and number."""
    assert len(LIBRARY) == 80
    codes = [entry.code for entry in LIBRARY]
    assert codes.index("B-P-02") == codes.index("B-P-01") + 1 == codes.index("C-P-01") - 1
    (lost,) = [entry for entry in LIBRARY if entry.code == "B-P-02"]
    assert (lost.name, lost.formula) == ("库存金额利用率", "总维修费/库存总额")
    assert "推定" in lost.notes  # the notes say the code is inferred


def test_keeping_what_the_company_already_has(hr: Any) -> None:
    import datetime

    from jixiao.indicators.services import indicator_save
    from jixiao.strategy.library import load_library

    own = indicator_save(
        actor=hr, code="B-F-01", effective_from=datetime.date(2026, 1, 1), name="计划费用支出率"
    )
    loaded = load_library(actor=hr, effective_from=datetime.date(2026, 2, 1), keep_existing=True)
    assert (loaded.added, loaded.kept, loaded.changed) == (len(LIBRARY) - 1, 1, 0)
    assert IndicatorVersion.objects.filter(indicator__code="B-F-01").get() == own
