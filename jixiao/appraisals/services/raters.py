"""Assigning the raters of a 360 (domain.md §3a): HR or the appraisee's manager
assigns peers, subordinates, internal customers and external raters one by one
or by a rule; the appraisee may propose peers, which the manager approves. Only
assigned raters may rate in those roles (`access.can_rate`). Each assignment is
audited; its audit event invites the rater (jixiao.notices.events)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.appraisals.access import (
    SELF_ROLES,
    SKIP_LEVEL_ROLES,
    SUPERVISOR_ROLES,
    relations,
    relations_by_appraisal,
)
from jixiao.appraisals.models import (
    Appraisal,
    AssignmentState,
    Cycle,
    RaterAssignment,
    Rating,
    SurveyDeadline,
)
from jixiao.appraisals.workflow import APPRAISEE, HR, SUPERVISOR, AppraisalState, CycleState
from jixiao.core import roles
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.organization.models import Employee, Unit, UnitKind
from jixiao.schemes.engine import engine_scheme, reader_language
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring.describe import rater_name
from jixiao.scoring.wording import language

BY_STANDING = SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES


def assignable_roles(appraisal: Appraisal) -> list[str]:
    """The rater roles of the appraisal's form that are assigned (not self or managers)."""
    if appraisal.scheme_version is None:
        return []
    scheme = engine_scheme(appraisal.scheme_version)
    found: list[str] = []
    for raters in [scheme.raters, *(item.raters for item in scheme.items)]:
        for role in getattr(raters, "types", ()) or ():
            if role not in BY_STANDING and role not in found:
                found.append(role)
    return found


def _may_assign(actor: Any, appraisal: Appraisal) -> None:
    if not relations(actor, appraisal) & {HR, SUPERVISOR}:
        raise NotAllowed(_("only HR and the appraisee's manager assign raters"))


def _check(appraisal: Appraisal, rater: User, role: str) -> None:
    if role not in assignable_roles(appraisal):
        raise ServiceError(
            _("the form of %(appraisal)s has no rater role %(role)s")
            % {"appraisal": appraisal, "role": role}
        )
    if appraisal.employee is not None and appraisal.employee.user_id == rater.pk:
        raise ServiceError(_("an appraisee does not rate themselves in this role"))
    if not rater.is_active:
        raise ServiceError(_("the login %(username)s is disabled") % {"username": rater.username})


def rater_assign(
    *,
    appraisal: Appraisal,
    actor: Any,
    raters: Iterable[User],
    role: str,
    rule: str = "",
    items: Sequence[str] = (),
) -> list[RaterAssignment]:
    """Assign raters in a role (an existing one is kept; a proposed one approved),
    for some items only (`items`, codes) or, by default, every item the role rates."""
    _may_assign(actor, appraisal)
    done = []
    scope = _scope(appraisal, role, items) if role in assignable_roles(appraisal) else []
    with transaction.atomic():
        for rater in raters:
            _check(appraisal, rater, role)
            found, created = RaterAssignment.objects.get_or_create(
                appraisal=appraisal, rater=rater, role=role,
                defaults={"assigned_by": actor, "state": AssignmentState.ASSIGNED,
                          "items": scope},
            )  # fmt: skip
            if not created and found.state == AssignmentState.ASSIGNED:
                if items and found.items != scope:
                    rater_scope(assignment=found, actor=actor, items=scope)
                continue
            if not created:
                found.state, found.assigned_by = AssignmentState.ASSIGNED, actor
                found.items = scope
                found.save(update_fields=["state", "assigned_by", "items", "updated_at"])
            audit_record(
                actor=actor,
                action="rater.assigned",
                target=found,
                after={"role": role, "rater": rater.pk, "rule": rule, "items": scope},
            )
            done.append(found)
    return done


def rater_remove(*, assignment: RaterAssignment, actor: Any, reason: str = "") -> None:
    """Withdraw an assignment (or decline a proposal); a rating already given stays."""
    _may_assign(actor, assignment.appraisal)
    with transaction.atomic():
        assignment.state = AssignmentState.DECLINED
        assignment.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, action="rater.removed", target=assignment, reason=reason)


