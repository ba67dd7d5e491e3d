"""On PostgreSQL, a trigger refuses any UPDATE or DELETE of an audit event, so the
log stays append-only even for code (or a person with SQL access) that bypasses
the ORM. Other databases rely on the model's guard."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % of an audit event refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    """
    CREATE TRIGGER core_auditevent_append_only
        BEFORE UPDATE OR DELETE ON core_auditevent
        FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def _on_postgresql(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
