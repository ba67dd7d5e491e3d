"""Talent review URLs, under /talent/."""

from __future__ import annotations

from django.urls import path

from jixiao.talent import views

app_name = "talent"

urlpatterns = [
    path("cycles/<int:pk>/", views.review, name="review"),
    path(
        "cycles/<int:pk>/placements/<int:placement_pk>/",
        views.placement_change,
        name="placement_change",
    ),
]
