"""The admin site. HR and the auditor use all of it; every other active account
(managers, employees) may sign in too, and sees only what the access functions
of each app let them see — for now their appraisals and results, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jixiao.core.roles import is_active_user


class JixiaoAdminSite(admin.AdminSite):
    site_header = _("jixiao performance appraisal")
    site_title = _("jixiao")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return is_active_user(request.user)


class JixiaoAdminConfig(AdminConfig):
    """Django's admin app with jixiao's site; INSTALLED_APPS lists it instead of
    `django.contrib.admin`."""

    default_site = "jixiao.core.admin_site.JixiaoAdminSite"
