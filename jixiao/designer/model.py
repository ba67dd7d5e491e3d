"""The designer's form model of a scheme document, and the way back, exactly.

`design_of(document)` turns a scheme document (the mapping its YAML reads to)
into a `Design`: sections of any depth, items, and each item's rule as the
form made for its type (rows of a tier table, levels, events with their
costs, the options of steps, interpolate, formula and direct).
`document_of(design)` gives the document back. The two round-trip exactly:
`document_of(design_of(d)) == d`, keys in the order written, numbers as
written (`100` stays an int, `98%` stays text), keys the designer does not
know kept verbatim. A rule whose shape has no form (a row of three cells, a
mapping where a list belongs) is kept as written and edited as text.

Pure Python: no Django, nothing from the engine but names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RULE_KINDS = ("bands", "levels", "deduct", "add", "steps", "interpolate", "formula", "direct")
TABLE_KINDS = ("bands", "levels", "interpolate")
EVENT_KINDS = ("deduct", "add")
FORMULA_EXTRA = ("min", "max")
# the keys of an event's cost (§5.3) that hold a table of rows
COST_TABLES = ("tiers", "by_size")
CHILD_KEYS = ("sections", "items")


class _Missing:
    """A key that is not there (unlike a key written `null`)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass
class Row:
    """One row of a table: a condition (or level, or point) and a score; `high` set
    when the score is a range [score, high]; `extra` a third cell kept as written."""

    when: Any
    score: Any
    high: Any = MISSING
    extra: Any = MISSING

    @property
    def ranged(self) -> bool:
        return self.high is not MISSING


@dataclass
class Event:
    """One event name of a deduct/add rule and its cost, keys in the order written;
    `tiers` and `by_size` held as rows."""

    name: Any
    cost: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleForm:
    """An item's rule. `kind` is its type, or "" when its shape has no form (then
    `kept` is the rule as written). `rule_keys`: the rule mapping's keys in order
    (the type and, for formula, min/max). `options`: the type's own mapping (deduct's
    from/floor/overflow, steps' keys, direct's min/max) with "per" left out;
    `body_none`: direct written with no mapping (`direct: null`)."""

    kind: str
    rows: list[Row] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    option_keys: list[str] = field(default_factory=list)  # incl. "per" where it stands
    siblings: dict[str, Any] = field(default_factory=dict)  # formula's min, max
    rule_keys: list[str] = field(default_factory=list)
    formula: Any = MISSING
    body_none: bool = False
    kept: Any = MISSING


@dataclass
class Item:
    """An item: its keys as written (`rule` left out, `keys` keeps the order)."""

    fields: dict[str, Any] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    rule: RuleForm | None = None

    @property
    def name(self) -> str:
        return str(self.fields.get("name", self.fields.get("code", "")) or "")


@dataclass
class Section:
    """A section: its keys as written, and its children (items or sections)."""

    fields: dict[str, Any] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    child_key: str = "items"
    children: list[Node] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.fields.get("name", "") or "")


Node = Section | Item


@dataclass
class Design:
    """The whole form: top-level keys as written (the node list left out), the nodes."""

    fields: dict[str, Any] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    child_key: str = "sections"
    children: list[Node] = field(default_factory=list)
    kept: Any = MISSING  # a document that is not a mapping at all


# -- document → design ------------------------------------------------------------------
def design_of(document: Any) -> Design:
    if not isinstance(document, dict):
        return Design(kept=document)
    design = Design(keys=list(document))
    child_key = _child_key(document)
    if child_key:
        design.child_key = child_key
        design.children = [_node(entry, child_key) for entry in document[child_key]]
    design.fields = {k: v for k, v in document.items() if k != child_key}
    if not child_key:
        design.child_key = ""
    return design


def _child_key(mapping: dict[str, Any]) -> str:
    """The key of a mapping's children, when it has exactly one of them as a list of
    mappings (else the children are kept as written among the fields)."""
    found = [k for k in CHILD_KEYS if k in mapping]
    if len(found) != 1:
        return ""
    children = mapping[found[0]]
    if not isinstance(children, list) or not all(isinstance(c, dict) for c in children):
        return ""
    return found[0]


