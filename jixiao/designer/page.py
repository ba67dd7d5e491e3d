"""What the designer's page shows for a design: each section and item with its
boxes' names, its effective weight, the sums of weights, the rule in words
(`describe()`), the engine's problems beside the part they name, and the trial."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.designer.editing import Weights, weights_of
from jixiao.designer.fields import Fields
from jixiao.designer.model import COST_TABLES, Design, Item, Section, document_of, walk
from jixiao.designer.text import document_text
from jixiao.schemes.engine import rule_words
from jixiao.schemes.services import SchemeInvalid, scheme_check
from jixiao.scoring import Problem
from jixiao.scoring import Scheme as EngineScheme
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


# Engine messages still written in English only (numbers, conditions): said in the
# reader's language here until the engine says them itself.
_ENGLISH = [
    (re.compile(r"^not a condition: (.*?) \(write e\.g\..*\)$"), "not a condition: %(x)s"),
    (re.compile(r"^expected a number, got (.*)$"), "expected a number, got %(x)s"),
    (re.compile(r"^expected a finite number, got (.*)$"), "expected a number, got %(x)s"),
    (
        re.compile(r"^(.*): use letters, digits, '-' and '_' only$"),
        "%(x)s: use letters, digits, '-' and '_' only",
    ),
    (
        re.compile(r"^item code (.*) is used twice \(first at .*\)$"),
        "the item code %(x)s is used twice",
    ),
]


def _words_of(message: str) -> str:
    for pattern, sentence in _ENGLISH:
        found = pattern.match(message)
        if found:
            shown = found.group(1)
            shown = _("nothing") if shown == "None" else shown.strip("'")
            return _(sentence) % {"x": shown}
    return message


def _said(problem: Problem) -> str:
    text = _words_of(problem.message)
    if problem.place:
        text = f"{problem.place}：{text}"
    if problem.severity == "warning":
        return _("warning: %(text)s") % {"text": text}
    return text


def shown_nodes(design: Design, fields: Fields, checked: Checked) -> tuple[list[Shown], list[str]]:
    weights = weights_of(design)
    words = _words(checked.parsed)
    by_node: dict[tuple[int, ...], list[tuple[tuple[Any, ...], Problem]]] = {}
    general: list[str] = []
    for problem in checked.problems:
        at, rest = _node_of(design, tuple(problem.path))
        if at:
            by_node.setdefault(at, []).append((rest, problem))
        else:
            general.append(_said(problem))
    out = []
    for at, node in walk(design.children):
        prefix = "n" + "-".join(str(i) for i in at)
        shown = Shown(
            at=at,
            prefix=prefix,
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
            _item(shown, node, fields, words.get(_path_key(design, at), ""))
        for rest, problem in by_node.get(at, []):
            key = _field_key(rest, prefix)
            if key:
                shown.field_problems.setdefault(key, _said(problem))
            shown.problems.append(_said(problem))
        out.append(shown)
    return out, general


def _field_key(rest: tuple[Any, ...], prefix: str) -> str:
    if not rest:
        return ""
    if rest[0] == "rule":
        return prefix + ".r"
    return f"{prefix}.f.{rest[0]}"


def _path_key(design: Design, at: tuple[int, ...]) -> tuple[Any, ...]:
    from jixiao.designer.model import document_path

    return document_path(design, at)


def _words(parsed: EngineScheme | None) -> dict[tuple[Any, ...], str]:
    if parsed is None:
        return {}
    return {tuple(item.path): rule_words(item) for item in parsed.items}


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
    if rule is None:
        return
    shown.rule_kind = rule.kind
    r = prefix + ".r."
    shown.rows = _rows(r, fields, prefix, "rule")
    for index, _event in enumerate(rule.events):
        e = f"{r}ev{index}."
        event: dict[str, Any] = {
            "index": index,
            "p": e,
            "way": _way(fields, e),
            "tables": {},
        }
        for key in COST_TABLES:
            event["tables"][key] = _rows(f"{e}{key}.", fields, prefix, f"ev{index}.{key}")
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
