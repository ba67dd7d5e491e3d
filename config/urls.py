"""URLs: the application's pages (portal, at the root), the Django admin (HR works
there until the custom pages exist) and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from jixiao.api.v1 import api as api_v1

urlpatterns = [
    path("", include("jixiao.portal.urls", namespace="portal")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hr/", include("jixiao.hr.urls")),
    path("spreadsheets/", include("jixiao.spreadsheets.urls")),
    path("api/v1/", api_v1.urls),
    path("tokens/", include("jixiao.api.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
