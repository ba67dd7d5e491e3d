"""Results of earlier periods as inputs: roll-ups (scheme-language v1.1 §15).

A scheme declares under `history` the list inputs that hold an appraisee's
results of the shorter periods inside the period being scored, oldest first:

    history:
      monthly_totals: {period: month, value: total}
      quarter_totals: {period: quarter, missing: error}

Facts carry them like any list input (`inputs: {monthly_totals: [88, 91.5]}`);
absent, a history input is an empty list, and a number is a list of one. A
null entry is a period without a result of the kind asked: it counts as
missing. `missing: error` makes too few periods an error of that appraisee
("monthly_totals: 10 of 12 months"). The application fills these lists from
stored results (jixiao.appraisals.rollups); the engine only reads them.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from difflib import get_close_matches

import numpy as np

from jixiao.scoring.errors import Path
from jixiao.scoring.expr import FUNCTIONS
from jixiao.scoring.facts import FactSet, InputList, Lists, fact_column, floats
from jixiao.scoring.model import PERIOD_KINDS, HistoryInput, Item, Scheme
from jixiao.scoring.reader import SchemeReader
from jixiao.scoring.wording import say

HISTORY_KEYS = ("period", "value", "missing")
VALUES = ("total", "normalized")
MISSING = ("skip", "error")
# (the scored period's kind, the history's kind) -> how many of these are inside
INSIDE: dict[tuple[str, str], int] = {
    ("year", "month"): 12,
    ("year", "quarter"): 4,
    ("year", "half"): 2,
    ("half", "month"): 6,
    ("half", "quarter"): 2,
    ("quarter", "month"): 3,
}


def period_kind(period: str | None) -> str | None:
    """'2026' -> year, '2026-H1' -> half, '2026-Q2' -> quarter, '2026-06' -> month."""
    if not period:
        return None
    parts = period.split("-")
    if len(parts) == 1:
        return "year"
    tail = parts[1].upper()
    return "half" if tail.startswith("H") else "quarter" if tail.startswith("Q") else "month"


def _choice(
    reader: SchemeReader,
    spec: Mapping[str, object],
    key: str,
    choices: tuple[str, ...],
    where: Path,
) -> str | None:
    raw = spec.get(key, choices[0])
    if raw in choices:
        return str(raw)
    near = get_close_matches(str(raw), list(choices), n=1, cutoff=0.5)
    if near:
        message = say("{value!r} is not one of {choices}; did you mean {near!r}?",
                      value=raw, choices=", ".join(choices), near=near[0])  # fmt: skip
    else:
        message = say("{value!r} is not one of {choices}", value=raw, choices=", ".join(choices))
    reader.problem((*where, key), message)
    return None


def parse_history(
    reader: SchemeReader, raw: object, path: Path, scheme_period: str
) -> tuple[HistoryInput, ...]:
    """`history: {name: {period, value, missing}}` -> HistoryInputs; problems to `reader`."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not raw:
        reader.problem(
            path,
            say("expected {{name: {{period: month}}}}, e.g. {{monthly_totals: {{period: month}}}}"),
        )
        return ()
    found = []
    for name, spec in raw.items():
        where = (*path, str(name))
        text = str(name)
        if not text.isidentifier() or keyword.iskeyword(text) or text in FUNCTIONS:
            reader.problem(
                where,
                say(
                    "{name!r} cannot be used in expressions: a history input is named with"
                    " letters, digits and _, and not like a function",
                    name=text,
                ),
            )
            continue
        body = reader.keys(spec, where, HISTORY_KEYS, ("period",))
        if body is None:
            continue
        period = _choice(reader, body, "period", PERIOD_KINDS, where)
        value = _choice(reader, body, "value", VALUES, where)
        missing = _choice(reader, body, "missing", MISSING, where)
        if period is not None and PERIOD_KINDS.index(period) >= PERIOD_KINDS.index(
            scheme_period if scheme_period in PERIOD_KINDS else "year"
        ):
            reader.problem(
                (*where, "period"),
                say(
                    "{period} is not shorter than the scheme's period {scheme}: a history"
                    " input holds the results of shorter periods inside the one scored",
                    period=period,
                    scheme=scheme_period,
                ),
            )
            continue
        if period is None or value is None or missing is None:
            continue
        found.append(HistoryInput(text, period, value, missing, where))
    return tuple(found)


