"""The designer's page as form fields, and the design read back from them.

`fields_of(design)` names every box of the page and what it holds (text as a
person reads it, see `cells`); `design_from(fields)` reads a posted page back
into a `Design`. They are inverse: `design_from(fields_of(d))` gives the same
document as `d`. The page is rendered from the same names, so what the browser
posts unchanged saves the document unchanged.

Names: `top.` for the form as a whole, `n0-2.` for the third child of the first
section, `n0-2.r.` for its rule, `n0-2.r.row3.` for a row of its table,
`n0-2.r.ev1.` for an event of a deduct/add rule. `….keys` keeps the order the
keys were written in; `….x` holds keys the designer has no box for, as YAML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jixiao.designer.cells import (
    cell_text,
    cell_value,
    list_text,
    list_value,
    yaml_text,
    yaml_value,
)
from jixiao.designer.model import (
    COST_TABLES,
    EVENT_KINDS,
    MISSING,
    Design,
    Event,
    Item,
    Node,
    Row,
    RuleForm,
    Section,
)

Fields = dict[str, str]

# the boxes of each part: key → how it is shown (cell: one box; list: `a, b, c`;
# yaml: a YAML box; rows: a table)
TOP_BOXES = {
    "code": "cell",
    "name": "cell",
    "description": "cell",
    "period": "cell",
    "scale": "cell",
}
SECTION_BOXES = {"name": "cell", "weight": "cell", "note": "cell"}
ITEM_BOXES: dict[str, Any] = {
    "name": "cell",
    "code": "cell",
    "weight": "cell",
    "full": "cell",
    "measure": "cell",
    "standard": "cell",
    "period": "cell",
    "unit": "cell",
    "source": "cell",
    "operational": "cell",
    "indicator": "cell",
    "note": "cell",
    "labels": "labels",
    "default": "yaml",
    "raters": "yaml",
}
OPTION_BOXES = {
    "bands": {},
    "levels": {},
    "interpolate": {},
    "formula": {},
    "deduct": {"from": "cell", "floor": "cell", "overflow": "cell"},
    "add": {"from": "cell", "cap": "cell"},
    "steps": {
        "standard": "cell",
        "base": "cell",
        "step": "cell",
        "below": "cell",
        "above": "cell",
        "count": "cell",
        "min": "cell",
        "max": "cell",
    },
    "direct": {"min": "cell", "max": "cell"},
}
SIBLING_BOXES = {"min": "cell", "max": "cell"}
COST_BOXES = {
    "each": "cell",
    "mode": "cell",
    "zero_above": "cell",
    "sequence": "list",
    "then": "cell",
    "zero": "cell",
    "max": "cell",
    "tiers": "rows",
    "by_size": "rows",
}
RATER_BOXES: dict[str, Any] = {"final": "list", "missing": "cell", "weights": "map", "trim": "map"}
ITEM_BOXES["raters"] = RATER_BOXES
RANKING_BOXES = {"within": "cell", "by": "cell"}
TOTAL_BOXES = {"min": "cell", "max": "cell"}
# top-level parts with a form of their own (a mapping of boxes; a box may be a
# mapping itself: a part inside the part)
PART_BOXES: dict[str, dict[str, Any]] = {
    "raters": RATER_BOXES,
    "ranking": RANKING_BOXES,
    "total": TOTAL_BOXES,
    "distribution": {"within": "cell", "quotas": "map"},
    "normalize": {
        "within": "cell",
        "method": "cell",
        "group_factor": {"by": "cell", "cap": "cell"},
    },
    "limits": {"max_items": "cell", "min_weight": "cell", "weight_gap": "cell"},
}
# outcomes (§12): pay and salary have forms, every other name but `contract` is a
# label outcome (v1.1)
OUTCOME_BOXES: dict[str, Any] = {
    "pay": {"coefficients": "map", "pool": "cell", "within": "cell", "factor": "cell"},
    "salary": {"steps": "table", "current": "cell", "min": "cell", "max": "cell"},
}
OUTCOME_FIXED = ("pay", "salary", "contract")
LABEL_OUTCOME_BOXES = {"by": "cell", "table": "lookup"}
HISTORY_BOXES = {"period": "cell", "value": "cell", "missing": "cell"}
# adjustments (§7): each entry's name and note, and the boxes of its kind
ADJUSTMENT_KINDS = ("bonus", "penalty", "add", "deduct", "coefficient", "gate", "points")
ADJUSTMENT_BOXES = {"name": "cell", "note": "cell"}
AMOUNT_BOXES = {"each": "list", "range": "list", "cap": "cell"}
ADJUSTMENT_BODY_BOXES: dict[str, dict[str, Any]] = {
    "bonus": AMOUNT_BOXES,
    "penalty": AMOUNT_BOXES,
    "coefficient": {"by": "cell", "values": "map"},
    "gate": {"when": "cell", "effect": "effect"},
}
# an adjustment's add/deduct (§7) has only `cap` beside its events
ADJUSTMENT_EVENT_OPTIONS = {"cap": "cell"}
GATE_VALUED = ("cap_grade", "flag")


class FieldsError(ValueError):
    """A box that could not be read (a YAML box with a mistake): its name and why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


