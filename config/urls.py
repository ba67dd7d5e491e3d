"""URLs: the application's pages (portal, at the root), the Django admin (HR works
there until the custom pages exist) and the language switch.

Nothing under MEDIA_ROOT is served by URL, DEBUG or not: uploaded evidence goes
out only through the access-checked downloads of jixiao.portal.views.files."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from jixiao.api.v1 import api as api_v1

urlpatterns = [
    path("", include("jixiao.portal.urls", namespace="portal")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hr/designer/", include("jixiao.designer.urls")),
    path("hr/", include("jixiao.hr.urls")),
    path("talent/", include("jixiao.talent.urls")),
    path("strategy/", include("jixiao.strategy.urls")),
    path("surveys/", include("jixiao.surveys.urls")),
    path("spreadsheets/", include("jixiao.spreadsheets.urls")),
    path("api/v1/", api_v1.urls),
    path("tokens/", include("jixiao.api.urls")),
]
