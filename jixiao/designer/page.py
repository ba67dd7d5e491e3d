"""What the designer's page shows for a design: each section and item with its
boxes' names, its effective weight, the sums of weights, the rule in words
(`describe()`), the engine's problems beside the part they name, and the trial."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.designer.editing import Weights, weights_of
from jixiao.designer.fields import Fields
from jixiao.designer.model import COST_TABLES, Design, Item, Section, document_of, walk
from jixiao.designer.text import document_text
from jixiao.schemes.engine import reader_language, rule_words
from jixiao.schemes.services import SchemeInvalid, scheme_check
from jixiao.scoring import Problem, language
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.describe import describe_raters, item_labels
from jixiao.scoring.numbers import fmt


@dataclass
class Shown:
    """One node of the form as the page shows it."""

    at: tuple[int, ...]
    prefix: str
    depth: int
    section: bool
    name: str
    effective: str
    target: str = ""  # what its buttons name (the prefix, or `a2` for an adjustment's rule)
    raters_words: str = ""
    sum_note: str = ""
    words: str = ""
    rule_kind: str = ""
    rows: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    field_problems: dict[str, str] = field(default_factory=dict)
    has_items: bool = False
    has_sections: bool = False


@dataclass
class Checked:
    parsed: EngineScheme | None
    problems: list[Problem]
    text: str


def check(design: Design) -> Checked:
    text = document_text(document_of(design))
    try:
        parsed = scheme_check(text)
        return Checked(parsed, list(parsed.warnings), text)
    except SchemeInvalid as exc:
        return Checked(None, list(exc.problems), text)


def _node_of(design: Design, path: tuple[Any, ...]) -> tuple[tuple[int, ...], tuple[Any, ...]]:
    """The node a problem's path names, and the rest of the path inside it."""
    at: list[int] = []
    rest = list(path)
    children_key = design.child_key
    from jixiao.designer.model import node_at

    while len(rest) >= 2 and rest[0] == children_key and isinstance(rest[1], int):
        candidate = (*at, rest[1])
        try:
            node = node_at(design, candidate)
        except IndexError:
            break
        at = list(candidate)
        rest = rest[2:]
        if isinstance(node, Section):
            children_key = node.child_key
        else:
            break
    return tuple(at), tuple(rest)


def _said(problem: Problem) -> str:
    text = problem.message  # in the reader's language: the engine says it so
    if problem.place:
        text = f"{problem.place}：{text}"
    if problem.severity == "warning":
        return _("warning: %(text)s") % {"text": text}
    return text


def shown_nodes(design: Design, fields: Fields, checked: Checked) -> tuple[list[Shown], list[str]]:
    weights = weights_of(design)
    words = _words(checked.parsed)
    raters_words = _item_raters(checked.parsed)
    by_node: dict[tuple[int, ...], list[tuple[tuple[Any, ...], Problem]]] = {}
    general: list[str] = []
    for problem in checked.problems:
        at, rest = _node_of(design, tuple(problem.path))
        if at:
            by_node.setdefault(at, []).append((rest, problem))
        elif not problem.path or problem.path[0] not in FORM_PARTS:  # else shown in its part
            general.append(_said(problem))
    out = []
    for at, node in walk(design.children):
        prefix = "n" + "-".join(str(i) for i in at)
        shown = Shown(
            at=at,
            prefix=prefix,
            target=prefix,
            depth=len(at) - 1,
            section=isinstance(node, Section),
            name=node.name,
            effective=_weight(weights.effective.get(at)),
        )
        if isinstance(node, Section):
            shown.sum_note = _sum_note(node, weights, at)
            shown.has_items = not node.children or isinstance(node.children[0], Item)
            shown.has_sections = not node.children or isinstance(node.children[0], Section)
        else:
            path = _path_key(design, at)
            _item(shown, node, fields, words.get(path, ""))
            shown.raters_words = raters_words.get(path, "")
        for rest, problem in by_node.get(at, []):
            key = _field_key(rest, prefix, fields)
            if key:
                shown.field_problems.setdefault(key, _said(problem))
            shown.problems.append(_said(problem))
        out.append(shown)
    return out, general


def _field_key(rest: tuple[Any, ...], prefix: str, fields: Fields) -> str:
    if not rest:
        return ""
    if rest[0] == "rule":
        return prefix + ".r"
    return deepest(fields, prefix, rest) or f"{prefix}.f.{rest[0]}"


def _exists(fields: Fields, name: str) -> bool:
    return any(name + tail in fields for tail in ("", ".set", ".rows"))


