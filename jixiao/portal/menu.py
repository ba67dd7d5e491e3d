"""The menu of every page, by role and state (one place; domain.md §1).

`menu_state` reads what decides the menu in a constant number of queries (four for
a person, one for an account without an employee), whatever the size of the team or
the company; `menu_for` turns it into entries. Nothing is shown that leads to a page
the person may not open: 我的团队 only for someone with a report, 数据录入 only for a
data owner, 校准 only for a committee member of a cycle in calibration, the HR pages
for HR and the auditor, the API documentation for HR, the admin for staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Appraisal, AssignmentState, Cycle, RaterAssignment
from jixiao.appraisals.workflow import CycleState
from jixiao.core import roles
from jixiao.core.menu import MenuEntry
from jixiao.organization.models import Employee


@dataclass(frozen=True)
class MenuState:
    is_hr: bool = False
    is_auditor: bool = False
    is_staff: bool = False
    has_employee: bool = False
    has_team: bool = False
    owns_data: bool = False
    latest_appraisal: int | None = None  # one's own, or one's provider's
    latest_result: int | None = None  # the appraisal of one's last published result
    calibrating_cycle: int | None = None  # a cycle in calibration whose committee one sits on
    has_surveys: bool = False  # assigned to rate someone in a 360


def menu_state(user: Any) -> MenuState:
    if not roles.is_active_user(user):
        return MenuState()
    reads_everything = roles.reads_everything(user)
    me = (
        Employee.objects.filter(user=user)
        .select_related("unit")
        .annotate(has_team=Exists(Employee.objects.filter(supervisor=OuterRef("pk"))))
        .first()
    )
    latest = latest_result = None
    if me is not None:
        mine = Q(employee=me)
        if me.unit.is_provider:
            mine |= Q(unit=me.unit)  # a provider's contact: the provider's appraisal
        latest = (
            Appraisal.objects.filter(mine)
            .exclude(cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
            .order_by("-cycle__start", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        latest_result = (  # published: the person may read it (results_visible_to)
            Appraisal.objects.filter(mine, result__frozen_at__isnull=False)
            .order_by("-cycle__start", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
    calibrating = None
    if not reads_everything:  # HR and the auditor reach calibration from the cycles
        calibrating = (
            Cycle.objects.filter(committee=user, state=CycleState.CALIBRATION)
            .order_by("-start", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
    return MenuState(
        is_hr=roles.is_hr(user),
        is_auditor=roles.is_auditor(user),
        is_staff=bool(user.is_staff or user.is_superuser),
        has_employee=me is not None,
        has_team=bool(me is not None and me.has_team),
        owns_data=bool(me is not None and me.is_data_owner),
        latest_appraisal=latest,
        latest_result=latest_result,
        calibrating_cycle=calibrating,
        has_surveys=RaterAssignment.objects.filter(
            rater=user, state=AssignmentState.ASSIGNED
        ).exists(),
    )


def menu_entries_for_state(state: MenuState) -> list[tuple[str, str, str]]:
    """(key, label, url) in the order shown."""
    reads_everything = state.is_hr or state.is_auditor
    entries: list[tuple[str, str, str]] = [("home", _("What waits for me"), reverse("portal:home"))]
    if state.latest_appraisal is not None:
        url = reverse("portal:appraisal_detail", args=[state.latest_appraisal])
        entries.append(("appraisal", _("My appraisals"), url))
    if state.latest_result is not None:
        url = reverse("portal:appraisal_result", args=[state.latest_result])
        entries.append(("result", _("My last result"), url))
    if state.has_team:
        entries.append(("team", _("My team"), reverse("portal:team")))
        entries.append(("team_targets", _("Team targets"), reverse("portal:team_targets")))
        entries.append(("team_ratings", _("Team ratings"), reverse("portal:team_ratings")))
    if state.owns_data:
        entries.append(("data", _("Data entry"), reverse("portal:data_owner")))
    if state.has_surveys:
        entries.append(("surveys", _("Surveys to answer"), reverse("surveys:list")))
    if state.calibrating_cycle is not None:
        url = reverse("hr:cycle_calibration", args=[state.calibrating_cycle])
        entries.append(("calibration", _("Calibration"), url))
    if state.has_employee or reads_everything:
        entries.append(("appeals", _("Appeals"), reverse("portal:appeal_list")))
    if reads_everything:
        entries += [
            ("hr_home", _("Overview"), reverse("hr:home")),
            ("hr_organisation", _("Organisation"), reverse("hr:organisation")),
            ("hr_indicators", _("KPI dictionary"), reverse("hr:indicator_list")),
            ("strategy", _("Strategy map"), reverse("strategy:map")),
            ("hr_schemes", _("Schemes"), reverse("hr:scheme_list")),
            ("hr_cycles", _("Cycles"), reverse("hr:cycle_list")),
            ("hr_audit", _("Audit log"), reverse("hr:audit_list")),
            ("hr_lockouts", _("Login locks"), reverse("hr:lockout_list")),
            ("hr_robots", _("Group robots"), reverse("hr:robot_list")),
        ]
    if reads_everything or state.owns_data:  # the Excel page's own rule (spreadsheets.access)
        entries.append(
            ("spreadsheets", _("Excel import and export"), reverse("spreadsheets:index"))
        )
    entries += [
        ("calendar", _("Working calendar"), reverse("portal:calendar")),
        ("notices", _("Notices"), reverse("portal:notice_list")),
        ("tokens", _("API tokens"), reverse("tokens:list")),
    ]
    if state.is_hr:
        entries.append(("api_docs", _("API documentation"), reverse("api-v1:openapi-view")))
    if state.is_staff:
        entries.append(("admin", _("Admin site"), reverse("admin:index")))
    return entries


def menu_for(user: Any, *, path: str = "") -> list[MenuEntry]:
    """The user's menu; the entry whose address is the longest start of `path` is current."""
    entries = menu_entries_for_state(menu_state(user))
    current = max(
        (url for _key, _label, url in entries if _within(path, url)), key=len, default=None
    )
    return [MenuEntry(key, label, url, url == current) for key, label, url in entries]


def _within(path: str, url: str) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url)
