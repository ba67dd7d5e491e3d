"""Reminders: the waiting work becomes in-app notices (one per piece of work, not
repeated) and one e-mail per person listing what is new, through Django's mail
settings (the console backend unless configured)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.appraisals.services.raters import survey_reminders_send
from jixiao.core.errors import NotAllowed
from jixiao.core.roles import is_hr
from jixiao.core.services import audited_create, audited_update
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


def robot_create(*, actor: Any, reason: str = "", **fields: Any) -> UnitRobot:
    """HR adds a unit's group robot (audited; the secret is kept, never shown again)."""
    if not is_hr(actor):
        raise NotAllowed(_("only HR configures group robots"))
    return audited_create(UnitRobot, actor=actor, action="robot.created", reason=reason, **fields)


def robot_update(*, robot: UnitRobot, actor: Any, reason: str = "", **changes: Any) -> UnitRobot:
    if not is_hr(actor):
        raise NotAllowed(_("only HR configures group robots"))
    return audited_update(
        robot,
        actor=actor,
        action="robot.updated",
        changes=changes,
        allowed=ROBOT_FIELDS,
        reason=reason,
    )


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
    "notice_mark_read",
    "notices_refresh",
    "preference_set",
    "reminders_send",
    "robot_create",
    "robot_update",
]