def _node(entry: dict[str, Any], key: str) -> Node:
    if key == "sections":
        child_key = _child_key(entry)
        section = Section(keys=list(entry), child_key=child_key)
        section.fields = {k: v for k, v in entry.items() if k != child_key}
        if child_key:
            section.children = [_node(child, child_key) for child in entry[child_key]]
        return section
    item = Item(keys=list(entry))
    item.fields = {k: v for k, v in entry.items() if k != "rule"}
    if "rule" in entry:
        item.rule = rule_form(entry["rule"])
    return item


def rule_form(raw: Any) -> RuleForm:
    """A rule as its form; one the forms cannot hold exactly is kept as written."""
    kept = RuleForm(kind="", kept=raw)
    if not isinstance(raw, dict):
        return kept
    kinds = [k for k in raw if k in RULE_KINDS]
    others = [k for k in raw if k not in RULE_KINDS]
    if len(kinds) != 1:
        return kept
    kind = kinds[0]
    if others and (kind != "formula" or any(k not in FORMULA_EXTRA for k in others)):
        return kept
    form = _body_form(kind, raw[kind])
    if form is None:
        return kept
    form.rule_keys = list(raw)
    form.siblings = {k: raw[k] for k in others}
    return form


def _body_form(kind: str, body: Any) -> RuleForm | None:
    if kind in ("bands", "interpolate"):
        rows = _rows(body, ranged=kind == "bands")
        return None if rows is None else RuleForm(kind=kind, rows=rows)
    if kind == "levels":
        rows = _level_rows(body)
        return None if rows is None else RuleForm(kind=kind, rows=rows)
    if kind == "formula":
        return RuleForm(kind=kind, formula=body) if _scalar(body) else None
    if kind == "direct" and body is None:
        return RuleForm(kind=kind, body_none=True)
    if not isinstance(body, dict):
        return None
    if kind in EVENT_KINDS:
        return _event_form(kind, body)
    if not all(_scalar(v) for v in body.values()):
        return None
    return RuleForm(kind=kind, options=dict(body), option_keys=list(body))


def _event_form(kind: str, body: dict[str, Any]) -> RuleForm | None:
    per = body.get("per", MISSING)
    if per is not MISSING and not isinstance(per, dict):
        return None
    options = {k: v for k, v in body.items() if k != "per"}
    if not all(_scalar(v) for v in options.values()):
        return None
    events = []
    for name, cost in (per or {}).items():
        event = _event(name, cost)
        if event is None:
            return None
        events.append(event)
    form = RuleForm(kind=kind, options=options, option_keys=list(body), events=events)
    form.body_none = per is None and "per" in body  # `per: null` (invalid, kept as written)
    return form


def _event(name: Any, cost: Any) -> Event | None:
    if not isinstance(cost, dict):
        return None
    out: dict[str, Any] = {}
    for key, value in cost.items():
        if key in COST_TABLES:
            rows = _rows(value, ranged=False)
            if rows is None:
                return None
            out[key] = rows
        elif key == "sequence":
            if not isinstance(value, list) or not all(_scalar(v) for v in value):
                return None
            out[key] = list(value)
        elif _scalar(value):
            out[key] = value
        else:
            return None
    return Event(name=name, cost=out)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _rows(body: Any, *, ranged: bool) -> list[Row] | None:
    if not isinstance(body, list):
        return None
    rows = []
    for entry in body:
        if not isinstance(entry, list) or len(entry) != 2 or not _scalar(entry[0]):
            return None
        when, score = entry
        if ranged and _pair(score):
            rows.append(Row(when, score[0], score[1]))
        elif _scalar(score):
            rows.append(Row(when, score))
        else:
            return None
    return rows


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_scalar(v) for v in value)


def _level_rows(body: Any) -> list[Row] | None:
    if not isinstance(body, dict):
        return None
    rows = []
    for level, score in body.items():
        if _pair(score):
            rows.append(Row(level, score[0], score[1]))
        elif _scalar(score):
            rows.append(Row(level, score))
        else:
            return None
    return rows


# -- design → document ------------------------------------------------------------------
def document_of(design: Design) -> Any:
    if design.kept is not MISSING:
        return design.kept
    children = [_node_document(node) for node in design.children]
    return _ordered(design.fields, design.keys, design.child_key, children)


