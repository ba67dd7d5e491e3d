"""A result keeps the engine's English output (`data`, what `jixiao score` prints)
and its words in Chinese (`wording`); the pages show the reader's language."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jixiao.appraisals.models import Cycle, Result
from jixiao.hr.services import cycle_publish_calibrated
from tests.apps.conftest import appraisal_of, record_full_facts
from tests.apps.hr_setup import to_calibration

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def scored(company: SimpleNamespace, open_cycle: Cycle, hr: Any) -> Result:
    appraisal = record_full_facts(
        open_cycle, company.clerks[0], hr, actual=1_010_000, rating=4, violations=2
    )
    return Result.objects.get(appraisal=appraisal)


def test_the_chinese_words_are_stored_beside_the_engines_english(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    result = scored(company, open_cycle, hr)
    words = result.wording["zh"]
    items = result.data["items"]
    assert len(words["items"]) == len(items) == 3
    budget = items[0]["trace"]
    assert "0.99 matched" in budget and "→ 100" in budget  # the engine's English
    assert words["items"][0] != budget and CJK.search(words["items"][0])
    assert "0.99" in words["items"][0] and "100" in words["items"][0]  # same numbers
    deduction = words["items"][1]
    assert CJK.search(deduction) and "violation" in deduction  # the scheme's own name stays
    assert "20" in deduction  # 2 violations × 10


def test_shown_follows_the_language_and_keeps_the_numbers(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    result = scored(company, open_cycle, hr)
    chinese, english = result.shown("zh-hans"), result.shown("en")
    assert english == result.data
    assert [item["trace"] for item in chinese["items"]] == result.wording["zh"]["items"]
    for field in ("score", "value", "weight", "contribution", "full"):
        assert [i[field] for i in chinese["items"]] == [i[field] for i in english["items"]]
    assert chinese["total"] == english["total"] and chinese["grade"] == english["grade"]
    assert "0.99 matched" in result.data["items"][0]["trace"]  # data untouched
    with translation.override("zh-hans"):
        assert result.shown() == chinese
    # a result stored before the words existed shows the English
    result.wording = {}
    assert result.shown("zh-hans") == result.data


def test_the_employee_reads_the_traces_in_the_pages_language(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    cycle_publish_calibrated(cycle=cycle, actor=hr)
    clerk = company.clerks[0]
    appraisal = appraisal_of(cycle, clerk)
    result = Result.objects.get(appraisal=appraisal)
    client = Client()
    client.force_login(clerk.user)
    url = f"/appraisals/{appraisal.pk}/result/"

    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for trace in result.wording["zh"]["items"]:
        assert trace in chinese
    assert result.data["items"][0]["trace"] not in chinese

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert result.data["items"][0]["trace"].replace(">", "&gt;") in english
    assert result.wording["zh"]["items"][0] not in english


def test_the_api_gives_both(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> None:
    result = scored(company, open_cycle, hr)
    client = Client()
    client.force_login(hr)
    body = client.get(f"/api/v1/appraisals/{result.appraisal_id}/result").json()
    assert body["data"] == result.data
    assert body["wording"]["zh"]["items"] == result.wording["zh"]["items"]