# -- design → fields ---------------------------------------------------------------------
def fields_of(design: Design) -> Fields:
    out: Fields = {}
    if design.kept is not MISSING:
        out["top.kept"] = yaml_text(design.kept)
        return out
    out["top.child_key"] = design.child_key
    boxes = _top_boxes(design.fields)
    out["top.boxes"] = json.dumps(boxes, ensure_ascii=False)
    _mapping(out, "top.", design.fields, design.keys, boxes)
    _children(out, "n", design.children)
    return out


def _top_boxes(fields: Mapping[str, Any]) -> dict[str, str]:
    """The boxes of the form as a whole: grades, raters, adjustments, ranking, the
    total, distribution, normalisation, outcomes, limits and history have forms of
    their own (shown even when absent) unless written in a shape the forms cannot
    hold; every other part is a YAML box."""
    boxes: dict[str, str] = {
        **TOP_BOXES,
        "grades": "grades",
        "adjustments": "adjustments",
        **dict.fromkeys(PART_BOXES, "part"),
        "outcomes": "outcomes",
        "history": "history",
    }
    for key, value in fields.items():
        if key in TOP_BOXES:
            continue
        shown = boxes.get(key, "yaml")
        if shown == "part":
            if isinstance(value, dict):
                continue
        elif shown != "yaml" and _box_fits(value, shown):
            continue
        boxes[key] = "yaml"
    return boxes


def _box_fits(value: Any, shown: Any) -> bool:
    if isinstance(shown, dict) or shown == "outcomes":
        return isinstance(value, dict)
    if shown == "cell":
        return _scalar(value)
    if shown == "list":
        return isinstance(value, list) and all(_scalar(v) for v in value)
    if shown == "map":
        return isinstance(value, dict) and all(_scalar(k) and _scalar(v) for k, v in value.items())
    if shown == "table":
        return isinstance(value, list) and all(
            isinstance(r, list) and len(r) == 2 and _scalar(r[0]) and _scalar(r[1]) for r in value
        )
    if shown == "lookup":
        return _box_fits(value, "table") or _box_fits(value, "map")
    if shown == "grades":
        return grade_rows(value) is not None
    if shown == "adjustments":
        return isinstance(value, list)
    if shown == "history":
        return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
    if shown == "effect":
        return _scalar(value) or (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in GATE_VALUED
            and _scalar(next(iter(value.values())))
        )
    return True


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def grade_rows(value: Any) -> list[Row] | None:
    """Grades as rows (condition, grade, optionally {top: x}); None if they do not fit."""
    if not isinstance(value, list):
        return None
    rows = []
    for entry in value:
        if not isinstance(entry, list) or len(entry) not in (2, 3):
            return None
        if not (_scalar(entry[0]) and _scalar(entry[1])):
            return None
        extra = MISSING
        if len(entry) == 3:
            extra = entry[2]
            if not (isinstance(extra, dict) and list(extra) == ["top"] and _scalar(extra["top"])):
                return None
        rows.append(Row(entry[0], entry[1], extra=extra))
    return rows


