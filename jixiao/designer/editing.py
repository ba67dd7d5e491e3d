"""What the designer's buttons do to a design: add, move and delete sections, items,
rows of a table, events and labels; a new rule when its type changes; and the sums
of weights shown beside each section. Pure Python, tested without a browser.

An action is a string the button posts: `verb|target|part|index`, e.g.
`row-add|n0-2|rule`, `row-up|n0-2|ev1.tiers|3`, `item-add|n1`, `delete|n0-2`.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass, field
from typing import Any

from jixiao.designer.model import (
    MISSING,
    Design,
    Event,
    Item,
    Node,
    Row,
    RuleForm,
    Section,
    node_at,
    rule_form,
    siblings_of,
    walk,
)


def _blank_rules() -> dict[str, dict[str, Any]]:
    """A new rule of each type, as HR starts from it."""
    return {
        "bands": {"bands": [[">= 100%", 100], [">= 90%", 80], ["else", 60]]},
        "levels": {"levels": {"优": 100, "良": 80, "中": 60, "差": 40}},
        "deduct": {"deduct": {"per": {"late_day": {"each": 3}}}},
        "add": {"add": {"cap": 10, "per": {"award": {"each": 2}}}},
        "steps": {"steps": {"standard": "98%", "base": 100, "step": "1%", "below": -2}},
        "interpolate": {"interpolate": [[0, 0], [1, 100]]},
        "formula": {"formula": "100", "min": 0, "max": 100},
        "direct": {"direct": {"min": 0, "max": 100}},
    }


def blank_rule(kind: str) -> RuleForm:
    return rule_form(copy.deepcopy(_blank_rules()[kind]))


def blank_item(number: int) -> Item:
    return Item(
        fields={"name": f"新指标{number}", "weight": 10},
        keys=["name", "weight", "rule"],
        rule=blank_rule("bands"),
    )


def blank_section(number: int) -> Section:
    return Section(
        fields={"name": f"新的一节{number}", "weight": 10},
        keys=["name", "weight", "items"],
        child_key="items",
        children=[blank_item(1)],
    )


BLANK_DOCUMENT: dict[str, Any] = {
    "code": "NEW-FORM",
    "name": "新考核表",
    "period": "month",
    "sections": [
        {
            "name": "业绩指标",
            "weight": 100,
            "items": [
                {
                    "name": "工作完成率",
                    "weight": 100,
                    "rule": {"bands": [[">= 100%", 100], [">= 90%", 80], ["else", 60]]},
                }
            ],
        }
    ],
}


class ActionError(ValueError):
    """A button whose target is not on the form (a stale page)."""


def parse_at(target: str) -> tuple[int, ...]:
    if target == "top":
        return ()
    if not target.startswith("n"):
        raise ActionError(target)
    try:
        return tuple(int(part) for part in target[1:].split("-"))
    except ValueError:
        raise ActionError(target) from None


def apply(design: Design, action: str) -> Design:
    """Do what the button says; an unknown or stale action changes nothing."""
    verb, *args = action.split("|")
    handler = _VERBS.get(verb)
    if handler is None:
        return design
    with contextlib.suppress(ActionError, IndexError, KeyError, ValueError, TypeError):
        if args and args[0].startswith("a") and verb in _RULE_VERBS:
            _in_adjustment(design, handler, args)
        else:
            handler(design, *args)
    return design


# -- the form-level parts ------------------------------------------------------------------
def _adjustments(design: Design) -> list[Any]:
    found = design.fields.get("adjustments")
    if not isinstance(found, list):
        raise ActionError("adjustments")
    return found


def _in_adjustment(design: Design, handler: Any, args: list[str]) -> None:
    """A button of a rule inside an adjustment (an add/deduct's events, a points line's
    rule and labels): done on that rule as on an item's, and written back."""
    from jixiao.designer.fields import adjustment_kind
    from jixiao.designer.model import item_document, item_of, rule_document

    entry = _adjustments(design)[int(args[0][1:])]
    kind = adjustment_kind(entry)
    if kind == "points":
        item = item_of(entry["points"])
    elif kind in ("add", "deduct"):
        item = Item(keys=["rule"], rule=rule_form({kind: entry[kind]}))
    else:
        raise ActionError(args[0])
    handler(Design(child_key="items", children=[item]), "n0", *args[1:])
    if kind == "points":
        entry["points"] = item_document(item)
    else:
        assert item.rule is not None
        entry[kind] = rule_document(item.rule)[kind]