def rater_propose(
    *, appraisal: Appraisal, actor: Any, raters: Iterable[User]
) -> list[RaterAssignment]:
    """The appraisee proposes peers; the manager approves them with `rater_assign`."""
    if APPRAISEE not in relations(actor, appraisal):
        raise NotAllowed(_("only the appraisee proposes peers"))
    proposed = []
    with transaction.atomic():
        for rater in raters:
            _check(appraisal, rater, "peer")
            found, created = RaterAssignment.objects.get_or_create(
                appraisal=appraisal, rater=rater, role="peer",
                defaults={"state": AssignmentState.PROPOSED},
            )  # fmt: skip
            if created:
                audit_record(
                    actor=actor, action="rater.proposed", target=found, after={"rater": rater.pk}
                )
                proposed.append(found)
    return proposed


def _colleagues(appraisal: Appraisal) -> list[User]:
    if appraisal.employee is None:
        return []
    unit = appraisal.employee.unit_id
    rows = (
        Employee.objects.filter(unit_id=unit, user__isnull=False, user__is_active=True)
        .exclude(pk=appraisal.employee.pk)
        .select_related("user")
        .order_by("number")
    )
    return [row.user for row in rows if row.user is not None]


def _heads(units: Sequence[Unit]) -> list[User]:
    """The head of each unit: its people whose supervisor is outside the unit."""
    ids = [unit.pk for unit in units]
    heads = (
        Employee.objects.filter(unit_id__in=ids, user__isnull=False, user__is_active=True)
        .select_related("user", "supervisor")
        .order_by("number")
    )
    return [
        row.user
        for row in heads
        if row.user is not None
        and (row.supervisor is None or row.supervisor.unit_id != row.unit_id)
    ]


def raters_by_rule(
    *,
    appraisals: Sequence[Appraisal],
    actor: Any,
    rule: str,
    count: int = 0,
    units: Sequence[Unit] = (),
    seed: int = 0,
    items: Sequence[str] = (),
) -> int:
    """Assign by a rule, for many appraisals at once (all or nothing):

    - `same_unit`: every colleague of the appraisee's unit, as peers;
    - `random`: `count` of them chosen at random (the same choice for the same seed);
    - `subordinates`: the appraisee's direct reports, as subordinates;
    - `customers`: the heads of `units` (the departments the unit serves), as customers —
      a head is a person of the unit whose supervisor is outside it;
    - `other_departments`: the heads of every other department, as customers (the
      department satisfaction survey, 部门满意度: each answer one rating of the
      manager's satisfaction item; the form's `raters.trim` trims them, once).
    `items`: the raters rate those items only (default: every item of their type).
    Returns how many assignments were made."""
    made = 0
    with transaction.atomic():
        for appraisal in appraisals:
            if rule == "same_unit":
                chosen, role = _colleagues(appraisal), "peer"
            elif rule == "random":
                pool = _colleagues(appraisal)
                chosen = random.Random(f"{seed}:{appraisal.pk}").sample(pool, min(count, len(pool)))
                role = "peer"
            elif rule == "subordinates":
                rows = Employee.objects.filter(
                    supervisor_id=appraisal.employee_id, user__isnull=False
                ).select_related("user")
                chosen, role = [row.user for row in rows if row.user is not None], "subordinate"
            elif rule == "customers":
                chosen, role = _heads(units), "customer"
            elif rule == "other_departments":  # 部门满意度: every other department's head
                others = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True)
                if appraisal.employee is not None:
                    others = others.exclude(pk=appraisal.employee.unit_id)
                chosen, role = _heads(list(others)), "customer"
            else:
                raise ServiceError(_("unknown rule: %(rule)s") % {"rule": rule})
            made += len(
                rater_assign(
                    appraisal=appraisal,
                    actor=actor,
                    raters=chosen,
                    role=role,
                    rule=rule,
                    items=items,
                )
            )
    return made


