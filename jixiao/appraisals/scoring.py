"""From the database to the engine and back.

The facts of a group of appraisals (one cycle, one scheme version) become a
facts document in the form of scheme-language §14 — the same thing a
`jixiao score` facts file holds — which is read by the engine's facts reader; the engine
scores the whole group at once (ranks and distributions need everyone), and
each appraisal's result comes back as `ScoreRun.result(row)`, with the
appraisee's facts and their digest. One appraisal is scored by scoring its
group: one code path for one person or a whole cycle.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection

from jixiao.appraisals.access import ANONYMOUS_ROLES
from jixiao.appraisals.models import (
    AdjustmentEntry,
    Appraisal,
    Cycle,
    Event,
    Fact,
    FactKind,
    GroupInput,
    Rating,
    Result,
)
from jixiao.appraisals.rollups import rollup_fill
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.errors import ServiceError
from jixiao.schemes.engine import engine_scheme, item_words, reader_language
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import (
    FactsError,
    FactSet,
    FactsFile,
    ScoreRun,
    facts_from_data,
    score_periods,
)
from jixiao.scoring.describe import item_labels, rater_name
from jixiao.scoring.numbers import output_number
from jixiao.scoring.traces import prepare
from jixiao.scoring.wording import language, render


@dataclass(frozen=True)
class Scored:
    """One appraisal's result and the facts it was computed from."""

    appraisal: Appraisal
    result: dict[str, Any]
    facts: dict[str, Any]
    digest: str
    wording: dict[str, Any]  # the result's words in Chinese (`Result.wording`)


def _history_of(history: list[dict[str, Any]], entry: dict[str, Any]) -> list[dict[str, Any]]:
    """One appraisee's earlier periods, as a result keeps them."""
    return [
        {"period": document["period"], "groups": document["groups"], "appraisee": earlier}
        for document in history
        for earlier in document["appraisees"]
        if earlier.get("id") == entry.get("id")
    ]


def said(run: ScoreRun) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every row's result in the language in force and, for `Result.wording` (what
    `Result.shown` puts in place of the engine's English), the words of the same
    result in Chinese. The item traces of each language are made for all the rows at
    once (`prepare`: one pass per item, each distinct trace said once), the same
    words `trace(row)` says one row at a time."""
    rows = range(run.n)
    prepare(run, rows)
    results = run.results_of(rows)
    with language("zh"):
        prepare(run, rows)
        words = [{"zh": words} for words in run.words_of(rows)]
    return results, words


def with_facts(appraisals: Any) -> Any:
    """The query set with what a facts document reads of each appraisal itself; the
    facts, events, ratings and adjustments are read as plain values (`entries_of`)."""
    return appraisals.select_related("employee", "unit", "scheme_version", "cycle")


APPRAISEE_FIELDS = ("employee__number", "employee__name", "unit__code", "unit__name")


def with_appraisees(appraisals: Any) -> Any:
    """The query set with the appraisee's id and name (a facts entry, an audit label)
    and nothing else of them: a whole cycle's appraisals are loaded at once. The
    caller sets `cycle` and `scheme_version` (one object each for the whole group)."""
    own = [field.attname for field in Appraisal._meta.concrete_fields]
    return appraisals.select_related("employee", "unit").only(*own, *APPRAISEE_FIELDS)


def group_inputs(cycle: Cycle) -> dict[str, dict[str, dict[str, float]]]:
    groups: dict[str, dict[str, dict[str, float]]] = {}
    for entry in GroupInput.objects.filter(cycle=cycle).order_by("attribute", "value", "key"):
        groups.setdefault(entry.attribute, {}).setdefault(entry.value, {})[entry.key] = entry.amount
    return groups


class _EventRow(NamedTuple):
    times: int  # the record's count of occurrences
    size: float | None


ENTRY_CHUNK = 2000  # appraisals whose facts are read in one query (SQLite's parameter limit)


@dataclass
class _Rows:
    """One appraisal's stored facts as plain tuples, in a stable order."""

    facts: list[tuple[str, str, str, Any]] = field(default_factory=list)
    events: list[tuple[str, str, int, _EventRow]] = field(default_factory=list)
    ratings: list[tuple[str, str, int, Any]] = field(default_factory=list)
    adjustments: list[tuple[str, int, float]] = field(default_factory=list)