def _mapping(
    out: Fields, prefix: str, fields: Mapping[str, Any], keys: list[str], boxes: dict[str, Any]
) -> None:
    out[prefix + "keys"] = json.dumps(keys, ensure_ascii=False)
    # a value in a shape its box cannot show goes with the keys that have no box
    boxes = {
        k: shown for k, shown in boxes.items() if k not in fields or _box_fits(fields[k], shown)
    }
    extra = {k: v for k, v in fields.items() if k not in boxes}
    out[prefix + "x"] = yaml_text(extra) if extra else ""
    for key, shown in boxes.items():
        _box(out, f"{prefix}f.{key}", key, shown, fields.get(key, MISSING))


def _box(out: Fields, name: str, key: str, shown: Any, value: Any) -> None:
    """One box (or the boxes of one part) of a mapping, by how it is shown."""
    if isinstance(shown, dict) or shown == "part":
        boxes = shown if isinstance(shown, dict) else PART_BOXES[key]
        part = value if isinstance(value, dict) else {}
        out[name] = "" if value is MISSING else "1"
        _mapping(out, name + ".", part, list(part), boxes)
    elif shown == "cell":
        out[name] = cell_text(value)
    elif shown == "list":
        out[name] = "" if value is MISSING else list_text(value)
    elif shown == "yaml":
        out[name] = yaml_text(value)
    elif shown == "labels":
        _labels(out, name + ".", value)
    elif shown == "grades":
        out[name + ".set"] = "" if value is MISSING else "1"
        _rows_fields(out, name + ".", grade_rows(value) or [], grades=True)
    elif shown == "map":
        _map(out, name, value)
    elif shown == "table":
        _table(out, name, value)
    elif shown == "lookup":
        shape = "map" if isinstance(value, dict) else "rows"
        out[name + ".shape"] = shape
        (_map if shape == "map" else _table)(out, name, value)
    elif shown == "effect":
        if isinstance(value, dict):
            (kind, given), *_rest = value.items()
            out[name], out[name + ".value"] = cell_text(kind), cell_text(given)
        else:
            out[name], out[name + ".value"] = cell_text(value), ""
    elif shown == "adjustments":
        _adjustments(out, name, value)
    elif shown == "outcomes":
        _outcomes(out, name, value)
    elif shown == "history":
        _named(out, name, value, HISTORY_BOXES)


def _map(out: Fields, name: str, value: Any) -> None:
    """A mapping of one value each (a rater's weight, a grade's quota) as rows."""
    out[name + ".set"] = "" if value is MISSING else "1"
    entries = list(value.items()) if isinstance(value, dict) else []
    out[name + ".rows"] = str(len(entries))
    for index, (key, given) in enumerate(entries):
        out[f"{name}.{index}.key"] = cell_text(key)
        out[f"{name}.{index}.value"] = cell_text(given)


def _table(out: Fields, name: str, value: Any) -> None:
    """A list of [condition, value] rows (salary steps, a label outcome's table)."""
    out[name + ".set"] = "" if value is MISSING else "1"
    rows = [Row(r[0], r[1]) for r in value] if isinstance(value, list) else []
    _rows_fields(out, name + ".", rows)


def _named(out: Fields, name: str, value: Any, boxes: dict[str, Any]) -> None:
    """A mapping of named parts (history inputs, label outcomes): a name and its boxes."""
    out[name + ".set"] = "" if value is MISSING else "1"
    entries = list(value.items()) if isinstance(value, dict) else []
    out[name + ".rows"] = str(len(entries))
    for index, (key, part) in enumerate(entries):
        out[f"{name}.{index}.name"] = cell_text(key)
        _mapping(out, f"{name}.{index}.", part, list(part), boxes)


