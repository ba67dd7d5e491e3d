"""Scoring the items of a scheme for a whole population (§2–§6).

For each due item: the value (from `measure`, the `value` fact or the
`default`), the ratings combined (§6), the rule's score, `met` (§5.9) and the
contribution to the subtotal. Everything is columnar; per-row work happens
only on rows with an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from jixiao.scoring.errors import Path
from jixiao.scoring.expr import Expression, Ragged
from jixiao.scoring.facts import (
    Events,
    FactsBuilder,
    FactSet,
    InputList,
    IntArray,
    ItemFacts,
    Lists,
    ObjArray,
    fact_column,
    floats,
    no_facts,
    words,
)
from jixiao.scoring.history import history_lists
from jixiao.scoring.model import Item, Scheme
from jixiao.scoring.numbers import FloatArray, fmt
from jixiao.scoring.raters import combine
from jixiao.scoring.rules.base import ItemInput, Rated, Scored, list_values, merge_errors
from jixiao.scoring.wording import current_language, say


@dataclass
class ItemColumn:
    """One item's results over all appraisees."""

    item: Item
    weight: float
    data: ItemInput
    scored: Scored
    met: npt.NDArray[np.int8]  # 1 met, 0 not met, -1 unknown (no standard or no value)
    errors: dict[int, str]
    contribution: FloatArray
    said: dict[int, str] = field(default_factory=dict, repr=False)  # traces.prepare made
    said_in: str | None = field(default=None, repr=False)  # in this language

    @property
    def score(self) -> FloatArray:
        return self.scored.score

    def trace(self, row: int) -> str:
        """The item's one-line trace (§5.8) for one appraisee, in the current language."""
        if self.said and self.said_in == current_language() and row in self.said:
            return self.said[row]  # made with the other rows' (jixiao/scoring/traces.py)
        if row in self.errors:
            return say("error: {message}", message=self.errors[row])
        text = self.item.rule.explain(self.data, self.scored, row)
        measure = self.item.measure
        value = fmt(float(self.data.value[row]))
        shown_lists = list_values(measure, self.data.lists, row) if measure else ""
        if measure is not None and self.item.rule.needs_value and shown_lists:
            text = say(
                "{measure} with {lists} = {value}; {trace}",
                measure=measure.text,
                lists=shown_lists,
                value=value,
                trace=text,
            )
        elif measure is not None and self.item.rule.needs_value:
            text = say(
                "{measure} = {value}; {trace}", measure=measure.text, value=value, trace=text
            )
        standard = self.item.standard
        if standard is not None and self.met[row] >= 0:
            shown = (
                f"{measure.text} = {value}" if measure and not self.item.rule.needs_value else value
            )
            if self.met[row]:
                text += say(
                    "; {value} meets the standard {standard}",
                    value=shown,
                    standard=standard.describe(),
                )
            else:
                text += say(
                    "; {value} does not meet the standard {standard}",
                    value=shown,
                    standard=standard.describe(),
                )
        return str(text)


def numeric_inputs(facts: FactSet) -> dict[str, FloatArray]:
    return {name: floats(column) for name, column in facts.inputs.items()}


def appraisee_lists(scheme: Scheme, facts: FactSet) -> dict[str, InputList]:
    """The appraisee-level list inputs (v1.1 §3), the history inputs (§15) among them."""
    return {**facts.lists, **history_lists(scheme.history, facts)}


def score_items(
    scheme: Scheme,
    facts: FactSet,
    weights: Mapping[str, float],
    base_env: Mapping[str, FloatArray],
    base_lists: Mapping[str, InputList] | None = None,
) -> list[ItemColumn]:
    columns = []
    if base_lists is None:
        base_lists = appraisee_lists(scheme, facts)
    for item in scheme.items:
        if item.code not in weights:
            continue
        columns.append(score_item(scheme, item, weights[item.code], facts, base_env, base_lists))
    return columns


def score_points(
    item: Item,
    facts: FactSet,
    base_env: Mapping[str, FloatArray],
    base_lists: Mapping[str, InputList],
) -> ItemColumn:
    """A `points` adjustment's line (v1.1 §7): its rule (never a rated one) over the
    appraisee-level inputs and events, scored as an item outside the weighted sum."""
    own = ItemFacts(events=dict(facts.events))
    return _score(None, item, 0.0, own, facts.n, base_env, base_lists)


def score_item(
    scheme: Scheme,
    item: Item,
    weight: float,
    facts: FactSet,
    base_env: Mapping[str, FloatArray],
    base_lists: Mapping[str, InputList] | None = None,
) -> ItemColumn:
    n = facts.n
    own = with_default(item, facts.items.get(item.code) or ItemFacts(), n)
    if base_lists is None:
        base_lists = appraisee_lists(scheme, facts)
    return _score(scheme, item, weight, own, n, base_env, base_lists)


