"""Rendering score runs: JSON (§14), CSV and an aligned table for people.

The table measures text by its display width (a Chinese character takes two
columns), so columns line up in a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any, TextIO

from jixiao.scoring.engine import ScoreRun
from jixiao.scoring.numbers import output_number
from jixiao.scoring.summary import (
    Summary,
    outcome_texts,
    shown,
    summarize,
    whole,
)
from jixiao.scoring.traces import item_traces
from jixiao.scoring.wording import render


def as_json_document(
    runs: Sequence[ScoreRun], several: bool, *, results: bool = True
) -> dict[str, Any]:
    """One period: {scheme, period, warnings, results}; several: {scheme, warnings, periods}.
    Without `results`, each list of results is a marker `write_json` fills in."""

    def listed(index: int, run: ScoreRun) -> Any:
        return run.results() if results else f"\0results-{index}\0"

    if not several and len(runs) == 1:
        run = runs[0]
        return {
            "scheme": run.scheme.code,
            "period": run.period,
            "warnings": [render(warning) for warning in run.warnings],
            "results": listed(0, run),
        }
    warnings: list[str] = []
    for run in runs:
        warnings.extend(w for w in map(render, run.warnings) if w not in warnings)
    return {
        "scheme": runs[0].scheme.code if runs else None,
        "warnings": warnings,
        "periods": [
            {"period": run.period, "results": listed(index, run)} for index, run in enumerate(runs)
        ],
    }


def width(text: str) -> int:
    from wcwidth import wcswidth  # only the table measures text (kept out of CSV and JSON runs)

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


def as_table(runs: Sequence[ScoreRun]) -> str:
    """Aligned columns for people: each item's score, subtotal, total, rank, grade."""
    blocks = []
    for run in runs:
        summary = summarize(run)
        codes = summary.codes
        headers = ["appraisee", "name", *codes, "subtotal", "total", "rank", "grade"]
        numeric = [False, False] + [True] * (len(codes) + 3) + [False]
        outcomes = outcome_texts(summary, slice(None))
        has_band = summary.band_grade != summary.grade
        has_outcomes = any(outcomes)
        if has_band:
            headers.append("band")
            numeric.append(False)
        if has_outcomes:
            headers.append("outcomes")
            numeric.append(False)
        rank = [
            f"{rank}/{ranked}" if rank else ""
            for rank, ranked in zip(summary.rank.tolist(), summary.ranked.tolist(), strict=True)
        ]
        columns = [
            summary.ids,
            [name or "" for name in summary.names],
            *(shown(summary.scores[code]) for code in codes),
            shown(summary.subtotal),
            shown(summary.total),
            rank,
            [grade or "" for grade in summary.grade],
        ]
        if has_band:
            columns.append([grade or "" for grade in summary.band_grade])
        if has_outcomes:
            columns.append(outcomes)
        rows = list(zip(*columns, strict=True))
        title = f"{run.scheme.code} {run.scheme.name}" + (f" — {run.period}" if run.period else "")
        lines = [title, table(headers, rows, numeric)]
        for appraisee, messages, flags in zip(
            summary.ids, summary.errors, summary.flags, strict=True
        ):
            for message in messages:
                lines.append(f"! {appraisee}: {message}")
            for flag in flags:
                lines.append(f"* {appraisee}: {flag}")
        for warning in run.warnings:
            lines.append(f"warning: {render(warning)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in FORMULA_START else cell


_STARTS = re.compile("(?:^|\n)[" + re.escape("".join(FORMULA_START)) + "]")
_QUOTED = re.compile('[,"\r\n]')


def _neutralised(cells: list[str]) -> list[str]:
    if not _STARTS.search("\n".join(cells)):  # one look at the whole column
        return cells
    return ["'" + cell if cell[:1] in FORMULA_START else cell for cell in cells]


def csv_header(runs: Sequence[ScoreRun]) -> tuple[list[str], list[str]]:
    """The item codes of every run (first seen first) and the CSV's header row."""
    codes: list[str] = []
    for run in runs:
        codes.extend(c.item.code for c in run.items if c.item.code not in codes)
    header = ["period", "appraisee", "name", *codes, "subtotal", "total", "rank", "ranked"]
    header += ["grade", "band_grade", "normalized", "flags", "outcomes", "errors"]
    return codes, header


def write_csv(runs: Sequence[ScoreRun], out: TextIO, *, chunk: int = 20_000) -> None:
    """One row per appraisee (and period): item scores, totals, rank, grade, outcomes,
    errors — written as it is made, `chunk` appraisees at a time, with no trace built."""
    writer = csv.writer(out, lineterminator="\n")
    codes, header = csv_header(runs)
    writer.writerow(header)
    for run in runs:
        summary = summarize(run)
        empty = [""] * summary.n
        for start in range(0, summary.n, chunk):
            part = slice(start, start + chunk)
            columns = _csv_columns(summary, codes, part, empty[part])
            if any(_QUOTED.search("".join(column)) for column in columns):
                writer.writerows(zip(*columns, strict=True))  # cells the csv module quotes
            else:  # no cell needs quotes: the rows as the csv module writes them
                out.write("".join([",".join(row) + "\n" for row in zip(*columns, strict=True)]))


def _csv_columns(summary: Summary, codes: list[str], part: slice, empty: list[str]) -> list[Any]:
    def text(values: Any) -> list[str]:
        return _neutralised([value or "" for value in values[part]])

    normalized = summary.normalized
    return [
        [summary.period or ""] * len(empty),
        text(summary.ids),
        text(summary.names),
        *(
            shown(summary.scores[code][part], neutralise) if code in summary.scores else empty
            for code in codes
        ),
        shown(summary.subtotal[part], neutralise),
        shown(summary.total[part], neutralise),
        whole(summary.rank[part]),
        whole(summary.ranked[part]),
        text(summary.grade),
        text(summary.band_grade),
        empty if normalized is None else shown(normalized[part], neutralise),
        _neutralised(["; ".join(flags) for flags in summary.flags[part]]),
        _neutralised(outcome_texts(summary, part)),
        _neutralised(["; ".join(errors) for errors in summary.errors[part]]),
    ]


def as_csv(runs: Sequence[ScoreRun]) -> str:
    """The CSV of `write_csv` as one text."""
    out = io.StringIO()
    write_csv(runs, out)
    return out.getvalue()


def write_json(runs: Sequence[ScoreRun], several: bool, out: TextIO, *, chunk: int = 2_000) -> None:
    """The JSON of `as_json_document`, byte for byte as `json.dumps(..., indent=2)` prints
    it (and a newline), written as it is made: each run's results `chunk` at a time."""
    document = as_json_document(runs, several, results=False)
    markers = {f"\0results-{index}\0": run for index, run in enumerate(runs)}
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    at = 0
    for marker, run in markers.items():
        quoted = json.dumps(marker)
        found = text.index(quoted, at)
        out.write(text[at:found])
        start = text.rfind("\n", 0, found) + 1
        indent = len(text[start:found]) - len(text[start:found].lstrip(" "))
        _write_results(run, out, " " * (indent + 2), chunk)
        out.write(" " * indent + "]" if run.n else "")
        at = found + len(quoted)
    out.write(text[at:])


def _write_results(run: ScoreRun, out: TextIO, indent: str, chunk: int) -> None:
    if not run.n:
        out.write("[]")
        return
    out.write("[\n")
    newline = "\n" + indent
    for start in range(0, run.n, chunk):
        rows = range(start, min(start + chunk, run.n))
        parts: list[str] = []
        add = parts.append
        items = _items_texts(run, rows, newline + "  ")
        for index, (row, listed) in enumerate(zip(rows, items, strict=True)):
            add(indent if index == 0 else ",\n" + indent)
            _encode(run.shown(row, listed), newline, add)
        last = rows.stop == run.n
        out.write("".join(parts) + ("\n" if last else ",\n"))


class _Text(str):
    """JSON text already written (a result's items), put in as it is."""


def _items_texts(run: ScoreRun, rows: Sequence[int], newline: str) -> list[_Text]:
    """The JSON of each row's list of items (the "items" of `ScoreRun.result(row)`, at the
    depth whose line break is `newline`), made column by column: an item's code, name, full and
    weight written once, its values, scores, contributions, met and traces as columns
    (`ScoreRun.item_fields`, the traces by `item_traces`), each distinct value once."""
    if not run.items:
        return [_Text("[]")] * len(rows)
    inner = newline + "  "
    columns: list[list[str]] = []
    keys = ("code", "name", "value", "score", "full", "weight", "contribution", "met", "trace")
    for column in run.items:
        template = _TEMPLATES.get((keys, inner)) or _template(keys, inner)
        constants = [
            _scalar(column.item.code),
            _scalar(column.item.name),
            "%s",
            "%s",
            _scalar(output_number(column.item.full)),
            _scalar(output_number(column.weight)),
            "%s",
            "%s",
            "%s",
        ]
        template = template % tuple(
            text if text == "%s" else text.replace("%", "%%") for text in constants
        )
        values, scores, contributions, met = run.item_fields(column, rows)
        traces = item_traces(column, run.facts, rows)
        columns.append(
            [
                template % texts
                for texts in zip(
                    _texts(values),
                    _texts(scores),
                    _texts(contributions),
                    _texts(met),
                    map(encode_basestring, traces),
                    strict=True,
                )
            ]
        )
    opening, separator, closing = "[" + inner, "," + inner, newline + "]"
    return [
        _Text(opening + separator.join(texts) + closing) for texts in zip(*columns, strict=True)
    ]


def _scalar(value: Any) -> str:
    said = _SCALARS.get(type(value))
    if said is not None:
        return said(value)
    parts: list[str] = []  # a subclass of str (say) or of a number: as json writes it
    _encode(value, "\n", parts.append)
    return "".join(parts)


def _texts(values: list[Any]) -> list[str]:
    """The JSON of each of one field's values, each distinct value written once. Equal
    values there have one type (`output_number` makes whole numbers ints below 1e15 and
    leaves floats above; `met` is a bool or None; a value given as text stays text), so
    1, 1.0 and True, which a dict takes for one key, never meet."""
    said = {value: _scalar(value) for value in set(values)}
    return list(map(said.__getitem__, values))


def dumps(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, byte for byte, made faster
    (the standard library's C encoder does not indent; its Python one is slow)."""
    parts: list[str] = []
    _encode(value, "\n", parts.append)
    return "".join(parts)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


_INFINITY = float("inf")
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _encode(value: Any, newline: str, add: Callable[[str], Any]) -> None:
    """The JSON of `value` as json.dumps(..., indent=2) writes it at the depth whose line
    break (and indent) is `newline`."""
    kind = type(value)
    if kind is dict:
        if not value:
            add("{}")
            return
        try:  # a dict of scalars (an item's result): its keys' template, filled at once
            texts = tuple([_SCALARS[type(item)](item) for item in value.values()])
        except KeyError:
            pass
        else:
            keys = tuple(value)
            template = _TEMPLATES.get((keys, newline))
            if template is None:
                template = _template(keys, newline)
            add(template % texts)
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            name = _NAMES.get(key) if type(key) is str else None
            if name is None:
                name = _name(key)
            kind = type(item)
            if kind is str:
                add(separator + name + encode_basestring(item))
            elif kind is int:
                add(separator + name + int.__repr__(item))
            elif kind is float and -_INFINITY < item < _INFINITY:
                add(separator + name + float.__repr__(item))
            elif item is None:
                add(separator + name + "null")
            else:
                add(separator + name)
                _encode(item, inner, add)
            separator = "," + inner
        add(newline + "}")
        return
    said = _SCALARS.get(kind)
    if said is not None:
        add(said(value))
    elif kind is _Text:
        add(value)
    elif isinstance(value, dict):
        _encode(dict(value), newline, add)  # a subclass: its items, as json writes them
    elif isinstance(value, list | tuple):
        if not value:
            add("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            add(separator)
            _encode(item, inner, add)
            separator = "," + inner
        add(newline + "]")
    else:  # subclasses of the scalars, or what json cannot write: as json does
        add(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline))


_NAMES: dict[str, str] = {}  # a key's JSON and ": ", for the few keys results have
_TEMPLATES: dict[tuple[tuple[Any, ...], str], str] = {}  # a flat dict's text, by keys


def _template(keys: tuple[Any, ...], newline: str) -> str:
    inner = newline + "  "
    lines = [_name(key).replace("%", "%%") + "%s" for key in keys]
    template = "{" + inner + ("," + inner).join(lines) + newline + "}"
    if len(_TEMPLATES) < 1_000:
        _TEMPLATES[(keys, newline)] = template
    return template


def _name(key: Any) -> str:
    name = encode_basestring(key if isinstance(key, str) else _key(key)) + ": "
    if type(key) is str and len(_NAMES) < 10_000:
        _NAMES[key] = name
    return name


def _key(key: Any) -> str:
    """A key that is not text, as json writes it."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, float):
        return _float(key)
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
