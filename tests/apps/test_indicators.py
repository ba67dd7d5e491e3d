"""The indicator dictionary: the ten questions, versions with effective dates."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.questions import QUESTION_FIELDS, missing_answers
from jixiao.indicators.selectors import indicator_list, indicator_version_at
from jixiao.indicators.services import indicator_retire, indicator_save

pytestmark = pytest.mark.django_db
D = datetime.date

ANSWERS = {
    "name": "预算执行偏差率",
    "definition": "部门实际费用与预算的偏差",
    "purpose": "强化预算管理",
    "notes": "适用于各部门",
    "collection": "财务部每月汇总",
    "data_source": "财务部",
    "formula": "1 - |实际 - 预算| / 预算",
    "statistical_period": "月度",
    "data_auditor": "财务总监",
    "unit": "%",
}


def test_missing_answers_lists_the_unanswered_questions() -> None:
    assert missing_answers(ANSWERS) == []
    assert missing_answers({**ANSWERS, "formula": "  ", "unit": ""}) == ["formula", "unit"]
    assert missing_answers({}) == list(QUESTION_FIELDS)


def test_a_complete_entry(hr: Any) -> None:
    version = indicator_save(
        actor=hr,
        code="X-F-01",
        effective_from=D(2026, 1, 1),
        perspective="financial",
        polarity="higher",
        **ANSWERS,
    )
    assert (version.number, version.incomplete, version.missing) == (1, False, [])
    assert AuditEvent.objects.filter(action="indicator.version_added").count() == 1


def test_an_entry_missing_an_answer_is_marked_incomplete(hr: Any) -> None:
    answers = {**ANSWERS, "data_auditor": ""}
    version = indicator_save(actor=hr, code="X-F-02", effective_from=D(2026, 1, 1), **answers)
    assert version.incomplete
    assert version.missing == ["data_auditor"]
    assert [v.indicator.code for v in indicator_list(visible_to=hr, incomplete=True)] == ["X-F-02"]


def test_a_change_makes_a_new_version_and_old_cycles_keep_theirs(hr: Any) -> None:
    first = indicator_save(actor=hr, code="X-F-01", effective_from=D(2026, 1, 1), **ANSWERS)
    same = indicator_save(actor=hr, code="X-F-01", effective_from=D(2026, 3, 1), **ANSWERS)
    assert same.pk == first.pk
    second = indicator_save(
        actor=hr,
        code="X-F-01",
        effective_from=D(2026, 7, 1),
        reason="口径调整",
        **{**ANSWERS, "formula": "实际 / 预算"},
    )
    first.refresh_from_db()
    assert first.effective_to == D(2026, 6, 30)
    indicator = first.indicator
    assert indicator_version_at(indicator=indicator, on=D(2026, 6, 30)) == first
    assert indicator_version_at(indicator=indicator, on=D(2026, 7, 1)) == second
    assert indicator_version_at(indicator=indicator, on=D(2025, 12, 31)) is None
    assert IndicatorVersion.objects.count() == 2


def test_a_new_version_cannot_take_effect_before_the_current_one(hr: Any) -> None:
    indicator_save(actor=hr, code="X-F-01", effective_from=D(2026, 7, 1), **ANSWERS)
    with pytest.raises(ServiceError, match="after version 1"):
        indicator_save(
            actor=hr, code="X-F-01", effective_from=D(2026, 7, 1), **{**ANSWERS, "unit": "次"}
        )


def test_retiring_ends_the_current_version(hr: Any) -> None:
    version = indicator_save(actor=hr, code="X-F-01", effective_from=D(2026, 1, 1), **ANSWERS)
    indicator_retire(indicator=version.indicator, actor=hr, effective_to=D(2026, 12, 31))
    assert indicator_version_at(indicator=version.indicator, on=D(2027, 1, 1)) is None
    with pytest.raises(ServiceError):
        indicator_retire(indicator=version.indicator, actor=hr, effective_to=D(2025, 1, 1))


def test_only_hr_changes_the_dictionary(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        indicator_save(actor=company.manager.user, code="X", effective_from=D(2026, 1, 1))


def test_unknown_fields_are_refused(hr: Any) -> None:
    with pytest.raises(TypeError, match="colour"):
        indicator_save(actor=hr, code="X", effective_from=D(2026, 1, 1), colour="red")