def assignments_progress(appraisal: Appraisal) -> dict[str, tuple[int, int]]:
    """Per role: (answered, assigned) — counts only, which anyone may see."""
    progress: dict[str, list[int]] = {}
    for role, answered in RaterAssignment.objects.filter(
        appraisal=appraisal, state=AssignmentState.ASSIGNED
    ).values_list("role", "answered_at"):
        counts = progress.setdefault(role, [0, 0])
        counts[1] += 1
        counts[0] += answered is not None
    return {role: (done, total) for role, (done, total) in progress.items()}


# -- the items each rater rates --------------------------------------------------------


def role_name(role: str) -> str:
    """A rater type as the reader says it (同事, 下属, 客户 …)."""
    with language(reader_language()):
        return rater_name(role)


def rated_items(scheme: Any, role: str) -> list[Any]:
    """The items of a form that a rater type rates (the item's raters, else the form's)."""
    found = []
    for item in scheme.items:
        raters = item.raters or scheme.raters
        if raters is not None and role in raters.types and item.rule.takes_ratings():
            found.append(item)
    return found


def assignment_items(assignment: RaterAssignment) -> list[Any]:
    """The items this rater rates: those of their scope, else every item of their type."""
    version = assignment.appraisal.scheme_version
    if version is None:
        return []
    items = rated_items(engine_scheme(version), assignment.role)
    if assignment.items:
        items = [item for item in items if item.code in assignment.items]
    return items


def _scope(appraisal: Appraisal, role: str, items: Sequence[str]) -> list[str]:
    """The item scope as stored (codes in the form's order); [] for every item."""
    wanted = [code for code in dict.fromkeys(items) if code]
    if not wanted or appraisal.scheme_version is None:
        return []
    rated = rated_items(engine_scheme(appraisal.scheme_version), role)
    codes = [item.code for item in rated]
    unknown = [code for code in wanted if code not in codes]
    if unknown:
        raise ServiceError(
            _("%(role)s raters do not rate %(items)s on this form (they rate %(rated)s)")
            % {
                "role": role_name(role),
                "items": "、".join(unknown),
                "rated": "、".join(item.name for item in rated) or "—",
            }
        )
    return [code for code in codes if code in wanted] if len(wanted) < len(codes) else []


def rater_scope(*, assignment: RaterAssignment, actor: Any, items: Sequence[str]) -> None:
    """Let a rater rate some items only (empty: every item of their type); audited."""
    _may_assign(actor, assignment.appraisal)
    scope = _scope(assignment.appraisal, assignment.role, items)
    if scope == list(assignment.items or []):
        return
    with transaction.atomic():
        before = list(assignment.items or [])
        assignment.items = scope
        assignment.save(update_fields=["items", "updated_at"])
        audit_record(
            actor=actor,
            action="rater.scoped",
            target=assignment,
            before={"items": before},
            after={"items": scope},
        )


# -- deadlines ------------------------------------------------------------------------

RUNNING_CYCLES = (
    CycleState.TARGETS,
    CycleState.COLLECTING,
    CycleState.REVIEW,
    CycleState.CALIBRATION,
)


def cycle_rater_roles(cycle: Cycle) -> list[str]:
    """The assigned rater types of a cycle's forms (peer, customer …), in their order."""
    found: list[str] = []
    versions = (
        SchemeVersion.objects.filter(
            pk__in=Appraisal.objects.filter(cycle=cycle).values("scheme_version_id")
        )
        .select_related("scheme")
        .order_by("pk")
    )
    for version in versions:
        scheme = engine_scheme(version)
        for raters in [scheme.raters, *(item.raters for item in scheme.items)]:
            for role in getattr(raters, "types", ()) or ():
                if role not in BY_STANDING and role not in found:
                    found.append(role)
    return found


