"""`hr_result_summary` (0004) with the rank as well: a calibration group's page of
results is chosen sorted by rank, then read by id, and with the rank in the index
that choice reads the index alone (no 3 KB result row per member). PostgreSQL only."""

from typing import Any

from django.db import migrations

COLUMNS_0004 = "id, scheme_version_id, grade, band_grade, total, needs_review, flags, errors"
COLUMNS = "id, scheme_version_id, grade, band_grade, total, rank, needs_review, flags, errors"


def _summary(schema_editor: Any, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS hr_result_summary")
    schema_editor.execute(
        f"CREATE INDEX hr_result_summary ON appraisals_result (appraisal_id) INCLUDE ({columns})"
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    _summary(schema_editor, COLUMNS)


def backwards(apps: Any, schema_editor: Any) -> None:
    _summary(schema_editor, COLUMNS_0004)


class Migration(migrations.Migration):
    dependencies = [("hr", "0004_result_page_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
