"""The printable form of a scheme with a points line (加减分项, v1.1 §7) and a label
outcome (v1.1 §12): the line with its standard in words and the points it gave,
the label after the grade."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from jixiao.spreadsheets.services import export_appraisal_form
from tests.apps.conftest import SCHEME
from tests.apps.spreadsheets.helpers import load
from tests.apps.spreadsheets.test_appraisal_form import cells, scored

pytestmark = pytest.mark.django_db

POINTS = """\
  - name: 表扬
    points:
      note: 每受公司通报表扬一次加2分
      rule: {add: {per: {praise: {each: 2}}}}
"""
LABELS = """\
outcomes:
  培训:
    table: [[">= 80", 晋升培训], [else, 必须培训]]
"""


@pytest.fixture
def scheme(hr: Any) -> SchemeVersion:
    text = SCHEME.replace("adjustments:\n", "adjustments:\n" + POINTS) + LABELS
    return scheme_save(actor=hr, text=text)


def test_the_form_shows_the_points_line_and_the_label_outcome(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    appraisal = scored(open_cycle, company, hr)
    found = cells(load(export_appraisal_form(appraisal=appraisal, actor=hr))["考核表"])
    at = {value: key for key, value in found.items() if isinstance(value, str)}
    row = at["表扬"][1:]
    assert found[f"A{row}"] == "加减分项"
    assert found[f"E{row}"] == "每受公司通报表扬一次加2分"
    assert "「praise」每 1 次加 2 分" in found[f"G{row}"]
    assert found[f"H{row}"] == 0  # no praise this month: the line gave nothing
    result = appraisal.result
    assert result.outcomes["培训"] in ("晋升培训", "必须培训")
    assert found["H" + at["培训"][1:]] == result.outcomes["培训"]
    assert int(at["培训"][1:]) > int(at["等级"][1:])