def history_lists(history: tuple[HistoryInput, ...], facts: FactSet) -> dict[str, InputList]:
    """Each history input as a list over the population: given as a list, a number (a list
    of one) or not at all (empty); null entries (no result of the kind asked) left out."""
    n = facts.n
    found = {}
    for entry in history:
        given = facts.lists.get(entry.name)
        if given is not None:
            owner, values = given.entries.owner, given.entries.values
        elif entry.name in facts.inputs:
            column = facts.inputs[entry.name]
            owner = np.flatnonzero(np.array([v is not None for v in column], dtype=bool))
            values = column[owner]
        else:
            owner, values = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
        column = fact_column(np.asarray(values, dtype=object))
        kept = ~np.isnan(floats(column))
        entries = Lists(np.asarray(owner, dtype=np.int64)[kept], column[kept])
        found[entry.name] = InputList(entries, np.ones(n, dtype=bool))
    return found


def history_errors(
    history: tuple[HistoryInput, ...],
    lists: Mapping[str, InputList],
    facts: FactSet,
    scheme_period: str,
) -> dict[int, list[str]]:
    """`missing: error`: fewer values than periods of that kind inside the one scored."""
    errors: dict[int, list[str]] = {}
    scored = period_kind(facts.period) or scheme_period
    for entry in history:
        expected = INSIDE.get((scored, entry.period))
        if entry.missing != "error" or expected is None:
            continue
        counts = lists[entry.name].entries.counts(facts.n)
        for row in np.flatnonzero(counts < expected).tolist():
            errors.setdefault(row, []).append(
                _too_few(entry.name, int(counts[row]), expected, entry.period)
            )
    return errors


def _too_few(name: str, count: int, expected: int, period: str) -> str:
    if period == "month":
        return say(
            "{name}: {count} of {expected} months", name=name, count=count, expected=expected
        )
    if period == "quarter":
        return say(
            "{name}: {count} of {expected} quarters", name=name, count=count, expected=expected
        )
    return say(
        "{name}: {count} of {expected} half-years", name=name, count=count, expected=expected
    )


def bare_uses(
    expressions: list[tuple[Path, object]], names: frozenset[str]
) -> list[tuple[Path, str]]:
    """Where a list the scheme declares is used outside sum/mean/count/min/max (§4)."""
    found = []
    for path, expression in expressions:
        bare: frozenset[str] = getattr(expression, "bare", frozenset())
        for name in sorted(bare & names):
            found.append(
                (
                    path,
                    say(
                        "'{name}' is a list: use sum({name}), mean({name}) or count({name})",
                        name=name,
                    ),
                )
            )
    return found


def check_list_uses(
    scheme: Scheme, reader: SchemeReader, warn: Callable[[Path, str], None]
) -> None:
    """At load: a history input used where a number is wanted is an error (§4), and a
    label naming no input or event of its line is a warning with the nearest name (§2)."""
    lists = frozenset(entry.name for entry in scheme.history)
    places: list[tuple[Path, object]] = []
    lines: list[tuple[Item, Path]] = [(item, item.path) for item in scheme.items]
    for adjustment in scheme.adjustments:
        if adjustment.when is not None:
            places.append(((*adjustment.path, "gate", "when"), adjustment.when))
        if adjustment.item is not None:
            lines.append((adjustment.item, adjustment.item.path))
    for item, path in lines:
        if item.measure is not None:
            places.append(((*path, "measure"), item.measure))
        places.extend(((*path, "rule"), expression) for expression in item.rule.expressions())
    pay = scheme.outcomes.pay
    if pay is not None and pay.factor is not None:
        places.append((("outcomes", "pay", "factor"), pay.factor))
    for path, message in bare_uses(places, lists):
        reader.problem(path, message)
    for item, path in lines:
        labels = item.info.get("labels")
        if not isinstance(labels, Mapping):
            continue
        known = set(item.rule.event_names()) | lists
        for expression in (item.measure, *item.rule.expressions()):
            known |= set(expression.names) if expression is not None else set()
        for name in labels:
            if str(name) in known:
                continue
            near = get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
            if near:
                message = say(
                    "{name!r} is not an input or event of this line; did you mean {near!r}?",
                    name=name,
                    near=near[0],
                )
            else:
                message = say("{name!r} is not an input or event of this line", name=name)
            warn((*path, "labels", str(name)), message)
