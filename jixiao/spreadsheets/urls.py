"""URLs of the Excel pages, under /spreadsheets/ (names `spreadsheets:<what>_<action>`)."""

from __future__ import annotations

from django.urls import path

from jixiao.spreadsheets import cascade, strategy, talent, views

app_name = "spreadsheets"

urlpatterns = [
    path("", views.index, name="index"),
    path("talent/<int:pk>.xlsx", talent.talent_export, name="talent_export"),
    path("cycles/<int:pk>/facts/", views.facts_import, name="facts_import"),
    path("cycles/<int:pk>/facts/jobs/<int:job>/", views.facts_import_job, name="facts_import_job"),
    path("cycles/<int:pk>/template.xlsx", views.template_export, name="template_export"),
    path("cycles/<int:pk>/results/", views.results_export, name="results_export"),
    path(
        "cycles/<int:pk>/results/<int:job>/results.xlsx",
        views.results_export_file,
        name="results_export_file",
    ),
    path("cycles/<int:pk>/forms/", views.form_list, name="form_list"),
    path("appraisals/<int:pk>/form.xlsx", views.form_export, name="form_export"),
    path("appraisals/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("dictionary/", views.dictionary_import, name="dictionary_import"),
    path("dictionary.xlsx", views.dictionary_export, name="dictionary_export"),
    path("roster/", views.roster_import, name="roster_import"),
    path("roster.xlsx", views.roster_export, name="roster_export"),
    path("schemes/import/", views.scheme_import, name="scheme_import"),
    path("schemes/save/", views.scheme_draft_save, name="scheme_draft_save"),
    path("schemes/<str:code>.xlsx", views.scheme_export, name="scheme_export"),
    path("problems/<str:token>.xlsx", views.annotated_download, name="annotated_download"),
    *strategy.URLS,  # the strategy map and a position's duties (issue 15)
    *cascade.URLS,  # the cascade of indicators (issue 15)
]
