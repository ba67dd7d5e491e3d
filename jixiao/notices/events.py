"""Notifications of what happened: each audited action that asks someone to act or
tells them a result becomes, in the same transaction, an in-app notice for the
people concerned (and, for cycle news, a message for the units' group robots).
E-mail and robot messages leave after the commit, from the `notices_deliver` job
(`jixiao.notices.delivery`).

The rules read the audit log's event (action, target, context) — the record every
service already writes — so no service has to remember to notify anyone, and a
change without its event cannot notify (docs/adr/0005).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jixiao.accounts.models import User
from jixiao.appraisals.models import Appeal, Appraisal, Cycle, Interview, RaterAssignment, Result
from jixiao.appraisals.services.raters import deadlines_of, due_of
from jixiao.appraisals.workflow import AppraisalState
from jixiao.core.models import AuditEvent
from jixiao.jobs.services import job_enqueue
from jixiao.notices.models import Notice, NoticePreference, RobotMessage, UnitRobot
from jixiao.organization.models import Employee


@dataclass
class Tell:
    """Who is told what: `users` by id, and `units` (id → text) for group robots."""

    kind: str
    text: str
    url: str
    users: set[int] = field(default_factory=set)
    units: dict[int, str] = field(default_factory=dict)


def _hr() -> set[int]:
    return set(User.objects.filter(is_active=True, is_hr=True).values_list("pk", flat=True))


def _user_of(appraisal: Appraisal) -> set[int]:
    """The appraisee's login; for a provider, the logins of its contacts."""
    if appraisal.employee is not None:
        user = appraisal.employee.user_id
        return {user} if user else set()
    if appraisal.unit is not None and appraisal.unit.is_provider:
        contacts = Employee.objects.filter(unit=appraisal.unit, user__isnull=False)
        return set(contacts.values_list("user_id", flat=True))
    return set()


def _manager_of(appraisal: Appraisal) -> set[int]:
    boss = appraisal.employee.supervisor if appraisal.employee is not None else None
    return {boss.user_id} if boss is not None and boss.user_id else set()


def _appraisal(event: AuditEvent) -> Appraisal | None:
    return (
        Appraisal.objects.select_related("employee__supervisor", "cycle", "unit")
        .filter(pk=event.target_id)
        .first()
    )


def _appeal(event: AuditEvent) -> Appeal | None:
    return (
        Appeal.objects.select_related(
            "appraisal__employee__supervisor", "appraisal__cycle", "appraisal__unit"
        )
        .filter(pk=event.target_id)
        .first()
    )


def _appeal_filed(event: AuditEvent) -> list[Tell]:
    appeal = _appeal(event)
    if appeal is None:
        return []
    appraisal = appeal.appraisal
    text = _("%(person)s appealed the result of %(cycle)s; decide by %(day)s") % {
        "person": appraisal.appraisee_name,
        "cycle": appraisal.cycle,
        "day": appeal.decide_by,
    }
    url = reverse("portal:appeal_detail", args=[appeal.pk])
    return [Tell("appeal_filed", text, url, users=_hr() | _manager_of(appraisal))]


def _appeal_moved(verb: Callable[[], str]) -> Callable[[AuditEvent], list[Tell]]:
    def rule(event: AuditEvent) -> list[Tell]:
        appeal = _appeal(event)
        if appeal is None:
            return []
        text = verb() % {"cycle": appeal.appraisal.cycle}
        url = reverse("portal:appeal_detail", args=[appeal.pk])
        return [Tell("appeal_answered", text, url, users=_user_of(appeal.appraisal))]

    return rule


def _targets_signed(event: AuditEvent) -> list[Tell]:
    appraisal = _appraisal(event)
    if appraisal is None:
        return []
    text = _("Your targets for %(cycle)s are signed: please read and acknowledge them") % {
        "cycle": appraisal.cycle
    }
    url = reverse("portal:appraisal_targets", args=[appraisal.pk])
    return [Tell("targets_signed", text, url, users=_user_of(appraisal))]


