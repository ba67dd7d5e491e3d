"""Reminders: the waiting work becomes in-app notices (one per piece of work, not
repeated) and one e-mail per person listing what is new, through Django's mail
settings (the console backend unless configured)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jixiao.accounts.models import User
from jixiao.appraisals.services.raters import survey_reminders_send
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed
from jixiao.core.roles import is_hr
from jixiao.notices.delivery import post_robot
from jixiao.notices.events import KINDS
from jixiao.notices.models import Notice, NoticePreference, UnitRobot
from jixiao.notices.waiting import Waiting, waiting_for


@dataclass(frozen=True)
class ReminderRun:
    people: int
    notices: int
    emails: int


def notices_refresh(*, user: Any) -> list[Notice]:
    """Create the notices of the work now waiting for `user` that have none yet;
    return the new ones."""
    created = []
    entries = [entry for group in waiting_for(user) for entry in group.entries]
    known = set(Notice.objects.filter(recipient=user).values_list("key", flat=True))
    for entry in entries:
        if entry.key in known:
            continue
        created.append(
            Notice.objects.create(
                recipient=user,
                key=entry.key[:100],
                kind=entry.kind,
                text=f"{entry.title}: {entry.subject}"[:300],
                url=entry.url,
                due=entry.due,
            )
        )
    return created


def _email_text(notices: Iterable[Notice]) -> str:
    lines = [_("Waiting for you in jixiao:"), ""]
    for notice in notices:
        due = _(" (due %(day)s)") % {"day": notice.due} if notice.due else ""
        lines.append(f"- {notice.text}{due}")
        if notice.url:
            lines.append(f"  {settings.JIXIAO_BASE_URL.rstrip('/')}{notice.url}")
    return "\n".join(lines)


def reminders_send(*, users: Iterable[User] | None = None) -> ReminderRun:
    """Refresh everyone's notices and e-mail each person what is new (the system acts);
    for everyone, also the 360 survey reminders (they leave as notification events)."""
    if users is None:
        survey_reminders_send()
    people = notices = emails = 0
    chosen = users if users is not None else User.objects.filter(is_active=True)
    with translation.override(settings.LANGUAGE_CODE):
        for user in chosen:
            with transaction.atomic():
                new = notices_refresh(user=user)
                notices += len(new)
                people += bool(new)
                if new and user.email:
                    send_mail(
                        subject=_("jixiao: %(count)s new things wait for you")
                        % {"count": len(new)},
                        message=_email_text(new),
                        from_email=None,
                        recipient_list=[user.email],
                    )
                    Notice.objects.filter(pk__in=[n.pk for n in new]).update(
                        emailed_at=timezone.now()
                    )
                    emails += 1
    return ReminderRun(people=people, notices=notices, emails=emails)


def notice_mark_read(*, notice: Notice, actor: Any) -> Notice:
    if notice.recipient_id != getattr(actor, "pk", None):
        raise NotAllowed(_("this notice is not yours"))
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


ROBOT_FIELDS = ("unit", "platform", "url", "secret", "is_active", "name")
TEST_MESSAGE = gettext_noop("jixiao: this group robot is set up and receives the unit's news.")


def robot_shown(robot: UnitRobot) -> dict[str, Any]:
    """What the audit log and the pages may say of a robot: its webhook address with
    the token in it shortened, and only whether it has a signing secret — either
    lets anyone post to the group, and the audit log is kept for ever."""
    return {
        "unit": robot.unit_id,
        "platform": robot.platform,
        "url": masked_url(robot.url),
        "secret": bool(robot.secret),
        "is_active": robot.is_active,
        "name": robot.name,
    }


def masked_url(url: str) -> str:
    """`https://oapi.dingtalk.com/robot/send?access_token=1a2b…`: each query value cut
    to its first four characters."""
    parts = urllib.parse.urlsplit(url)
    query = "&".join(
        f"{urllib.parse.quote(key)}={urllib.parse.quote(value[:4])}"
        + ("…" if len(value) > 4 else "")
        for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    )
    return parts._replace(query=query).geturl()


def robot_create(*, actor: Any, reason: str = "", **fields: Any) -> UnitRobot:
    """HR adds a unit's group robot (audited without its token or secret)."""
    if not is_hr(actor):
        raise NotAllowed(_("only HR configures group robots"))
    unknown = sorted(set(fields) - set(ROBOT_FIELDS))
    if unknown:
        raise TypeError(f"a group robot has no {', '.join(unknown)}")
    with transaction.atomic():
        robot = UnitRobot(**fields)
        robot.full_clean()
        robot.save()
        audit_record(
            actor=actor, action="robot.created", target=robot, after=robot_shown(robot),
            reason=reason,
        )  # fmt: skip
    return robot


def robot_update(*, robot: UnitRobot, actor: Any, reason: str = "", **changes: Any) -> UnitRobot:
    """HR changes a group robot (audited without its token or secret). An empty secret
    in `changes` keeps the one set; nothing is written when nothing changes."""
    if not is_hr(actor):
        raise NotAllowed(_("only HR configures group robots"))
    unknown = sorted(set(changes) - set(ROBOT_FIELDS))
    if unknown:
        raise TypeError(f"a group robot has no {', '.join(unknown)}")
    if changes.get("secret") == "":
        changes.pop("secret")
    with transaction.atomic():
        robot = UnitRobot.objects.select_for_update().get(pk=robot.pk)
        before, was = robot_shown(robot), (robot.url, robot.secret)
        for field, value in changes.items():
            setattr(robot, field, value)
        robot.full_clean()
        after = robot_shown(robot)
        if after == before and (robot.url, robot.secret) == was:
            return robot
        robot.save()
        moved = {key for key in after if after[key] != before[key]}
        if robot.url != was[0]:
            moved.add("url")
        if robot.secret != was[1]:
            moved.add("secret")
        audit_record(
            actor=actor,
            action="robot.updated",
            target=robot,
            before={key: before[key] for key in sorted(moved)},
            after={key: after[key] for key in sorted(moved)},
            reason=reason,
        )
    return robot


def robot_test(*, robot: UnitRobot, actor: Any) -> str:
    """Post a test message to the robot at once: "" when the platform took it, else
    the error in words (nothing is stored)."""
    if not is_hr(actor):
        raise NotAllowed(_("only HR configures group robots"))
    with translation.override(settings.LANGUAGE_CODE):  # the company's language, as all news
        return post_robot(robot, _(TEST_MESSAGE))


def preference_set(*, user: Any, email: bool, muted: list[str]) -> NoticePreference:
    """One person's own choice: e-mail or not, and the kinds they do not want."""
    unknown = sorted(set(muted) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown kinds of notification: {', '.join(unknown)}")
    preference, _created = NoticePreference.objects.update_or_create(
        user=user, defaults={"email": email, "muted": sorted(set(muted))}
    )
    return preference


__all__ = [
    "ReminderRun",
    "Waiting",
    "masked_url",
    "notice_mark_read",
    "notices_refresh",
    "preference_set",
    "reminders_send",
    "robot_create",
    "robot_shown",
    "robot_test",
    "robot_update",
]