def deepest(fields: Fields, base: str, rest: tuple[Any, ...] | list[Any]) -> str:
    """The innermost box a problem's path names under `base` (`top`, `a2.b`)."""
    name, best = base, ""
    for token in rest:
        candidate = f"{name}.f.{token}"
        if not _exists(fields, candidate):
            break
        name = best = candidate
    return best


def _path_key(design: Design, at: tuple[int, ...]) -> tuple[Any, ...]:
    from jixiao.designer.model import document_path

    return document_path(design, at)


def _words(parsed: EngineScheme | None) -> dict[tuple[Any, ...], str]:
    if parsed is None:
        return {}
    return {tuple(item.path): rule_words(item) for item in parsed.items}


def _item_raters(parsed: EngineScheme | None) -> dict[tuple[Any, ...], str]:
    """An item's own raters in words."""
    if parsed is None:
        return {}
    with language(reader_language()):
        return {
            tuple(item.path): describe_raters(item.raters, item_labels(item))
            for item in parsed.items
            if item.raters is not None and item.raters is not parsed.raters
        }


# -- the form-level parts ------------------------------------------------------------------
@dataclass
class FormLevel:
    """The form-level parts as the page shows them: each part's sentence, each box's
    problem, each part's problems, the adjustments with their rules."""

    said: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # box name → problem
    part_problems: dict[str, list[str]] = field(default_factory=dict)  # part → problems
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    general: list[str] = field(default_factory=list)


FORM_PARTS = (
    "raters",
    "adjustments",
    "total",
    "grades",
    "ranking",
    "distribution",
    "normalize",
    "outcomes",
    "limits",
    "history",
)


def form_level(design: Design, fields: Fields, checked: Checked) -> FormLevel:
    found = FormLevel()
    found.said = _said_parts(checked.parsed)
    for problem in checked.problems:
        path = tuple(problem.path)
        if not path or path[0] not in FORM_PARTS:
            continue
        text = _said(problem)
        part, box = _form_box(fields, path)
        found.part_problems.setdefault(part, []).append(text)
        if box:
            found.problems.setdefault(box, text)
    found.adjustments = _adjustments_shown(design, fields, found)
    return found


def _form_box(fields: Fields, path: tuple[Any, ...]) -> tuple[str, str]:
    """The part (`raters`, `a2` for the third adjustment) and the box a problem names."""
    head, rest = path[0], list(path[1:])
    if head == "adjustments" and rest and isinstance(rest[0], int):
        p = f"a{rest[0]}"
        kind, rest = fields.get(p + ".kind", ""), rest[1:]
        if not kind:
            return p, p + ".kept"
        if rest and rest[0] == kind:
            rest = rest[1:]
            if kind in ("add", "deduct"):
                return p, p + ".r"
            if kind == "points":
                if not rest or rest[0] == "rule":
                    return p, p + ".p.r"
                return p, deepest(fields, p + ".p", rest)
            return p, deepest(fields, p + ".b", rest)
        return p, deepest(fields, p, rest[:1]) or p + ".f.name"
    if head == "grades" and rest and isinstance(rest[0], int):
        cell = {0: "when", 1: "score", 2: "top"}.get(rest[1] if len(rest) > 1 else 0, "when")
        return "grades", f"top.f.grades.row{rest[0]}.{cell}"
    if head in ("history", "outcomes") and rest:
        base = "top.f.history" if head == "history" else "top.f.outcomes.labels"
        for index in range(int(fields.get(base + ".rows", "0") or 0)):
            if fields.get(f"{base}.{index}.name") == _cell(rest[0]):
                return head, deepest(fields, f"{base}.{index}", rest[1:]) or (
                    f"{base}.{index}.name"
                )
    return head, deepest(fields, "top", path)


def _cell(value: Any) -> str:
    from jixiao.designer.cells import cell_text

    return cell_text(value)


def _said_parts(parsed: EngineScheme | None) -> dict[str, Any]:
    """Each form-level part in the engine's words (`describe`), in the reader's language."""
    if parsed is None:
        return {}
    from jixiao.scoring.describe import (
        describe_adjustment,
        describe_distribution,
        describe_grades,
        describe_history,
        describe_limits,
        describe_normalize,
        describe_outcomes,
        describe_ranking,
        describe_total,
    )

    with language(reader_language()):
        said: dict[str, Any] = {
            "raters": describe_raters(parsed.raters) if parsed.raters is not None else "",
            "adjustments": {a.path[-1]: describe_adjustment(a) for a in parsed.adjustments},
            "total": describe_total(parsed),
            "grades": describe_grades(parsed) if parsed.grades else "",
            "distribution": _grouped(describe_distribution(parsed)),
            "outcomes": [_grouped(line) for line in describe_outcomes(parsed)],
            "history": describe_history(parsed),
            "ranking": _grouped(describe_ranking(parsed)),
            "normalize": _grouped(describe_normalize(parsed)),
            "limits": describe_limits(parsed),
        }
    return said


