"""URLs of the HR pages, under /hr/ (names `hr:<model>_<action>`)."""

from __future__ import annotations

from django.urls import path

from jixiao.hr.views import (
    anonymity,
    audit,
    calibration,
    cycles,
    dictionary,
    exports,
    fairness,
    home,
    jobs,
    lockouts,
    logins,
    organisation,
    robots,
    schemes,
)

app_name = "hr"

urlpatterns = [
    path("", home.home, name="home"),
    # organisation
    path("organisation/", organisation.organisation, name="organisation"),
    path("units/new/", organisation.unit_edit, name="unit_new"),
    path("units/<int:pk>/", organisation.unit_edit, name="unit_edit"),
    path("positions/", organisation.position_list, name="position_list"),
    path("positions/new/", organisation.position_edit, name="position_new"),
    path("positions/<int:pk>/", organisation.position_edit, name="position_edit"),
    path("employees/", organisation.employee_list, name="employee_list"),
    path("employees/new/", organisation.employee_edit, name="employee_new"),
    path("employees/<int:pk>/", organisation.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/login/", logins.employee_login, name="employee_login"),
    # the KPI dictionary
    path("indicators/", dictionary.indicator_list, name="indicator_list"),
    path("indicators/new/", dictionary.indicator_edit, name="indicator_new"),
    path("indicators/<str:code>/", dictionary.indicator_detail, name="indicator_detail"),
    path("indicators/<str:code>/edit/", dictionary.indicator_edit, name="indicator_edit"),
    # schemes
    path("schemes/", schemes.scheme_list_view, name="scheme_list"),
    path("schemes/new/", schemes.scheme_edit, name="scheme_new"),
    path("schemes/check/", schemes.scheme_check_view, name="scheme_check"),
    path("schemes/<str:code>/", schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<str:code>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<str:code>/trial/", schemes.scheme_trial, name="scheme_trial"),
    # cycles
    path("cycles/", cycles.cycle_list_view, name="cycle_list"),
    path("cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/schemes/", cycles.cycle_scheme_add, name="cycle_scheme_add"),
    path(
        "cycles/<int:pk>/schemes/<int:scheme_pk>/remove/",
        cycles.cycle_scheme_remove,
        name="cycle_scheme_remove",
    ),
    path("cycles/<int:pk>/population/", cycles.population_add, name="cycle_population_add"),
    path(
        "cycles/<int:pk>/population/<int:rule_pk>/remove/",
        cycles.population_remove,
        name="cycle_population_remove",
    ),
    path("cycles/<int:pk>/deadlines/", cycles.deadline_set, name="cycle_deadline_set"),
    path("cycles/<int:pk>/committee/", cycles.committee_set, name="cycle_committee_set"),
    path("cycles/<int:pk>/eligibility/", cycles.eligibility, name="cycle_eligibility"),
    path(
        "cycles/<int:pk>/eligibility/<int:entry_pk>/",
        cycles.eligibility_decide,
        name="cycle_eligibility_decide",
    ),
    path("cycles/<int:pk>/appraisals/", cycles.cycle_appraisals, name="cycle_appraisals"),
    path("cycles/<int:pk>/move/", cycles.cycle_move, name="cycle_move"),
    path("cycles/<int:pk>/recompute/", cycles.cycle_recompute, name="cycle_recompute"),
    path("jobs/<int:pk>/", jobs.job_progress, name="job_progress"),
    path("cycles/<int:pk>/export/", exports.cycle_export, name="cycle_export"),
    path(
        "cycles/<int:pk>/export/<int:job>/outcomes.csv",
        exports.cycle_export_file,
        name="cycle_export_file",
    ),
    path("cycles/<int:pk>/analysis/", cycles.cycle_analysis, name="cycle_analysis"),
    path("cycles/<int:pk>/fairness/", fairness.cycle_fairness, name="cycle_fairness"),
    path("cycles/<int:pk>/calibration/", calibration.calibration, name="cycle_calibration"),
    path(
        "cycles/<int:pk>/calibration/drift/",
        calibration.calibration_drift,
        name="cycle_calibration_drift",
    ),
    path(
        "cycles/<int:pk>/calibration/<int:result_pk>/",
        calibration.calibrate,
        name="result_calibrate",
    ),
    path(
        "cycles/<int:pk>/calibration/<int:result_pk>/confirm/",
        calibration.review_confirm,
        name="result_review_confirm",
    ),
    # the audit log
    path("audit/", audit.audit_list, name="audit_list"),
    # login locks
    path("lockouts/", lockouts.lockout_list, name="lockout_list"),
    path("robots/", robots.robot_list, name="robot_list"),
    # the anonymity of 360 ratings
    path("anonymity/", anonymity.anonymity_policy_edit, name="anonymity_policy"),
]
