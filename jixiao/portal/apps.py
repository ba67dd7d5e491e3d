from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "jixiao.portal"
    label = "portal"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from jixiao.core.menu import menu_register
        from jixiao.portal.menu import menu_for

        menu_register(menu_for)
