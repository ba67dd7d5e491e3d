"""The token page, under /tokens/ (names `tokens:<action>`)."""

from __future__ import annotations

from django.urls import path

from jixiao.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]
