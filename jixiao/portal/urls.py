"""The portal's URLs, at the root of the site."""

from __future__ import annotations

from django.urls import path

from jixiao.portal.views import (
    appeals,
    appraisals,
    calendar,
    data,
    files,
    home,
    preferences,
    results,
    sheets,
)

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("team/", home.team, name="team"),
    path("team/targets/", sheets.team_targets, name="team_targets"),
    path("team/ratings/", sheets.team_ratings, name="team_ratings"),
    path("waiting/<slug:kind>/", home.waiting_list, name="waiting_list"),
    path("data/", data.data_owner, name="data_owner"),
    path("notices/", home.notice_list, name="notice_list"),
    path("notices/<int:pk>/read/", home.notice_read, name="notice_read"),
    path("notices/preferences/", preferences.notice_preferences, name="notice_preferences"),
    path("appraisals/<int:pk>/", appraisals.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<int:pk>/targets/", appraisals.appraisal_targets, name="appraisal_targets"),
    path("appraisals/<int:pk>/events/", appraisals.appraisal_events, name="appraisal_events"),
    path("appraisals/<int:pk>/ratings/", appraisals.appraisal_ratings, name="appraisal_ratings"),
    path("appraisals/<int:pk>/result/", results.appraisal_result, name="appraisal_result"),
    path("appraisals/<int:pk>/interview/", results.appraisal_interview, name="appraisal_interview"),
    path("appraisals/<int:pk>/appeal/", appeals.appeal_file, name="appeal_file"),
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/evidence/", files.appeal_evidence, name="appeal_evidence"),
    path("events/<int:pk>/evidence/", files.event_evidence, name="event_evidence"),
    path("calendar/", calendar.working_calendar, name="calendar"),
]
