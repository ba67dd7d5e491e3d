"""Who may see and do what in cycles and appraisals (domain.md §1).

One small function per kind of object; each condition on its own line. A
person who may not see an object is told it does not exist (selectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Cast

from jixiao.appraisals.models import (
    AnonymityPolicy,
    Appeal,
    Appraisal,
    AssignmentState,
    Cycle,
    Eligibility,
    Event,
    ImprovementPlan,
    Interview,
    RaterAssignment,
    Rating,
    Result,
    TargetChangeRequest,
)
from jixiao.appraisals.workflow import (
    APPRAISEE,
    COMMITTEE,
    HR,
    SKIP_LEVEL,
    SUPERVISOR,
    AppraisalState,
    CycleState,
    State,
    movers,
)
from jixiao.core import roles
from jixiao.organization.access import employee_of, subordinate_ids, subordinates
from jixiao.organization.models import Employee
from jixiao.organization.selectors import unit_ancestors
from jixiao.schemes.models import SchemeItem

SELF_ROLES = frozenset({"self"})
SUPERVISOR_ROLES = frozenset({"supervisor", "direct"})
SKIP_LEVEL_ROLES = frozenset({"indirect", "skip_level"})


def owned_sources(employee: Employee) -> set[str]:
    """The data sources a data owner answers for: the names of their unit and the units
    above it (an accountant of 财务部 enters the figures whose source is 财务部)."""
    if not employee.is_data_owner:
        return set()
    return {employee.unit.name, *(unit.name for unit in unit_ancestors(employee.unit))}


def relations(user: Any, appraisal: Appraisal) -> set[str]:
    """How a user stands to an appraisal: hr, appraisee, supervisor, skip_level, committee."""
    return relations_by_appraisal(user, [appraisal])[appraisal.pk]


def relations_by_appraisal(user: Any, appraisals: Sequence[Appraisal]) -> dict[int, set[str]]:
    """`relations()` of many appraisals at once, by appraisal id, in three queries
    whatever their number (the committees, the person, the appraisees' managers)."""
    committee_cycles = _committee_cycles(user, {appraisal.cycle_id for appraisal in appraisals})
    me = employee_of(user)
    managers = _managers(appraisals) if me is not None else {}
    found: dict[int, set[str]] = {}
    for appraisal in appraisals:
        standing: set[str] = set()
        if roles.is_hr(user):
            standing.add(HR)
        if appraisal.cycle_id in committee_cycles:
            standing.add(COMMITTEE)
        if me is not None and appraisal.employee_id is not None:
            supervisor, skip_level = managers.get(appraisal.employee_id, (None, None))
            standing |= _personal(me.pk, appraisal.employee_id, supervisor, skip_level)
        elif me is not None and appraisal.unit_id == me.unit_id and me.unit.is_provider:
            standing.add(APPRAISEE)  # a provider's contact stands for the provider
        found[appraisal.pk] = standing
    return found


def _personal(me: int, appraisee: int, supervisor: int | None, skip_level: int | None) -> set[str]:
    found: set[str] = set()
    if appraisee == me:
        found.add(APPRAISEE)
    if supervisor == me:
        found.add(SUPERVISOR)
    if skip_level == me:
        found.add(SKIP_LEVEL)
    return found


def _committee_cycles(user: Any, cycle_ids: set[int]) -> set[int]:
    """Of these cycles, those whose committee the user sits on."""
    if not roles.is_active_user(user) or not cycle_ids:
        return set()
    sits = Cycle.committee.through.objects.filter(user_id=user.pk, cycle_id__in=cycle_ids)
    return set(sits.values_list("cycle_id", flat=True))


def _managers(appraisals: Sequence[Appraisal]) -> dict[int, tuple[int | None, int | None]]:
    """By appraisee: their supervisor and their supervisor's supervisor."""
    ids = {appraisal.employee_id for appraisal in appraisals if appraisal.employee_id}
    if not ids:
        return {}
    rows = Employee.objects.filter(pk__in=ids).values_list(
        "pk", "supervisor_id", "supervisor__supervisor_id"
    )
    return {pk: (supervisor, skip_level) for pk, supervisor, skip_level in rows}


def appraisals_related_to(user: Any) -> QuerySet[Appraisal]:
    """The appraisals in which the user stands as appraisee, supervisor or skip-level
    (the query form of `relations()` without HR and the committee): a part of
    `appraisals_visible_to(user)` found without walking the whole subtree."""
    me = employee_of(user)
    if me is None:
        return Appraisal.objects.none()
    # the people as a union of three index look-ups: the appraisals are then found by
    # their employee index (an employee's home reads one row, not every appraisal)
    reports = Employee.objects.filter(supervisor=me).order_by().values("pk")
    people = (
        Employee.objects.filter(pk=me.pk)  # oneself
        .order_by()
        .values("pk")
        .union(
            reports,  # one's direct reports
            Employee.objects.filter(supervisor__in=reports).order_by().values("pk"),  # skip-level
            all=True,
        )
    )
    return Appraisal.objects.filter(employee__in=people).exclude(cycle__state=CycleState.DRAFT)


def cycles_visible_to(user: Any) -> QuerySet[Cycle]:
    if roles.reads_everything(user):
        return Cycle.objects.all()
    if not roles.is_active_user(user):
        return Cycle.objects.none()
    return Cycle.objects.exclude(state=CycleState.DRAFT)  # open cycles are announced to all


def eligibilities_visible_to(user: Any) -> QuerySet[Eligibility]:
    if roles.reads_everything(user):
        return Eligibility.objects.all()  # reasons name absences: HR and the auditor only
    return Eligibility.objects.none()


def appraisals_visible_to(user: Any) -> QuerySet[Appraisal]:
    if roles.reads_everything(user):
        return Appraisal.objects.all()
    if not roles.is_active_user(user):
        return Appraisal.objects.none()
    visible = Q(cycle__committee=user)  # committee members: the cycles they sit on
    me = employee_of(user)
    if me is not None:
        visible |= Q(employee=me)  # one's own appraisal
        visible |= _provider_contact(me)  # a provider's contact: the provider's appraisal
        visible |= Q(employee__in=subordinates(me))  # managers: the people below them
        visible |= Q(scheme_version__in=_versions_sourced_by(me))  # data owners: their items
    return Appraisal.objects.filter(visible).exclude(cycle__state=CycleState.DRAFT).distinct()


def results_visible_to(user: Any) -> QuerySet[Result]:
    if roles.reads_everything(user):
        return Result.objects.all()
    if not roles.is_active_user(user):
        return Result.objects.none()
    visible = Q(appraisal__cycle__committee=user)  # committee members: their cycles
    me = employee_of(user)
    if me is not None:
        visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
        visible |= Q(appraisal__employee=me, frozen_at__isnull=False)  # oneself, once published
        # a provider's contact: the provider's result, once published
        visible |= _provider_contact(me, "appraisal__") & Q(frozen_at__isnull=False)
    return Result.objects.filter(visible).distinct()


def own_results_visible_to(user: Any) -> QuerySet[Result]:
    """`results_visible_to(user)` of the user's own appraisals, found from the person's
    rows: published, or in a cycle whose committee they sit on (HR and the auditor:
    all). The rule's subtree of reports never holds oneself, so it is not asked: for a
    manager it made the planner read every appraisal of the company for a few rows."""
    me = employee_of(user)
    if me is None:
        return Result.objects.none()
    own = Result.objects.filter(appraisal__employee=me)
    if roles.reads_everything(user):
        return own
    sits_on = Cycle.objects.filter(committee=user)
    return own.filter(Q(frozen_at__isnull=False) | Q(appraisal__cycle__in=sits_on))


def _provider_contact(employee: Employee, path: str = "") -> Q:
    """The appraisals of the provider whose contact the employee is (someone registered
    under a provider unit sees it as an employee sees their own); nothing otherwise."""
    if not employee.unit.is_provider:
        return Q(pk__in=[])
    return Q(**{f"{path}unit": employee.unit})


def _versions_sourced_by(employee: Employee) -> QuerySet[Any]:
    return SchemeItem.objects.filter(source__in=owned_sources(employee)).values("version_id")


def can_manage_cycles(user: Any) -> bool:
    return roles.is_hr(user)


def can_record_facts(user: Any, appraisal: Appraisal, item: str) -> bool:
    """Values, inputs, events, direct scores, adjustments of one item (or '' for the appraisee)."""
    return appraisal.pk in facts_recordable_by(user, [appraisal], item)


def facts_recordable_by(user: Any, appraisals: Sequence[Appraisal], item: str) -> set[int]:
    """`can_record_facts()` of many appraisals at once: the ids of those in which the
    user may record `item`, in a constant number of queries."""
    if roles.is_hr(user):
        return {appraisal.pk for appraisal in appraisals}
    me = employee_of(user)
    if me is None:
        return set()
    below = subordinate_ids(me)
    sources = owned_sources(me) if item else set()
    sourced = _versions_with_item_from(item, sources, {a.scheme_version_id for a in appraisals})
    found = set()
    for appraisal in appraisals:
        if appraisal.employee_id is not None and appraisal.employee_id in below:
            found.add(appraisal.pk)  # managers, for the people below them
        elif appraisal.scheme_version_id in sourced:
            found.add(appraisal.pk)  # data owners, for the items they are the source of
    return found


def _versions_with_item_from(item: str, sources: set[str], versions: set[int]) -> set[int]:
    """Of these scheme versions, those whose `item` has one of `sources` as its source."""
    if not item or not sources or not versions:
        return set()
    rows = SchemeItem.objects.filter(version_id__in=versions, code=item, source__in=sources)
    return set(rows.values_list("version_id", flat=True))


def can_rate(user: Any, appraisal: Appraisal, role: str) -> bool:
    """Whether `user` may give a rating in `role` (self, supervisor, indirect, peer …):
    the appraisee and their managers by their standing, anyone else by assignment."""
    if roles.is_hr(user):
        return True  # entering paper forms on behalf of the raters
    standing = relations(user, appraisal)
    if role in SELF_ROLES:
        return APPRAISEE in standing
    if role in SUPERVISOR_ROLES:
        return SUPERVISOR in standing
    if role in SKIP_LEVEL_ROLES:
        return SKIP_LEVEL in standing
    if APPRAISEE in standing or not roles.is_active_user(user):
        return False
    # peers, subordinates, customers, external raters: those assigned (360, domain.md §3a)
    return RaterAssignment.objects.filter(
        appraisal=appraisal, rater=user, role=role, state=AssignmentState.ASSIGNED
    ).exists()


def can_move_appraisal(user: Any, appraisal: Appraisal, target: State) -> bool:
    """Whether `user` may make this move of the transition table."""
    allowed = movers(AppraisalState(appraisal.state), target)
    return bool(allowed & relations(user, appraisal))


PUBLISHED_CYCLE_STATES = (CycleState.PUBLISHED, CycleState.CLOSED)


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Fact records (事实记录): the appraisee sees those about them as they are recorded."""
    if roles.reads_everything(user):
        return Event.objects.all()
    if not roles.is_active_user(user):
        return Event.objects.none()
    visible = Q(appraisal__cycle__committee=user)  # committee members: their cycles
    me = employee_of(user)
    if me is not None:
        visible |= Q(appraisal__employee=me)  # oneself
        visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
        visible |= _sourced_items(me, "appraisal__scheme_version")  # data owners: their items
    return (
        Event.objects.filter(visible).exclude(appraisal__cycle__state=CycleState.DRAFT).distinct()
    )


ANONYMOUS_ROLES = frozenset({"peer", "subordinate", "customer", "external"})


def anonymity_policy() -> AnonymityPolicy:
    """The company's anonymity policy; its defaults (3 raters, no names) until HR sets it."""
    return AnonymityPolicy.objects.filter(pk=1).first() or AnonymityPolicy(pk=1)


def sees_rater_names(user: Any, policy: AnonymityPolicy | None = None) -> bool:
    """Whether `user` reads anonymous ratings one by one, with their raters and in the
    items' full traces: HR and the auditor, where the company's policy allows it (each
    reading of names is audited). Everyone else reads aggregates."""
    if not roles.reads_everything(user):
        return False
    return (policy or anonymity_policy()).hr_sees_names


def hidden_audit_events(user: Any) -> Q:
    """The audit events `user` may not read: those of anonymous ratings (their actor is
    the rater, their values the answer) for anyone who does not see raters' names.
    `events.exclude(hidden_audit_events(user))`."""
    if sees_rater_names(user):
        return Q(pk__in=[])
    anonymous = Rating.objects.filter(role__in=ANONYMOUS_ROLES).annotate(
        key=Cast("pk", output_field=CharField())
    )
    rating = Q(target_type=Rating._meta.label_lower)
    return rating & (Q(target_id__in=anonymous.values("key")) | Q(after__role__in=ANONYMOUS_ROLES))


def ratings_visible_to(user: Any) -> QuerySet[Rating]:
    """Ratings: the appraisee sees their own self-assessment, the others once published.
    Peer, subordinate, customer and external ratings are anonymous: one by one only to
    the rater who gave them, and to HR and the auditor where the company's policy lets
    them see names (`sees_rater_names`); everyone else reads them as aggregates of at
    least the policy's number of raters (`anonymous_aggregates`)."""
    if sees_rater_names(user):
        return Rating.objects.all()
    if not roles.is_active_user(user):
        return Rating.objects.none()
    if roles.reads_everything(user):  # HR and the auditor without names: all named roles
        return (
            Rating.objects.exclude(role__in=ANONYMOUS_ROLES) | Rating.objects.filter(rater=user)
        ).distinct()
    visible = Q(appraisal__cycle__committee=user)  # committee members: their cycles
    me = employee_of(user)
    if me is not None:
        visible |= Q(appraisal__employee=me, role__in=SELF_ROLES)  # one's self-assessment
        visible |= Q(appraisal__employee=me, appraisal__cycle__state__in=PUBLISHED_CYCLE_STATES)
        visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
    named = Rating.objects.filter(visible).exclude(role__in=ANONYMOUS_ROLES)
    return (named | Rating.objects.filter(rater=user)).distinct()


def anonymous_aggregates(
    user: Any, appraisal: Appraisal, least: int | None = None
) -> list[dict[str, Any]]:
    """The anonymous roles' ratings of an appraisal that `user` may read, per item and
    role: the count, and — only where at least `least` raters (the policy's number)
    gave one — the mean, the spread and the comments, in the order of their text.
    No names, no single value, no order that follows the raters."""
    standing = relations(user, appraisal)
    may_read = (
        roles.reads_everything(user)
        or bool(standing & {COMMITTEE, SUPERVISOR, SKIP_LEVEL})
        or (APPRAISEE in standing and appraisal.cycle.state in PUBLISHED_CYCLE_STATES)
    )
    if not may_read:
        return []
    if least is None:
        least = anonymity_policy().least_raters
    grouped: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for item, role, value, comment in Rating.objects.filter(
        appraisal=appraisal, role__in=ANONYMOUS_ROLES
    ).values_list("item", "role", "value", "comment"):
        grouped.setdefault((item, role), []).append((_number(value), comment.strip()))
    return [_aggregate(item, role, given, least) for (item, role), given in sorted(grouped.items())]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")  # a level name: counted, not averaged


def _aggregate(item: str, role: str, given: list[tuple[float, str]], least: int) -> dict[str, Any]:
    numbers = [number for number, _comment in given if number == number]
    shown = len(given) >= least
    mean = sum(numbers) / len(numbers) if shown and len(numbers) == len(given) else None
    spread = (
        round((sum((v - mean) ** 2 for v in numbers) / len(numbers)) ** 0.5, 2)
        if mean is not None
        else None
    )
    return {
        "item": item,
        "role": role,
        "count": len(given),
        "least": least,
        "shown": shown,
        "mean": round(mean, 2) if mean is not None else None,
        "spread": spread,
        "comments": sorted(comment for _number, comment in given if comment) if shown else [],
    }


def _sourced_items(employee: Employee, version_path: str) -> Q:
    """Rows whose item's data source is one of the employee's (data owners)."""
    sources = owned_sources(employee)
    if not sources:
        return Q(pk__in=[])
    return Q(
        **{
            f"{version_path}__items__source__in": sources,
            f"{version_path}__items__code": F("item"),
        }
    )


def target_change_requests_visible_to(user: Any) -> QuerySet[TargetChangeRequest]:
    if roles.reads_everything(user):
        return TargetChangeRequest.objects.all()
    me = employee_of(user)
    if me is None:
        return TargetChangeRequest.objects.none()
    visible = Q(appraisal__employee=me)  # one's own targets
    visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
    return TargetChangeRequest.objects.filter(visible)


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    """Appeals: the appellant, HR, the auditor, and the committee of the cycle; not the
    managers, whose ratings may be what is appealed."""
    if roles.reads_everything(user):
        return Appeal.objects.all()
    if not roles.is_active_user(user):
        return Appeal.objects.none()
    visible = Q(appraisal__cycle__committee=user)  # committee members decide appeals
    me = employee_of(user)
    if me is not None:
        visible |= Q(appraisal__employee=me)  # one's own appeals
    return Appeal.objects.filter(visible).distinct()


def interviews_visible_to(user: Any) -> QuerySet[Interview]:
    if roles.reads_everything(user):
        return Interview.objects.all()
    me = employee_of(user)
    if me is None:
        return Interview.objects.none()
    visible = Q(appraisal__employee=me)  # one's own interview
    visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
    return Interview.objects.filter(visible)


def improvement_plans_visible_to(user: Any) -> QuerySet[ImprovementPlan]:
    if roles.reads_everything(user):
        return ImprovementPlan.objects.all()
    me = employee_of(user)
    if me is None:
        return ImprovementPlan.objects.none()
    visible = Q(appraisal__employee=me)  # one's own plan
    visible |= Q(appraisal__employee__in=subordinates(me))  # managers: their subtree
    return ImprovementPlan.objects.filter(visible)


def can_set_targets(user: Any, appraisal: Appraisal) -> bool:
    """Targets and challenge values: the managers above the appraisee, and HR."""
    if roles.is_hr(user):
        return True
    standing = relations(user, appraisal)
    if SUPERVISOR in standing:
        return True
    if SKIP_LEVEL in standing:  # noqa: SIM103
        return True
    return False


def can_acknowledge_targets(user: Any, appraisal: Appraisal) -> bool:
    return APPRAISEE in relations(user, appraisal)


def can_request_target_change(user: Any, appraisal: Appraisal) -> bool:
    if roles.is_hr(user):
        return True
    standing = relations(user, appraisal)
    if APPRAISEE in standing:
        return True
    if SUPERVISOR in standing:
        return True
    if SKIP_LEVEL in standing:  # noqa: SIM103
        return True
    return False


def can_answer_target_change(user: Any, request: TargetChangeRequest) -> bool:
    """A manager above the appraisee (not the one who asked), or HR."""
    if roles.is_hr(user):
        return True
    if request.requested_by_id == getattr(user, "pk", None):
        return False
    standing = relations(user, request.appraisal)
    if SUPERVISOR in standing:
        return True
    if SKIP_LEVEL in standing:  # noqa: SIM103
        return True
    return False


def can_file_appeal(user: Any, appraisal: Appraisal) -> bool:
    return APPRAISEE in relations(user, appraisal)


def can_decide_appeal(user: Any, appeal: Appeal) -> bool:
    """Accept, reject and answer: HR, and the committee of the appeal's cycle."""
    return appeal.pk in appeals_decidable_by(user, [appeal])


def appeals_decidable_by(user: Any, appeals: Sequence[Appeal]) -> set[int]:
    """`can_decide_appeal()` of many appeals at once: the ids the user may decide."""
    if roles.is_hr(user):
        return {appeal.pk for appeal in appeals}
    cycles = _committee_cycles(user, {appeal.appraisal.cycle_id for appeal in appeals})
    return {appeal.pk for appeal in appeals if appeal.appraisal.cycle_id in cycles}


def can_record_interview(user: Any, appraisal: Appraisal) -> bool:
    """The interview and the improvement plan: the direct supervisor, and HR."""
    if roles.is_hr(user):
        return True
    return SUPERVISOR in relations(user, appraisal)


def can_acknowledge_interview(user: Any, appraisal: Appraisal) -> bool:
    return APPRAISEE in relations(user, appraisal)