def _blank_adjustments() -> dict[str, dict[str, Any]]:
    return {
        "bonus": {"bonus": {"each": [1, 5], "cap": 10}},
        "penalty": {"penalty": {"range": [0, 20]}},
        "add": {"add": {"per": {"praise": {"each": 2}}, "cap": 6}},
        "deduct": {"deduct": {"per": {"complaint": {"each": 3}}}},
        "coefficient": {
            "coefficient": {"by": "accident_level", "values": {"none": 1, "major": 0.5}}
        },
        "gate": {"gate": {"when": "loss >= 2000", "effect": "no_bonus"}},
        "points": {
            "points": {
                "measure": "pass_rate - target",
                "rule": {
                    "steps": {
                        "standard": 0,
                        "base": 0,
                        "step": "0.1%",
                        "below": -1,
                        "above": 1,
                        "min": -20,
                        "max": 20,
                    }
                },
            }
        },
    }


def _adjustment_add(design: Design, kind: str) -> None:
    from django.utils.translation import gettext as _

    body = copy.deepcopy(_blank_adjustments()[kind])
    if not isinstance(design.fields.get("adjustments"), list):
        design.fields["adjustments"] = []
    entries = design.fields["adjustments"]
    names = {e.get("name") for e in entries if isinstance(e, dict)}
    number = len(entries) + 1
    while _("adjustment %(number)s") % {"number": number} in names:
        number += 1
    entries.append({"name": _("adjustment %(number)s") % {"number": number}, **body})


def _adjustment_move(design: Design, target: str, step: int) -> None:
    entries = _adjustments(design)
    index = int(target.removeprefix("a"))
    other = index + step
    if 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]


def _adjustment_delete(design: Design, target: str) -> None:
    del _adjustments(design)[int(target.removeprefix("a"))]


def resolve(design: Design, name: str, *, create: bool = False) -> tuple[Any, Any]:
    """The mapping (or list) holding what a box of a form-level part names, and its
    key: `top.f.raters.f.weights` → (the raters, "weights"); `a2.b.f.values` → (the
    third adjustment's coefficient, "values"); `top.f.history.1.f.period` → (the
    second history input, "period"). With `create`, missing parts become mappings."""
    from jixiao.designer.fields import adjustment_kind, outcome_labels

    head, *tokens = name.split(".")
    holder: Any
    if head == "top":
        holder = design.fields
    elif head.startswith("a"):
        holder = _adjustments(design)[int(head[1:])]
    else:
        node = node_at(design, parse_at(head))
        holder = node.fields
    key: Any = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if key is not None:
            if key not in holder and create and key in _PARTS:
                holder[key] = {}
            holder, key = holder[key], None
        if token == "f":
            key = tokens[index + 1]
            index += 2
            continue
        if token == "b":
            holder = holder[adjustment_kind(holder)]
        elif token == "labels":
            index += 1
            holder = holder[outcome_labels(holder)[int(tokens[index])]]
        elif token.isdigit():
            holder = holder[list(holder)[int(token)]]
        else:
            raise ActionError(name)
        index += 1
    if key is None or not isinstance(holder, dict):
        raise ActionError(name)
    return holder, key


def _fresh(taken: Any, offered: list[Any], word: str) -> Any:
    for name in offered:
        if name not in taken:
            return name
    number = len(taken) + 1
    while f"{word}{number}" in taken:
        number += 1
    return f"{word}{number}"


def _grade_names(design: Design) -> list[Any]:
    grades = design.fields.get("grades")
    found = (
        [row[1] for row in grades if isinstance(row, list) and len(row) > 1]
        if isinstance(grades, list)
        else []
    )
    quotas = design.fields.get("distribution")
    if isinstance(quotas, dict) and isinstance(quotas.get("quotas"), dict):
        found += list(quotas["quotas"])
    return list(dict.fromkeys(found))


_LIST_KEYS = ("steps", "table")
# the parts a button may make where they are absent, and the rows it may add to
_PARTS = ("raters", "distribution", "normalize", "outcomes", "pay", "salary", "group_factor")
_ROWS = ("weights", "trim", "quotas", "coefficients", "values", "steps", "table")


