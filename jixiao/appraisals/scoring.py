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
from dataclasses import dataclass
from typing import Any

from jixiao.appraisals.models import Appraisal, Cycle, FactKind, GroupInput, Result
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
from jixiao.scoring.wording import language


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


def wording_of(run: ScoreRun, row: int) -> dict[str, Any]:
    """What `Result.shown` puts in place of the engine's English: the words of the
    same result as the engine says them in Chinese."""
    with language("zh"):  # the engine renders its words when asked, in either language
        return {"zh": run.words(row)}


def with_facts(appraisals: Any) -> Any:
    """The query set with everything `appraisee_entry` reads, fetched in a few queries."""
    return appraisals.select_related(
        "employee", "unit", "scheme_version", "cycle"
    ).prefetch_related("facts", "events", "ratings", "adjustment_entries")


def group_inputs(cycle: Cycle) -> dict[str, dict[str, dict[str, float]]]:
    groups: dict[str, dict[str, dict[str, float]]] = {}
    for entry in GroupInput.objects.filter(cycle=cycle).order_by("attribute", "value", "key"):
        groups.setdefault(entry.attribute, {}).setdefault(entry.value, {})[entry.key] = entry.amount
    return groups


def appraisee_entry(appraisal: Appraisal) -> dict[str, Any]:
    """One appraisee of a facts file (§14), from the appraisal's facts in the database."""
    facts: dict[str, dict[str, Any]] = defaultdict(dict)
    inputs: dict[str, Any] = {}
    for fact in sorted(appraisal.facts.all(), key=lambda f: (f.item, f.kind, f.key)):
        if fact.kind == FactKind.INPUT and not fact.item:
            inputs[fact.key] = fact.value
        elif fact.kind == FactKind.INPUT:
            facts[fact.item].setdefault("inputs", {})[fact.key] = fact.value
        else:
            facts[fact.item][fact.kind] = fact.value
    events: dict[str, Any] = {}
    for (item, name), rows in _grouped(appraisal.events.all(), ("item", "name")).items():
        occurred = _event_fact(rows)
        if item:
            facts[item].setdefault("events", {})[name] = occurred
        else:
            events[name] = occurred
    for (item, role), rows in _grouped(appraisal.ratings.all(), ("item", "role")).items():
        values = [row.value for row in rows]
        facts[item].setdefault("ratings", {})[role] = values[0] if len(values) == 1 else values
    adjustments = {
        name: [row.amount for row in rows]
        for (name,), rows in _grouped(appraisal.adjustment_entries.all(), ("name",)).items()
    }
    entry: dict[str, Any] = {
        "id": appraisal.appraisee_id,
        "name": appraisal.appraisee_name,
        "attributes": dict(sorted(appraisal.attributes.items())),
    }
    for key, value in (
        ("inputs", inputs),
        ("events", events),
        ("adjustments", adjustments),
        ("facts", {item: facts[item] for item in sorted(facts)}),
    ):
        if value:
            entry[key] = value
    return entry


def _grouped(rows: Iterable[Any], keys: Sequence[str]) -> dict[tuple[Any, ...], list[Any]]:
    grouped: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (*(getattr(r, k) for k in keys), r.pk)):
        grouped[tuple(getattr(row, k) for k in keys)].append(row)
    return dict(grouped)


def _event_fact(rows: list[Any]) -> int | list[float]:
    """Event records as the engine's event fact: a count, or a list of sizes
    when any record has a size (a record without one counts as size 1)."""
    if all(row.size is None for row in rows):
        return int(sum(row.count for row in rows))
    sizes: list[float] = []
    for row in rows:
        sizes.extend([row.size if row.size is not None else 1.0] * row.count)
    return sizes


def facts_document(cycle: Cycle, appraisals: Sequence[Appraisal]) -> dict[str, Any]:
    """The facts file (§14) of a group of appraisals."""
    document: dict[str, Any] = {"period": cycle.period}
    groups = group_inputs(cycle)
    if groups:
        document["groups"] = groups
    document["appraisees"] = [appraisee_entry(appraisal) for appraisal in appraisals]
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


def score_group(
    cycle: Cycle, version: SchemeVersion, appraisals: Sequence[Appraisal]
) -> tuple[list[Scored], list[str]]:
    """Score a group of appraisals of one cycle against one scheme version.

    As `jixiao score` scores a facts file: a contract scheme's outcomes (the share of
    the fee withheld, the triggers) are computed over the series of periods, so the
    earlier periods' facts are scored with this one and kept in the result's facts
    (`history`): the result can be computed again from what it stores."""
    document = facts_document(cycle, appraisals)
    scheme = engine_scheme(version)
    entries = document["appraisees"]  # their history inputs filled from earlier results (§15)
    rolled = rollup_fill(cycle=cycle, scheme=scheme, appraisals=appraisals, entries=entries)
    history = contract_history(cycle, version, appraisals) if scheme.outcomes.contract else []
    periods = [facts_set(earlier) for earlier in history]
    run = score_periods(scheme, FactsFile([*periods, facts_set(document)]))[-1]
    scored = []
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
        result, words = run.result(row), wording_of(run, row)
        scored.append(Scored(appraisal, result, facts, digest(facts), words))
    return scored, list(run.warnings)


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
                inputs=tuple(sorted(set(item.measure.names) - TARGET_INPUTS))
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
