"""The menu of every page, by role and state (one place; domain.md §1).

`menu_state` reads what decides the menu in two queries, once per request, whatever
the size of the team or the company; `menu_for` turns it into entries. Nothing is
shown that leads to a page the person may not open: 我的团队 only for someone with
a report, 数据录入 only for a data owner, 校准 only for a committee member of a
cycle in calibration, the HR pages for HR and the auditor, the API documentation
for HR, the admin for staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appraisal, AssignmentState, Cycle, RaterAssignment
from jixiao.appraisals.workflow import CycleState
from jixiao.core import roles
from jixiao.core.menu import MenuEntry
from jixiao.core.request_cache import request_cached
from jixiao.organization.models import Employee, UnitKind


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
    """Once per request (the home page reads it too)."""
    if not roles.is_active_user(user):
        return MenuState()
    return request_cached(("menu_state", user.pk), lambda: _menu_state(user))


def _menu_state(user: Any) -> MenuState:
    """Two queries: the account's committee seat and 360 surveys, and its employee
    record with a team, the latest appraisal and the latest published result."""
    reads_everything = roles.reads_everything(user)
    # one's own appraisals, and a provider's contact's: the provider's
    mine = Q(employee=OuterRef("pk")) | Q(unit=OuterRef("unit"), unit__kind=UnitKind.PROVIDER)
    newest = ("-cycle__start", "-pk")
    latest = (
        Appraisal.objects.filter(mine)
        .exclude(cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .order_by(*newest)
        .values("pk")[:1]
    )
    latest_result = (  # published: the person may read it (results_visible_to)
        Appraisal.objects.filter(mine, result__frozen_at__isnull=False)
        .order_by(*newest)
        .values("pk")[:1]
    )
    me = (
        Employee.objects.filter(user=user)
        .annotate(
            has_team=Exists(Employee.objects.filter(supervisor=OuterRef("pk"))),
            latest=Subquery(latest),
            latest_result=Subquery(latest_result),
        )
        .values("is_data_owner", "has_team", "latest", "latest_result")
        .first()
    )
    calibrating = (  # HR and the auditor reach calibration from the cycles
        Cycle.objects.filter(committee=OuterRef("pk"), state=CycleState.CALIBRATION)
        .order_by("-start", "-pk")
        .values("pk")[:1]
    )
    surveys = RaterAssignment.objects.filter(rater=OuterRef("pk"), state=AssignmentState.ASSIGNED)
    account = (
        User.objects.filter(pk=user.pk)
        .annotate(
            calibrating=Value(None, IntegerField())
            if reads_everything
            else Subquery(calibrating, IntegerField()),
            has_surveys=Exists(surveys),
        )
        .values("calibrating", "has_surveys")
        .first()
    ) or {"calibrating": None, "has_surveys": False}
    return MenuState(
        is_hr=roles.is_hr(user),
        is_auditor=roles.is_auditor(user),
        is_staff=bool(user.is_staff or user.is_superuser),
        has_employee=me is not None,
        has_team=bool(me is not None and me["has_team"]),
        owns_data=bool(me is not None and me["is_data_owner"]),
        latest_appraisal=me["latest"] if me is not None else None,
        latest_result=me["latest_result"] if me is not None else None,
        calibrating_cycle=account["calibrating"],
        has_surveys=bool(account["has_surveys"]),
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
