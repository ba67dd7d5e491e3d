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
        handler(design, *args)
    return design


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
