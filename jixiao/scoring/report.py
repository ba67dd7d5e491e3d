"""Rendering score runs: JSON (§14), CSV and an aligned table for people.

The table measures text by its display width (a Chinese character takes two
columns), so columns line up in a terminal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from wcwidth import wcswidth

from jixiao.scoring.engine import ScoreRun
from jixiao.scoring.numbers import fmt
from jixiao.scoring.wording import render


def as_json_document(runs: Sequence[ScoreRun], several: bool) -> dict[str, Any]:
    """One period: {scheme, period, warnings, results}; several: {scheme, warnings, periods}."""
    if not several and len(runs) == 1:
        return runs[0].as_dict()
    warnings: list[str] = []
    for run in runs:
        warnings.extend(w for w in map(render, run.warnings) if w not in warnings)
    return {
        "scheme": runs[0].scheme.code if runs else None,
        "warnings": warnings,
        "periods": [{"period": run.period, "results": run.results()} for run in runs],
    }


def width(text: str) -> int:
    measured = wcswidth(text)
    return measured if measured >= 0 else len(text)


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    widths = [width(h) for h in headers]
    for row in rows:
        widths = [max(w, width(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(pad(h, w, r) for h, w, r in zip(headers, widths, numeric, strict=True)).rstrip(),
        "  ".join("─" * w for w in widths),
    ]
    for row in rows:
        cells = zip(row, widths, numeric, strict=True)
        lines.append("  ".join(pad(c, w, r) for c, w, r in cells).rstrip())
    return "\n".join(lines)


def _number(value: Any) -> str:
    return "" if value is None else fmt(value) if isinstance(value, int | float) else str(value)


def _outcome_text(outcomes: dict[str, Any]) -> str:
    parts = []
    for key, value in outcomes.items():
        if isinstance(value, list):
            if value:
                parts.append(f"{key}: {', '.join(map(str, value))}")
        elif isinstance(value, bool):
            if value:
                parts.append(key)
        elif value is not None:
            parts.append(f"{key} {_number(value)}")
    return "; ".join(parts)


def as_table(runs: Sequence[ScoreRun]) -> str:
    """Aligned columns for people: each item's score, subtotal, total, rank, grade."""
    blocks = []
    for run in runs:
        results = run.results()
        codes = [column.item.code for column in run.items]
        headers = ["appraisee", "name", *codes, "subtotal", "total", "rank", "grade"]
        numeric = [False, False] + [True] * (len(codes) + 3) + [False]
        has_band = any(r["band_grade"] != r["grade"] for r in results)
        has_outcomes = any(_outcome_text(r["outcomes"]) for r in results)
        if has_band:
            headers.append("band")
            numeric.append(False)
        if has_outcomes:
            headers.append("outcomes")
            numeric.append(False)
        rows = []
        for r in results:
            scores = {item["code"]: item["score"] for item in r["items"]}
            rank = f"{r['rank']}/{r['ranked']}" if r["rank"] else ""
            row = [
                r["appraisee"],
                r["name"] or "",
                *(_number(scores.get(c)) for c in codes),
                _number(r["subtotal"]),
                _number(r["total"]),
                rank,
                r["grade"] or "",
            ]
            if has_band:
                row.append(r["band_grade"] or "")
            if has_outcomes:
                row.append(_outcome_text(r["outcomes"]))
            rows.append(row)
        title = f"{run.scheme.code} {run.scheme.name}" + (f" — {run.period}" if run.period else "")
        lines = [title, table(headers, rows, numeric)]
        for r in results:
            for message in r["errors"]:
                lines.append(f"! {r['appraisee']}: {message}")
            for flag in r["flags"]:
                lines.append(f"* {r['appraisee']}: {flag}")
        for warning in run.warnings:
            lines.append(f"warning: {render(warning)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def as_csv(runs: Sequence[ScoreRun]) -> str:
    """One row per appraisee (and period): item scores, totals, rank, grade, outcomes, errors."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    codes: list[str] = []
    for run in runs:
        codes.extend(c.item.code for c in run.items if c.item.code not in codes)
    writer.writerow(
        [
            "period",
            "appraisee",
            "name",
            *codes,
            "subtotal",
            "total",
            "rank",
            "ranked",
            "grade",
            "band_grade",
            "normalized",
            "flags",
            "outcomes",
            "errors",
        ]
    )
    for run in runs:
        for r in run.results():
            scores = {item["code"]: item["score"] for item in r["items"]}
            cells = [
                run.period or "",
                r["appraisee"],
                r["name"] or "",
                *(_number(scores.get(c)) for c in codes),
                _number(r["subtotal"]),
                _number(r["total"]),
                _number(r["rank"]),
                _number(r["ranked"]),
                r["grade"] or "",
                r["band_grade"] or "",
                _number(r["normalized"]),
                "; ".join(r["flags"]),
                _outcome_text(r["outcomes"]),
                "; ".join(r["errors"]),
            ]
            writer.writerow([neutralise(str(c)) for c in cells])
    return out.getvalue()
