"""The company's anonymity policy for 360 ratings, and HR reading the names behind
anonymous answers — both written to the audit log (issue 16, domain.md §3a)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.appraisals.access import ANONYMOUS_ROLES, sees_rater_names
from jixiao.appraisals.models import AnonymityPolicy, Appraisal, Rating
from jixiao.appraisals.models.anonymity import LEAST_RATERS_CEILING, LEAST_RATERS_FLOOR
from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError

POLICY_FIELDS = ["least_raters", "hr_sees_names"]


def anonymity_policy_set(
    *, actor: Any, least_raters: Any, hr_sees_names: bool, reason: str = ""
) -> AnonymityPolicy:
    """Set how many raters an anonymous aggregate needs and whether HR may see names."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR may change the anonymity policy"))
    try:
        least = int(str(least_raters).strip())
    except ValueError:
        raise ServiceError(
            _("Least raters: %(value)s is not a whole number.") % {"value": least_raters}
        ) from None
    if least < LEAST_RATERS_FLOOR:
        raise ServiceError(
            _(
                "Least raters: at least %(floor)s — with fewer, a rater's answer can be"
                " told from the combined figure."
            )
            % {"floor": LEAST_RATERS_FLOOR}
        )
    if least > LEAST_RATERS_CEILING:
        raise ServiceError(
            _("Least raters: at most %(ceiling)s.") % {"ceiling": LEAST_RATERS_CEILING}
        )
    with transaction.atomic():
        policy = AnonymityPolicy.objects.select_for_update().filter(pk=1).first()
        stored = policy is not None
        policy = policy or AnonymityPolicy(pk=1)  # the defaults, not yet stored
        before = snapshot(policy, POLICY_FIELDS)
        policy.least_raters, policy.hr_sees_names = least, bool(hr_sees_names)
        after = snapshot(policy, POLICY_FIELDS)
        if stored and before == after:
            return policy  # nothing changed: nothing written
        policy.updated_by = actor
        policy.save()
        audit_record(
            actor=actor,
            action="anonymity_policy.changed",
            target=policy,
            before=before,
            after=after,
            reason=reason,
        )
    return policy


def rater_names_viewed(*, actor: Any, appraisal: Appraisal, where: str) -> bool:
    """Write to the audit log that `actor` (HR or the auditor, the policy allowing) read
    who gave the anonymous ratings of `appraisal`, on `where` (a page or an API path).
    Nothing is written when there is no anonymous rating to read, or the actor does not
    see names. Returns whether an event was written."""
    if not sees_rater_names(actor):
        return False
    given = Rating.objects.filter(appraisal=appraisal, role__in=ANONYMOUS_ROLES)
    count = given.count()
    if not count:
        return False
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="appraisal.rater_names_viewed",
            target=appraisal,
            after={"ratings": count, "where": where},
            context={"appraisal": appraisal.pk},
        )
    return True