def _score(
    scheme: Scheme | None,
    item: Item,
    weight: float,
    own: ItemFacts,
    n: int,
    base_env: Mapping[str, FloatArray],
    base_lists: Mapping[str, InputList],
) -> ItemColumn:
    rule = item.rule
    events = _events(own, rule.event_names(), n)
    env = dict(base_env)
    env.update({name: floats(column) for name, column in own.inputs.items()})
    env.update({name: found.count for name, found in events.items()})
    inputs = _merged_lists(base_lists, own, n)
    _every_name(env, (*rule.expressions(), *([item.measure] if item.measure else [])), n)
    lists = _Occurrences(events, inputs)

    raw_value = own.value if own.value is not None else no_facts(n)
    score_fact = floats(own.score) if own.score is not None else np.full(n, np.nan)
    errors: dict[int, str] = {}
    source = "value"
    if item.measure is not None:
        evaluated = item.measure.evaluate(env, n, lists)
        value = evaluated.values
        source = "measure"
        errors = dict(evaluated.errors)
    else:
        value = floats(raw_value)
    rated = _rated(scheme, item, own, n)
    data = ItemInput(
        n=n,
        full=item.full,
        value=value,
        raw_value=raw_value,
        events=events,
        score=score_fact,
        rated=rated,
        env=env,
        lists=lists,
        value_source=source,
    )
    if rule.needs_value and item.measure is None:
        for row in (words(raw_value) & np.isnan(value)).nonzero()[0]:
            errors[int(row)] = say("value {value!r} is not a number", value=raw_value[row])
    scored = rule.score(data)
    errors = merge_errors(errors, scored.errors)
    score = scored.score
    if errors:
        score = score.copy()
        score[list(errors)] = np.nan
        scored.score = score
    met = np.full(n, -1, dtype=np.int8)
    if item.standard is not None:
        known = ~np.isnan(value)
        met = np.where(known, item.standard.test(value).astype(np.int8), -1).astype(np.int8)
    contribution = score / item.full * weight
    return ItemColumn(item, weight, data, scored, met, errors, contribution)


def _merged_lists(base: Mapping[str, InputList], own: ItemFacts, n: int) -> dict[str, InputList]:
    """The list inputs an item sees: the appraisee-level ones, where the item's own facts
    name the same input its own win, row by row (§3)."""
    found = dict(base)
    for name in set(own.lists) | (set(own.inputs) & set(base)):
        mine = own.lists.get(name)
        if mine is None:  # the item gives a number: a list of one where it does
            column = own.inputs[name]
            given = np.flatnonzero(np.fromiter((v is not None for v in column), bool, n))
            mine = InputList(Lists(given.astype(np.int64), column[given]), np.zeros(n, bool))
        rows = mine.listed | (mine.entries.counts(n) > 0)
        other = base.get(name)
        if other is None or not (~rows).any():
            found[name] = mine
            continue
        keep = ~rows[other.entries.owner]
        owner = np.concatenate([mine.entries.owner, other.entries.owner[keep]])
        values = np.concatenate([mine.entries.values, other.entries.values[keep]])
        listed = mine.listed | (other.listed & ~rows)
        found[name] = InputList(Lists(owner.astype(np.int64), fact_column(values)), listed)
    return found


class _Occurrences(Mapping[str, Ragged]):
    """The lists an item's expressions see (§4): each event's occurrences for
    `sum/mean/count/min/max(name)`, made when an expression asks (a count of 6,000 is
    6,000 occurrences: not made for nothing), and the list inputs (v1.1 §3). `listed`:
    the rows that gave a list for a name, an error where a number is wanted."""

    def __init__(
        self, events: Mapping[str, Events], inputs: Mapping[str, InputList] | None = None
    ) -> None:
        self.events = events
        self.inputs = {k: v for k, v in (inputs or {}).items() if k not in events}
        self.listed = {name: found.listed for name, found in self.inputs.items()}
        self.made: dict[str, Ragged] = {}

    def __getitem__(self, name: str) -> Ragged:
        found = self.made.get(name)
        if found is None:
            if name in self.events:
                found = Ragged(*self.events[name].occurrences())
            else:
                entries = self.inputs[name].entries
                found = Ragged(entries.owner, entries.numbers())
            self.made[name] = found
        return found

    def __contains__(self, name: object) -> bool:
        return name in self.events or name in self.inputs

    def __iter__(self) -> Iterator[str]:
        return iter([*self.events, *self.inputs])

    def __len__(self) -> int:
        return len(self.events) + len(self.inputs)


def input_lists(inputs: Mapping[str, InputList]) -> Mapping[str, Ragged]:
    """List inputs as an expression reads them (for form-level expressions: gates)."""
    return _Occurrences({}, inputs)


