"""Inserting many new rows of one model at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models

# Fewer rows than this go by `bulk_create`: a COPY saves nothing on a few.
COPY_ROWS = 50


def copy_insert(objects: Sequence[models.Model], *, batch_size: int = 500) -> None:
    """Insert new rows of one model, their keys not read back. On PostgreSQL, from
    `COPY_ROWS` rows on, one COPY: `bulk_create` sends each column as a quoted array,
    which for JSON costs more than the insert itself. Each column's value is the one
    `save()` would write (`pre_save`, `get_db_prep_save`), so both paths store the same."""
    if not objects:
        return
    model: Any = type(objects[0])
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql" or len(objects) < COPY_ROWS:
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for instance in objects:
            copy.write_row(
                [
                    field.get_db_prep_save(field.pre_save(instance, True), connection)
                    for field in fields
                ]
            )
