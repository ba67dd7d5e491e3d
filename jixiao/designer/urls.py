"""The designer's URLs, under /hr/designer/ (names `designer:<action>`)."""

from __future__ import annotations

from django.urls import path

from jixiao.designer import compare, views

app_name = "designer"

urlpatterns = [
    path("", views.designer_start, name="start"),
    path("new/", views.designer, name="new"),
    path("<str:code>/", views.designer, name="edit"),
    path("<str:code>/compare/", compare.compare_view, name="compare"),
    path("<str:code>/assign/", views.assign_view, name="assign"),
]
