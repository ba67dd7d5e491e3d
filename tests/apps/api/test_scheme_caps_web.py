"""Scheme documents that cannot exhaust the server, through the web (issue 10).

The bombs of tests/scoring/test_scheme_caps.py sent where a person can send a
document: the API's validate and trial (HR only now: any other account gets the
API's usual 403), the HR editor's live check (sent on every keystroke) and its
save. Each is refused at once with the cap named, in the reader's language, and
nothing is saved. The caps are settings (JIXIAO_SCHEME_MAX_BYTES, _MAX_NODES).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings

from jixiao.core.models import AuditEvent
from jixiao.schemes.models import Scheme, SchemeVersion
from tests.apps.api.conftest import assert_error
from tests.apps.conftest import SCHEME
from tests.apps.factories import PASSWORD
from tests.scoring.test_scheme_caps import BOMBS

pytestmark = pytest.mark.django_db

FACTS = {"period": "2026-10", "appraisees": []}


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("name", BOMBS)
def test_the_api_refuses_every_bomb_naming_the_cap(name: str, apis: SimpleNamespace) -> None:
    text, cap = BOMBS[name]
    answer = apis.hr.post("/schemes/validate", {"text": text})
    if len(text) > 1_000_000:  # past the request schema's own limit on the field
        error = assert_error(answer, 422, "invalid_request")
        assert error["details"][0]["field"].endswith("text")
        return
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["valid"] is False
    [problem] = body["problems"]
    assert cap in problem["message"]
    error = assert_error(
        apis.hr.post("/schemes/trial", {"text": text, "facts": FACTS}), 422, "invalid_scheme"
    )
    assert cap in error["details"][0]["message"]


@pytest.mark.parametrize("role", ["auditor", "boss", "manager", "clerk", "worker", "committee"])
def test_only_hr_may_check_or_try_out_a_document(role: str, apis: SimpleNamespace) -> None:
    client = getattr(apis, role)
    for path, body in [
        ("/schemes/validate", {"text": SCHEME}),
        ("/schemes/trial", {"text": SCHEME, "facts": FACTS}),
    ]:
        error = assert_error(client.post(path, body), 403, "forbidden")
        assert "only HR" in error["message"]
    assert apis.hr.post("/schemes/validate", {"text": SCHEME}).json()["valid"] is True


def test_service_tokens_and_strangers_are_refused_too(apis: SimpleNamespace) -> None:
    assert_error(apis.finance_system.post("/schemes/validate", {"text": SCHEME}), 403, "forbidden")
    assert_error(apis.anonymous.post("/schemes/validate", {"text": SCHEME}), 401, "unauthenticated")
    assert_error(
        apis.anonymous.post("/schemes/trial", {"text": SCHEME, "facts": FACTS}),
        401,
        "unauthenticated",
    )


@pytest.mark.parametrize("name", BOMBS)
def test_the_editors_live_check_refuses_every_bomb(name: str, hr: Any) -> None:
    text, cap = BOMBS[name]
    page = signed_in(hr).post("/hr/schemes/check/", {"text": text}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    content = page.content.decode()
    assert cap in content
    assert 'data-errors="1"' in content
    assert len(content) < 200_000  # a refused document is not listed back line by line


@pytest.mark.parametrize("name", ["alias bomb (7 levels x 10, 400 bytes)", "huge text"])
def test_saving_a_bomb_saves_nothing(name: str, hr: Any, scheme: SchemeVersion) -> None:
    text, cap = BOMBS[name]
    before = AuditEvent.objects.count()
    page = signed_in(hr).post("/hr/schemes/new/", {"text": text, "comment": "x"})
    assert page.status_code == 200
    assert cap in page.content.decode()
    assert Scheme.objects.count() == 1 and SchemeVersion.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_the_refusal_is_in_chinese_for_a_chinese_reader(hr: Any, apis: SimpleNamespace) -> None:
    text, _cap = BOMBS["alias bomb (7 levels x 10, 400 bytes)"]
    page = signed_in(hr, "zh-hans").post(
        "/hr/schemes/check/", {"text": text}, HTTP_HX_REQUEST="true"
    )
    assert "文档展开后超过 100,000 个节点" in page.content.decode()
    apis.hr.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    body = apis.hr.post("/schemes/validate", {"text": text}).json()
    assert "文档展开后超过 100,000 个节点" in body["problems"][0]["message"]
    apis.clerk.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    error = assert_error(apis.clerk.post("/schemes/validate", {"text": SCHEME}), 403, "forbidden")
    assert error["message"] == "只有负责编辑考核方案的人力资源可以检查或试算考核方案文档"


@override_settings(JIXIAO_SCHEME_MAX_NODES=50, JIXIAO_SCHEME_MAX_BYTES=100_000)
def test_the_caps_are_settings(apis: SimpleNamespace) -> None:
    body = apis.hr.post("/schemes/validate", {"text": SCHEME}).json()
    assert body["valid"] is False
    assert "more than 50 nodes" in body["problems"][0]["message"]
    big = SCHEME + "# " + "x" * 100_000 + "\n"
    with override_settings(JIXIAO_SCHEME_MAX_NODES=100_000):
        assert apis.hr.post("/schemes/validate", {"text": SCHEME}).json()["valid"] is True
        body = apis.hr.post("/schemes/validate", {"text": big}).json()
    assert "at most 100,000 bytes" in body["problems"][0]["message"]
