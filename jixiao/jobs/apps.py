from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jixiao.jobs"
    verbose_name = _("background jobs")

    def ready(self) -> None:
        # Each app declares its kinds of job in its `tasks.py` (`@job_kind`).
        autodiscover_modules("tasks")
