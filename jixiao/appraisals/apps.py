from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "jixiao.appraisals"
    label = "appraisals"
    verbose_name = _("Appraisals")
