"""The API's results carry the outcomes, label outcomes following a calibration
(scheme-language §12, v1.1)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle, Result
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME, appraisal_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(hr: Any) -> SchemeVersion:
    return scheme_save(
        actor=hr,
        text=SCHEME + 'outcomes:\n  培训:\n    table: [[">= 80", 晋升培训], [else, 普通培训]]\n',
    )


def test_a_result_carries_its_label_outcomes(
    apis: SimpleNamespace, published: Cycle, company: SimpleNamespace
) -> None:
    mine = appraisal_of(published, company.clerks[0])
    result = Result.objects.get(appraisal=mine)
    body = apis.clerk.get(f"/appraisals/{mine.pk}/result").json()
    want = "晋升培训" if result.total >= 80 else "普通培训"
    assert body["outcomes"] == {"培训": want}
    listed = apis.hr.get("/results", cycle=published.code).json()["items"]
    assert all(set(item["outcomes"]) == {"培训"} for item in listed)
