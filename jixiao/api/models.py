"""API tokens and the idempotency keys of fact uploads.

A token's secret is shown once, when it is created; only its SHA-256 is stored.
A personal token (`jxp_…`) acts as the user who made it. A service token
(`jxs_…`) is made by HR for a data system: it acts for the HR user who made it,
narrowed to a data owner's scope — the facts of items whose data source is one
of `sources`, in cycles whose state is one of `cycle_states`.

Every token expires (`expires_at`, by default a year after it is made), and a
token may be read-only: it reads what its owner may read and changes nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("personal access token")
    SERVICE = "service", _("service token")


class Token(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=TokenKind.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("what the token is for"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("the owner of a personal token; the HR user who made a service token"),
    )
    prefix = models.CharField(
        _("prefix"), max_length=16, help_text=_("the start of the secret, to recognise it")
    )
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    sources = models.JSONField(
        _("data sources"),
        default=list,
        blank=True,
        help_text=_("service tokens: the departments whose items' facts it may record"),
    )
    cycle_states = models.JSONField(
        _("cycle states"),
        default=list,
        blank=True,
        help_text=_("service tokens: the states of the cycles it may record facts in"),
    )
    read_results = models.BooleanField(
        _("reads results"),
        default=False,
        help_text=_("service tokens: may read the results of the appraisals in its scope"),
    )
    read_only = models.BooleanField(
        _("read-only"),
        default=False,
        help_text=_("reads only: every request that would change something is refused"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("the token stops working at this moment")
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="service")
                | (Q(sources=[]) & Q(cycle_states=[]) & Q(read_results=False)),
                name="api_token_scope_only_for_service_tokens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_service(self) -> bool:
        return self.kind == TokenKind.SERVICE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class IdempotencyKey(models.Model):
    """One uploaded fact row, by the key its sender gave it: sending the row again
    (same key, same content) records nothing. Keys are per service token, or per
    user for personal tokens and the web session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token = models.ForeignKey(
        Token,
        verbose_name=_("service token"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="idempotency_keys",
    )
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("SHA-256 of the row"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"],
                condition=Q(token__isnull=False),
                name="api_idempotency_key_unique_per_token",
            ),
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=Q(token__isnull=True),
                name="api_idempotency_key_unique_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.key
