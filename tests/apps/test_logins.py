"""Logins from HR (issue 13): adding an employee's login sends an invitation with a
one-time link to set the password; HR resets a password the same way; the link
works once and sets a password the person then signs in with."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from jixiao.accounts.models import User
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.organization.services import employee_login_create
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db


def set_password_by(link: str, password: str) -> None:
    client = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302, done.content.decode()[:500]


def test_hr_creates_a_login_and_the_invitation_sets_the_password(
    hr: Any, company: SimpleNamespace
) -> None:
    worker = company.worker
    worker.user = None
    worker.save()
    page = client_for(hr).post(
        f"/hr/employees/{worker.pk}/login/",
        {"do": "create", "email": "zhaoliu@example.com"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert page.status_code == 200
    worker.refresh_from_db()
    user = worker.user
    assert user is not None and user.username == "2001" and str(user) == "赵六"
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["zhaoliu@example.com"] and "2001" in message.body
    link = re.search(r"https?://\S+", message.body)
    assert link is not None
    set_password_by(link.group(0), "Zhao-2026-secret")
    assert Client().login(username="2001", password="Zhao-2026-secret")
    again = Client().get("/" + link.group(0).split("://", 1)[1].split("/", 1)[1], follow=True)
    assert again.context["validlink"] is False  # the link worked once
    assert AuditEvent.objects.filter(action="user.invited", target_id=str(user.pk)).exists()


def test_without_an_email_the_link_is_shown_to_hr(hr: Any, company: SimpleNamespace) -> None:
    worker = company.worker
    worker.user = None
    worker.save()
    page = client_for(hr).post(
        f"/hr/employees/{worker.pk}/login/", {"do": "create"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = page.content.decode()
    assert "/accounts/reset/" in text and not mail.outbox


def test_a_reset_stops_the_old_password_and_mails_a_link(hr: Any, company: SimpleNamespace) -> None:
    user = company.clerks[0].user
    user.email = "liqiang@example.com"
    user.save()
    client_for(hr).post(f"/hr/employees/{company.clerks[0].pk}/login/", {"do": "reset"})
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert mail.outbox[0].to == ["liqiang@example.com"]
    assert AuditEvent.objects.filter(action="user.password_reset").count() == 1


def test_refusals(hr: Any, company: SimpleNamespace) -> None:
    with pytest.raises(ServiceError):  # already has one
        employee_login_create(employee=company.clerks[0], actor=hr)
    with pytest.raises(NotAllowed):
        employee_login_create(employee=company.worker, actor=company.manager.user)
    User.objects.create(username="2001")
    worker = company.worker
    worker.user = None
    worker.save()
    with pytest.raises(ServiceError, match="2001"):  # the name is taken
        employee_login_create(employee=worker, actor=hr)
    assert client_for(company.manager.user).get(
        f"/hr/employees/{worker.pk}/login/"
    ).status_code in (302, 403, 404)