def survey_deadline_set(
    *, cycle: Cycle, actor: Any, due: datetime.date | None, role: str = ""
) -> SurveyDeadline | None:
    """HR sets the last day of a cycle's 360 survey, for every rater type or one (None:
    no deadline). Moving it later reopens the survey for everyone; audited."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR sets the deadline of a survey"))
    if role and role not in cycle_rater_roles(cycle):
        raise ServiceError(
            _("the forms of %(cycle)s have no %(role)s raters")
            % {"cycle": cycle, "role": role_name(role)}
        )
    with transaction.atomic():
        found = SurveyDeadline.objects.filter(cycle=cycle, role=role).first()
        before = {"due": found.due} if found is not None else None
        if due is None:
            if found is not None:
                audit_record(
                    actor=actor, action="survey.deadline_set", target=cycle,
                    before=before, after={"due": None, "role": role},
                )  # fmt: skip
                found.delete()
            return None
        if found is None:
            found = SurveyDeadline.objects.create(cycle=cycle, role=role, due=due)
        elif found.due != due:
            found.due = due
            found.save(update_fields=["due", "updated_at"])
        else:
            return found
        audit_record(
            actor=actor, action="survey.deadline_set", target=cycle,
            before=before, after={"due": due, "role": role},
        )  # fmt: skip
    return found


def deadlines_of(cycles: Iterable[int]) -> dict[tuple[int, str], datetime.date]:
    """(cycle id, role or "") → last day, for these cycles, in one query."""
    return {
        (cycle, role): due
        for cycle, role, due in SurveyDeadline.objects.filter(cycle_id__in=set(cycles))
        .values_list("cycle_id", "role", "due")
    }  # fmt: skip


def due_of(
    assignment: RaterAssignment, cycle_id: int, deadlines: dict[tuple[int, str], datetime.date]
) -> datetime.date | None:
    """The last day this rater may answer: their type's deadline, else the survey's;
    later if HR reopened it for them."""
    due = deadlines.get((cycle_id, assignment.role)) or deadlines.get((cycle_id, ""))
    if due is not None and assignment.reopened_until is not None:
        due = max(due, assignment.reopened_until)
    return due


def rater_reopen(
    *, assignment: RaterAssignment, actor: Any, until: datetime.date, reason: str = ""
) -> None:
    """HR lets one rater answer after the deadline, up to `until`; audited (it tells them)."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR reopens a survey after its deadline"))
    if until < timezone.localdate():
        raise ServiceError(_("reopen the survey until today or a later day"))
    with transaction.atomic():
        before = assignment.reopened_until
        assignment.reopened_until = until
        assignment.save(update_fields=["reopened_until", "updated_at"])
        audit_record(
            actor=actor, action="rater.reopened", target=assignment,
            before={"until": before}, after={"until": until}, reason=reason,
        )  # fmt: skip


class SurveyRules:
    """What the fact pipeline asks of a batch's assigned raters, read once: the
    assignments of its appraisals and their cycles' deadlines."""

    def __init__(self, appraisals: Iterable[Appraisal]) -> None:
        chosen = list(appraisals)
        self.assignments = {
            (a.appraisal_id, a.rater_id, a.role): a
            for a in RaterAssignment.objects.filter(
                appraisal_id__in=[appraisal.pk for appraisal in chosen],
                state=AssignmentState.ASSIGNED,
            ).only("appraisal_id", "rater_id", "role", "items", "reopened_until")
        }
        self.deadlines = deadlines_of(appraisal.cycle_id for appraisal in chosen)

    def refusal(
        self, *, appraisal: Appraisal, role: str, item: Any, rater_id: int, late: bool
    ) -> tuple[str, str]:
        """("", "") or (code, message): an item outside the rater's scope, or a rating
        after the survey's deadline (`late`: HR entering a paper form may)."""
        assignment = self.assignments.get((appraisal.pk, rater_id, role))
        if assignment is None:
            return "", ""
        if assignment.items and item.code not in assignment.items:
            return "not_assigned", _(
                "%(item)s is not among the items this rater was asked to rate"
            ) % {"item": item.name}
        due = due_of(assignment, appraisal.cycle_id, self.deadlines)
        if not late and due is not None and timezone.localdate() > due:
            return "survey_closed", _(
                "the survey closed on %(day)s: late ratings are not taken unless HR reopens it"
            ) % {"day": due.isoformat()}
        return "", ""


# -- who has answered, reminders -------------------------------------------------------


def answered() -> Any:
    """Whether an assignment's rater has answered: the form sent, or a rating given."""
    return Q(answered_at__isnull=False) | Exists(
        Rating.objects.filter(
            appraisal=OuterRef("appraisal"), role=OuterRef("role"), rater=OuterRef("rater")
        )
    )


