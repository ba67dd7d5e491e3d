"""Item traces for many rows at once, by templates (issue 17).

`ItemColumn.trace(row)` says one appraisee's trace. For a rule type listed here, the
same sentences are made for every row of an item at once: each sentence's template is
said once in the current language with markers in its holes (`say` itself, so the
wording is the catalogue's), and the holes are filled column-wise with the rows'
numbers, each distinct number printed once by the same `fmt`. One branch of a rule's
`explain` is one template; a row is given the template of its branch.

`fill(column, rows)` gives one text per row, or None for a row it leaves to
`trace(row)`: a row with an error, a rule type or a branch not templated here (events,
for one), an item that reads list inputs. tests/scoring/test_trace_templates.py checks
that every text equals `trace(row)`, in English and Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from jixiao.scoring.describe import rater_name
from jixiao.scoring.items import ItemColumn
from jixiao.scoring.numbers import FloatArray, fmt
from jixiao.scoring.raters import Explained
from jixiao.scoring.rules.base import ItemInput
from jixiao.scoring.wording import _said, say

Texts = npt.NDArray[np.object_]  # one str (or None: not made here) per row

_MARK = re.compile("\x00([0-9]+)\x00")


def fill(column: ItemColumn, rows: Sequence[int]) -> list[str | None] | None:
    """The trace of each row (None where `column.trace(row)` must say it), or None
    when the column's rule is not templated."""
    data = column.data
    if getattr(data.lists, "inputs", None):
        return None  # list inputs are shown with their numbers
    templated = _RULES.get(column.item.rule.kind)
    if templated is None:
        return None
    at = np.asarray(rows, dtype=np.int64)
    if not at.size:
        return []
    texts = templated(column, at)
    if texts is None:
        return None
    done = np.fromiter((text is not None for text in texts), bool, len(texts))
    if column.errors:
        done &= np.fromiter((int(row) not in column.errors for row in at), bool, len(at))
    texts[~done] = None
    if done.any():
        texts[done] = _wrapped(column, at[done], texts[done])
    return texts.tolist()  # type: ignore[no-any-return]


def template(text: str, holes: Sequence[str], **fixed: object) -> list[str | int]:
    """`say(text, ...)` in the current language, as literal parts and hole numbers
    (the index in `holes`), in the order the language puts them. Every `text` is a
    template the rules' `explain` say literally (so the catalogue checks see it there);
    it is said here through `say`'s own lookup."""
    marked = str(
        _said(text, {**{name: f"\x00{index}\x00" for index, name in enumerate(holes)}, **fixed})
    )
    pieces = _MARK.split(marked)
    parts: list[str | int] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            parts.append(int(piece))
        elif piece:
            parts.append(piece)
    return parts


def filled(parts: list[str | int], *columns: Any) -> Texts:
    """The template's text for each row: its holes filled from `columns` (arrays of str)."""
    out: Any = None
    for part in parts:
        piece = columns[part] if isinstance(part, int) else part
        out = piece if out is None else out + piece
    if out is None or isinstance(out, str):
        size = len(columns[0]) if columns else 0
        return _same("" if out is None else out, size)
    return np.asarray(out, dtype=object)


def say_each(text: str, holes: Sequence[str], *columns: Any, **fixed: object) -> Texts:
    """`say(text, hole=column[i], ..., **fixed)` for each row i."""
    return filled(template(text, holes, **fixed), *columns)


def _same(text: str, size: int) -> Texts:
    out = np.empty(size, dtype=object)
    out[:] = text
    return out


def numbers(values: Any) -> Texts:
    """`fmt(float(v))` of each value, each distinct value printed once."""
    found = np.asarray(values, dtype=np.float64)
    if not found.size:
        return np.empty(0, dtype=object)
    distinct, where = np.unique(found, return_inverse=True)
    shown = np.empty(len(distinct), dtype=object)
    shown[:] = [fmt(float(value)) for value in distinct.tolist()]
    return shown[where.reshape(found.shape)]


def value_texts(data: ItemInput, at: npt.NDArray[np.int64]) -> Texts:
    """`value_text(data, row)` for each row: the number, or the words given for it."""
    value = data.value[at]
    shown = numbers(value)
    raw = data.raw_value[at]
    for index in np.flatnonzero(np.isnan(value)).tolist():
        given = raw[index]
        if isinstance(given, str) and given.strip():
            shown[index] = given
    return shown


