"""Strategy and KPI design, under /strategy/."""

from __future__ import annotations

from django.urls import path

from jixiao.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.strategy_map, name="map"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("cascade/", views.cascade_tree, name="cascade"),
    path("policies/", views.policies, name="policies"),
    path("positions/<int:pk>/duties/", views.position_duties, name="duties"),
    path("ahp/", views.ahp_list, name="ahp_list"),
    path("ahp/<int:pk>/", views.ahp_detail, name="ahp"),
    path("ahp/<int:pk>/answer/", views.ahp_answer, name="ahp_answer"),
]