def _targets_acknowledged(event: AuditEvent) -> list[Tell]:
    appraisal = _appraisal(event)
    if appraisal is None:
        return []
    text = _("%(person)s acknowledged the targets for %(cycle)s") % {
        "person": appraisal.appraisee_name,
        "cycle": appraisal.cycle,
    }
    url = reverse("portal:appraisal_targets", args=[appraisal.pk])
    return [Tell("targets_acknowledged", text, url, users=_manager_of(appraisal))]


def _interview_recorded(event: AuditEvent) -> list[Tell]:
    interview = (
        Interview.objects.select_related(
            "appraisal__employee", "appraisal__cycle", "appraisal__unit"
        )
        .filter(pk=event.target_id)
        .first()
    )
    if interview is None:
        return []
    appraisal = interview.appraisal
    text = _("Your feedback interview for %(cycle)s is recorded: please read and acknowledge it")
    url = reverse("portal:appraisal_interview", args=[appraisal.pk])
    return [Tell("interview", text % {"cycle": appraisal.cycle}, url, users=_user_of(appraisal))]


def _url_maker(name: str) -> Callable[[int], str]:
    """The address of the view `name` for a key, reversed once: the same as
    `reverse(name, args=[key])` without resolving the pattern for each of many keys."""
    parts = reverse(name, args=[_URL_KEY]).rpartition(str(_URL_KEY))
    head, tail = parts[0], parts[2]
    return lambda key: f"{head}{int(key)}{tail}"


_URL_KEY = 987654321


def _cycle_published(event: AuditEvent) -> list[Tell]:
    cycle = Cycle.objects.filter(pk=event.target_id).first()
    if cycle is None:
        return []
    tells: list[Tell] = []
    text = _("Your result for %(cycle)s is published") % {"cycle": cycle}
    published = Appraisal.objects.filter(cycle=cycle).exclude(state=AppraisalState.WITHDRAWN)
    rows = published.filter(employee__user__isnull=False).values_list("pk", "employee__user_id")
    url_of = _url_maker("portal:appraisal_result")  # one reverse() for 10,000 people
    for appraisal_id, user_id in rows.iterator(chunk_size=2000):
        tells.append(Tell("result_published", text, url_of(appraisal_id), users={user_id}))
    for appraisal in published.filter(employee__isnull=True).select_related(
        "unit"
    ):  # units and providers: their contacts
        url = url_of(appraisal.pk)
        tells.append(Tell("result_published", text, url, users=_user_of(appraisal)))
    units = dict(
        published.order_by()
        .annotate(home=Coalesce("unit_id", "employee__unit_id"))  # the unit then, or now
        .values("home")
        .annotate(people=Count("pk"))
        .values_list("home", "people")
    )
    robots = set(
        UnitRobot.objects.filter(is_active=True, unit_id__in=units).values_list(
            "unit_id", flat=True
        )
    )
    said = {
        unit: _(
            "[Performance] The results of %(cycle)s are published (%(people)s people in this "
            "unit). Sign in to jixiao to read yours; appeals are open until the deadline."
        )
        % {"cycle": cycle, "people": units[unit]}
        for unit in robots
    }
    if said:
        tells.append(Tell("result_published", "", "", units=said))
    return tells


def _rollup_source_changed(event: AuditEvent) -> list[Tell]:
    """A result a published roll-up used changed (v1.1 §15): HR applies it as a
    calibration of the roll-up result, with a reason (jixiao.appraisals.rollups)."""
    result = Result.objects.select_related("appraisal__cycle").filter(pk=event.target_id).first()
    if result is None:
        return []
    cycle = result.appraisal.cycle
    text = _(
        "%(person)s: a result the roll-up of %(cycle)s used changed (%(source)s);"
        " apply it as a calibration with a reason"
    ) % {
        "person": result.appraisal.appraisee_name,
        "cycle": cycle,
        "source": (event.after or {}).get("period", ""),
    }
    url = reverse("hr:cycle_calibration", args=[cycle.pk])
    return [Tell("rollup_changed", text, url, users=_hr())]


