"""HR sets up the units' group robots (钉钉/企业微信群机器人) on a page of its own, in
Chinese, without an engineer: adds one, tries it with a test message to a local
webhook receiver, switches it off, changes it keeping its secret. Neither the token
in the webhook address nor the signing secret is ever shown back or written to the
audit log, which is kept for ever."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from jixiao.core.models import AuditEvent
from jixiao.notices.models import UnitRobot
from tests.apps.test_hr_pages import signed_in
from tests.apps.test_notifications import Robots

pytestmark = pytest.mark.django_db

URL = reverse("hr:robot_list")
TOKEN = "9f86d081884c7d659a2feaa0c55ad015"
SECRET = "SECa1b2c3d4e5f6"


@pytest.fixture(autouse=True)
def chinese_company(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def robots() -> Iterator[Robots]:
    server = Robots()
    yield server
    server.server.shutdown()


def add(client: Any, unit: Any, url: str, secret: str = SECRET) -> Any:
    return client.post(
        URL,
        {"action": "save", "unit": unit.pk, "platform": "dingtalk", "name": "财务部群",
         "url": url, "secret": secret},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )  # fmt: skip


def test_hr_adds_a_robot_and_sees_it_without_its_token_or_secret(
    hr: Any, company: SimpleNamespace, robots: Robots
) -> None:
    client = signed_in(hr)
    page = add(client, company.finance, f"{robots.base}/robot/send?access_token={TOKEN}")
    text = page.content.decode()

    robot = UnitRobot.objects.get()
    assert (robot.unit, robot.platform, robot.secret) == (company.finance, "dingtalk", SECRET)
    assert "已添加群机器人" in text and "财务部群" in text and "access_token=9f86…" in text
    assert TOKEN not in text and SECRET not in text
    event = AuditEvent.objects.get(action="robot.created")
    written = json.dumps([event.before, event.after], ensure_ascii=False)
    assert TOKEN not in written and SECRET not in written
    assert event.after["secret"] is True and event.after["url"].endswith("access_token=9f86…")


def test_a_test_message_reaches_the_group_signed_and_a_refusal_is_said(
    hr: Any, company: SimpleNamespace, robots: Robots
) -> None:
    client = signed_in(hr)
    add(client, company.finance, f"{robots.base}/robot/send?access_token={TOKEN}")
    robot = UnitRobot.objects.get()

    page = client.post(URL, {"action": "test", "robot": robot.pk}, follow=True).content.decode()
    assert "测试消息已发送" in page
    (post,) = robots.posts
    assert post["query"]["access_token"] == TOKEN and "sign" in post["query"]
    assert "群机器人已设置好" in post["body"]["text"]["content"]

    robots.answer = {"errcode": 310000, "errmsg": "sign not match"}
    page = client.post(URL, {"action": "test", "robot": robot.pk}, follow=True).content.decode()
    assert "测试消息未能送达" in page and "310000" in page


def test_switching_off_and_changing_keeps_the_secret_unless_a_new_one_is_given(
    hr: Any, company: SimpleNamespace, robots: Robots
) -> None:
    client = signed_in(hr)
    add(client, company.finance, f"{robots.base}/robot/send?access_token={TOKEN}")
    robot = UnitRobot.objects.get()

    client.post(URL, {"action": "off", "robot": robot.pk})
    robot.refresh_from_db()
    assert not robot.is_active
    assert AuditEvent.objects.get(action="robot.updated").after == {"is_active": False}

    client.post(
        URL,
        {"action": "save", "robot": robot.pk, "unit": company.production.pk,
         "platform": "dingtalk", "name": "生产群", "url": robot.url, "secret": ""},
    )  # fmt: skip
    robot.refresh_from_db()
    assert (robot.unit, robot.name, robot.secret) == (company.production, "生产群", SECRET)


def test_an_address_that_is_not_https_is_refused_in_words(
    hr: Any, company: SimpleNamespace
) -> None:
    page = add(signed_in(hr), company.finance, "http://oapi.dingtalk.com/robot/send?access_token=x")
    assert "群机器人的地址应以 https:// 开头" in page.content.decode()
    assert not UnitRobot.objects.exists()


def test_only_hr_changes_robots_and_the_auditor_only_reads(
    hr: Any, auditor: Any, company: SimpleNamespace
) -> None:
    assert signed_in(auditor).get(URL).status_code == 200
    assert add(signed_in(auditor), company.finance, "https://x.example/s").status_code == 404
    assert signed_in(company.clerks[0].user).get(URL).status_code == 404
    assert not UnitRobot.objects.exists()
