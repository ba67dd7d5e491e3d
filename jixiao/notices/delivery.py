"""Delivering notifications after their commit: one e-mail per person listing their
new notices (unless they asked for none), and each waiting group-robot message
posted to its webhook — DingTalk's signed (加签: HMAC-SHA256 of
"timestamp\\nsecret", base64, in the address) where a secret is set, WeCom's as is.

Sending is at-least-once and never half-recorded: a notice is marked e-mailed
after the mail backend accepted it; a robot message is marked sent when the
platform answers `errcode: 0`, otherwise its error is kept and it is tried again
by the next delivery (at most `ATTEMPTS` times).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.notices.models import Notice, NoticePreference, RobotMessage, RobotPlatform, UnitRobot

ATTEMPTS = 5
TIMEOUT = 10  # seconds per webhook call


@dataclass(frozen=True)
class Delivered:
    emails: int
    robot_messages: int
    robot_failures: int


def signed_url(robot: UnitRobot, now_ms: int | None = None) -> str:
    """The address to post to: DingTalk's with `timestamp` and `sign` when it has a secret."""
    if robot.platform != RobotPlatform.DINGTALK or not robot.secret:
        return robot.url
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        robot.secret.encode(), f"{stamp}\n{robot.secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in robot.url else "?"
    return f"{robot.url}{joiner}timestamp={stamp}&sign={sign}"


def post_robot(robot: UnitRobot, text: str) -> str:
    """Post one text message; "" when the platform took it, else the error in words."""
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = urllib.request.Request(
        signed_url(robot),
        data=body.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read().decode() or "{}")
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
        return _("the robot could not be reached: %(error)s") % {"error": error}
    if answer.get("errcode", 0) != 0:
        return _("the platform refused the message: %(code)s %(message)s") % {
            "code": answer.get("errcode"),
            "message": answer.get("errmsg", ""),
        }
    return ""


def _emails() -> int:
    waiting = Notice.objects.filter(
        emailed_at__isnull=True, key__startswith="event:", recipient__is_active=True
    ).exclude(recipient__email="")
    no_mail = set(NoticePreference.objects.filter(email=False).values_list("user_id", flat=True))
    by_person: dict[int, list[Notice]] = defaultdict(list)
    for notice in waiting.select_related("recipient").order_by("pk")[:20000]:
        if notice.recipient_id not in no_mail:
            by_person[notice.recipient_id].append(notice)
    sent = 0
    base = settings.JIXIAO_BASE_URL.rstrip("/")
    for notices in by_person.values():
        person = notices[0].recipient
        lines = [f"- {n.text}" + (f"\n  {base}{n.url}" if n.url else "") for n in notices]
        send_mail(
            subject=_("jixiao: %(text)s") % {"text": notices[0].text}
            if len(notices) == 1
            else _("jixiao: %(count)s new notices") % {"count": len(notices)},
            message="\n".join(lines),
            from_email=None,
            recipient_list=[person.email],
        )
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _robots() -> tuple[int, int]:
    sent = failed = 0
    waiting = RobotMessage.objects.filter(
        sent_at__isnull=True, attempts__lt=ATTEMPTS, robot__is_active=True
    ).select_related("robot")
    for message in waiting.order_by("pk")[:1000]:
        error = post_robot(message.robot, message.text)
        message.attempts += 1
        message.error = error[:300]
        if not error:
            message.sent_at = timezone.now()
            sent += 1
        else:
            failed += 1
        message.save(update_fields=["attempts", "error", "sent_at"])
    return sent, failed


def notices_deliver() -> Delivered:
    """Send what waits: e-mails of event notices, then robot messages."""
    with translation.override(settings.LANGUAGE_CODE):
        emails = _emails()
        sent, failed = _robots()
    return Delivered(emails=emails, robot_messages=sent, robot_failures=failed)