def _ahp_started(event: AuditEvent) -> list[Tell]:
    """Experts invited to weigh a form by pairwise comparison (jixiao.strategy.ahp)."""
    names = (event.after or {}).get("experts") or []
    users = set(User.objects.filter(username__in=names).values_list("pk", flat=True))
    text = _("You are asked to compare the criteria of %(target)s two by two") % {
        "target": event.target_repr
    }
    url = reverse("strategy:ahp_answer", args=[event.target_id])
    return [Tell("ahp", text, url, users=users)]


def _assignment_of(event: AuditEvent) -> RaterAssignment | None:
    """The rater assignment an event is about, with what its notice names."""
    return (
        RaterAssignment.objects.select_related(
            "appraisal__cycle", "appraisal__employee", "appraisal__unit"
        )
        .filter(pk=event.target_id)
        .first()
    )


def _rater_assigned(event: AuditEvent) -> list[Tell]:
    """A rater assigned to a 360: invited to their survey."""
    assignment = _assignment_of(event)
    if assignment is None:
        return []
    text = _("Please rate %(person)s for %(cycle)s") % {
        "person": assignment.appraisal.appraisee_name,
        "cycle": assignment.appraisal.cycle,
    }
    due = due_of(
        assignment, assignment.appraisal.cycle_id, deadlines_of([assignment.appraisal.cycle_id])
    )
    if due is not None:
        text += _(", by %(day)s") % {"day": due.isoformat()}
    url = reverse("surveys:form", args=[assignment.pk])
    return [Tell("survey", text, url, users={assignment.rater_id})]


def _rater_reopened(event: AuditEvent) -> list[Tell]:
    """HR let a late rater answer: told until when."""
    assignment = _assignment_of(event)
    if assignment is None:
        return []
    text = _("HR reopened your survey on %(person)s for %(cycle)s: answer by %(day)s") % {
        "person": assignment.appraisal.appraisee_name,
        "cycle": assignment.appraisal.cycle,
        "day": (event.after or {}).get("until", ""),
    }
    url = reverse("surveys:form", args=[assignment.pk])
    return [Tell("survey", text, url, users={assignment.rater_id})]


GROUP_COUNT_FLOOR = 3


def _survey_reminded(event: AuditEvent) -> list[Tell]:
    """The raters who have not answered a cycle's survey (the daily reminders, or a
    manager's "remind now"): one notice each, and to each unit's group robot how many
    of its people have not answered — a count of three or more, never a name."""
    after = event.after or {}
    ids = after.get("assignments") or []
    due = after.get("due") or {}
    late = set(after.get("overdue") or [])
    rows = list(
        RaterAssignment.objects.filter(pk__in=ids)
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit")
        .order_by("pk")
    )
    by_rater: dict[int, list[RaterAssignment]] = {}
    for row in rows:
        by_rater.setdefault(row.rater_id, []).append(row)
    tells: list[Tell] = []
    for rater, mine in by_rater.items():
        first = mine[0]
        cycle = first.appraisal.cycle
        if all(row.pk in late for row in mine):
            text = _("Your survey for %(cycle)s closed on %(day)s unanswered; HR may reopen it") % {
                "cycle": cycle,
                "day": due.get(str(first.pk), ""),
            }
        elif len(mine) == 1:
            text = _("Reminder: please rate %(person)s for %(cycle)s") % {
                "person": first.appraisal.appraisee_name,
                "cycle": cycle,
            }
        else:
            text = _("Reminder: %(count)s people wait for your ratings for %(cycle)s") % {
                "count": len(mine),
                "cycle": cycle,
            }
        days = sorted(due[str(row.pk)] for row in mine if str(row.pk) in due and row.pk not in late)
        if days and not all(row.pk in late for row in mine):
            text += _(", by %(day)s") % {"day": days[0]}
        url = (
            reverse("surveys:form", args=[first.pk]) if len(mine) == 1 else reverse("surveys:list")
        )
        tells.append(Tell("survey", text, url, users={rater}))
    units: dict[int, int] = {}
    for unit in Employee.objects.filter(user_id__in=by_rater).values_list("unit_id", flat=True):
        units[unit] = units.get(unit, 0) + 1
    # a group hears a count only where it cannot point at one person (three or more)
    units = {unit: count for unit, count in units.items() if count >= GROUP_COUNT_FLOOR}
    if units and rows:
        said = {
            unit: _(
                "[Performance] %(count)s people of this unit have not yet answered the 360 "
                "survey of %(cycle)s. Sign in to jixiao to answer."
            )
            % {"count": count, "cycle": rows[0].appraisal.cycle}
            for unit, count in units.items()
        }
        tells.append(Tell("survey", "", "", units=said))
    return tells


