"""Notifications end to end in a real browser (issue 13): HR sets up the finance
department's DingTalk group robot on 群机器人 and tries it; HR publishes the cycle;
the group robot — a local webhook receiver here — gets the unit's news, signed as
DingTalk signs; the employee finds the notice in jixiao and opens the result."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle
from jixiao.appraisals.workflow import CycleState
from jixiao.notices.models import UnitRobot
from tests.apps.conftest import appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.apps.test_notifications import Robots
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "SECe2e0journey"


@pytest.fixture(autouse=True)
def chinese_company(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def robots() -> Iterator[Robots]:
    server = Robots()
    yield server
    server.server.shutdown()


def posted(robots: Robots, words: str, seconds: float = 15) -> dict[str, Any]:
    """The receiver's post whose text holds `words`, waiting for the delivery job."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for post in robots.posts:
            if words in post["body"]["text"]["content"]:
                return post
        time.sleep(0.2)
    raise AssertionError(f"no post with {words!r}: {robots.posts}")


def signed_right(post: dict[str, Any]) -> bool:
    stamp = post["query"]["timestamp"]
    digest = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    return bool(post["query"]["sign"] == base64.b64encode(digest).decode())


def test_hr_sets_up_a_group_robot_publishes_and_the_group_and_the_employee_are_told(
    page: Any, hr: Any, company: SimpleNamespace, open_cycle: Cycle, robots: Robots
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    log_in(page, hr.username)
    page.click("nav a[href='/hr/robots/']")
    page.select_option("#id_unit", label="财务部")
    page.select_option("#id_platform", "dingtalk")
    page.fill("#id_name", "财务部考核群")
    page.fill("#id_url", f"{robots.base}/robot/send?access_token=0123456789abcdef")
    page.fill("#id_secret", SECRET)
    page.click("#robot-form button[value=save]")
    page.locator(".messages .success").wait_for()
    assert "已添加群机器人" in page.locator(".messages").inner_text()
    row = page.locator("tr[data-robot]")
    assert "access_token=0123…" in row.inner_text() and "0123456789abcdef" not in page.content()

    row.locator("button[value=test]").click()
    page.locator(".messages .success").wait_for()
    assert "测试消息已发送" in page.locator(".messages").inner_text()
    assert signed_right(posted(robots, "群机器人已设置好"))

    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/")
    assert "位员工将收到通知" in page.locator("#move-preview").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-move='published']")
    page.locator("a[href$='/export/']").wait_for()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED

    news = posted(robots, "考核结果已公示")
    assert signed_right(news) and news["query"]["access_token"] == "0123456789abcdef"
    assert company.clerks[0].name not in news["body"]["text"]["content"]  # nothing personal
    assert UnitRobot.objects.get().messages.filter(sent_at__isnull=False).count() >= 1

    clerk = company.clerks[0]
    page.context.clear_cookies()
    log_in(page, clerk.user.username, then="/")
    page.goto(f"{page.base_url}/notices/")
    notice = page.locator("li", has_text="2026年10月考核 的考核结果已公示").first
    notice.get_by_role("button", name="打开").click()
    result = appraisal_of(cycle, clerk)
    page.wait_for_url(f"**/appraisals/{result.pk}/result/")
    assert clerk.name in page.content()


def test_the_signature_check_of_the_receiver_is_real() -> None:
    """The helper above would notice a wrong sign (so the journey cannot pass on one)."""
    stamp = "1700000000000"
    digest = hmac.new(b"other", f"{stamp}\nother".encode(), hashlib.sha256).digest()
    wrong = {"query": {"timestamp": stamp, "sign": base64.b64encode(digest).decode()}}
    assert not signed_right(wrong)
