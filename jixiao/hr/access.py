"""Who may use the HR pages (domain.md §1). HR does everything; the auditor reads
everything and changes nothing; a committee member sees and calibrates the
cycles they sit on. Anyone else gets the same 404 as for a page that does not
exist. Each condition on its own line."""

from __future__ import annotations

from typing import Any

from jixiao.appraisals.models import Cycle
from jixiao.core import roles


def can_read_hr_pages(user: Any) -> bool:
    """HR and the auditor read every HR page."""
    return roles.reads_everything(user)


def can_change(user: Any) -> bool:
    """Only HR changes anything through the HR pages."""
    return roles.is_hr(user)


def sits_on_committee(user: Any, cycle: Cycle) -> bool:
    if not roles.is_active_user(user):
        return False
    return cycle.committee.filter(pk=user.pk).exists()


def can_see_calibration(user: Any, cycle: Cycle) -> bool:
    if roles.reads_everything(user):
        return True
    return sits_on_committee(user, cycle)


def can_calibrate(user: Any, cycle: Cycle) -> bool:
    """HR, and the committee members of the cycle (domain.md §3.5); never the auditor."""
    if roles.is_hr(user):
        return True
    return sits_on_committee(user, cycle)
