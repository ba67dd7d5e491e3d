"""`users_named`: the logins a person types (HR inviting experts to an AHP, raters
to a survey), by login name or 工号, in one place."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.core.errors import ServiceError
from jixiao.organization.selectors import users_named

pytestmark = pytest.mark.django_db


def test_login_names_and_employee_numbers_in_any_separator_each_once(
    company: SimpleNamespace,
) -> None:
    manager, clerk = company.manager, company.clerks[0]
    text = f"{manager.user.username}，{clerk.number}、 {manager.number} ;{clerk.user.username}"

    assert users_named(text) == [manager.user, clerk.user]
    assert users_named([clerk.number]) == [clerk.user]


def test_unknown_and_inactive_names_are_all_refused_together(
    company: SimpleNamespace, hr: Any
) -> None:
    clerk = company.clerks[0]
    clerk.user.is_active = False
    clerk.user.save()

    with pytest.raises(ServiceError) as refused:
        users_named(f"{hr.username} nobody {clerk.number} E9999")
    assert "nobody、" in str(refused.value) and "E9999" in str(refused.value)
    assert clerk.number in str(refused.value)
