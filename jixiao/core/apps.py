from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jixiao.core"
    label = "core"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jixiao.core.sessions import touched_at_login

        user_logged_in.connect(touched_at_login, dispatch_uid="jixiao.core.sessions.touched")