def _entry_add(design: Design, name: str) -> None:
    """A row added to a table or a mapping of a form-level part (a rater's weight, a
    quota, a salary step): a mapping gets a name not yet used."""
    from django.utils.translation import gettext as _

    from jixiao.designer import choices

    holder, key = resolve(design, name, create=True)
    if key not in _ROWS:
        raise ActionError(name)
    value = holder.get(key)
    if value is None:
        value = holder[key] = [] if key in _LIST_KEYS else {}
    if isinstance(value, list):
        last_else = bool(value) and isinstance(value[-1], list) and value[-1][:1] == ["else"]
        value.insert(len(value) - (1 if last_else else 0), [None, None])
        return
    if not isinstance(value, dict):
        raise ActionError(name)
    if key in ("weights", "trim"):
        offered: list[Any] = [r for r, _label in choices.RATERS if r]
        fresh = _fresh(value, offered, "rater")
        value[fresh] = 1 if key == "trim" else 0
    elif key in ("quotas", "coefficients", "table"):
        value[_fresh(value, _grade_names(design), _("grade"))] = 0 if key != "table" else ""
    else:
        value[_fresh(value, [], _("value"))] = 1


def _entry_delete(design: Design, name: str, index: str) -> None:
    holder, key = resolve(design, name)
    value = holder[key]
    if isinstance(value, list):
        del value[int(index)]
    elif isinstance(value, dict):
        del value[list(value)[int(index)]]


def _entry_move(design: Design, name: str, index: str, step: int) -> None:
    holder, key = resolve(design, name)
    value = holder[key]
    i, j = int(index), int(index) + step
    if isinstance(value, list) and 0 <= j < len(value):
        value[i], value[j] = value[j], value[i]


def _named_add(design: Design, name: str) -> None:
    """A history input or a label outcome added, with a name not yet used."""
    from django.utils.translation import gettext as _

    if name == "top.f.history":
        history = design.fields.get("history")
        if not isinstance(history, dict):
            history = design.fields["history"] = {}
        fresh = _fresh(history, ["monthly_totals", "quarter_totals"], "history")
        history[fresh] = {"period": "month", "value": "total"}
        return
    if name != "top.f.outcomes.labels":
        raise ActionError(name)
    outcomes = design.fields.get("outcomes")
    if not isinstance(outcomes, dict):
        outcomes = design.fields["outcomes"] = {}
    fresh = _fresh(outcomes, [_("training"), _("promotion")], _("outcome"))
    outcomes[fresh] = {"by": "total", "table": [[">= 80", ""], ["else", ""]]}


def _named_delete(design: Design, name: str, index: str) -> None:
    from jixiao.designer.fields import outcome_labels

    if name == "top.f.history":
        history = design.fields["history"]
        del history[list(history)[int(index)]]
    elif name == "top.f.outcomes.labels":
        outcomes = design.fields["outcomes"]
        del outcomes[outcome_labels(outcomes)[int(index)]]


def _part_blanks() -> dict[str, Any]:
    return {
        "raters": {"weights": {"self": "20%", "supervisor": "80%"}, "missing": "redistribute"},
        "distribution": {"quotas": {"A": "10%", "B": "20%", "C": "40%", "D": "20%", "E": "10%"}},
        "normalize": {"within": "department", "method": "mean_to_100"},
        "pay": {"coefficients": {"A": 1.2, "B": 1.1, "C": 1, "D": 0.8, "E": 0.6}, "pool": "pool"},
        "salary": {
            "steps": [["> 95", 2], ["> 80", 1], ["> 60", 0], ["else", -1]],
            "current": "salary_grade",
        },
        "group_factor": {"by": "manager_score", "cap": "spread"},
    }


def _part_add(design: Design, name: str) -> None:
    holder, key = resolve(design, name, create=True)
    if key not in _part_blanks():
        raise ActionError(name)
    if not isinstance(holder.get(key), dict):
        holder[key] = copy.deepcopy(_part_blanks()[key])


def _part_delete(design: Design, name: str) -> None:
    holder, key = resolve(design, name)
    del holder[key]


def _children_of(design: Design, target: str) -> list[Node]:
    at = parse_at(target)
    if not at:
        return design.children
    node = node_at(design, at)
    if not isinstance(node, Section):
        raise ActionError(target)
    return node.children


def _item_add(design: Design, target: str) -> None:
    children = _children_of(design, target)
    if children and isinstance(children[0], Section):
        raise ActionError(target)
    if not target or target == "top":
        design.child_key = design.child_key or "items"
    else:
        section = node_at(design, parse_at(target))
        assert isinstance(section, Section)
        section.child_key = section.child_key or "items"
    count = sum(1 for _at, n in walk(design.children) if isinstance(n, Item))
    children.append(blank_item(count + 1))


