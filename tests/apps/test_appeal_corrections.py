"""An appeal's corrections are linked to it by id (the audit event's context), never
by matching translated text: HR corrects in one language, the appraisee reads the
appeal in another and sees every correction, in words of the reader's language."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Cycle, Fact
from jixiao.core.errors import ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.portal_world import client_for, publish

pytestmark = pytest.mark.django_db

ITEM = "预算执行偏差率"
HEADING = {"en": "Facts corrected on this appeal", "zh-hans": "本次申诉更正的事实"}
INPUT = {"en": "input", "zh-hans": "输入项"}


@pytest.fixture
def appeal(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Appeal:
    published = publish(open_cycle, hr, company)
    filed = services.appeal_file(
        appraisal=published, actor=company.clerks[0].user, item=ITEM, reason="实际支出口径有误"
    )
    services.appeal_accept(appeal=filed, actor=hr)
    return filed


def _page(user: Any, appeal: Appeal, language: str) -> str:
    client = client_for(user)
    client.cookies["django_language"] = language
    page = client.get(f"/appeals/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert page.headers["Content-Language"] == language
    return page.content.decode()


@pytest.mark.parametrize(
    ("writer", "reader"), [("en", "zh-hans"), ("zh-hans", "en")], ids=["en→zh", "zh→en"]
)
def test_a_correction_written_in_one_language_shows_to_a_reader_in_another(
    hr: Any, company: SimpleNamespace, appeal: Appeal, writer: str, reader: str
) -> None:
    old = Fact.objects.get(appraisal=appeal.appraisal, item=ITEM, kind="input", key="actual").value
    with translation.override(writer):
        services.appeal_correct_fact(
            appeal=appeal, actor=hr, kind="input", key="actual", value=1000000
        )
    for user in (company.clerks[0].user, hr):  # the appellant, and HR in the other language
        content = _page(user, appeal, reader)
        assert HEADING[reader] in content
        shown = content.split(HEADING[reader], 1)[1]
        assert ITEM in shown  # the item's name
        assert f"{INPUT[reader]} actual" in shown  # what was corrected, in the reader's words
        assert f"{old} → 1000000" in shown  # the old and the new value
        assert "{" not in shown.split("</ul>", 1)[0]  # words, not a raw dict


def test_the_correction_event_carries_the_appeal_and_the_fact_as_data(
    hr: Any, appeal: Appeal
) -> None:
    fact = services.appeal_correct_fact(
        appeal=appeal, actor=hr, kind="input", key="actual", value=1000000
    )
    event = AuditEvent.objects.get(action="appeal.fact_corrected")
    changed = AuditEvent.objects.get(action="fact.changed", target_id=str(fact.pk))
    assert (event.target_type, event.target_id) == ("appraisals.appeal", str(appeal.pk))
    assert event.context == {
        "appeal": appeal.pk,
        "fact": fact.pk,
        "fact_event": changed.pk,
        "item": ITEM,
        "kind": "input",
        "key": "actual",
    }
    assert event.after == {"value": 1000000}
    assert event.before is not None and event.before["value"] != 1000000
    assert event.actor == hr


def test_a_correction_to_the_value_already_recorded_is_refused(hr: Any, appeal: Appeal) -> None:
    old = Fact.objects.get(appraisal=appeal.appraisal, item=ITEM, kind="input", key="actual").value
    with pytest.raises(ServiceError, match="already"):
        services.appeal_correct_fact(appeal=appeal, actor=hr, kind="input", key="actual", value=old)
    assert not AuditEvent.objects.filter(action="appeal.fact_corrected").exists()


def test_corrections_of_one_appeal_do_not_show_on_another(
    hr: Any, company: SimpleNamespace, appeal: Appeal
) -> None:
    other = services.appeal_file(
        appraisal=appeal.appraisal, actor=company.clerks[0].user, item="", reason="实际支出口径有误"
    )
    services.appeal_accept(appeal=other, actor=hr)
    services.appeal_correct_fact(appeal=appeal, actor=hr, kind="input", key="actual", value=1000000)
    assert HEADING["en"] in _page(hr, appeal, "en")
    assert HEADING["en"] not in _page(hr, other, "en")