def outcome_labels(value: Mapping[Any, Any]) -> list[Any]:
    """The names of an outcomes part that are label outcomes (v1.1 §12)."""
    return [k for k, v in value.items() if k not in OUTCOME_FIXED and isinstance(v, dict)]


def _outcomes(out: Fields, name: str, value: Any) -> None:
    part = value if isinstance(value, dict) else {}
    out[name] = "" if value is MISSING else "1"
    labels = outcome_labels(part)
    fixed = {k: v for k, v in part.items() if k not in labels}
    _mapping(out, name + ".", fixed, list(part), OUTCOME_BOXES)
    _named(
        out,
        name + ".labels",
        {k: part[k] for k in labels} if labels or value is not MISSING else MISSING,
        LABEL_OUTCOME_BOXES,
    )
    for index in range(len(labels)):  # what it was decided by, to follow a change of it
        base = f"{name}.labels.{index}."
        out[base + "was_by"] = out.get(base + "f.by", "")


def adjustment_kind(entry: Any) -> str:
    """An adjustment's kind when the forms can hold it exactly, else ""."""
    from jixiao.designer.model import rule_form

    if not isinstance(entry, dict):
        return ""
    kinds = [k for k in entry if k in ADJUSTMENT_KINDS]
    if len(kinds) != 1:
        return ""
    kind: str = kinds[0]
    body = entry[kind]
    if kind in EVENT_KINDS:
        form = rule_form({kind: body})
        fits = form.kind == kind and not form.body_none
        return kind if fits and all(k in ("per", "cap") for k in form.option_keys) else ""
    if kind in ("bonus", "penalty") and body is None:
        return kind
    return kind if isinstance(body, dict) else ""


def _adjustments(out: Fields, name: str, value: Any) -> None:
    entries = value if isinstance(value, list) else []
    out[name + ".set"] = "" if value is MISSING else "1"
    out[name + ".count"] = str(len(entries))
    for index, entry in enumerate(entries):
        _adjustment(out, f"a{index}.", entry)


def _adjustment(out: Fields, prefix: str, entry: Any) -> None:
    from jixiao.designer.model import item_of, rule_form

    kind = adjustment_kind(entry)
    out[prefix + "kind"] = kind
    if not kind:
        out[prefix + "kept"] = yaml_text(entry)
        return
    rest = {k: v for k, v in entry.items() if k != kind}
    _mapping(out, prefix, rest, list(entry), ADJUSTMENT_BOXES)
    body = entry[kind]
    if kind in EVENT_KINDS:
        _rule(out, prefix + "r.", rule_form({kind: body}), ADJUSTMENT_EVENT_OPTIONS)
    elif kind == "points":
        _node(out, prefix + "p", item_of(body))
    else:
        out[prefix + "b.none"] = "1" if body is None else ""
        part = body or {}
        _mapping(out, prefix + "b.", part, list(part), ADJUSTMENT_BODY_BOXES[kind])


def _labels(out: Fields, prefix: str, value: Any) -> None:
    """An item's labels as rows of (name, what people call it); other shapes as YAML."""
    if value is MISSING:
        out[prefix + "rows"] = "0"
        return
    out[prefix + "set"] = "1"
    if isinstance(value, dict) and all(_scalar(k) and _scalar(v) for k, v in value.items()):
        out[prefix + "rows"] = str(len(value))
        for index, (name, label) in enumerate(value.items()):
            out[f"{prefix}{index}.name"] = cell_text(name)
            out[f"{prefix}{index}.label"] = cell_text(label)
        return
    out[prefix + "rows"] = "0"
    out[prefix + "yaml"] = yaml_text(value)


