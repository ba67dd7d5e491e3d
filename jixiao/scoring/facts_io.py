"""Reading facts files: YAML, JSON and the CSV long format (scheme-language §14)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from jixiao.scoring.errors import DocumentError, FactsError, Path, Problem
from jixiao.scoring.facts import FactsBuilder, FactSet
from jixiao.scoring.facts_csv import read_bulk
from jixiao.scoring.source import Document, os_problem, parse_text
from jixiao.scoring.wording import say

CSV_HEADER = ("appraisee", "item", "kind", "key", "value")
CSV_KINDS = ("attribute", "input", "value", "event", "rating", "score", "adjustment", "group")
APPRAISEE_KEYS = ("id", "name", "attributes", "inputs", "events", "facts", "adjustments")
FACT_KEYS = ("value", "inputs", "events", "ratings", "score")


@dataclass
class FactsFile:
    """A facts file: one or several periods, in the order written."""

    periods: list[FactSet]
    file: str | None = None
    several: bool = False  # written with `periods:` (the output has one list per period)


def normalize_period(raw: object) -> str:
    """`2026` (a YAML int) -> '2026'; `2026-06`, `2026-Q2`, `2026-H1` stay as written."""
    text = str(raw).strip().upper() if raw is not None else ""
    if text.isdigit() and len(text) == 4:
        return text
    parts = text.split("-")
    if len(parts) == 2 and parts[0].isdigit() and len(parts[0]) == 4:
        tail = parts[1]
        if tail.isdigit() and 1 <= int(tail) <= 12:
            return f"{parts[0]}-{int(tail):02d}"
        if tail in {"Q1", "Q2", "Q3", "Q4", "H1", "H2"}:
            return f"{parts[0]}-{tail}"
    raise ValueError(
        say("not a period: {period!r} (write 2026-06, 2026-Q2, 2026-H1 or 2026)", period=raw)
    )


def load_facts(path: str | FilePath, *, period: str | None = None) -> FactsFile:
    """Read a facts file. Raises FactsError naming the file, line and path of every problem."""
    name = str(path)
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        reason = (
            say("file not found")
            if isinstance(exc, FileNotFoundError)
            else say("cannot read the file: {problem}", problem=os_problem(exc))
        )
        raise FactsError([Problem((), reason, None, name)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # files saved by Chinese Excel
        except UnicodeDecodeError:
            raise FactsError([Problem((), say("not UTF-8 or GB18030 text"), None, name)]) from None
    if name.lower().endswith(".csv"):
        return facts_from_csv(text, file=name, period=period)
    return facts_from_text(text, file=name, period=period)


def facts_from_text(text: str, *, file: str | None = None, period: str | None = None) -> FactsFile:
    try:
        document = parse_text(text, file=file, kind="facts")
    except DocumentError as exc:
        raise FactsError(exc.problems) from None
    return facts_from_document(document, period=period)


def facts_from_data(data: Mapping[str, Any], *, period: str | None = None) -> FactsFile:
    """A facts file already in memory (from a database, an API request): the same
    reader as for files, so the same checks; problems carry paths but no lines."""
    return facts_from_document(Document(data=data, text="", is_json=True), period=period)


def facts_from_document(document: Document, *, period: str | None = None) -> FactsFile:
    reader = _DocumentReader(document)
    periods = reader.read(period)
    reader.raise_problems()
    return FactsFile(periods=periods, file=document.file, several=reader.several)


class _DocumentReader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = (
            list(document.duplicate_keys()) if not document.is_json else []
        )
        self.several = False

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(self.document.problem(path, message))

    def raise_problems(self) -> None:
        if self.problems:
            raise FactsError(self.problems)

    def read(self, period: str | None) -> list[FactSet]:
        data = self.document.data
        if not isinstance(data, Mapping):
            self.problem((), say("a facts file is a mapping with `appraisees:` or `periods:`"))
            return []
        allowed = {"period", "groups", "appraisees", "periods"}
        for key in data:
            if key not in allowed:
                self.problem(
                    (str(key),),
                    say("unknown key; expected one of {keys}", keys=", ".join(sorted(allowed))),
                )
        if "periods" in data:
            self.several = True
            blocks = data["periods"]
            if not isinstance(blocks, list) or not blocks:
                self.problem(("periods",), say("expected a list of {{period, appraisees}}"))
                return []
            return [
                self._period(block, ("periods", index), None, data.get("groups"))
                for index, block in enumerate(blocks)
            ]
        return [self._period(data, (), period, None)]

    def _period(
        self, block: object, path: Path, override: str | None, shared_groups: object
    ) -> FactSet:
        builder = FactsBuilder()
        if not isinstance(block, Mapping):
            self.problem(path, say("expected a mapping with period and appraisees"))
            return builder.build()
        raw_period = override if override is not None else block.get("period")
        if raw_period is not None:
            try:
                builder.period = normalize_period(raw_period)
            except ValueError as exc:
                self.problem((*path, "period"), str(exc))
        for groups in (shared_groups, block.get("groups")):
            if groups is not None:
                self._groups(builder, groups, (*path, "groups"))
        appraisees = block.get("appraisees")
        if not isinstance(appraisees, list):
            self.problem((*path, "appraisees"), say("expected a list of appraisees"))
        else:
            for index, entry in enumerate(appraisees):
                self._appraisee(builder, entry, (*path, "appraisees", index))
        for where, message in builder.problems:
            self.problem(where, message)
        return builder.build()

    def _groups(self, builder: FactsBuilder, groups: object, path: Path) -> None:
        if not isinstance(groups, Mapping):
            self.problem(path, say("expected {{attribute: {{value: {{input: number}}}}}}"))
            return
        for attribute, values in groups.items():
            if not isinstance(values, Mapping):
                self.problem((*path, str(attribute)), say("expected {{value: {{input: number}}}}"))
                continue
            for value, inputs in values.items():
                where = (*path, str(attribute), str(value))
                if not isinstance(inputs, Mapping):
                    self.problem(where, say("expected {{input: number}}"))
                    continue
                for key, amount in inputs.items():
                    builder.add_group(
                        str(attribute), str(value), str(key), amount, (*where, str(key))
                    )

    def _appraisee(self, builder: FactsBuilder, entry: object, path: Path) -> None:
        if not isinstance(entry, Mapping):
            self.problem(path, say("expected a mapping with id and facts"))
            return
        for key in entry:
            if key not in APPRAISEE_KEYS:
                self.problem((*path, str(key)), _unknown(str(key), APPRAISEE_KEYS))
        appraisee_id = entry.get("id")
        if appraisee_id is None or str(appraisee_id).strip() == "":
            self.problem(path, say("an appraisee needs an id"))
            return
        name = entry.get("name")
        row = builder.new_appraisee(str(appraisee_id), None if name is None else str(name), path)
        if row is None:
            return
        for key, value in self._mapping(entry, "attributes", path).items():
            builder.add_attribute(row, str(key), value, (*path, "attributes", str(key)))
        for key, value in self._mapping(entry, "inputs", path).items():
            builder.add_input(row, None, str(key), value, (*path, "inputs", str(key)))
        for key, value in self._mapping(entry, "events", path).items():
            builder.add_event(row, None, str(key), value, (*path, "events", str(key)))
        for key, value in self._mapping(entry, "adjustments", path).items():
            builder.add_adjustment(row, str(key), value, (*path, "adjustments", str(key)))
        for item, facts in self._mapping(entry, "facts", path).items():
            self._item_facts(builder, row, str(item), facts, (*path, "facts", str(item)))

    def _mapping(
        self, entry: Mapping[str, object], key: str, path: Path
    ) -> Mapping[object, object]:
        value = entry.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem((*path, key), say("expected a mapping"))
            return {}
        return value

    def _item_facts(
        self, builder: FactsBuilder, row: int, item: str, facts: object, path: Path
    ) -> None:
        if not isinstance(facts, Mapping):
            # `工作任务: 9` is read as the item's value, the shortest way to write it
            builder.add_value(row, item, facts, path)
            return
        for key, value in facts.items():
            where = (*path, str(key))
            if key == "value":
                builder.add_value(row, item, value, where)
            elif key == "score":
                builder.add_score(row, item, value, where)
            elif key in ("inputs", "events", "ratings"):
                if not isinstance(value, Mapping):
                    self.problem(where, say("expected a mapping"))
                    continue
                for name, one in value.items():
                    at = (*where, str(name))
                    if key == "inputs":
                        builder.add_input(row, item, str(name), one, at)
                    elif key == "events":
                        builder.add_event(row, item, str(name), one, at)
                    else:
                        builder.add_rating(row, item, str(name), one, at)
            else:
                self.problem(where, _unknown(str(key), FACT_KEYS))


def _unknown(key: str, allowed: tuple[str, ...]) -> str:
    from difflib import get_close_matches

    near = get_close_matches(key, allowed, n=1)
    if near:
        return say("unknown key; did you mean {near!r}?", near=near[0])
    return say("unknown key; expected one of {keys}", keys=", ".join(allowed))


def facts_from_csv(text: str, *, file: str | None = None, period: str | None = None) -> FactsFile:
    """The long format: `appraisee,item,kind,key,value`, one fact per row (§14)."""
    builder = FactsBuilder()
    problems: list[Problem] = []
    if period is not None:
        try:
            builder.period = normalize_period(period)
        except ValueError as exc:
            problems.append(Problem((), str(exc), None, file))
    first = text.find("\n")  # the header from its line: no copy of a large file's text
    header = next(csv.reader([text[: first + 1] if first >= 0 else text]), None)
    if header is None or tuple(h.strip().lower() for h in header) != CSV_HEADER:
        raise FactsError(
            [
                Problem(
                    (), say("the first row must be {header}", header=",".join(CSV_HEADER)), 1, file
                )
            ]
        )
    if not problems:
        bulk = read_bulk(text, builder.period)  # None: a problem to name, row by row below
        if bulk is not None:
            return FactsFile(periods=[bulk], file=file)
    reader = csv.reader(io.StringIO(text))
    next(reader, None)  # the header, checked above
    events: dict[tuple[int, str, str], tuple[list[str], int]] = {}
    rows: dict[str, int] = {}
    records = list(reader)
    inputs = _repeated_inputs(records)  # an input in several rows is a list (v1.1 §3)
    for line, record in enumerate(records, start=2):
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if len(record) != 5:
            problems.append(
                Problem((), say("expected 5 columns, got {count}", count=len(record)), line, file)
            )
            continue
        who, item, kind, key, value = record
        path: Path = (f"row {line}",)
        kind = kind.strip()
        if kind == "group":
            attribute, _, group_value = item.partition("=")
            if not group_value:
                problems.append(
                    Problem(
                        (),
                        say("a group row names its group as attribute=value in the item column"),
                        line,
                        file,
                    )
                )
                continue
            builder.add_group(attribute.strip(), group_value.strip(), key, _csv_value(value), path)
            continue
        if kind not in CSV_KINDS:
            problems.append(
                Problem(
                    (),
                    say(
                        "unknown kind {kind!r}; expected one of {kinds}",
                        kind=kind,
                        kinds=", ".join(CSV_KINDS),
                    ),
                    line,
                    file,
                )
            )
            continue
        if not who:
            problems.append(Problem((), say("the appraisee column is empty"), line, file))
            continue
        row = rows.get(who)
        if row is None:
            row = rows[who] = builder.appraisee(who, None, path)
        if kind == "attribute":
            if key == "name":
                builder.names[row] = value
            else:
                builder.add_attribute(row, key, value, path)
        elif kind == "input":
            listed = inputs.get((who, item, key))
            if listed is None:
                builder.add_input(row, item or None, key, _csv_value(value), path)
            elif listed[0] == line:  # the first of its rows: the whole list, in row order
                entries = [_csv_value(v) for v in listed[1]]
                builder.add_input(row, item or None, key, entries, path)
        elif kind == "value":
            builder.add_value(row, item, _csv_value(value), path)
        elif kind == "score":
            builder.add_score(row, item, _csv_value(value), path)
        elif kind == "rating":
            builder.add_rating(row, item, key, _csv_value(value), path)
        elif kind == "adjustment":
            builder.add_adjustment(row, item or key, _csv_value(value), path)
        else:  # event: one row is a count, repeated rows are a list of sizes
            found = events.get((row, item, key))
            if found is None:
                events[(row, item, key)] = ([value], line)
            else:
                found[0].append(value)
    for (row, item, key), (values, line) in events.items():
        fact: object = (
            _csv_value(values[0]) if len(values) == 1 else [_csv_value(v) for v in values]
        )
        builder.add_event(row, item or None, key, fact, (f"row {line}",))
    for path, message in builder.problems:
        line_text = str(path[0]) if path else ""
        line_number = int(line_text[4:]) if line_text.startswith("row ") else None
        problems.append(Problem((), message, line_number, file))
    if problems:
        raise FactsError(problems)
    return FactsFile(periods=[builder.build()], file=file)


def _repeated_inputs(
    records: list[list[str]],
) -> dict[tuple[str, str, str], tuple[int, list[str]]]:
    """Inputs given in more than one row of the same appraisee and item: (appraisee, item,
    key) -> (the line of the first, the values in row order)."""
    found: dict[tuple[str, str, str], tuple[int, list[str]]] = {}
    for line, record in enumerate(records, start=2):
        if len(record) == 5 and record[2].strip() == "input" and record[0]:
            key = (record[0], record[1], record[3])
            found.setdefault(key, (line, []))[1].append(record[4])
    return {key: value for key, value in found.items() if len(value[1]) > 1}


def _csv_value(text: str) -> object:
    stripped = text.strip()
    try:
        number = float(stripped)
    except ValueError:
        return stripped
    return (
        int(number)
        if number.is_integer() and "." not in stripped and "e" not in stripped.lower()
        else number
    )
