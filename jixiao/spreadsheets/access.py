"""Who may import and export what (domain.md §1): HR everything; data owners the
facts of the items whose data source they are, through the appraisals' access."""

from __future__ import annotations

from typing import Any

from jixiao.core import roles
from jixiao.organization.access import employee_of


def is_data_owner(user: Any) -> bool:
    me = employee_of(user) if roles.is_active_user(user) else None
    return bool(me is not None and me.is_data_owner)


def can_import_facts(user: Any) -> bool:
    """HR, and data owners (each row is then checked against the items they own)."""
    if roles.is_hr(user):
        return True
    return is_data_owner(user)


def can_export_facts_template(user: Any) -> bool:
    return can_import_facts(user)


def can_manage_spreadsheets(user: Any) -> bool:
    """Dictionary, roster, schemes and results: HR only."""
    return roles.is_hr(user)


def can_read_results(user: Any) -> bool:
    return roles.reads_everything(user)


def can_print_forms(user: Any) -> bool:
    """The printable per-person forms: HR and the auditor, who read every appraisal."""
    return roles.reads_everything(user)
