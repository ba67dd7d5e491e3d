"""A scheme document's problems in the reader's language, from the engine itself: the
scheme editor page and its live check (/hr/schemes/<code>/edit/, /hr/schemes/check/)
and the API's validate endpoint, in Chinese for a Chinese reader, else in English."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from jixiao.api.services import token_create
from jixiao.schemes.services import scheme_save
from tests.apps.factories import PASSWORD

GOOD = """\
code: T-FIN
name: 财务部经理
sections:
  - name: 财务指标
    weight: 40
    items:
      - {name: 预算, weight: 100, rule: {direct: {}}}
  - name: 运营指标
    weight: 60
    items:
      - {name: 成本, weight: 50, rule: {direct: {}}}
      - {name: 预算执行偏差率, weight: 50, rule: {bands: [['>= 98%', 100], [else, 20]]}}
"""
BAD = GOOD.replace("[else, 20]", "[about, 20]").replace(
    "{name: 成本, weight: 50", "{name: 成本, weight: -5"
)
ZH_PROBLEMS = [
    "第 2 节「运营指标」第 1 项「成本」的权重：不能小于 0，实为 -5",
    "第 2 节「运营指标」第 2 项「预算执行偏差率」的计分规则第 2 行："
    "'about' 不是条件（请写 '>= 98%'、'< 5'、'[0.95, 0.98)' 或“其他”）",
]
EN_PROBLEMS = [
    "section 2 “运营指标”, item 1 “成本”, weight: must be at least 0, got -5",
    "section 2 “运营指标”, item 2 “预算执行偏差率”, rule row 2: "
    "not a condition: 'about' (write e.g. '>= 98%', '< 5', '[0.95, 0.98)' or else)",
]


def client_in(user: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_scheme_editor_check_speaks_the_readers_language(hr: Any) -> None:
    scheme_save(actor=hr, text=GOOD)
    for language, expected in (("zh-hans", ZH_PROBLEMS), ("en", EN_PROBLEMS)):
        client = client_in(hr, language)
        page = client.post("/hr/schemes/check/", {"text": BAD}).content.decode()
        for problem in expected:
            place, message = problem.split("：" if language == "zh-hans" else ": ", 1)
            assert f"{place}: {message}" in page.replace("&#x27;", "'").replace(
                "&quot;", '"'
            ).replace("&lt;", "<").replace("&gt;", ">"), (language, problem)
        edit = client.post("/hr/schemes/T-FIN/edit/", {"text": BAD, "comment": "x"})
        assert edit.status_code == 200
    chinese = client_in(hr, "zh-hans").post("/hr/schemes/check/", {"text": BAD}).content.decode()
    assert "not a condition" not in chinese and "must be at least" not in chinese


def test_the_api_validate_endpoint_speaks_the_readers_language(hr: Any) -> None:
    _token, secret = token_create(actor=hr, name="脚本")
    for language, expected in (("zh-hans", ZH_PROBLEMS), ("en", EN_PROBLEMS)):
        response = Client(HTTP_ACCEPT_LANGUAGE=language).post(
            "/api/v1/schemes/validate",
            data=json.dumps({"text": BAD}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        body = response.json()
        assert body["valid"] is False
        separator = "：" if language == "zh-hans" else ": "
        said = [f"{p['place']}{separator}{p['message']}" for p in body["problems"]]
        assert said == expected, language