def _rows_of(ids: Sequence[int]) -> dict[int, _Rows]:
    """Every fact row of these appraisals, read as values (no model objects): four
    queries per ENTRY_CHUNK appraisals."""
    found: dict[int, _Rows] = defaultdict(_Rows)
    for start in range(0, len(ids), ENTRY_CHUNK):
        chunk = list(ids[start : start + ENTRY_CHUNK])
        for pk, item, kind, key, value in _with_json(Fact, ("item", "kind", "key"), chunk):
            found[pk].facts.append((item, kind, key, value))
        for pk, item, name, count, size, row in Event.objects.filter(
            appraisal_id__in=chunk
        ).values_list("appraisal_id", "item", "name", "count", "size", "pk"):
            found[pk].events.append((item, name, row, _EventRow(count, size)))
        for pk, item, role, row, value in _with_json(Rating, ("item", "role", "id"), chunk):
            found[pk].ratings.append((item, role, row, value))
        for pk, name, row, amount in AdjustmentEntry.objects.filter(
            appraisal_id__in=chunk
        ).values_list("appraisal_id", "name", "pk", "amount"):
            found[pk].adjustments.append((name, row, amount))
    return found


def _with_json(model: Any, columns: tuple[str, ...], ids: list[int]) -> Iterable[tuple[Any, ...]]:
    """(appraisal id, *columns, value) of these appraisals' rows. On PostgreSQL the rows
    of each appraisal come as one JSON array, decoded once (a JSON value decoded row by
    row costs more than the rest of the read)."""
    if connection.vendor != "postgresql":
        yield from model.objects.filter(appraisal_id__in=ids).values_list(
            "appraisal_id", *columns, "value"
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    picked = ", ".join(connection.ops.quote_name(column) for column in (*columns, "value"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT appraisal_id, jsonb_agg(jsonb_build_array({picked}))::text FROM {table}"
            " WHERE appraisal_id = ANY(%s) GROUP BY appraisal_id",
            [ids],
        )
        for pk, rows in cursor.fetchall():
            for row in json.loads(rows):
                yield (pk, *row)


def entries_of(appraisals: Sequence[Appraisal]) -> list[dict[str, Any]]:
    """The appraisees of a facts file (§14), one per appraisal, from the database."""
    rows = _rows_of([appraisal.pk for appraisal in appraisals])
    return [_entry(appraisal, rows.get(appraisal.pk) or _Rows()) for appraisal in appraisals]


def appraisee_entry(appraisal: Appraisal) -> dict[str, Any]:
    """One appraisee of a facts file (§14), from the appraisal's facts in the database."""
    return entries_of([appraisal])[0]


def _entry(appraisal: Appraisal, rows: _Rows) -> dict[str, Any]:
    facts: dict[str, dict[str, Any]] = defaultdict(dict)
    inputs: dict[str, Any] = {}
    for item, kind, key, value in sorted(rows.facts, key=lambda fact: fact[:3]):
        if kind == FactKind.INPUT and not item:
            inputs[key] = value
        elif kind == FactKind.INPUT:
            facts[item].setdefault("inputs", {})[key] = value
        else:
            facts[item][kind] = value
    events: dict[str, Any] = {}
    for (item, name), grouped in _grouped(rows.events).items():
        occurred = _event_fact(grouped)
        if item:
            facts[item].setdefault("events", {})[name] = occurred
        else:
            events[name] = occurred
    for (item, role), values in _grouped(rows.ratings).items():
        if role in ANONYMOUS_ROLES:  # highest first, not in the order given: no one is told apart
            values = sorted(values, key=_highest_first)
        facts[item].setdefault("ratings", {})[role] = values[0] if len(values) == 1 else values
    adjustments: dict[str, list[float]] = defaultdict(list)
    for name, _row, amount in sorted(rows.adjustments, key=lambda entry: entry[:2]):
        adjustments[name].append(amount)
    entry: dict[str, Any] = {
        "id": appraisal.appraisee_id,
        "name": appraisal.appraisee_name,
        "attributes": dict(sorted(appraisal.attributes.items())),
    }
    for key, value in (
        ("inputs", inputs),
        ("events", events),
        ("adjustments", dict(adjustments)),
        ("facts", {item: facts[item] for item in sorted(facts)}),
    ):
        if value:
            entry[key] = value
    return entry


def _highest_first(value: Any) -> tuple[int, float, str]:
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return (0, -number, "") if number is not None else (1, 0.0, str(value))


def _grouped(rows: Iterable[tuple[str, str, int, Any]]) -> dict[tuple[str, str], list[Any]]:
    """(item, name, row id, value) rows as {(item, name): values in the order recorded}."""
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for first, second, _row, value in sorted(rows, key=lambda row: row[:3]):
        grouped[(first, second)].append(value)
    return dict(grouped)


def _event_fact(rows: list[_EventRow]) -> int | list[float]:
    """Event records as the engine's event fact: a count, or a list of sizes
    when any record has a size (a record without one counts as size 1)."""
    if all(row.size is None for row in rows):
        return int(sum(row.times for row in rows))
    sizes: list[float] = []
    for row in rows:
        sizes.extend([row.size if row.size is not None else 1.0] * row.times)
    return sizes


def facts_document(cycle: Cycle, appraisals: Sequence[Appraisal]) -> dict[str, Any]:
    """The facts file (§14) of a group of appraisals."""
    document: dict[str, Any] = {"period": cycle.period}
    groups = group_inputs(cycle)
    if groups:
        document["groups"] = groups
    document["appraisees"] = entries_of(appraisals)
    return document


def facts_set(document: dict[str, Any]) -> FactSet:
    """A `FactSet` from a facts document, read by the engine's own facts reader."""
    try:
        return facts_from_data(document).periods[0]
    except FactsError as exc:
        details = [str(problem) for problem in exc.problems]
        raise ServiceError("the stored facts cannot be scored", details=details) from None


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def contract_history(
    cycle: Cycle, version: SchemeVersion, appraisals: Sequence[Appraisal]
) -> list[dict[str, Any]]:
    """The earlier periods of a contract (§12): for the group's appraisees, the facts
    their results of the earlier cycles of the same kind and scheme were computed
    from, one facts document per period, oldest first."""
    wanted = {appraisal.appraisee_id for appraisal in appraisals}
    earlier = (
        Result.objects.filter(
            appraisal__cycle__period_kind=cycle.period_kind,
            appraisal__cycle__start__lt=cycle.start,
            appraisal__scheme_version__scheme_id=version.scheme_id,
        )
        .exclude(appraisal__state=AppraisalState.WITHDRAWN)
        .exclude(appraisal__cycle__state__in=[CycleState.DRAFT, CycleState.CANCELLED])
        .select_related("appraisal__cycle", "appraisal__employee", "appraisal__unit")
        .order_by("appraisal__cycle__start", "appraisal_id")
    )
    periods: dict[str, dict[str, Any]] = {}
    for result in earlier:
        if result.appraisal.appraisee_id not in wanted:
            continue
        period = result.facts["period"]
        document = periods.setdefault(
            period, {"period": period, "groups": result.facts.get("groups", {}), "appraisees": []}
        )
        entry = result.facts["appraisee"]
        if all(other.get("id") != entry.get("id") for other in document["appraisees"]):
            document["appraisees"].append(entry)  # once a period, should two cycles share it
    return list(periods.values())


# What the group decides (ranking, forced distribution, normalisation, pay shares): a
# result scored alone leaves these to the group's job (`Result` keeps the last ones).
GROUP_FIELDS = ("rank", "ranked", "grade", "band_grade", "normalized")
GROUP_FLAGS = frozenset({"quota_tie"})


def score_group(
    cycle: Cycle, version: SchemeVersion, appraisals: Sequence[Appraisal], *, alone: bool = False
) -> tuple[list[Scored], list[str]]:
    """Score a group of appraisals of one cycle against one scheme version.

    As `jixiao score` scores a facts file: a contract scheme's outcomes (the share of
    the fee withheld, the triggers) are computed over the series of periods, so the
    earlier periods' facts are scored with this one and kept in the result's facts
    (`history`): the result can be computed again from what it stores.

    `alone`: the appraisals are a few of their group, scored without the others (a
    fact was recorded). What depends on each person only — items, subtotal,
    adjustments, total, their errors and words — is exact (the engine scores one
    appraisee alone as in a batch); what the group decides (`GROUP_FIELDS`, the
    pay and salary outcomes, the group steps' errors) is left out, for the caller
    to keep from the stored result until the group's job has run."""
    document = facts_document(cycle, appraisals)
    scheme = engine_scheme(version)
    entries = document["appraisees"]  # their history inputs filled from earlier results (§15)
    rolled = rollup_fill(cycle=cycle, scheme=scheme, appraisals=appraisals, entries=entries)
    history = contract_history(cycle, version, appraisals) if scheme.outcomes.contract else []
    periods = [facts_set(earlier) for earlier in history]
    run = score_periods(scheme, FactsFile([*periods, facts_set(document)]))[-1]
    scored = []
    results, wording = said(run)
    for row, (appraisal, entry) in enumerate(zip(appraisals, document["appraisees"], strict=True)):
        facts = {
            "period": cycle.period,
            "scheme_version": version.pk,
            "groups": document.get("groups", {}),
            "appraisee": entry,
        }
        mine = _history_of(history, entry)
        if mine:
            facts["history"] = mine
        if rolled.get(str(entry["id"])):  # the results a roll-up used (v1.1 §15)
            facts["rollup"] = rolled[str(entry["id"])]
        result, words = results[row], wording[row]
        if alone:
            result, words = _alone(run, row, result, words)
        scored.append(Scored(appraisal, result, facts, digest(facts), words))
    return scored, list(run.warnings)


def _alone(
    run: ScoreRun, row: int, result: dict[str, Any], words: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One appraisee's own part of a result scored without its group."""
    group_errors = run.graded.errors.get(row, [])
    own = [message for message in run.errors.get(row, []) if message not in group_errors]
    with language("zh"):
        zh_errors = [render(message) for message in own]
    result = {
        **result,
        "errors": [render(message) for message in own],
        "outcomes": dict(run.contract.get(row, {})),
        "flags": [flag for flag in result["flags"] if flag not in GROUP_FLAGS],
        **{name: None for name in GROUP_FIELDS},
    }
    if not own:  # only a group step failed on a group of one: the total is still its own
        result["subtotal"] = output_number(float(run.subtotal[row]))
        result["total"] = output_number(float(run.total[row]))
    return result, {"zh": {**words["zh"], "errors": zh_errors}}


TARGET_INPUTS = frozenset({"target", "challenge"})


@dataclass(frozen=True)
class ItemInfo:
    """How one item of a scheme version is measured, for the people it is about."""

    code: str
    name: str
    section: str
    weight: float
    full: float
    rule: str
    measure: str
    source: str
    unit: str
    rater_roles: tuple[str, ...]  # empty when the item takes no ratings
    inputs: tuple[str, ...] = ()  # the measure's inputs (targets aside)
    event_names: tuple[str, ...] = ()  # the events a deduct/add rule counts
    levels: tuple[str, ...] = ()  # the level names a levels rule rates with
    words: str = ""  # the item in plain words (describe), in the reader's language
    rater_names: tuple[str, ...] = ()  # rater_roles as the reader says them (上级, 自评 …)


def items_info(version: SchemeVersion) -> list[ItemInfo]:
    scheme = engine_scheme(version)
    stored = {item.code: item for item in version.items.all()}
    rolled_up = {entry.name for entry in scheme.history}  # filled from results (§15)
    found = []
    for item in scheme.items:
        row = stored.get(item.code)
        raters = item.raters or scheme.raters
        roles: tuple[str, ...] = ()
        if item.rule.takes_ratings():
            roles = tuple(raters.types) if raters is not None and raters.types else ("supervisor",)
        found.append(
            ItemInfo(
                code=item.code,
                name=item.name,
                section=" / ".join(item.section),
                weight=row.weight if row is not None else item.weight,
                full=item.full,
                rule=item.rule.kind,
                measure=item.measure.text if item.measure is not None else "",
                source=str(item.info.get("source", "") or ""),
                unit=str(item.info.get("unit", "") or ""),
                rater_roles=roles,
                inputs=tuple(sorted(set(item.measure.names) - TARGET_INPUTS - rolled_up))
                if item.measure is not None
                else (),
                event_names=tuple(sorted(getattr(getattr(item.rule, "events", None), "names", ()))),
                levels=tuple(str(level) for level, _points in getattr(item.rule, "levels", ())),
                words=item_words(item),
                rater_names=_rater_names(item, roles),
            )
        )
    return found


def _rater_names(item: Any, roles: tuple[str, ...]) -> tuple[str, ...]:
    with language(reader_language()):
        return tuple(rater_name(role, item_labels(item)) for role in roles)


def lowest_grade(version: SchemeVersion) -> str | None:
    """The scheme's lowest grade (its last grade row): it calls for an improvement plan."""
    grades = engine_scheme(version).grades
    return grades[-1].grade if grades else None