def _section_add(design: Design, target: str) -> None:
    children = _children_of(design, target)
    if children and isinstance(children[0], Item):
        raise ActionError(target)
    if target != "top":
        section = node_at(design, parse_at(target))
        assert isinstance(section, Section)
        section.child_key = "sections"
    else:
        design.child_key = "sections"
    count = sum(1 for _at, n in walk(design.children) if isinstance(n, Section))
    children.append(blank_section(count + 1))


def _move(design: Design, target: str, step: int) -> None:
    at = parse_at(target)
    siblings = siblings_of(design, at)
    index, other = at[-1], at[-1] + step
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]


def _delete(design: Design, target: str) -> None:
    at = parse_at(target)
    siblings = siblings_of(design, at)
    del siblings[at[-1]]


def _rule_of(design: Design, target: str) -> RuleForm:
    node = node_at(design, parse_at(target))
    if not isinstance(node, Item) or node.rule is None:
        raise ActionError(target)
    return node.rule


def _table(design: Design, target: str, part: str) -> list[Row]:
    """The rows a button acts on: the rule's table, an event's tiers or sizes, grades."""
    if target == "top" and part == "grades":
        raise ActionError(part)  # grades are rows of the document (see _grades)
    rule = _rule_of(design, target)
    if part == "rule":
        return rule.rows
    event_part, _dot, key = part.partition(".")
    event = rule.events[int(event_part.removeprefix("ev"))]
    rows = event.cost.get(key)
    if rows is None:
        rows = event.cost[key] = []
    if not isinstance(rows, list):
        raise ActionError(part)
    return rows


def _new_row(rows: list[Row], kind: str) -> Row:
    if kind == "levels":
        return Row(f"等级{len(rows) + 1}", None)
    return Row(None, None)


def _row_add(design: Design, target: str, part: str) -> None:
    if target == "top" and part == "grades":
        grades = design.fields.setdefault("grades", [])
        position = len(grades) - (1 if grades and grades[-1][0] == "else" else 0)
        grades.insert(position, [None, None])
        if "grades" not in design.keys:
            design.keys.append("grades")
        return
    rows = _table(design, target, part)
    kind = _rule_of(design, target).kind if part == "rule" else ""
    row = _new_row(rows, kind)
    # a new row goes before `else`, which stays last
    position = len(rows) - (1 if rows and rows[-1].when == "else" else 0)
    rows.insert(position, row)


def _row_move(design: Design, target: str, part: str, index: str, step: int) -> None:
    rows: list[Any] = (
        design.fields["grades"]
        if target == "top" and part == "grades"
        else _table(design, target, part)
    )
    i, j = int(index), int(index) + step
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]


def _row_delete(design: Design, target: str, part: str, index: str) -> None:
    rows: list[Any] = (
        design.fields["grades"]
        if target == "top" and part == "grades"
        else _table(design, target, part)
    )
    del rows[int(index)]


def _else_add(design: Design, target: str, part: str) -> None:
    rows = _table(design, target, part)
    if not rows or rows[-1].when != "else":
        rows.append(Row("else", 0))


def _event_add(design: Design, target: str) -> None:
    rule = _rule_of(design, target)
    names = {event.name for event in rule.events}
    number = len(rule.events) + 1
    while f"event{number}" in names:
        number += 1
    rule.events.append(Event(name=f"event{number}", cost={"each": 1}))
    if "per" not in rule.option_keys:
        rule.option_keys.append("per")


def _event_delete(design: Design, target: str, index: str) -> None:
    del _rule_of(design, target).events[int(index)]


def _event_way(design: Design, target: str, index: str, way: str) -> None:
    """An event's cost changes way: each, tiers, sequence, by_size or zero."""
    event = _rule_of(design, target).events[int(index)]
    kept = {k: v for k, v in event.cost.items() if k in ("max", "zero_above")}
    ways: dict[str, dict[str, Any]] = {
        "each": {"each": 1},
        "tiers": {"tiers": [Row(3, 1), Row("else", 2)]},
        "sequence": {"sequence": [1, 2, 4], "then": "double"},
        "by_size": {"by_size": [Row(">= 1000", 5)]},
        "zero": {"zero": True},
    }
    fresh = ways[way]
    event.cost = {**fresh, **kept}


