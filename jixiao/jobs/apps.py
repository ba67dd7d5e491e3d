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
        _hide_the_queue_in_the_admin()


def _hide_the_queue_in_the_admin() -> None:
    """The admin shows the product's job table (jixiao.jobs.admin); Procrastinate's own
    tables (PostgreSQL only) are its workers' business: `manage.py procrastinate`."""
    from django.contrib import admin

    for model in list(admin.site._registry):
        if model._meta.app_label == "procrastinate":
            admin.site.unregister(model)
