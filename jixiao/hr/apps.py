from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrConfig(AppConfig):
    name = "jixiao.hr"
    label = "hr"
    verbose_name = _("HR pages")
    default_auto_field = "django.db.models.BigAutoField"
