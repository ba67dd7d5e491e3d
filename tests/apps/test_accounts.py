"""Account services: HR creates accounts and grants roles; every change is audited."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.accounts.selectors import user_get, user_list
from jixiao.accounts.services import user_create, user_set_roles, user_update
from jixiao.core.errors import NotAllowed, NotFound, ServiceError
from jixiao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_system_creates_the_first_hr_account_and_hr_the_others() -> None:
    first = user_create(actor=None, username="hr", password="s3cret-pass", is_hr=True)
    assert first.is_staff and first.check_password("s3cret-pass")
    auditor = user_create(actor=first, username="audit", is_auditor=True)
    assert auditor.is_staff and not auditor.has_usable_password()
    employee = user_create(actor=first, username="li", display_name="李强")
    assert not employee.is_staff and str(employee) == "李强"
    events = AuditEvent.objects.filter(action="user.created").order_by("pk")
    assert [(e.actor, e.after["username"]) for e in events] == [
        (None, "hr"),
        (first, "audit"),
        (first, "li"),
    ]
    assert "password" not in events[0].after


def test_user_names_are_unique(hr: Any) -> None:
    with pytest.raises(ServiceError, match="taken"):
        user_create(actor=hr, username="hr")


def test_only_hr_manages_accounts(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        user_create(actor=company.manager.user, username="x")
    with pytest.raises(NotAllowed):
        user_set_roles(user=company.clerks[0].user, actor=company.manager.user, is_hr=True)


def test_roles_are_granted_and_withdrawn_with_admin_access(
    hr: Any, company: SimpleNamespace
) -> None:
    clerk = company.clerks[0].user
    user_set_roles(user=clerk, actor=hr, is_hr=True, reason="接任绩效专员")
    assert clerk.is_hr and clerk.is_staff
    user_set_roles(user=clerk, actor=hr, is_hr=False, is_active=False, reason="离职")
    clerk.refresh_from_db()
    assert not clerk.is_staff and not clerk.is_active
    events = AuditEvent.objects.filter(action="user.roles_changed").order_by("pk")
    assert [e.reason for e in events] == ["接任绩效专员", "离职"]
    user_set_roles(user=clerk, actor=hr, is_hr=False)  # no change: no event
    assert events.count() == 2


def test_profiles_change_and_unknown_fields_are_refused(hr: Any, company: SimpleNamespace) -> None:
    user = user_update(user=company.clerks[0].user, actor=hr, display_name="李强（会计）")
    assert AuditEvent.objects.get(action="user.updated").after == {"display_name": "李强（会计）"}
    with pytest.raises(TypeError, match="is_superuser"):
        user_update(user=user, actor=hr, is_superuser=True)


def test_accounts_are_visible_to_hr_the_auditor_and_their_owner(
    hr: Any, auditor: Any, company: SimpleNamespace
) -> None:
    clerk = company.clerks[0].user
    assert user_list(visible_to=hr).count() == user_list(visible_to=auditor).count() > 2
    assert list(user_list(visible_to=clerk)) == [clerk]
    with pytest.raises(NotFound):
        user_get(visible_to=clerk, username="hr")
