"""Account services: creating users and changing their roles, audited; the login
locks (django-axes' attempt records) audited as they begin and lifted by HR."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from jixiao.accounts.access import can_manage_accounts
from jixiao.accounts.models import User
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError

ROLE_FIELDS = ("is_hr", "is_auditor", "is_active")
PUBLIC_FIELDS = (
    "username",
    "display_name",
    "email",
    "is_hr",
    "is_auditor",
    "is_active",
    "is_staff",
)


def _require_hr(actor: Any) -> None:
    if actor is not None and not can_manage_accounts(actor):
        raise NotAllowed(_("only HR may manage user accounts"))


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None = None,
    display_name: str = "",
    email: str = "",
    is_hr: bool = False,
    is_auditor: bool = False,
) -> User:
    """Create an account. HR and auditors get admin access (`is_staff`).

    `actor=None` is the system (bootstrapping the first HR account).
    """
    _require_hr(actor)
    if User.objects.filter(username=username).exists():
        raise ServiceError(_("the user name %(username)s is taken") % {"username": username})
    with transaction.atomic():
        user = User(
            username=username,
            display_name=display_name,
            email=email,
            is_hr=is_hr,
            is_auditor=is_auditor,
            is_staff=is_hr or is_auditor,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(
            actor=actor,
            action="user.created",
            target=user,
            after=snapshot(user, PUBLIC_FIELDS),
        )
    return user


def user_set_roles(
    *,
    user: User,
    actor: User,
    is_hr: bool | None = None,
    is_auditor: bool | None = None,
    is_active: bool | None = None,
    reason: str = "",
) -> User:
    """Grant or withdraw the HR and auditor roles, or deactivate an account."""
    _require_hr(actor)
    changes = {
        name: value
        for name, value in (("is_hr", is_hr), ("is_auditor", is_auditor), ("is_active", is_active))
        if value is not None
    }
    with transaction.atomic():
        before = snapshot(user, PUBLIC_FIELDS)
        for name, value in changes.items():
            setattr(user, name, value)
        user.is_staff = user.is_hr or user.is_auditor or user.is_superuser
        after = snapshot(user, PUBLIC_FIELDS)
        if before == after:
            return user
        user.save()
        audit_record(
            actor=actor,
            action="user.roles_changed",
            target=user,
            before=before,
            after=after,
            reason=reason,
        )
    return user


PROFILE_FIELDS = ("display_name", "email", "first_name", "last_name")


def user_update(*, user: User, actor: Any, reason: str = "", **changes: Any) -> User:
    """Change an account's name or e-mail; roles change through `user_set_roles`."""
    _require_hr(actor)
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise TypeError(f"user_update() cannot change {', '.join(unknown)}")
    with transaction.atomic():
        before = snapshot(user, changes)
        for name, value in changes.items():
            setattr(user, name, value)
        after = snapshot(user, changes)
        if before == after:
            return user
        user.full_clean()
        user.save()
        audit_record(
            actor=actor,
            action="user.updated",
            target=user,
            before=before,
            after=after,
            reason=reason,
        )
    return user


def _lock_target(username: str, ip_address: str = "") -> models.Model:
    """What a lock's audit event is about: the account, or (a name that is no account)
    the attempt record itself."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    attempts = AccessAttempt.objects.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    attempt: models.Model | None = attempts.order_by("-attempt_time").first()
    if attempt is None:
        raise ServiceError(_("%(username)s is not locked") % {"username": username})
    return attempt


def login_lockout_record(*, username: str, ip_address: str, failures: int, minutes: int) -> None:
    """Audit a lock as it begins (django-axes has stored the failures; the system acts)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="login.locked_out",
            target=_lock_target(username, ip_address),
            after={
                "username": username,
                "ip_address": ip_address,
                "failures": failures,
                "minutes": minutes,
            },
        )


def login_lockout_clear(
    *, username: str, actor: Any, ip_address: str = "", reason: str = ""
) -> int:
    """Lift the login lock of an account (from every address, or from one), as HR.
    Returns how many attempt records were removed."""
    if not can_manage_accounts(actor):
        raise NotAllowed(_("only HR may lift a login lock"))
    with transaction.atomic():
        attempts = AccessAttempt.objects.select_for_update().filter(username=username)
        if ip_address:
            attempts = attempts.filter(ip_address=ip_address)
        found = list(attempts.order_by("ip_address"))
        if not found:
            raise ServiceError(_("%(username)s is not locked") % {"username": username})
        target = _lock_target(username, ip_address)
        before = {
            "username": username,
            "addresses": {str(row.ip_address): row.failures_since_start for row in found},
        }
        AccessAttempt.objects.filter(pk__in=[row.pk for row in found]).delete()
        audit_record(
            actor=actor,
            action="login.unlocked",
            target=target,
            before=before,
            after={"username": username, "addresses": {}},
            reason=reason,
        )
    return len(found)


# -- invitations and password resets --------------------------------------------
def password_link(user: User) -> str:
    """The one-time address where `user` sets a password (Django's signed token: it
    stops working once the password changes, and after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.JIXIAO_BASE_URL.rstrip('/')}{path}"


def user_send_password_link(*, user: User, actor: Any, invitation: bool) -> str:
    """Invite a new account, or reset a forgotten password: the account's own password
    stops working (a reset), and a link to set one is e-mailed where the account has
    an address. Returns the link, for HR to hand over where there is no e-mail."""
    _require_hr(actor)
    if not user.is_active:
        raise ServiceError(_("the account %(username)s is disabled") % {"username": user})
    with transaction.atomic():
        if not invitation:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        link = password_link(user)
        audit_record(
            actor=actor,
            action="user.invited" if invitation else "user.password_reset",
            target=user,
            after={"email": user.email or None},
        )
    if user.email:
        subject = (
            _("Your jixiao account: set your password")
            if invitation
            else _("jixiao: set a new password")
        )
        body = "\n".join(
            [
                _("Hello %(name)s,") % {"name": user},
                "",
                _("Your login name is %(username)s. Set your password here (the link works once):")
                % {"username": user.username},
                link,
                "",
            ]
        )
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    return link
