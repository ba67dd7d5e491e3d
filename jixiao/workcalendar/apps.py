from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "jixiao.workcalendar"
    label = "workcalendar"
    verbose_name = _("Working calendar")