def _rater_proposed(event: AuditEvent) -> list[Tell]:
    assignment = (
        RaterAssignment.objects.select_related(
            "appraisal__employee__supervisor", "appraisal__cycle", "appraisal__unit"
        )
        .filter(pk=event.target_id)
        .first()
    )
    if assignment is None:
        return []
    text = _("%(person)s proposed peers to rate them for %(cycle)s: approve or remove them") % {
        "person": assignment.appraisal.appraisee_name,
        "cycle": assignment.appraisal.cycle,
    }
    url = reverse("surveys:raters", args=[assignment.appraisal_id])
    return [Tell("survey", text, url, users=_manager_of(assignment.appraisal))]


RULES: dict[str, Callable[[AuditEvent], list[Tell]]] = {
    "rater.assigned": _rater_assigned,
    "rater.proposed": _rater_proposed,
    "rater.reopened": _rater_reopened,
    "survey.reminded": _survey_reminded,
    "ahp.started": _ahp_started,
    "appeal.filed": _appeal_filed,
    "appeal.accepted": _appeal_moved(lambda: _("Your appeal on %(cycle)s was accepted")),
    "appeal.rejected": _appeal_moved(lambda: _("Your appeal on %(cycle)s was rejected")),
    "appeal.answered": _appeal_moved(lambda: _("Your appeal on %(cycle)s is answered")),
    "targets.signed": _targets_signed,
    "targets.acknowledged": _targets_acknowledged,
    "interview.recorded": _interview_recorded,
    "cycle.published": _cycle_published,
    "result.rollup_source_changed": _rollup_source_changed,
}

KINDS = {
    "survey": _lazy("360 surveys to answer"),
    "ahp": _lazy("weights to judge (AHP)"),
    "appeal_filed": _lazy("appeals filed (HR, managers)"),
    "appeal_answered": _lazy("answers to my appeals"),
    "targets_signed": _lazy("targets to acknowledge"),
    "targets_acknowledged": _lazy("targets acknowledged by my team"),
    "interview": _lazy("feedback interviews"),
    "result_published": _lazy("results published"),
    "rollup_changed": _lazy("roll-ups whose earlier results changed"),
}


def _muted(users: Iterable[int]) -> dict[int, set[str]]:
    """The kinds each of these people does not want (one query)."""
    ids = list(users)
    if not ids:
        return {}
    return {
        user: set(kinds or [])
        for user, kinds in NoticePreference.objects.filter(user_id__in=ids).values_list(
            "user_id", "muted"
        )
    }


def notify(event: AuditEvent) -> int:
    """The notices and robot messages of one event (inside its transaction); how many."""
    rule = RULES.get(event.action)
    if rule is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        tells = rule(event)
    key = f"event:{event.pk}"
    notices: list[Notice] = []
    messages: list[RobotMessage] = []
    muted = _muted({user for tell in tells for user in tell.users})  # one query for all
    units = {unit for tell in tells for unit in tell.units}
    robots = list(UnitRobot.objects.filter(is_active=True, unit_id__in=units)) if units else []
    for tell in tells:
        wanted = {user for user in tell.users if tell.kind not in muted.get(user, ())}
        notices.extend(
            Notice(recipient_id=user, key=key, kind=tell.kind, text=tell.text[:300], url=tell.url)
            for user in sorted(wanted)
        )
        for robot in robots:
            if robot.unit_id in tell.units:
                messages.append(RobotMessage(robot=robot, key=key, text=tell.units[robot.unit_id]))
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
    RobotMessage.objects.bulk_create(messages, ignore_conflicts=True)
    if notices or messages:
        transaction.on_commit(_deliver_later)
    return len(notices) + len(messages)


def _deliver_later() -> None:
    job_enqueue(kind="notices_deliver", target=None, actor=None, delay=5)


def on_audit_event(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.action in RULES:
        notify(instance)