def _ordered(fields: dict[str, Any], keys: list[str], slot: str, value: Any) -> dict[str, Any]:
    """The mapping with its keys in the order written; `slot` (the children, the rule)
    where it stood, or after the fields when it is new; new fields after the old."""
    out: dict[str, Any] = {}
    order = [k for k in keys if k in fields or k == slot]
    if slot and slot not in order:
        order.append(slot)
    order += [k for k in fields if k not in order]
    for key in order:
        if key == slot and slot:
            if value is not MISSING:
                out[key] = value
        elif key in fields:
            out[key] = fields[key]
    return out


def _node_document(node: Node) -> dict[str, Any]:
    if isinstance(node, Section):
        children = [_node_document(child) for child in node.children]
        if not node.child_key:
            return _ordered(node.fields, node.keys, "", MISSING)
        return _ordered(node.fields, node.keys, node.child_key, children)
    rule = MISSING if node.rule is None else rule_document(node.rule)
    return _ordered(node.fields, node.keys, "rule" if node.rule is not None else "", rule)


def rule_document(form: RuleForm) -> Any:
    if not form.kind:
        return form.kept
    body = _body_document(form)
    return _ordered(form.siblings, form.rule_keys, form.kind, body)


def _body_document(form: RuleForm) -> Any:
    kind = form.kind
    if kind in ("bands", "interpolate"):
        return [_row_document(row) for row in form.rows]
    if kind == "levels":
        return {row.when: _score(row) for row in form.rows}
    if kind == "formula":
        return form.formula
    if kind in EVENT_KINDS:
        per: Any = None if form.body_none else {e.name: _cost_document(e) for e in form.events}
        has_per = "per" in form.option_keys or bool(form.events)
        return _ordered(form.options, form.option_keys, "per" if has_per else "", per)
    if kind == "direct" and form.body_none and not form.options:
        return None
    return _ordered(form.options, form.option_keys, "", MISSING)


def _score(row: Row) -> Any:
    return [row.score, row.high] if row.ranged else row.score


def _row_document(row: Row) -> list[Any]:
    return [row.when, _score(row)]


def _cost_document(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in event.cost.items():
        if key in COST_TABLES:
            out[key] = [_row_document(row) for row in value]
        elif key == "sequence":
            out[key] = list(value)
        else:
            out[key] = value
    return out


# -- walking -----------------------------------------------------------------------------
def walk(nodes: list[Node], prefix: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Node]]:
    """Every node with its index path, depth first in the order of the form."""
    out: list[tuple[tuple[int, ...], Node]] = []
    for index, node in enumerate(nodes):
        here = (*prefix, index)
        out.append((here, node))
        if isinstance(node, Section):
            out += walk(node.children, here)
    return out


def node_at(design: Design, at: tuple[int, ...]) -> Node:
    children: list[Node] = design.children
    node: Node | None = None
    for index in at:
        node = children[index]
        children = node.children if isinstance(node, Section) else []
    if node is None:
        raise IndexError(at)
    return node


def siblings_of(design: Design, at: tuple[int, ...]) -> list[Node]:
    if len(at) == 1:
        return design.children
    parent = node_at(design, at[:-1])
    if not isinstance(parent, Section):
        raise IndexError(at)
    return parent.children


def document_path(design: Design, at: tuple[int, ...]) -> tuple[str | int, ...]:
    """The engine's path of a node (`sections[1].items[2]` as a tuple)."""
    path: list[str | int] = []
    key = design.child_key
    children: list[Node] = design.children
    for index in at:
        path += [key, index]
        node = children[index]
        if isinstance(node, Section):
            key, children = node.child_key, node.children
    return tuple(path)


# -- an item-shaped part outside the form (a points line of the adjustments) --------------
def item_of(entry: dict[str, Any]) -> Item:
    """A mapping with an item's keys (rule, measure, labels, note) as an item."""
    node = _node(entry, "items")
    assert isinstance(node, Item)
    return node


def item_document(item: Item) -> dict[str, Any]:
    return _node_document(item)


def ordered(fields: dict[str, Any], keys: list[str], slot: str, value: Any) -> dict[str, Any]:
    """A mapping with its keys in the order written (see `_ordered`)."""
    return _ordered(fields, keys, slot, value)
