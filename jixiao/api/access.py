"""Who the API is talking to, and what a service token may reach.

A request is made by a `Principal`: a user, and the token it came with (none for
the web session). People — session or personal token — see exactly what the web
shows them: the apps' access functions decide. A service token acts for the HR
user who made it, narrowed to its scope: the appraisals of schemes with items
from its sources, in cycles that are not drafts. Each condition on its own line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from jixiao.api.models import Token
from jixiao.appraisals.access import (
    appraisals_visible_to,
    cycles_visible_to,
    events_visible_to,
    owned_sources,
    ratings_visible_to,
    relations,
    results_visible_to,
)
from jixiao.appraisals.models import Appraisal, Cycle, Event, Fact, Rating, Result
from jixiao.appraisals.workflow import CycleState
from jixiao.core import roles
from jixiao.organization.access import employee_of, employees_visible_to, subordinate_ids
from jixiao.organization.models import Employee
from jixiao.schemes.models import SchemeItem


@dataclass(frozen=True)
class Principal:
    user: Any
    token: Token | None = None

    @property
    def service(self) -> Token | None:
        """The service token, when a data system is calling."""
        if self.token is not None and self.token.is_service:
            return self.token
        return None


def token_usable(token: Token, *, now: datetime.datetime | None = None) -> bool:
    """A token works until it expires (at `now`, default: now), while it is in force."""
    if token.is_expired(now):
        return False
    return token_in_force(token)


def token_in_force(token: Token) -> bool:
    """Expiry aside: not revoked, and the account it acts as may use it."""
    if token.is_revoked:
        return False
    if not roles.is_active_user(token.user):
        return False
    if token.is_service and not roles.is_hr(token.user):  # noqa: SIM103
        return False  # a service token stops when its maker is no longer HR
    return True


def can_manage_token(user: Any, token: Token) -> bool:
    if roles.is_hr(user):
        return True
    return bool(not token.is_service and token.user_id == getattr(user, "pk", None))


def can_create_service_tokens(user: Any) -> bool:
    return roles.is_hr(user)


def tokens_visible_to(user: Any) -> QuerySet[Token]:
    if roles.reads_everything(user):
        return Token.objects.all()
    if roles.is_active_user(user):
        return Token.objects.filter(user=user, kind="personal")
    return Token.objects.none()


def _scoped_versions(token: Token) -> QuerySet[Any]:
    return SchemeItem.objects.filter(source__in=token.sources).values("version_id")


def appraisals_in_scope(principal: Principal) -> QuerySet[Appraisal]:
    service = principal.service
    if service is None:
        return appraisals_visible_to(principal.user)
    return (
        Appraisal.objects.filter(scheme_version__in=_scoped_versions(service))
        .exclude(cycle__state=CycleState.DRAFT)
        .distinct()
    )


def results_in_scope(principal: Principal) -> QuerySet[Result]:
    service = principal.service
    if service is None:
        return results_visible_to(principal.user)
    if not service.read_results:
        return Result.objects.none()
    return Result.objects.filter(appraisal__in=appraisals_in_scope(principal))


def cycles_in_scope(principal: Principal) -> QuerySet[Cycle]:
    if principal.service is None:
        return cycles_visible_to(principal.user)
    return Cycle.objects.exclude(state=CycleState.DRAFT)  # announced to everyone


def employees_in_scope(principal: Principal) -> QuerySet[Employee]:
    if principal.service is None:
        return employees_visible_to(principal.user)
    return Employee.objects.filter(appraisals__in=appraisals_in_scope(principal)).distinct()


def service_may_record(token: Token, *, source: str | None, cycle_state: str) -> bool:
    """Whether a service token may record a fact of an item with this data source,
    in a cycle in this state."""
    if cycle_state not in token.cycle_states:
        return False
    return bool(source) and source in token.sources


def _full_view(user: Any, appraisal: Appraisal) -> bool:
    """Whether a person sees every fact of an appraisal (not only their items' facts)."""
    if roles.reads_everything(user):
        return True
    if relations(user, appraisal):  # HR, the appraisee, supervisors, the committee
        return True
    me = employee_of(user)
    return bool(me is not None and appraisal.employee_id in subordinate_ids(me))


def _sources_of(principal: Principal) -> set[str]:
    if principal.service is not None:
        return set(principal.service.sources)
    me = employee_of(principal.user)
    return owned_sources(me) if me is not None else set()


def _sourced_items(principal: Principal, appraisal: Appraisal) -> QuerySet[Any]:
    return appraisal.scheme_version.items.filter(source__in=_sources_of(principal)).values("code")


def facts_in_scope(principal: Principal, appraisal: Appraisal) -> QuerySet[Fact]:
    facts = appraisal.facts.all()
    if principal.service is None and _full_view(principal.user, appraisal):
        return facts
    return facts.filter(item__in=_sourced_items(principal, appraisal))  # data owners


def events_in_scope(principal: Principal, appraisal: Appraisal) -> QuerySet[Event]:
    if principal.service is None:
        return events_visible_to(principal.user).filter(appraisal=appraisal)
    return appraisal.events.filter(item__in=_sourced_items(principal, appraisal))


def ratings_in_scope(principal: Principal, appraisal: Appraisal) -> QuerySet[Rating]:
    if principal.service is None:
        return ratings_visible_to(principal.user).filter(appraisal=appraisal)
    return Rating.objects.none()  # ratings are people's judgments, not a data system's