def _label_add(design: Design, target: str) -> None:
    node = node_at(design, parse_at(target))
    if not isinstance(node, Item):
        raise ActionError(target)
    labels = node.fields.get("labels")
    if not isinstance(labels, dict):
        labels = node.fields["labels"] = {}
    names = _rule_names(node)
    name = next((n for n in names if n not in labels), f"name{len(labels) + 1}")
    labels[name] = ""


def _label_delete(design: Design, target: str, name: str) -> None:
    node = node_at(design, parse_at(target))
    if isinstance(node, Item) and isinstance(node.fields.get("labels"), dict):
        labels = node.fields["labels"]
        key = list(labels)[int(name)]
        del labels[key]


def _rule_names(item: Item) -> list[str]:
    """The input and event names an item uses (labels are offered for them)."""
    import re

    names: list[str] = []
    measure = item.fields.get("measure")
    if isinstance(measure, str):
        names += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", measure)
    if item.rule is not None:
        names += [str(e.name) for e in item.rule.events]
        if isinstance(item.rule.formula, str):
            names += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", item.rule.formula)
    skip = {"abs", "min", "max", "round", "floor", "ceil", "sum", "mean", "count", "clamp"}
    skip |= {"and", "or", "not", "if", "else"}
    return [n for n in dict.fromkeys(names) if n not in skip]


_VERBS: dict[str, Any] = {
    "item-add": _item_add,
    "section-add": _section_add,
    "up": lambda d, t: _move(d, t, -1),
    "down": lambda d, t: _move(d, t, 1),
    "delete": _delete,
    "row-add": _row_add,
    "row-up": lambda d, t, p, i: _row_move(d, t, p, i, -1),
    "row-down": lambda d, t, p, i: _row_move(d, t, p, i, 1),
    "row-delete": _row_delete,
    "else-add": _else_add,
    "event-add": _event_add,
    "event-delete": _event_delete,
    "event-way": _event_way,
    "label-add": _label_add,
    "label-delete": _label_delete,
    "adj-add": _adjustment_add,
    "adj-up": lambda d, t: _adjustment_move(d, t, -1),
    "adj-down": lambda d, t: _adjustment_move(d, t, 1),
    "adj-delete": _adjustment_delete,
    "entry-add": _entry_add,
    "entry-delete": _entry_delete,
    "entry-up": lambda d, n, i: _entry_move(d, n, i, -1),
    "entry-down": lambda d, n, i: _entry_move(d, n, i, 1),
    "named-add": _named_add,
    "named-delete": _named_delete,
    "part-add": _part_add,
    "part-delete": _part_delete,
}
# the buttons of a rule, which work inside an adjustment too (`row-add|a2|rule`)
_RULE_VERBS = {
    "row-add",
    "row-up",
    "row-down",
    "row-delete",
    "else-add",
    "event-add",
    "event-delete",
    "event-way",
    "label-add",
    "label-delete",
}


# -- sums of weights ---------------------------------------------------------------------
@dataclass
class Weights:
    """Each node's effective weight (its share of the total) and each group's sum."""

    effective: dict[tuple[int, ...], float | None] = field(default_factory=dict)
    sums: dict[tuple[int, ...], float | None] = field(default_factory=dict)  # () for the top
    total: float | None = None


def number(value: Any) -> float | None:
    from jixiao.scoring.numbers import parse_number

    if value is MISSING or value is None:
        return None
    try:
        return parse_number(value)
    except ValueError:
        return None


def weights_of(design: Design) -> Weights:
    found = Weights()
    scale = number(design.fields.get("scale", 100))
    scale = 100.0 if scale is None else scale
    _share(design.children, (), scale, found)
    found.total = sum(
        w or 0.0 for at, w in found.effective.items() if isinstance(node_at(design, at), Item)
    )
    return found


def _share(nodes: list[Node], at: tuple[int, ...], whole: float | None, found: Weights) -> None:
    weights = [number(n.fields.get("weight")) for n in nodes]
    total = (
        sum(w for w in weights if w is not None) if all(w is not None for w in weights) else None
    )
    found.sums[at] = total
    for index, (node, weight) in enumerate(zip(nodes, weights, strict=True)):
        here = (*at, index)
        share = (
            whole * weight / total
            if whole is not None and weight is not None and total not in (None, 0)
            else None
        )
        found.effective[here] = share
        if isinstance(node, Section):
            _share(node.children, here, share, found)
