"""In-app notices: one per person and piece of waiting work (`key`), so sending
reminders again does not repeat them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    key = models.CharField(_("key"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["read_at", "due", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notices_one_per_key"),
        ]

    def __str__(self) -> str:
        return self.text


class NoticePreference(models.Model):
    """What one person wants besides the in-app notice: e-mail, and which kinds to mute."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    email = models.BooleanField(_("also by e-mail"), default=True)
    muted = models.JSONField(_("kinds not wanted"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class RobotPlatform(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WECOM = "wecom", _("WeCom group robot")


class UnitRobot(models.Model):
    """A group chat robot (钉钉/企业微信群机器人) told of a unit's cycle news: results
    published, deadlines near. Nothing personal is sent to a group."""

    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=RobotPlatform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk's 加签 secret (SEC…); empty when the robot does not sign"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name or f"{self.get_platform_display()} · {self.unit}"


class RobotMessage(models.Model):
    """One message for one robot: kept until sent, with the last error if sending failed."""

    robot = models.ForeignKey(
        UnitRobot, verbose_name=_("group robot"), on_delete=models.CASCADE, related_name="messages"
    )
    key = models.CharField(_("key"), max_length=100)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["robot", "key"], name="notices_robot_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.text[:60]
