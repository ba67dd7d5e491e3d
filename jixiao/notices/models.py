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
