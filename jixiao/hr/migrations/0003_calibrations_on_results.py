"""Carry the calibrations made before they were kept on the result: each result's
latest change of each field becomes its calibration in force (`Result.calibrated`),
decided on what is computed now. A result whose stored value a recomputation had
replaced (the defect this fixes) gets its calibrated value back and awaits review,
unless it is already published."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    CalibrationChange = apps.get_model("hr", "CalibrationChange")
    Result = apps.get_model("appraisals", "Result")
    latest: dict[int, dict[str, Any]] = {}
    for change in CalibrationChange.objects.order_by("created_at", "pk"):
        value: Any = change.after
        if change.field == "total":
            value = float(change.after)
        latest.setdefault(change.result_id, {})[change.field] = value
    for result in Result.objects.filter(pk__in=list(latest)):
        calibrated = latest[result.pk]
        data = result.data or {}
        replaced = any(getattr(result, field) != value for field, value in calibrated.items())
        for field, value in calibrated.items():
            setattr(result, field, value)
        if "calibrated" not in (result.flags or []):
            result.flags = [*(result.flags or []), "calibrated"]
        result.calibrated = calibrated
        result.calibrated_on = {
            "total": data.get("total"),
            "grade": data.get("grade") or "",
            "rank": data.get("rank"),
            "facts_digest": result.facts_digest,
            "facts": result.facts,
        }
        result.needs_review = replaced and result.frozen_at is None
        result.save(
            update_fields=["total", "grade", "flags", "calibrated", "calibrated_on", "needs_review"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hr", "0002_calibration_review"),
        ("appraisals", "0006_result_calibration"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
