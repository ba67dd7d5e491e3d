"""Notifications that arrive (issue 13): what asks someone to act or tells them a
result becomes an in-app notice in the same transaction, then an e-mail, and for
cycle news a message to the units' DingTalk / WeCom group robots — posted over
HTTP to a local test server here, signed as DingTalk signs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.errors import NotAllowed
from jixiao.jobs.models import Job
from jixiao.notices.delivery import notices_deliver, signed_url
from jixiao.notices.models import Notice, RobotMessage, UnitRobot
from jixiao.notices.services import preference_set, robot_create
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, publish, to_calibration

pytestmark = pytest.mark.django_db


class Robots:
    """A local webhook receiver: records each post; answers what `answer` says."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                url = urllib.parse.urlsplit(self.path)
                robots.posts.append(
                    {
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                data = json.dumps(robots.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(autouse=True)
def chinese_company(settings: Any) -> None:
    """Notices are written in the company's language (the product's default)."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def robots() -> Iterator[Robots]:
    server = Robots()
    yield server
    server.server.shutdown()


@pytest.fixture
def published(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Any:
    return publish(open_cycle, hr, company)


def test_publishing_tells_each_appraisee_with_a_link_to_their_result(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    for person in (company.manager, *company.clerks):
        person.user.email = f"{person.user.username}@example.com"
        person.user.save()
    publish(open_cycle, hr, company)
    clerk = appraisal_of(open_cycle, company.clerks[0])
    notice = Notice.objects.get(recipient=company.clerks[0].user, kind="result_published")
    assert notice.text == "2026年10月考核 的考核结果已公示"
    assert notice.url == f"/appraisals/{clerk.pk}/result/"
    assert Notice.objects.filter(kind="result_published").count() == 3
    delivered = notices_deliver()
    assert delivered.emails == 3
    assert {m.to[0] for m in mail.outbox} >= {"clerk2@example.com", "zhangmin@example.com"}
    assert Notice.objects.filter(kind="result_published", emailed_at__isnull=True).count() == 0
    assert notices_deliver().emails == 0  # sent once


def test_a_withdrawn_appraisee_is_not_told_a_result_is_published(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    to_calibration(open_cycle, hr, company)
    withdrawn = appraisal_of(open_cycle, company.clerks[1])
    services.appraisal_transition(
        appraisal=withdrawn, actor=hr, to=AppraisalState.WITHDRAWN, reason="调岗"
    )
    services.cycle_publish(cycle=open_cycle, actor=hr)
    told = set(Notice.objects.filter(kind="result_published").values_list("recipient", flat=True))
    assert company.clerks[0].user.pk in told
    assert company.clerks[1].user.pk not in told
    assert len(told) == 2


def test_the_notice_is_listed_and_opens_the_result(
    published: Any, company: SimpleNamespace
) -> None:
    client = client_for(company.clerks[0].user)
    page = client.get("/notices/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026年10月考核 的考核结果已公示" in page
    notice = Notice.objects.get(recipient=company.clerks[0].user, kind="result_published")
    opened = client.post(f"/notices/{notice.pk}/read/")
    assert opened.status_code == 302 and opened["Location"] == notice.url


def test_group_robots_get_the_units_news_signed_as_dingtalk_signs(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, robots: Robots
) -> None:
    ding = robot_create(
        actor=hr,
        unit=company.finance,
        platform="dingtalk",
        url=f"{robots.base}/robot/send?access_token=abc",
        secret="SECtest",
    )
    robot_create(
        actor=hr,
        unit=company.finance,
        platform="wecom",
        url=f"{robots.base}/cgi-bin/webhook/send?key=k",
    )
    robot_create(actor=hr, unit=company.production, platform="wecom", url=f"{robots.base}/other")
    publish(open_cycle, hr, company)
    assert RobotMessage.objects.filter(robot__unit=company.finance).count() == 2
    assert not RobotMessage.objects.filter(robot__unit=company.production).exists()
    delivered = notices_deliver()
    assert delivered.robot_messages == 2 and delivered.robot_failures == 0
    by_path = {post["path"]: post for post in robots.posts}
    signed = by_path["/robot/send"]
    stamp = signed["query"]["timestamp"]
    expected = base64.b64encode(
        hmac.new(b"SECtest", f"{stamp}\nSECtest".encode(), hashlib.sha256).digest()
    ).decode()
    assert signed["query"]["sign"] == expected
    assert signed["query"]["access_token"] == "abc"
    text = signed["body"]["text"]["content"]
    assert signed["body"]["msgtype"] == "text"
    assert "2026年10月考核" in text and "3 人" in text
    assert "sign" not in by_path["/cgi-bin/webhook/send"]["query"]
    assert RobotMessage.objects.filter(robot=ding, sent_at__isnull=False).count() == 1


def test_a_refused_robot_message_keeps_its_error_and_is_tried_again(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, robots: Robots
) -> None:
    robot_create(actor=hr, unit=company.finance, platform="dingtalk", url=f"{robots.base}/send")
    publish(open_cycle, hr, company)
    robots.answer = {"errcode": 310000, "errmsg": "sign not match"}
    assert notices_deliver().robot_failures == 1
    message = RobotMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert "310000" in message.error and "sign not match" in message.error
    robots.answer = {"errcode": 0, "errmsg": "ok"}
    assert notices_deliver().robot_messages == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2


def test_an_unreachable_robot_is_an_error_in_words_not_a_crash(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    robot_create(actor=hr, unit=company.finance, platform="wecom", url="http://127.0.0.1:9/x")
    publish(open_cycle, hr, company)
    assert notices_deliver().robot_failures == 1
    assert RobotMessage.objects.get().error


def test_dingtalk_without_a_secret_and_wecom_are_posted_as_configured(company: Any) -> None:
    robot = UnitRobot(unit=company.finance, platform="dingtalk", url="https://x/send?a=1")
    assert signed_url(robot) == "https://x/send?a=1"
    robot.secret = "SEC1"
    assert signed_url(robot, now_ms=1700000000000).startswith(
        "https://x/send?a=1&timestamp=1700000000000&sign="
    )


def test_only_hr_configures_robots(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        robot_create(
            actor=company.manager.user, unit=company.finance, platform="wecom", url="http://x"
        )


def test_appeals_tell_hr_and_the_manager_then_the_appellant(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    clerk = company.clerks[0].user
    appeal = services.appeal_file(
        appraisal=published, actor=clerk, item="内部控制管理", reason="评分与事实不符"
    )
    told = set(Notice.objects.filter(kind="appeal_filed").values_list("recipient", flat=True))
    assert told == {hr.pk, company.manager.user.pk}
    assert Notice.objects.get(recipient=hr, kind="appeal_filed").text.startswith("李强 对")
    services.appeal_accept(appeal=appeal, actor=hr, reason="受理")
    notice = Notice.objects.get(recipient=clerk, kind="appeal_answered")
    assert notice.text == "你对 2026年10月考核 的申诉已受理"
    assert notice.url == f"/appeals/{appeal.pk}/"


def test_signed_targets_tell_the_employee_and_acknowledgement_the_manager(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[1])
    services.targets_sign(appraisal=appraisal, actor=company.manager.user)
    assert Notice.objects.get(recipient=company.clerks[1].user, kind="targets_signed").url == (
        f"/appraisals/{appraisal.pk}/targets/"
    )
    services.targets_acknowledge(appraisal=appraisal, actor=company.clerks[1].user)
    notice = Notice.objects.get(recipient=company.manager.user, kind="targets_acknowledged")
    assert notice.text == "王芳 已确认 2026年10月考核 的目标"


def test_a_person_can_mute_a_kind_and_refuse_email(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    first, second = (clerk.user for clerk in company.clerks)
    for user in (first, second):
        user.email = f"{user.username}@example.com"
        user.save()
    preference_set(user=first, email=True, muted=["result_published"])
    preference_set(user=second, email=False, muted=[])
    publish(open_cycle, hr, company)
    assert not Notice.objects.filter(recipient=first, kind="result_published").exists()
    assert Notice.objects.filter(recipient=second, kind="result_published").exists()
    notices_deliver()
    assert not [m for m in mail.outbox if m.to == [second.email]]


def test_the_preferences_page_saves_in_chinese(company: SimpleNamespace) -> None:
    user = company.clerks[0].user
    client = client_for(user)
    page = client.get("/notices/preferences/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "通知设置" in page and "公示结果" in page
    client.post("/notices/preferences/", {"kind": ["appeal_answered"]})
    stored = user.notice_preference
    assert stored.email is False
    assert "result_published" in stored.muted and "appeal_answered" not in stored.muted


def test_a_notification_queues_one_delivery_job_after_the_commit(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[1])
    with django_capture_on_commit_callbacks(execute=True):
        services.targets_sign(appraisal=appraisal, actor=company.manager.user)
    assert Job.objects.filter(kind="notices_deliver").count() == 1


def test_publishing_notifies_everyone_in_a_fixed_number_of_queries(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    """One notice per appraisee, but the preferences and robots are read once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.core.models import AuditEvent
    from jixiao.notices.events import notify

    publish(open_cycle, hr, company)
    event = AuditEvent.objects.get(action="cycle.published")
    Notice.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        assert notify(event) == 3
    assert len(queries) <= 8
