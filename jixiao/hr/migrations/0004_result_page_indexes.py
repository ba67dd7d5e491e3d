"""Indexes for HR's pages on a company of 10,000 (issue 11), on PostgreSQL only.

- `hr_result_summary`: the result columns the counters, the calibration groups, the
  quota drift and the department comparison sum, beside `appraisal_id`. A result row
  carries its facts, data and wording (about 3 KB); summing 10,000 of them read the
  whole table (58 MB for two cycles), where this index (1.5 MB) answers alone
  (an index-only scan).
- `hr_result_clauses`: the few results that list contract clauses
  (`outcomes ? 'trigger_periods'`, the cycle page), found without reading every row.

Created from HR's migrations (the pages that need them are HR's); Django's model state
does not know them, so `makemigrations` leaves them alone."""

from typing import Any

from django.db import migrations

SUMMARY = (
    "CREATE INDEX IF NOT EXISTS hr_result_summary ON appraisals_result (appraisal_id)"
    " INCLUDE (id, scheme_version_id, grade, band_grade, total, needs_review, flags, errors)"
)
CLAUSES = (
    "CREATE INDEX IF NOT EXISTS hr_result_clauses ON appraisals_result (appraisal_id)"
    " WHERE outcomes ? 'trigger_periods'"
)


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(SUMMARY)
    schema_editor.execute(CLAUSES)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS hr_result_summary")
    schema_editor.execute("DROP INDEX IF EXISTS hr_result_clauses")


class Migration(migrations.Migration):
    dependencies = [
        ("hr", "0003_calibrations_on_results"),
        ("appraisals", "0010_target_change_words"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
