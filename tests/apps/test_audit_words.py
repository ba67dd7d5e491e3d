"""The audit log is read in words: action names, kinds of record, each change
field by field with links shown as the record they point to, and one time zone
— never codes, raw dicts, object references or `None` (issue 13)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jixiao.core.audit import audit_record
from jixiao.core.audit_words import ACTIONS, action_words, describe_events
from jixiao.core.models import AuditEvent
from jixiao.organization.services import unit_create, unit_update
from tests.apps.factories import PASSWORD

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def page(user: Any, query: str = "") -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/hr/audit/{query}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_is_said_field_by_field_with_links_by_name(hr: Any) -> None:
    head = unit_create(actor=hr, code="HQ", name="总部", kind="department")
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    unit_update(unit=unit, actor=hr, name="综合管理部", parent=head, reason="机构调整")
    event = AuditEvent.objects.get(action="unit.updated")
    with translation.override("zh-hans"):
        (row,) = describe_events([event])
    assert row.action == "修改单位"
    said = {change.field: (change.before, change.after) for change in row.changes}
    assert said["名称"] == ("行政部", "综合管理部")
    assert said["上级单位"] == ("—", "总部")  # the link by the unit's name, not its id


def test_the_page_shows_words_not_codes_dicts_or_none(hr: Any) -> None:
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    unit_update(unit=unit, actor=hr, is_active=False, reason="撤销")
    text = page(hr)
    body = text[text.index('id="audit-table"') :]
    assert "修改单位" in body and "新增单位" in body
    assert "是 → 否" in body
    for code in ("unit.updated", "unit.created", "organization.unit", "None", "{'", "#"):
        assert code not in body, code


def test_the_action_filter_is_a_picker_of_named_actions(hr: Any) -> None:
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    unit_update(unit=unit, actor=hr, name="综合部")
    text = page(hr, "?action=unit.updated")
    assert '<option value="unit.updated" selected>修改单位</option>' in text
    rows = text[text.index("<tbody>") : text.index("</tbody>")]
    assert "修改单位" in rows and "新增单位" not in rows


def test_times_are_shown_in_the_sites_time_zone(hr: Any) -> None:
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    with transaction.atomic():
        audit_record(
            actor=hr,
            action="unit.updated",
            target=unit,
            before={"contract_start": None},
            after={"note": "2026-11-30T16:30:00+00:00"},
        )
    event = AuditEvent.objects.get(action="unit.updated")
    with translation.override("zh-hans"):
        (row,) = describe_events([event])
    assert row.changes[-1].after == "2026-12-01 00:30"  # UTC+8, no second zone


def test_every_action_code_written_by_the_product_has_a_name() -> None:
    from pathlib import Path

    import jixiao

    written: set[str] = set()
    pattern = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
    for path in Path(jixiao.__file__).parent.rglob("*.py"):
        written.update(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(code for code in written if code not in ACTIONS)
    assert not missing
    with translation.override("zh-hans"):
        english = [code for code in ACTIONS if re.search("[a-z]", action_words(code))]
    assert not english


def test_describing_a_page_costs_one_query_per_kind_of_link(hr: Any) -> None:
    head = unit_create(actor=hr, code="HQ", name="总部", kind="department")
    for n in range(12):
        unit = unit_create(actor=hr, code=f"U{n}", name=f"部门{n}", kind="department")
        unit_update(unit=unit, actor=hr, parent=head)
    events = list(AuditEvent.objects.all())
    with CaptureQueriesContext(connection) as queries:
        describe_events(events)
    assert len(queries) == 1


def test_a_list_of_links_is_said_by_names(hr: Any, draft_cycle: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=hr,
            action="cycle.committee_set",
            target=draft_cycle,
            before={"committee": []},
            after={"committee": [hr.pk]},
        )
    event = AuditEvent.objects.get(action="cycle.committee_set")
    (row,) = describe_events([event])
    (change,) = row.changes
    assert (change.before, change.after) == ("—", str(hr))