def _grouped(text: str) -> str:
    """A sentence naming a grouping attribute (`within: level`) with its name in words."""
    from jixiao.designer.choices import GROUP_NAMES

    for value, name in GROUP_NAMES.items():
        text = text.replace(f"「{value}」", f"「{name}」")
    return text


def _adjustments_shown(design: Design, fields: Fields, found: FormLevel) -> list[dict[str, Any]]:
    from jixiao.designer import choices
    from jixiao.designer.model import item_of, rule_form

    entries = design.fields.get("adjustments")
    if not isinstance(entries, list) or "top.f.adjustments.count" not in fields:
        return []
    words = found.said.get("adjustments", {})
    out = []
    for index, entry in enumerate(entries):
        p = f"a{index}"
        kind = fields.get(p + ".kind", "")
        shown: dict[str, Any] = {
            "index": index,
            "p": p,
            "kind": kind,
            "kind_name": dict(choices.ADJUSTMENT_KINDS).get(kind, ""),
            "words": words.get(index, ""),
            "problems": found.part_problems.get(p, []),
            "rule": None,
        }
        if kind in ("add", "deduct"):
            rule = Shown(at=(), prefix=p, target=p, depth=0, section=False, name="", effective="")
            _item(rule, Item(keys=["rule"], rule=rule_form({kind: entry[kind]})), fields, "")
            shown["rule"] = rule
        elif kind == "points":
            rule = Shown(
                at=(), prefix=p + ".p", target=p, depth=0, section=False, name="", effective=""
            )
            _item(rule, item_of(entry["points"]), fields, "")
            rule.field_problems = {
                k: v for k, v in found.problems.items() if k.startswith(p + ".p")
            }
            shown["rule"] = rule
        out.append(shown)
    return out


def _weight(value: float | None) -> str:
    return "—" if value is None else fmt(value)


def _sum_note(node: Section, weights: Weights, at: tuple[int, ...]) -> str:
    total = weights.sums.get(at)
    if total is None:
        return ""
    return _("weights of its parts add up to %(sum)s") % {"sum": fmt(total)}


def _item(shown: Shown, node: Item, fields: Fields, words: str) -> None:
    shown.words = words
    rule = node.rule
    prefix = shown.prefix
    target = shown.target or prefix
    if rule is None:
        return
    shown.rule_kind = rule.kind
    r = prefix + ".r."
    shown.rows = _rows(r, fields, target, "rule")
    for index, _event in enumerate(rule.events):
        e = f"{r}ev{index}."
        event: dict[str, Any] = {
            "index": index,
            "p": e,
            "way": _way(fields, e),
            "tables": {},
        }
        for key in COST_TABLES:
            event["tables"][key] = _rows(f"{e}{key}.", fields, target, f"ev{index}.{key}")
        out_key = "tiers" if event["way"] == "tiers" else "by_size"
        event["rows"] = event["tables"][out_key]
        event["table"] = out_key
        shown.events.append(event)
    labels = prefix + ".f.labels."
    try:
        count = int(fields.get(labels + "rows", "0") or 0)
    except ValueError:
        count = 0
    shown.labels = [
        {"name": f"{labels}{i}.name", "label": f"{labels}{i}.label", "index": str(i)}
        for i in range(count)
    ]


def _way(fields: Fields, e: str) -> str:
    for key in ("zero", "each"):
        if fields.get(f"{e}f.{key}"):
            return key
    for key in ("tiers", "by_size"):
        if fields.get(f"{e}{key}.set"):
            return key
    if fields.get(f"{e}f.sequence"):
        return "sequence"
    return "each"


def _rows(prefix: str, fields: Fields, node: str, part: str) -> list[dict[str, str]]:
    try:
        count = int(fields.get(prefix + "rows", "0") or 0)
    except ValueError:
        count = 0
    return [
        {
            "when": f"{prefix}row{i}.when",
            "score": f"{prefix}row{i}.score",
            "high": f"{prefix}row{i}.high",
            "ranged": f"{prefix}row{i}.ranged",
            "top": f"{prefix}row{i}.top",
            "index": str(i),
            "act": f"{node}|{part}|{i}",
        }
        for i in range(count)
    ]
