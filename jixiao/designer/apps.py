from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignerConfig(AppConfig):
    name = "jixiao.designer"
    verbose_name = _("scheme designer")
