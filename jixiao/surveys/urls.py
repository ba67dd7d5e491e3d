"""360 surveys, under /surveys/."""

from __future__ import annotations

from django.urls import path

from jixiao.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.survey_form, name="form"),
    path("appraisals/<int:pk>/", views.appraisal_raters, name="raters"),
    path("cycles/<int:pk>/", views.cycle_survey, name="cycle"),
]
