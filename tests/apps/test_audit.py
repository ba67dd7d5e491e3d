"""The audit log is append-only: services write it in the transaction of their
change; nothing updates or deletes an event — not the ORM, and on PostgreSQL
not even SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from jixiao.core.audit import audit_record, audit_record_many
from jixiao.core.bulk import COPY_ROWS
from jixiao.core.errors import AuditLogIsAppendOnly
from jixiao.core.models import AuditEvent
from jixiao.organization.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(hr: Any) -> AuditEvent:
    unit_create(actor=hr, code="X", name="行政部", kind="department")
    return AuditEvent.objects.get(action="unit.created")


def test_a_service_records_actor_action_target_and_after(hr: Any) -> None:
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    event = AuditEvent.objects.get()
    assert event.actor == hr
    assert event.action == "unit.created"
    assert (event.target_type, event.target_id) == ("organization.unit", str(unit.pk))
    assert event.after["name"] == "行政部"
    assert event.before is None


def test_an_event_cannot_be_saved_again(event: AuditEvent) -> None:
    event.reason = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()


def test_an_event_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()


@pytest.mark.parametrize(
    "change",
    [
        lambda events: events.update(reason="tampered"),
        lambda events: events.delete(),
        lambda events: events.bulk_update(list(events), ["reason"]),
        lambda events: events.update_or_create(pk=1, defaults={"reason": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_query_sets_refuse_to_change_events(event: AuditEvent, change: Any) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        change(AuditEvent.objects.all())
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db(transaction=True)
def test_an_event_is_written_only_inside_the_transaction_of_its_change(hr: Any) -> None:
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=hr, action="unit.looked_at", target=unit)
    with transaction.atomic():
        audit_record(actor=hr, action="unit.looked_at", target=unit)
    assert AuditEvent.objects.filter(action="unit.looked_at").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET reason = 'tampered'",
        "DELETE FROM core_auditevent",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_to_change_events_in_sql(event: AuditEvent, sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_many_events_are_written_at_once_inside_the_change(hr: Any) -> None:
    units = [
        unit_create(actor=hr, code=f"U{n}", name=f"车间{n}", kind="department") for n in (1, 2)
    ]
    with transaction.atomic():
        written = audit_record_many(
            actor=hr,
            action="unit.checked",
            changes=[(unit, {"n": 0}, {"n": index}) for index, unit in enumerate(units)],
            reason="盘点",
        )
    assert written == 2
    events = AuditEvent.objects.filter(action="unit.checked").order_by("id")
    assert [(e.target_id, e.after, e.reason, e.actor) for e in events] == [
        (str(units[0].pk), {"n": 0}, "盘点", hr),
        (str(units[1].pk), {"n": 1}, "盘点", hr),
    ]
    assert events[0].target_repr == str(units[0])


def test_a_large_batch_is_stored_as_one_event_at_a_time_is(hr: Any) -> None:
    """From `COPY_ROWS` events on, PostgreSQL takes them by COPY: stored the same."""
    unit = unit_create(actor=hr, code="U1", name="车间1", kind="department")
    fields = ("actor_id", "action", "target_type", "target_id", "target_repr", "before",
              "after", "reason", "context")  # fmt: skip
    with transaction.atomic():
        audit_record(
            actor=hr, action="unit.checked", target=unit, before=None, after={"n": 1.5, "名": "甲"},
            reason="盘点", context={"appeal": 3},
        )  # fmt: skip
        written = audit_record_many(
            actor=hr,
            action="unit.checked",
            changes=[(unit, None, {"n": 1.5, "名": "甲"})] * (COPY_ROWS + 10),
            reason="盘点",
            context={"appeal": 3},
        )
    assert written == COPY_ROWS + 10
    one, *many = AuditEvent.objects.filter(action="unit.checked").order_by("id").values(*fields)
    assert len(many) == COPY_ROWS + 10 and all(event == one for event in many)
    assert one["before"] is None and one["after"] == {"n": 1.5, "名": "甲"}


@pytest.mark.django_db(transaction=True)
def test_many_events_outside_a_transaction_are_refused(hr: Any) -> None:
    unit = unit_create(actor=hr, code="U9", name="车间9", kind="department")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record_many(actor=hr, action="unit.checked", changes=[(unit, None, {})])


def test_an_event_carries_its_links_as_data_found_by_id(hr: Any) -> None:
    """Links are data: an event that other code finds again is found by the ids in
    its context, whatever the language of its reason."""
    unit = unit_create(actor=hr, code="X", name="行政部", kind="department")
    with transaction.atomic():
        audit_record(
            actor=hr, action="unit.checked", target=unit, reason="盘点", context={"appeal": 7}
        )
        audit_record(actor=hr, action="unit.checked", target=unit, reason="stocktaking")
    assert AuditEvent.objects.get(context__appeal=7).reason == "盘点"
    assert AuditEvent.objects.filter(action="unit.checked", context={}).count() == 1
    assert AuditEvent.objects.get(action="unit.created").context == {}  # the default


def test_many_events_share_one_context(hr: Any) -> None:
    units = [
        unit_create(actor=hr, code=f"U{n}", name=f"车间{n}", kind="department") for n in (1, 2)
    ]
    with transaction.atomic():
        audit_record_many(
            actor=hr,
            action="unit.checked",
            changes=[(unit, None, {"n": 1}) for unit in units],
            context={"batch": 3},
        )
    assert AuditEvent.objects.filter(context__batch=3).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_the_context_in_sql(event: AuditEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("""UPDATE core_auditevent SET context = '{"appeal": 1}'""")
    assert AuditEvent.objects.get(pk=event.pk).context == {}
