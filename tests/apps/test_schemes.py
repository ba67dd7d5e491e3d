"""Scheme services: every save is checked by the engine; a document that fails
is refused with its problems and the previous version stays current."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.indicators.services import indicator_save
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import AssignmentScope, Scheme, SchemeVersion
from jixiao.schemes.selectors import scheme_for_employee, scheme_for_unit
from jixiao.schemes.services import (
    SchemeInvalid,
    scheme_assign,
    scheme_save,
    scheme_set_active,
    scheme_unassign,
)
from tests.apps.conftest import SCHEME
from tests.apps.factories import UnitFactory

pytestmark = pytest.mark.django_db

OTHER = SCHEME.replace("code: T-FIN", "code: T-OTHER")


def test_a_valid_document_becomes_version_1_with_its_items(hr: Any) -> None:
    version = scheme_save(actor=hr, text=SCHEME, comment="首版")
    assert (version.scheme.code, version.scheme.name, version.number) == (
        "T-FIN",
        "财务部考核表",
        1,
    )
    assert version.scheme.period == "month"
    items = list(version.items.values_list("code", "rule", "weight", "source"))
    assert items == [
        ("预算执行偏差率", "bands", 50.0, "财务部"),
        ("部门管理", "deduct", 25.0, ""),
        ("内部控制管理", "levels", 25.0, ""),
    ]
    assert engine_scheme(version).code == "T-FIN"
    event = AuditEvent.objects.get(action="scheme.version_saved")
    assert event.after["version"] == 1 and event.reason == "首版"


def test_saving_the_same_text_again_changes_nothing(hr: Any) -> None:
    first = scheme_save(actor=hr, text=SCHEME)
    again = scheme_save(actor=hr, text=SCHEME)
    assert again.pk == first.pk
    assert SchemeVersion.objects.count() == 1


def test_a_changed_document_is_the_next_version(hr: Any) -> None:
    scheme_save(actor=hr, text=SCHEME)
    second = scheme_save(actor=hr, text=SCHEME.replace("财务部考核表", "财务部月度考核表"))
    assert second.number == 2
    assert second.scheme.name == "财务部月度考核表"
    assert second.scheme.current_version == second
    assert AuditEvent.objects.filter(action="scheme.renamed").count() == 1


def test_a_document_that_fails_the_check_is_not_saved_and_the_old_version_stays(hr: Any) -> None:
    first = scheme_save(actor=hr, text=SCHEME)
    events = AuditEvent.objects.count()
    broken = SCHEME.replace("rule:\n          bands", "rulle:\n          bands")
    with pytest.raises(SchemeInvalid) as caught:
        scheme_save(actor=hr, text=broken)
    problem = caught.value.problems[0]
    assert "rulle" in str(problem)
    assert problem.line is not None
    assert Scheme.objects.get().current_version == first
    assert SchemeVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "text",
    ["", "code: X\n", "code: X\nname: y\nitems: [{name: a, weight: -1, rule: {direct: {}}}]\n"],
    ids=["empty", "no-items", "negative-weight"],
)
def test_invalid_documents_are_refused(hr: Any, text: str) -> None:
    with pytest.raises(SchemeInvalid):
        scheme_save(actor=hr, text=text)
    assert not Scheme.objects.exists()


def test_a_version_must_keep_its_schemes_code(hr: Any) -> None:
    version = scheme_save(actor=hr, text=SCHEME)
    with pytest.raises(ServiceError, match="T-OTHER"):
        scheme_save(actor=hr, text=OTHER, scheme=version.scheme)


def test_warnings_are_kept_with_the_version(hr: Any) -> None:
    text = SCHEME.replace("weight: 25\n        rule: {levels", "weight: 20\n        rule: {levels")
    version = scheme_save(actor=hr, text=text)
    assert version.warnings
    assert all(w["severity"] == "warning" for w in version.warnings)


def test_items_link_to_the_dictionary_and_unknown_codes_are_warned(hr: Any) -> None:
    indicator_save(actor=hr, code="X-F-01", effective_from=datetime.date(2026, 1, 1), name="偏差率")
    text = SCHEME.replace(
        "        source: 财务部\n", "        source: 财务部\n        indicator: X-F-01\n"
    ).replace("      - name: 部门管理\n", "      - name: 部门管理\n        indicator: X-P-99\n")
    version = scheme_save(actor=hr, text=text)
    linked = version.items.get(code="预算执行偏差率")
    assert linked.indicator.code == "X-F-01"
    assert any("X-P-99" in w["message"] for w in version.warnings)


def test_only_hr_saves_schemes(company: SimpleNamespace) -> None:
    with pytest.raises(NotAllowed):
        scheme_save(actor=company.manager.user, text=SCHEME)


def test_assignments_choose_the_scheme_of_each_appraisee(hr: Any, company: SimpleNamespace) -> None:
    unit_scheme = scheme_save(actor=hr, text=SCHEME).scheme
    position_scheme = scheme_save(actor=hr, text=OTHER).scheme
    among = [unit_scheme, position_scheme]
    assert scheme_for_employee(company.manager, among) is None
    scheme_assign(actor=hr, scheme=unit_scheme, unit=company.root)  # everyone below
    assert scheme_for_employee(company.manager, among) == unit_scheme
    assert scheme_for_employee(company.worker, among) == unit_scheme
    company.manager_position.default_scheme = position_scheme
    company.manager_position.save()
    assert scheme_for_employee(company.manager, among) == position_scheme
    assert scheme_for_employee(company.manager, [unit_scheme]) == unit_scheme


def test_a_provider_is_assigned_a_scheme_for_itself(hr: Any) -> None:
    provider = UnitFactory(code="3PL", name="仓储服务商", kind="provider")
    scheme = scheme_save(actor=hr, text=SCHEME).scheme
    assignment = scheme_assign(actor=hr, scheme=scheme, unit=provider, scope=AssignmentScope.UNIT)
    assert scheme_for_unit(provider, [scheme]) == scheme
    scheme_unassign(assignment=assignment, actor=hr, reason="合同终止")
    assert scheme_for_unit(provider, [scheme]) is None
    assert AuditEvent.objects.filter(action="scheme.unassigned").get().reason == "合同终止"


def test_an_assignment_names_one_target(hr: Any, company: SimpleNamespace) -> None:
    scheme = scheme_save(actor=hr, text=SCHEME).scheme
    with pytest.raises(ServiceError):
        scheme_assign(actor=hr, scheme=scheme)
    with pytest.raises(ServiceError):
        scheme_assign(
            actor=hr, scheme=scheme, unit=company.finance, position=company.clerk_position
        )
    scheme_assign(actor=hr, scheme=scheme, position=company.clerk_position)
    with pytest.raises(ValidationError):
        scheme_assign(actor=hr, scheme=scheme, position=company.clerk_position)


def test_a_scheme_is_retired_and_brought_back(hr: Any) -> None:
    scheme = scheme_save(actor=hr, text=SCHEME).scheme
    scheme_set_active(scheme=scheme, actor=hr, is_active=False, reason="改用新表")
    assert not Scheme.objects.get().is_active
    scheme_set_active(scheme=scheme, actor=hr, is_active=True)
    assert [e.action for e in AuditEvent.objects.order_by("pk")][-2:] == [
        "scheme.retired",
        "scheme.activated",
    ]
