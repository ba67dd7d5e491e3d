"""The two organisation-wide roles of domain.md §1, read from the user account.

Other roles (committee member, manager, data owner, employee) follow from the
data — a cycle's committee, the supervisor tree, an item's source — and are
decided by each app's `access.py`.
"""

from __future__ import annotations

from typing import Any


def is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_hr(user: Any) -> bool:
    """HR administrator (人力资源): may do everything."""
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return bool(getattr(user, "is_hr", False))


def is_auditor(user: Any) -> bool:
    """Auditor: reads everything, including the audit log; changes nothing."""
    if not is_active_user(user):
        return False
    return bool(getattr(user, "is_auditor", False))


def reads_everything(user: Any) -> bool:
    return is_hr(user) or is_auditor(user)
