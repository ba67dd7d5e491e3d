"""Base models and the append-only audit log.

`AuditEvent` rows are written by services (see `jixiao.core.audit`), in the
same transaction as the change they record. Nothing updates or deletes them:
the model and its query set refuse, and on PostgreSQL a trigger refuses too
(migration 0002). An event that other code must find again carries a structured
link in `context` (ids, codes), never a sentence to match (docs/adr/0005).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import AuditLogIsAppendOnly


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AuditLogIsAppendOnly("the audit log is append-only: events cannot be changed or removed")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse()

    def _raw_delete(self, using: str | None) -> int:  # the deletion collector's fast path
        _refuse()

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class AuditEvent(models.Model):
    """One change: who did what to which object, the values before and after, and why."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("empty for changes made by the system"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    target_repr = models.CharField(_("target"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    context = models.JSONField(
        _("context"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("links to other records, by id (e.g. the appeal a fact was corrected on)"),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
