"""The results of a cycle as a workbook: one sheet per scheme, one row per
appraisee with the item scores, subtotal, total, rank, grade and outcomes."""

from __future__ import annotations

import json
from typing import Any

from openpyxl.workbook.workbook import Workbook

from jixiao.appraisals.models import Appraisal
from jixiao.appraisals.outcome_columns import flags_text, outcome_cell, outcome_header
from jixiao.appraisals.outcome_labels import result_outcomes
from jixiao.schemes.engine import engine_scheme
from jixiao.spreadsheets.fact_template import SHEET_FORBIDDEN
from jixiao.spreadsheets.writers import header, new_workbook, put, widths

FIXED = ("工号", "姓名", "部门")
TAIL = ("小计", "总分", "排名", "参与排名", "等级", "标记", "错误")


def _outcome_cells(outcomes: dict[str, Any], keys: list[str]) -> list[Any]:
    """Numbers stay numbers (the unit is in the heading); a contract clause's months
    and other structures as JSON."""
    cells: list[Any] = []
    for key in keys:
        value = outcome_cell(key, outcomes.get(key))
        if value is None or isinstance(value, int | float | str):
            cells.append(value)
        else:
            cells.append(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return cells


def results_workbook(appraisals: list[Appraisal]) -> Workbook:
    """`appraisals` with their results (`select_related("result")`), in order."""
    workbook, first = new_workbook()
    workbook.remove(first)
    by_version: dict[int, list[Appraisal]] = {}
    for appraisal in appraisals:
        by_version.setdefault(appraisal.scheme_version_id, []).append(appraisal)
    for members in by_version.values():
        scheme = engine_scheme(members[0].scheme_version)
        items = [item.code for item in scheme.items]
        results = [getattr(a, "result", None) for a in members]
        outcomes = [None if r is None else result_outcomes(r) for r in results]  # calibrated
        outcome_keys = sorted({k for found in outcomes if found is not None for k in found})
        sheet = workbook.create_sheet(scheme.code.translate(SHEET_FORBIDDEN)[:31])
        header(sheet, [*FIXED, *items, *TAIL, *(outcome_header(k) for k in outcome_keys)])
        for row, (appraisal, result, found) in enumerate(
            zip(members, results, outcomes, strict=True), start=2
        ):
            scores: dict[str, Any] = {}
            if result is not None:
                scores = {
                    entry["code"]: entry.get("score") for entry in result.data.get("items", [])
                }
            values = [
                appraisal.appraisee_id,
                appraisal.appraisee_name,
                appraisal.attributes.get("department", ""),
                *(scores.get(code) for code in items),
            ]
            if result is not None:
                values += [
                    result.subtotal,
                    result.total,
                    result.rank,
                    result.ranked,
                    result.grade,
                    flags_text(result.flags),
                    "; ".join(str(error) for error in result.errors),
                    *_outcome_cells(found or {}, outcome_keys),
                ]
            for column, value in enumerate(values, start=1):
                put(sheet, row, column, value)
        widths(sheet, [10, 10, 12, *([12] * (len(items) + len(TAIL) + len(outcome_keys)))])
    if not workbook.worksheets:
        workbook.create_sheet("results")
    return workbook
