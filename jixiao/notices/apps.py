from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "jixiao.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # Audited actions that ask someone to act or tell a result notify them
        # (jixiao/notices/events.py), in the transaction of the change.
        from django.db.models.signals import post_save

        from jixiao.core.models import AuditEvent
        from jixiao.notices.events import on_audit_event

        post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="notices.events")