def _waiting(**filters: Any) -> Any:
    return (
        RaterAssignment.objects.filter(
            state=AssignmentState.ASSIGNED,
            appraisal__cycle__state__in=RUNNING_CYCLES,
            rater__is_active=True,
            **filters,
        )
        .exclude(answered())
        .exclude(appraisal__state__in=[AppraisalState.CLOSED, AppraisalState.WITHDRAWN])
        .select_related("appraisal")
    )


def _remind(
    assignments: Sequence[RaterAssignment],
    *,
    actor: Any,
    today: datetime.date,
    deadlines: dict[tuple[int, str], datetime.date],
    overdue: Sequence[int] = (),
) -> int:
    """One audited reminder event per cycle (its notice rule tells each rater once,
    in-app, by e-mail and to their unit's group robot, as they prefer); each
    assignment marked reminded today."""
    by_cycle: dict[int, list[RaterAssignment]] = {}
    for assignment in assignments:
        by_cycle.setdefault(assignment.appraisal.cycle_id, []).append(assignment)
    cycles = Cycle.objects.in_bulk(list(by_cycle))
    with transaction.atomic():
        for cycle_id, chosen in by_cycle.items():
            audit_record(
                actor=actor,
                action="survey.reminded",
                target=cycles[cycle_id],
                after={
                    "day": today,
                    "assignments": [a.pk for a in chosen],
                    "due": {
                        str(a.pk): due.isoformat()
                        for a in chosen
                        if (due := due_of(a, cycle_id, deadlines)) is not None
                    },
                    "overdue": [a.pk for a in chosen if a.pk in overdue],
                },
            )
        RaterAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(reminded_on=today)
    return len(assignments)


def survey_reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily reminders (the reminder job): each rater who has not answered is
    reminded `JIXIAO_SURVEY_REMIND_BEFORE` days before their deadline and, with
    `JIXIAO_SURVEY_REMIND_OVERDUE`, the day after it; at most once a day. Returns
    how many assignments were reminded."""
    today = today or timezone.localdate()
    before = {int(days) for days in settings.JIXIAO_SURVEY_REMIND_BEFORE}
    deadlines = SurveyDeadline.objects.filter(cycle__state__in=RUNNING_CYCLES)
    cycles = set(deadlines.values_list("cycle_id", flat=True))
    if not cycles:
        return 0
    due_by = deadlines_of(cycles)
    chosen: list[RaterAssignment] = []
    overdue: list[int] = []
    waiting = _waiting(appraisal__cycle_id__in=cycles).exclude(reminded_on=today)
    for assignment in waiting.iterator(chunk_size=2000):
        due = due_of(assignment, assignment.appraisal.cycle_id, due_by)
        if due is None:
            continue
        left = (due - today).days
        if left in before:
            chosen.append(assignment)
        elif left == -1 and settings.JIXIAO_SURVEY_REMIND_OVERDUE:
            chosen.append(assignment)
            overdue.append(assignment.pk)
    return _remind(chosen, actor=None, today=today, deadlines=due_by, overdue=overdue)


def survey_remind_now(*, actor: Any, appraisals: Sequence[Appraisal]) -> int:
    """HR or the manager reminds, now, every rater of these appraisals who has not
    answered and may still answer (not already reminded today). Returns how many."""
    standing = relations_by_appraisal(actor, appraisals)
    if any(not standing[a.pk] & {HR, SUPERVISOR} for a in appraisals):
        raise NotAllowed(_("only HR and the appraisee's manager remind the raters"))
    today = timezone.localdate()
    due_by = deadlines_of(a.cycle_id for a in appraisals)
    waiting = _waiting(appraisal__in=[a.pk for a in appraisals]).exclude(reminded_on=today)
    chosen = [
        assignment
        for assignment in waiting
        if (due := due_of(assignment, assignment.appraisal.cycle_id, due_by)) is None
        or due >= today
    ]
    return _remind(chosen, actor=actor, today=today, deadlines=due_by)
