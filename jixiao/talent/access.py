"""Who may see and change a talent review: HR and the cycle's committee; a manager
may rate the potential of their direct reports."""

from __future__ import annotations

from typing import Any

from jixiao.appraisals.models import Appraisal, Cycle
from jixiao.core import roles


def can_review(user: Any, cycle: Cycle) -> bool:
    if roles.reads_everything(user):
        return True
    return bool(roles.is_active_user(user) and cycle.committee.filter(pk=user.pk).exists())


def can_change_review(user: Any, cycle: Cycle) -> bool:
    if roles.is_auditor(user) and not roles.is_hr(user):
        return False
    return can_review(user, cycle)


def can_rate_potential(user: Any, appraisal: Appraisal) -> bool:
    if can_change_review(user, appraisal.cycle):
        return True
    boss = appraisal.employee.supervisor if appraisal.employee is not None else None
    return bool(boss is not None and boss.user_id and boss.user_id == getattr(user, "pk", None))