def _bounds(raw: FloatArray, low: float | None, high: float | None) -> Texts:
    """`_bounds_text(raw, low, high)` of numeric.py for each row."""
    out = _same("", len(raw))
    if high is not None:
        out[raw > high] = str(say(", at most {high}", high=fmt(high)))
    if low is not None:
        out[raw < low] = str(say(", at least {low}", low=fmt(low)))
    return out


def _bands(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    from jixiao.scoring.rules.tables import _show

    rule: Any = column.item.rule
    band = column.scored.detail["band"][at]
    values = value_texts(column.data, at)
    out = _same(None, len(at))  # type: ignore[arg-type]
    for index, (condition, range_) in enumerate(rule.rows):
        hit = band == index
        if not hit.any():
            continue
        text = say_each(
            "{value} matched {condition} → {score}",
            ("value",),
            values[hit],
            condition=condition.describe(),
            score=_show(range_),
        )
        if range_[0] != range_[1]:
            text = text + say_each(
                "; scored {score}", ("score",), numbers(column.scored.score[at][hit])
            )
        out[hit] = text
    return out


def _levels(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    given = column.scored.detail["has_value"][at].astype(bool)
    out = _rated(column, at, ~given)
    if given.any():
        levels = np.empty(int(given.sum()), dtype=object)
        levels[:] = [format(raw, "") for raw in column.data.raw_value[at][given].tolist()]
        out[given] = say_each(
            "level {level} → {score}",
            ("level", "score"),
            levels,
            numbers(column.scored.score[at][given]),
        )
    return out


def _direct(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    given = column.scored.detail["from_score"][at].astype(bool)
    if column.data.rated is None:
        given[:] = True
    out = _rated(column, at, ~given)
    if given.any():
        out[given] = say_each(
            "score given: {score}", ("score",), numbers(column.scored.score[at][given])
        )
    return out


def _steps(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    rule: Any = column.item.rule
    detail = column.scored.detail
    down, up, raw = (
        np.asarray(detail[name], dtype=np.float64)[at] for name in ("down", "up", "raw")
    )
    text = say_each(
        "{value} against standard {standard}: ",
        ("value",),
        value_texts(column.data, at),
        standard=fmt(rule.standard),
    )
    middle = _same(
        str(say("no whole step away; ") if rule.count == "whole" else say("at the standard; ")),
        len(at),
    )
    below = down != 0  # as `if down:` (NaN is true)
    above = ~below & (up != 0)
    if below.any():
        middle[below] = say_each(
            "{down} step(s) below × {below}; ",
            ("down",),
            numbers(down[below]),
            below=fmt(rule.below),
        )
    if above.any():
        middle[above] = say_each(
            "{up} step(s) above × {above}; ", ("up",), numbers(up[above]), above=fmt(rule.above)
        )
    tail = f"{fmt(rule.base)} → " + numbers(raw) + _bounds(raw, rule.min, rule.max)
    return text + middle + tail  # type: ignore[no-any-return]


def _interpolate(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    rule: Any = column.item.rule
    n = column.data.n
    shown: Any = None
    for x, (_, y) in zip(column.scored.detail["xs"], rule.points, strict=True):
        xs = np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))[at]
        point = "(" + numbers(xs) + f", {fmt(y)})"
        shown = point if shown is None else shown + ", " + point
    if shown is None:
        shown = _same("", len(at))
    return say_each(
        "{value} on the line through {points} → {score}",
        ("value", "points", "score"),
        value_texts(column.data, at),
        shown,
        numbers(column.scored.score[at]),
    )


def _formula(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    rule: Any = column.item.rule
    env = column.data.env
    bound: Any = None
    for name in sorted(rule.formula.names):
        if name in env:
            pair = f"{name} = " + numbers(np.asarray(env[name], dtype=np.float64)[at])
            bound = pair if bound is None else bound + ", " + pair
    raw = np.asarray(column.scored.detail["raw"], dtype=np.float64)[at]
    if bound is None:
        text = f"{rule.formula.text} = " + numbers(raw)
    else:
        text = say_each(
            "{formula} with {bound} = {raw}",
            ("bound", "raw"),
            bound,
            numbers(raw),
            formula=rule.formula.text,
        )
    return text + _bounds(raw, rule.min, rule.max)  # type: ignore[no-any-return]


def _rated(column: ItemColumn, at: npt.NDArray[np.int64], rated: npt.NDArray[np.bool_]) -> Texts:
    """Texts with the raters' trace (`Rated.text`) where `rated`, None elsewhere."""
    out = _same(None, len(at))  # type: ignore[arg-type]
    found = column.data.rated
    if not rated.any() or found is None or not isinstance(found.explain, Explained):
        return out
    ok = np.fromiter((int(row) not in column.errors for row in at), bool, len(at))
    some = rated & ok
    if some.any():
        out[some] = raters_texts(found.explain, at[some])
    return out


def raters_texts(said: Explained, at: npt.NDArray[np.int64]) -> Texts:
    """`raters.explain(..., row, ...)` for each row."""
    means, raters, result, ratings = said.means, said.raters, said.result, said.ratings
    size = len(at)
    parts: list[Texts] = []  # per rater type: its part, or None where it has no mean
    present: dict[str, npt.NDArray[np.bool_]] = {}
    for rater, found in means.items():
        mean = found.mean[at]
        here = ~np.isnan(mean)
        present[rater] = here
        part = _same(None, size)  # type: ignore[arg-type]
        if here.any():
            part[here] = f"{rater_name(rater)} " + _rater_details(
                found, ratings.get(rater), at[here]
            )
        parts.append(part)
    joiner = str(say("; "))
    text = np.empty(size, dtype=object)
    count = np.zeros(size, dtype=np.int64)
    for here in present.values():
        count += here
    text[:] = [joiner.join([p for p in row if p is not None]) for row in zip(*parts, strict=True)]
    score = numbers(result[at])
    if raters.final:
        chosen = _same("None", size)
        for rater in reversed(raters.final):
            if rater in present:
                chosen[present[rater]] = rater_name(rater)
        out = text + " → " + score
        several = count != 1
        if several.any():
            out[several] = say_each(
                "{ratings} → {rater} counts (final): {score}",
                ("ratings", "rater", "score"),
                text[several],
                chosen[several],
                score[several],
            )
        return out  # type: ignore[no-any-return]
    weights = raters.weights or {t: 1.0 for t in means}
    out = _same(None, size)  # type: ignore[arg-type]
    names = list(present)
    pattern = np.zeros(size, dtype=np.int64)
    for bit, rater in enumerate(names):
        pattern |= present[rater].astype(np.int64) << bit
    for shape in np.unique(pattern).tolist():
        rows = pattern == shape
        there = {rater for bit, rater in enumerate(names) if shape >> bit & 1}
        used = {t: w for t, w in weights.items() if t in there and w > 0}
        if raters.missing == "zero":
            used = {t: w for t, w in weights.items() if w > 0}
        if len(means) == 1 or (len(used) == 1 and sum(used.values()) == sum(weights.values())):
            out[rows] = text[rows] + " → " + score[rows]
            continue
        base = sum(used.values())
        terms: Any = None
        for t, w in used.items():
            mean = means[t].mean[at[rows]]
            term = f"{fmt(w / base)} × " + numbers(np.where(np.isnan(mean), 0.0, mean))
            terms = term if terms is None else terms + " + " + term
        if terms is None:
            terms = ""
        note = (
            ""
            if base == sum(weights.values())
            else str(say(" (weights of absent raters redistributed)"))
        )
        out[rows] = text[rows] + " → " + terms + " = " + score[rows] + note
    return out


def _rater_details(found: Any, lists: Any, at: npt.NDArray[np.int64]) -> Texts:
    """`_shown(raw, mean)` and the mean or trimming after it, for rows with a mean."""
    size = len(at)
    mean = numbers(found.mean[at])
    if lists is None:
        values = _same("", size)
        counts = np.zeros(size, dtype=np.int64)
    else:
        _, bounds, ordered = lists._index
        last = len(bounds) - 1
        spans = [(bounds[r], bounds[r + 1]) if 0 <= r < last else (0, 0) for r in at.tolist()]
        first = min((low for low, high in spans if high > low), default=0)
        end = max((high for _, high in spans), default=0)
        seen: dict[tuple[type, object], str] = {}
        entry: list[str] = []  # only these rows' entries are said
        for value in ordered[first:end]:
            key = (type(value), value)
            text = seen.get(key)
            if text is None:
                text = seen[key] = fmt(value) if isinstance(value, int | float) else str(value)
            entry.append(text)
        values = np.empty(size, dtype=object)
        values[:] = [", ".join(entry[low - first : high - first]) for low, high in spans]
        counts = np.fromiter((high - low for low, high in spans), np.int64, size)
    detail = values.copy()
    single = counts == 1
    differs = single & (values != mean)
    detail[differs] = values[differs] + " = " + mean[differs]
    many = found.count[at] > 1
    if many.any():
        dropped = (found.count[at] - found.kept[at]).astype(np.int64)
        trimmed = many & (dropped != 0)
        plain = many & (dropped == 0)
        if trimmed.any():
            shown = np.empty(int(trimmed.sum()), dtype=object)
            shown[:] = [str(d) for d in dropped[trimmed].tolist()]
            detail[trimmed] = detail[trimmed] + say_each(
                " → trimmed {dropped}, mean {mean}", ("dropped", "mean"), shown, mean[trimmed]
            )
        if plain.any():
            detail[plain] = detail[plain] + say_each(" → mean {mean}", ("mean",), mean[plain])
    return detail


def _counted(column: ItemColumn, at: npt.NDArray[np.int64]) -> Texts | None:
    """`deduct` and `add`: each event's part, then the sum, the floor or the cap; a row
    with a list of sizes or a `by_size` cost is left to `trace(row)`."""
    from jixiao.scoring.rules.events import costs, zeroes

    rule: Any = column.item.rule
    data = column.data
    size = len(at)
    left = np.zeros(size, dtype=bool)
    parts = []
    for cost in rule.events.costs:
        text, unsaid = _cost_texts(cost, data.events.get(cost.name), at)
        parts.append(text)
        left |= unsaid
    total = costs(rule.events, data.events, data.n).total[at]
    tail = _same("", size)
    if rule.kind == "deduct":
        start = data.full if rule.start is None else rule.start
        raw = start - total
        sums = f"{fmt(start)} − " + numbers(total) + " = " + numbers(raw)
        if rule.floor is not None:
            low = raw < rule.floor
            carry = column.scored.carry
            if carry is not None:
                carried = low & (carry[at] > 0)
                if carried.any():
                    tail[carried] = say_each(
                        ", −{carried} carried to the form",
                        ("carried",),
                        numbers(carry[at][carried]),
                    )
            floor = (
                say(", floor 0")
                if rule.floor == 0
                else say(", floor {floor}", floor=fmt(rule.floor))
            )
            tail[low] = tail[low] + str(floor)
    else:
        start = rule.start
        raw = start + total
        sums = f"{fmt(start)} + " + numbers(raw - start) + " = " + numbers(raw)
        cap = data.full if rule.cap is None else rule.cap
        tail[raw > cap] = str(say(", capped at {cap}", cap=fmt(cap)))
    none = str(say("no events: {score}", score=fmt(start)))
    zero, joiner = str(zeroes()), str(say("; "))
    out = _same(None, size)  # type: ignore[arg-type]
    for index, found in enumerate(zip(*parts, strict=True)):
        if left[index]:
            continue
        said = [part for part in found if part is not None]
        if not said:
            out[index] = none
        elif any(zero in part for part in said):
            out[index] = joiner.join(sorted(said, key=lambda part: zero in part))
        else:
            out[index] = joiner.join(said) + joiner + sums[index] + tail[index]
    return out


def _cost_texts(
    cost: Any, facts: Any, at: npt.NDArray[np.int64]
) -> tuple[Texts, npt.NDArray[np.bool_]]:
    """`explain_cost(cost, facts, row)`'s text for each row (None where the event did not
    happen), and the rows left to `trace(row)`."""
    out = _same(None, len(at))  # type: ignore[arg-type]
    left = np.zeros(len(at), dtype=bool)
    if facts is None:
        return out, left
    count = np.asarray(facts.count, dtype=np.float64)[at]
    happened = count != 0
    left |= happened & facts.listed[at]
    sized = cost.each is None and not cost.zero and not cost.tiers and not cost.sequence
    if sized:
        left |= happened
    rows = happened & ~left
    if not rows.any():
        return out, left
    found = count[rows]
    what = say_each("{event} {count}", ("count",), numbers(found), event=cost.name)
    text = _same(None, len(found))  # type: ignore[arg-type]
    done = np.zeros(len(found), dtype=bool)
    if cost.zero_above is not None:
        over = found > cost.zero_above
        if over.any():
            text[over] = say_each(
                "{event}: more than {limit} → item scores 0",
                ("event",),
                what[over],
                limit=fmt(cost.zero_above),
            )
        done |= over
    if cost.zero:
        rest = ~done
        if rest.any():
            text[rest] = say_each("{event} → item scores 0", ("event",), what[rest])
        done |= rest
    rest = ~done
    if rest.any():
        amount, working = _workings(cost, facts, at[rows][rest], found[rest])
        said = say_each("{event}: {working}", ("event", "working"), what[rest], working)
        if cost.max is not None:
            capped = amount > cost.max
            said[capped] = said[capped] + str(say(", capped at {cap}", cap=fmt(cost.max)))
        text[rest] = said
    out[rows] = text
    return out, left


def _workings(
    cost: Any, facts: Any, at: npt.NDArray[np.int64], count: FloatArray
) -> tuple[FloatArray, Texts]:
    """`_working(cost, facts, row, count)` of events.py for each row (not `by_size`)."""
    from jixiao.scoring.rules.events import _sequence

    if cost.each is not None:
        base = np.asarray(facts.amount, dtype=np.float64)[at]
        amount = cost.each * base
        return amount, numbers(base) + f" × {fmt(cost.each)} = " + numbers(amount)
    if cost.tiers and cost.flat:
        rate = np.full(len(count), np.nan)
        for upto, price in reversed(cost.tiers):
            rate = (
                np.where(count <= upto, price, rate)
                if upto is not None
                else np.full_like(rate, price)
            )
        amount = count * rate
        return amount, numbers(count) + " × " + numbers(rate) + " = " + numbers(amount)
    if cost.tiers:
        parts = _same("", len(count))
        below, amount = 0.0, np.zeros(len(count))
        for upto, price in cost.tiers:
            top = np.inf if upto is None else upto
            used = np.minimum(np.maximum(count - below, 0.0), top - below)
            some = used > 0
            if some.any():
                piece = numbers(used[some]) + f" × {fmt(price)}"
                parts[some] = np.where(parts[some] == "", piece, parts[some] + " + " + piece)
                amount = np.where(some, amount + used * price, amount)
            below = top
        return amount, parts + " = " + numbers(amount)
    amount = _sequence(cost, count)
    steps = ", ".join(fmt(step) for step in cost.sequence)
    words = (
        "sequence {steps} (double) → {amount}"
        if cost.then == "double"
        else "sequence {steps} (repeat) → {amount}"
    )
    return amount, say_each(words, ("amount",), numbers(amount), steps=steps)


def _wrapped(column: ItemColumn, at: npt.NDArray[np.int64], text: Texts) -> Texts:
    """The measure before the rule's words and the standard after them, as `trace`."""
    item, data = column.item, column.data
    measure, standard = item.measure, item.standard
    needs_value = item.rule.needs_value
    value = None
    if measure is not None and needs_value:
        value = numbers(data.value[at])
        text = say_each(
            "{measure} = {value}; {trace}",
            ("value", "trace"),
            value,
            text,
            measure=measure.text,
        )
    if standard is not None:
        met = column.met[at]
        if (met >= 0).any():
            value = numbers(data.value[at]) if value is None else value
            shown = f"{measure.text} = " + value if measure and not needs_value else value
            for flag, words in (
                (1, "; {value} meets the standard {standard}"),
                (0, "; {value} does not meet the standard {standard}"),
            ):
                hit = met == flag
                if hit.any():
                    text[hit] = text[hit] + say_each(
                        words, ("value",), shown[hit], standard=standard.describe()
                    )
    return text


_RULES = {
    "bands": _bands,
    "levels": _levels,
    "direct": _direct,
    "steps": _steps,
    "interpolate": _interpolate,
    "formula": _formula,
    "deduct": _counted,
    "add": _counted,
}