def _children(out: Fields, prefix: str, nodes: list[Node]) -> None:
    out[prefix + ".children"] = str(len(nodes))
    for index, node in enumerate(nodes):
        here = f"{prefix}{'-' if prefix != 'n' else ''}{index}"
        _node(out, here, node)


def node_prefix(at: tuple[int, ...]) -> str:
    return "n" + "-".join(str(i) for i in at)


def _node(out: Fields, name: str, node: Node) -> None:
    if isinstance(node, Section):
        out[name + ".type"] = "section"
        out[name + ".child_key"] = node.child_key
        _mapping(out, name + ".", node.fields, node.keys, SECTION_BOXES)
        _children(out, name, node.children)
        return
    out[name + ".type"] = "item"
    out[name + ".has_rule"] = "1" if node.rule is not None else ""
    _mapping(out, name + ".", node.fields, node.keys, ITEM_BOXES)
    if node.rule is not None:
        _rule(out, name + ".r.", node.rule)


def _rule(
    out: Fields, prefix: str, rule: RuleForm, option_boxes: dict[str, str] | None = None
) -> None:
    out[prefix + "kind"] = rule.kind
    out[prefix + "was"] = rule.kind
    if not rule.kind:
        out[prefix + "kept"] = yaml_text(rule.kept)
        return
    out[prefix + "rule_keys"] = json.dumps(rule.rule_keys, ensure_ascii=False)
    out[prefix + "body_none"] = "1" if rule.body_none else ""
    if rule.kind == "formula":
        out[prefix + "formula"] = cell_text(rule.formula)
        for key in SIBLING_BOXES:
            out[f"{prefix}s.{key}"] = cell_text(rule.siblings.get(key, MISSING))
    boxes = OPTION_BOXES[rule.kind] if option_boxes is None else option_boxes
    _mapping(out, prefix + "o.", rule.options, rule.option_keys, boxes)
    _rows_fields(out, prefix, rule.rows)
    if rule.kind in EVENT_KINDS:
        out[prefix + "events"] = str(len(rule.events))
        for index, event in enumerate(rule.events):
            _event(out, f"{prefix}ev{index}.", event)


def _rows_fields(out: Fields, prefix: str, rows: list[Row], *, grades: bool = False) -> None:
    out[prefix + "rows"] = str(len(rows))
    for index, row in enumerate(rows):
        row_name = f"{prefix}row{index}."
        out[row_name + "when"] = _row_cell(row.when)
        out[row_name + "score"] = _row_cell(row.score)
        if grades:
            out[row_name + "top"] = "" if row.extra is MISSING else cell_text(row.extra["top"])
        else:
            out[row_name + "high"] = "" if row.high is MISSING else _row_cell(row.high)
            out[row_name + "ranged"] = "1" if row.ranged else ""


def _row_cell(value: Any) -> str:
    """A cell of a table row: an empty box is an empty cell (a row has no absent cells)."""
    return "" if value is None else cell_text(value)


def _event(out: Fields, prefix: str, event: Event) -> None:
    out[prefix + "name"] = cell_text(event.name)
    cost = {k: v for k, v in event.cost.items() if k not in COST_TABLES}
    _mapping(out, prefix, cost, list(event.cost), COST_BOXES)
    for key in COST_TABLES:
        rows = event.cost.get(key, MISSING)
        out[f"{prefix}{key}.set"] = "" if rows is MISSING else "1"
        _rows_fields(out, f"{prefix}{key}.", [] if rows is MISSING else rows)