def _every_name(env: dict[str, FloatArray], expressions: Sequence[Expression], n: int) -> None:
    """A name nobody in the population has is, for each appraisee, a name without a value:
    the message must not depend on who else is scored in the same batch."""
    for expression in expressions:
        for name in expression.names:
            env.setdefault(name, np.full(n, np.nan))


def _events(own: ItemFacts, names: frozenset[str], n: int) -> dict[str, Events]:
    events = dict(own.events)
    for name in names:
        if name not in events:
            events[name] = Events.none(n)
    return events


def default_facts(code: str, default: Mapping[str, object]) -> FactsBuilder:
    """An item's `default` as the facts of one appraisee (the builder holds any problems)."""
    builder = FactsBuilder()
    row = builder.appraisee("default", None, ())
    for kind, fact in default.items():
        where: Path = ("default", kind)
        if kind == "value":
            builder.add_value(row, code, fact, where)
        elif kind == "score":
            builder.add_score(row, code, fact, where)
        elif not isinstance(fact, Mapping):
            builder.problems.append((where, say("expected a mapping")))
        else:
            add = {"inputs": builder.add_input, "events": builder.add_event}.get(kind)
            for name, one in fact.items():
                if add is not None:
                    add(row, code, str(name), one, (*where, str(name)))
                else:
                    builder.add_rating(row, code, str(name), one, (*where, str(name)))
    return builder


def with_default(item: Item, own: ItemFacts, n: int) -> ItemFacts:
    """The item's facts, with its `default` for every appraisee who has none for it (§3)."""
    if not item.default:
        return own
    bare = np.flatnonzero(~_has_facts(own, n))
    if not len(bare):
        return own
    default = default_facts(item.code, item.default).build().items.get(item.code) or ItemFacts()
    empty = Events.none(n)
    return ItemFacts(
        value=_fill(own.value, default.value, bare, n),
        score=_fill(own.score, default.score, bare, n),
        inputs={
            **own.inputs,
            **{k: _fill_column(own.inputs.get(k), v, bare, n) for k, v in default.inputs.items()},
        },
        events={
            **own.events,
            **{
                k: _fill_events(own.events.get(k, empty), v, bare)
                for k, v in default.events.items()
            },
        },
        ratings={
            **own.ratings,
            **{
                k: _fill_lists(own.ratings.get(k, Lists.empty()), v, bare)
                for k, v in default.ratings.items()
            },
        },
        lists={
            **own.lists,
            **{k: _fill_input_list(own.lists.get(k), v, bare, n) for k, v in default.lists.items()},
        },
    )


def _has_facts(own: ItemFacts, n: int) -> npt.NDArray[np.bool_]:
    has = np.zeros(n, dtype=bool)
    for column in (own.value, own.score, *own.inputs.values()):
        if column is not None:
            has |= np.array([v is not None for v in column], dtype=bool)
    for events in own.events.values():
        has[events.sizes.owner] = True
        has |= events.listed
    for ratings in own.ratings.values():
        has[ratings.owner] = True
    for given in own.lists.values():  # list inputs (v1.1 §3), an empty list too
        has |= given.listed
        has[given.entries.owner] = True
    return has


def _fill(column: ObjArray | None, one: ObjArray | None, rows: IntArray, n: int) -> ObjArray | None:
    return column if one is None else _fill_column(column, one, rows, n)


def _fill_column(column: ObjArray | None, one: ObjArray, rows: IntArray, n: int) -> ObjArray:
    out = np.full(n, None, dtype=object) if column is None else column.copy()
    out[rows] = one[0]
    return out


def _fill_lists(lists: Lists, one: Lists, rows: IntArray) -> Lists:
    owner = np.concatenate([lists.owner, np.repeat(rows, len(one.values))])
    values = np.concatenate([lists.values, np.tile(one.values, len(rows))])
    return Lists(owner.astype(np.int64), values.astype(object))


def _fill_input_list(lists: InputList | None, one: InputList, rows: IntArray, n: int) -> InputList:
    """A default list input (v1.1 §3) for the appraisees without facts for the item."""
    listed = np.zeros(n, dtype=bool) if lists is None else lists.listed.copy()
    listed[rows] = one.listed[0]
    entries = _fill_lists(lists.entries if lists is not None else Lists.empty(), one.entries, rows)
    return InputList(entries, listed)


def _fill_events(events: Events, one: Events, rows: IntArray) -> Events:
    count, amount, listed = events.count.copy(), events.amount.copy(), events.listed.copy()
    count[rows], amount[rows], listed[rows] = one.count[0], one.amount[0], one.listed[0]
    return Events(count, amount, listed, _fill_lists(events.sizes, one.sizes, rows))


def _rated(scheme: Scheme | None, item: Item, own: ItemFacts, n: int) -> Rated | None:
    if not item.rule.takes_ratings() or not own.ratings:
        return None
    raters = item.raters or (scheme.raters if scheme is not None else None)
    return combine(own.ratings, raters, n, item.rule.rating_points)
