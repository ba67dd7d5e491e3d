"""The admin: HR works there (every save through the services, audited), the
auditor reads, anyone else is kept out. Labels are Chinese by default."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jixiao.appraisals.models import Appraisal, Cycle, Fact, Result
from jixiao.core.models import AuditEvent
from jixiao.organization.models import Unit
from jixiao.schemes.models import SchemeVersion
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label != "auth"]


def client_for(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(model: Any, action: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_model_of_the_apps_is_in_the_admin() -> None:
    from django.apps import apps

    ours = [
        m for m in apps.get_models() if m.__module__.startswith("jixiao.") and not m._meta.abstract
    ]
    assert set(ours) <= set(admin.site._registry)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_hr_opens_every_list_and_add_page(
    hr: Any, model: Any, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    client = client_for(hr)
    assert client.get(url(model, "changelist")).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(type("R", (), {"user": hr})()):
        assert client.get(url(model, "add")).status_code == 200
    first = model._default_manager.first()
    if first is not None:
        assert client.get(url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_auditor_reads_but_cannot_add(auditor: Any, model: Any, open_cycle: Cycle) -> None:
    client = client_for(auditor)
    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "add")).status_code == 403


def test_managers_and_employees_see_only_what_they_may(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    manager = client_for(company.manager.user)
    assert manager.get(url(Unit, "changelist")).status_code == 403
    assert manager.get(url(AuditEvent, "changelist")).status_code == 403
    page = manager.get(url(Appraisal, "changelist")).content.decode()
    assert "李强" in page and "王芳" in page and "张敏" in page  # the reports, and oneself
    clerk = client_for(company.clerks[0].user)
    page = clerk.get(url(Appraisal, "changelist")).content.decode()
    assert "李强" in page and "王芳" not in page
    colleague = appraisal_of(open_cycle, company.clerks[1])
    assert clerk.get(url(Appraisal, "change", colleague.pk)).status_code == 302  # "not found"
    assert "李强" not in clerk.get(url(Result, "changelist")).content.decode()  # not published
    assert clerk.get(url(Appraisal, "add")).status_code == 403


def test_a_unit_added_in_the_admin_is_audited(hr: Any) -> None:
    response = client_for(hr).post(
        url(Unit, "add"), {"code": "ADM", "name": "行政部", "kind": "department"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(code="ADM").name == "行政部"
    event = AuditEvent.objects.get(action="unit.created")
    assert event.actor == hr


def test_a_scheme_that_fails_the_check_is_shown_and_not_saved(
    hr: Any, scheme: SchemeVersion
) -> None:
    client = client_for(hr)
    broken = SCHEME.replace("rule:\n          bands", "rulle:\n          bands")
    response = client.post(url(SchemeVersion, "add"), {"text": broken, "comment": "坏的"})
    assert response.status_code == 200
    assert "rulle" in response.content.decode()
    assert SchemeVersion.objects.count() == 1
    changed = SCHEME.replace("财务部考核表", "财务部考核表二")
    response = client.post(url(SchemeVersion, "add"), {"text": changed, "comment": "改名"})
    assert response.status_code == 302
    assert SchemeVersion.objects.count() == 2


def test_a_fact_changed_in_the_admin_keeps_its_reason_and_recomputes(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    client = client_for(hr)
    data = {
        "appraisal": appraisal.pk,
        "item": "部门管理",
        "kind": "score",
        "key": "",
        "value": "90",
        "source": "form",
        "note": "",
        "reason": "",
    }
    response = client.post(url(Fact, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    fact = Fact.objects.get()
    assert fact.value == 90
    response = client.post(url(Fact, "change", fact.pk), {**data, "value": "80"})
    assert response.status_code == 302
    fact.refresh_from_db()
    assert fact.value == 90  # refused: a change needs a reason
    client.post(url(Fact, "change", fact.pk), {**data, "value": "80", "reason": "复核更正"})
    fact.refresh_from_db()
    assert fact.value == 80
    assert AuditEvent.objects.get(action="fact.changed").reason == "复核更正"
    assert Result.objects.filter(appraisal=appraisal).exists()


def test_the_cycle_advance_action_opens_a_draft(hr: Any, draft_cycle: Cycle) -> None:
    response = client_for(hr).post(
        url(Cycle, "changelist"), {"action": "advance", "_selected_action": [draft_cycle.pk]}
    )
    assert response.status_code == 302
    draft_cycle.refresh_from_db()
    assert draft_cycle.state == "targets"


def test_labels_are_chinese_by_default_and_english_on_request(hr: Any) -> None:
    client = client_for(hr)
    with translation.override("zh-hans"):
        page = client.get(url(Unit, "changelist"), headers={"accept-language": "zh-hans"})
    assert "单位" in page.content.decode()
    page = client.get(url(Unit, "changelist"), headers={"accept-language": "en"})
    assert "units" in page.content.decode().lower()


def test_hr_creates_an_account_in_the_admin(hr: Any) -> None:
    from jixiao.accounts.models import User

    response = client_for(hr).post(
        url(User, "add"),
        {
            "username": "wangfang",
            "display_name": "王芳",
            "email": "",
            "is_auditor": "on",
            "password1": "Qz8!long-enough",
            "password2": "Qz8!long-enough",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="wangfang")
    assert created.is_auditor and created.is_staff and created.check_password("Qz8!long-enough")
    assert AuditEvent.objects.get(action="user.created").actor == hr


def test_hr_grants_a_role_in_the_admin_with_a_reason(hr: Any, company: SimpleNamespace) -> None:
    from jixiao.accounts.models import User

    clerk = company.clerks[0].user
    response = client_for(hr).post(
        url(User, "change", clerk.pk),
        {
            "display_name": "李强",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_auditor": "on",
            "reason": "兼任内审",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk.refresh_from_db()
    assert clerk.is_auditor and clerk.is_staff
    assert AuditEvent.objects.get(action="user.roles_changed").reason == "兼任内审"