# -- fields → design ---------------------------------------------------------------------
class _Reader:
    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields

    def get(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else str(value)

    def count(self, name: str) -> int:
        try:
            return max(0, int(self.get(name) or 0))
        except ValueError:
            return 0

    def yaml(self, name: str) -> Any:
        try:
            return yaml_value(self.get(name))
        except ValueError as exc:
            raise FieldsError(name, str(exc)) from None

    def keys(self, name: str) -> list[str]:
        try:
            found = json.loads(self.get(name) or "[]")
        except ValueError:
            return []
        return [k for k in found] if isinstance(found, list) else []


def design_from(fields: Mapping[str, str]) -> Design:
    """The design a posted page holds; raises `FieldsError` for a YAML box that is wrong."""
    read = _Reader(fields)
    if "top.kept" in fields:
        return Design(kept=read.yaml("top.kept"))
    design = Design(child_key=read.get("top.child_key"))
    try:
        boxes = json.loads(read.get("top.boxes") or "{}")
    except ValueError:
        boxes = {}
    if not isinstance(boxes, dict) or not boxes:
        boxes = _top_boxes({})
    design.fields, keys = _read_mapping(read, "top.", boxes)
    design.children = _read_children(read, "n")
    design.keys = _with_slot(read.keys("top.keys"), keys, design.child_key)
    return design


def _with_slot(written: list[str], keys: list[str], slot: str) -> list[str]:
    """Keys in order with the children's key (or the rule) where it was written."""
    if slot and slot in written:
        out = [k for k in written if k in keys or k == slot]
        return out + [k for k in keys if k not in out]
    return keys


def _read_mapping(
    read: _Reader, prefix: str, boxes: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    written = read.keys(prefix + "keys")
    found: dict[str, Any] = {}
    extra = read.yaml(prefix + "x")
    if isinstance(extra, dict):
        found.update(extra)
    for key, shown in boxes.items():
        name = f"{prefix}f.{key}"
        value = _read_box(read, name, key, shown)
        if value is not MISSING:
            found[key] = value
    order = [k for k in written if k in found] + [k for k in found if k not in written]
    return {k: found[k] for k in order}, order


def _read_box(read: _Reader, name: str, key: str, shown: Any) -> Any:
    if isinstance(shown, dict) or shown == "part":
        boxes = shown if isinstance(shown, dict) else PART_BOXES[key]
        value, _order = _read_mapping(read, name + ".", boxes)
        if not read.get(name) and not value:
            return MISSING
        return value
    if shown == "cell":
        return cell_value(read.get(name))
    if shown == "list":
        return list_value(read.get(name))
    if shown == "yaml":
        return read.yaml(name)
    if shown == "labels":
        return _read_labels(read, name + ".")
    if shown == "grades":
        rows = _read_rows(read, name + ".", grades=True)
        if not rows and not read.get(name + ".set"):
            return MISSING
        return [
            [r.when, r.score] if r.extra is MISSING else [r.when, r.score, r.extra] for r in rows
        ]
    if shown == "map":
        return _read_map(read, name)
    if shown == "table":
        return _read_table(read, name)
    if shown == "lookup":
        return (_read_map if read.get(name + ".shape") == "map" else _read_table)(read, name)
    if shown == "effect":
        kind, given = read.get(name), cell_value(read.get(name + ".value"))
        if kind in GATE_VALUED and given is not MISSING:
            return {kind: given}
        return cell_value(kind)
    if shown == "adjustments":
        return _read_adjustments(read, name)
    if shown == "outcomes":
        return _read_outcomes(read, name)
    if shown == "history":
        return _read_named(read, name, HISTORY_BOXES)
    return MISSING


def _read_map(read: _Reader, name: str) -> Any:
    rows = read.count(name + ".rows")
    if not rows and not read.get(name + ".set"):
        return MISSING
    found: dict[Any, Any] = {}
    for index in range(rows):
        key = cell_value(read.get(f"{name}.{index}.key"))
        if key is not MISSING:
            found[key] = _filled(cell_value(read.get(f"{name}.{index}.value")))
    return found


def _read_table(read: _Reader, name: str) -> Any:
    rows = _read_rows(read, name + ".")
    if not rows and not read.get(name + ".set"):
        return MISSING
    return [[r.when, r.score] for r in rows]


def _read_named(read: _Reader, name: str, boxes: dict[str, Any]) -> Any:
    rows = read.count(name + ".rows")
    if not rows and not read.get(name + ".set"):
        return MISSING
    found: dict[Any, Any] = {}
    for index in range(rows):
        key = cell_value(read.get(f"{name}.{index}.name"))
        if key is not MISSING:
            found[key], _order = _read_mapping(read, f"{name}.{index}.", boxes)
    return found


def _read_outcomes(read: _Reader, name: str) -> Any:
    fixed, _order = _read_mapping(read, name + ".", OUTCOME_BOXES)
    labels = _read_named(read, name + ".labels", LABEL_OUTCOME_BOXES)
    for index in range(read.count(name + ".labels.rows")):
        base = f"{name}.labels.{index}."
        key = cell_value(read.get(base + "name"))
        if (
            isinstance(labels, dict)
            and key in labels
            and read.get(base + "was_by") != read.get(base + "f.by")
        ):
            labels[key] = _by_changed(labels[key])
    found = {**fixed, **(labels or {})}
    if not read.get(name) and not found:
        return MISSING
    written = read.keys(name + ".keys")
    order = [k for k in written if k in found] + [k for k in found if k not in written]
    return {k: found[k] for k in order}


def _by_changed(label: dict[str, Any]) -> dict[str, Any]:
    """A label outcome decided by the grade now (or no longer): its table of rows
    becomes a mapping of grade → label (or back), the rows kept."""
    table = label.get("table")
    if label.get("by") == "grade" and isinstance(table, list):
        label["table"] = {
            row[0]: row[1] for row in table if isinstance(row, list) and len(row) == 2
        }
    elif label.get("by") != "grade" and isinstance(table, dict):
        label["table"] = [[k, v] for k, v in table.items()]
    return label


def _read_adjustments(read: _Reader, name: str) -> Any:
    count = read.count(name + ".count")
    if not count and not read.get(name + ".set"):
        return MISSING
    entries = [read_adjustment(read, f"a{index}.") for index in range(count)]
    return [e for e in entries if e is not MISSING]


def read_adjustment(read: _Reader, prefix: str) -> Any:
    from jixiao.designer.model import item_document, ordered, rule_document

    kind = read.get(prefix + "kind")
    if kind not in ADJUSTMENT_KINDS:
        return read.yaml(prefix + "kept")
    fields, keys = _read_mapping(read, prefix, ADJUSTMENT_BOXES)
    body: Any
    if kind in EVENT_KINDS:
        rule = read_rule(read, prefix + "r.", ADJUSTMENT_EVENT_OPTIONS)
        written = rule_document(rule)
        body = written.get(kind) if isinstance(written, dict) else written
    elif kind == "points":
        node = _read_node(read, prefix + "p")
        assert isinstance(node, Item)
        body = item_document(node)
    else:
        body, _order = _read_mapping(read, prefix + "b.", ADJUSTMENT_BODY_BOXES[kind])
        if read.get(prefix + "b.none") and not body:
            body = None
    return ordered(fields, _with_slot(read.keys(prefix + "keys"), keys, kind), kind, body)


def _read_labels(read: _Reader, prefix: str) -> Any:
    if read.get(prefix + "yaml"):
        return read.yaml(prefix + "yaml")
    rows = read.count(prefix + "rows")
    if not rows and not read.get(prefix + "set"):
        return MISSING
    labels: dict[Any, Any] = {}
    for index in range(rows):
        name = cell_value(read.get(f"{prefix}{index}.name"))
        label = cell_value(read.get(f"{prefix}{index}.label"))
        if name is not MISSING:
            labels[name] = "" if label is MISSING else label
    return labels


def _read_children(read: _Reader, prefix: str) -> list[Node]:
    nodes: list[Node] = []
    for index in range(read.count(prefix + ".children")):
        name = f"{prefix}{'-' if prefix != 'n' else ''}{index}"
        nodes.append(_read_node(read, name))
    return nodes


def _read_node(read: _Reader, name: str) -> Node:
    if read.get(name + ".type") == "section":
        section = Section(child_key=read.get(name + ".child_key"))
        section.fields, keys = _read_mapping(read, name + ".", SECTION_BOXES)
        section.children = _read_children(read, name)
        section.keys = _with_slot(read.keys(name + ".keys"), keys, section.child_key)
        return section
    item = Item()
    item.fields, keys = _read_mapping(read, name + ".", ITEM_BOXES)
    if read.get(name + ".has_rule"):
        item.rule = read_rule(read, name + ".r.")
        item.keys = _with_slot(read.keys(name + ".keys"), keys, "rule")
    else:
        item.keys = keys
    return item


def read_rule(read: _Reader, prefix: str, option_boxes: dict[str, str] | None = None) -> RuleForm:
    kind = read.get(prefix + "kind")
    if not kind:
        return RuleForm(kind="", kept=read.yaml(prefix + "kept"))
    if kind not in OPTION_BOXES:
        return RuleForm(kind="", kept=read.yaml(prefix + "kept"))
    was = read.get(prefix + "was")
    if was != kind and kind in OPTION_BOXES:  # the type was changed: a new rule of it
        from jixiao.designer.editing import blank_rule

        return blank_rule(kind)
    rule = RuleForm(kind=kind)
    rule.rule_keys = read.keys(prefix + "rule_keys") or [kind]
    rule.body_none = bool(read.get(prefix + "body_none"))
    if kind == "formula":
        rule.formula = cell_value(read.get(prefix + "formula"))
        if rule.formula is MISSING:
            rule.formula = ""
        for key in SIBLING_BOXES:
            value = cell_value(read.get(f"{prefix}s.{key}"))
            if value is not MISSING:
                rule.siblings[key] = value
        rule.rule_keys = [k for k in rule.rule_keys if k == kind or k in rule.siblings]
        rule.rule_keys += [k for k in rule.siblings if k not in rule.rule_keys]
    boxes = OPTION_BOXES[kind] if option_boxes is None else option_boxes
    options, order = _read_mapping(read, prefix + "o.", boxes)
    rule.options = options
    written = read.keys(prefix + "o.keys")
    rule.option_keys = _with_slot(written, order, "per") if "per" in written else order
    if kind in ("bands", "levels", "interpolate"):
        rule.rows = _read_rows(read, prefix)
    if kind in EVENT_KINDS:
        rule.events = [
            _read_event(read, f"{prefix}ev{index}.")
            for index in range(read.count(prefix + "events"))
        ]
        if rule.events and "per" not in rule.option_keys:
            rule.option_keys.append("per")
    if rule.options and rule.kind == "direct":
        rule.body_none = False
    return rule


def _read_rows(read: _Reader, prefix: str, *, grades: bool = False) -> list[Row]:
    rows = []
    for index in range(read.count(prefix + "rows")):
        row_name = f"{prefix}row{index}."
        when = _filled(cell_value(read.get(row_name + "when")))
        score = _filled(cell_value(read.get(row_name + "score")))
        row = Row(when, score)
        if grades:
            top = cell_value(read.get(row_name + "top"))
            if top is not MISSING:
                row.extra = {"top": top}
        elif read.get(row_name + "ranged"):
            row.high = _filled(cell_value(read.get(row_name + "high")))
        rows.append(row)
    return rows


def _filled(value: Any) -> Any:
    """A box of a table row left empty is an empty value (the check names it)."""
    return None if value is MISSING else value


def _read_event(read: _Reader, prefix: str) -> Event:
    name = cell_value(read.get(prefix + "name"))
    cost, order = _read_mapping(read, prefix, COST_BOXES)
    for key in COST_TABLES:
        if read.get(f"{prefix}{key}.set"):
            cost[key] = _read_rows(read, f"{prefix}{key}.")
            if key not in order:
                order.append(key)
    written = read.keys(prefix + "keys")
    order = [k for k in written if k in cost] + [k for k in order if k not in written]
    return Event(name="" if name is MISSING else name, cost={k: cost[k] for k in order})
