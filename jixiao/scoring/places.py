"""A problem's place as a person sees it: "第 2 节「运营指标」第 3 项「预算执行偏差率」：权重"
(in English "section 2 “运营指标”, item 3 “预算执行偏差率”: weight"), made from the
document and the machine path (`sections[1].items[2].weight`), in the current language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jixiao.scoring.errors import Path, format_path
from jixiao.scoring.wording import current_language, say


def _named(node: Any) -> str:
    if isinstance(node, Mapping):
        name = node.get("name") or node.get("code")
        if name is not None:
            return str(name)
    return ""


def _field(key: str) -> str:
    fields = {
        "weight": say("weight"),
        "rule": say("rule"),
        "measure": say("measure"),
        "standard": say("standard"),
        "full": say("full score"),
        "name": say("name"),
        "code": say("code"),
        "period": say("period"),
        "default": say("default"),
        "raters": say("raters"),
        "grades": say("grades"),
        "adjustments": say("adjustments"),
        "total": say("total"),
        "outcomes": say("outcomes"),
        "distribution": say("forced distribution"),
        "limits": say("limits"),
        "items": say("the items"),
        "sections": say("the sections"),
        "history": say("history inputs"),
        "labels": say("labels"),
        "description": say("description"),
        "scale": say("scale"),
        "ranking": say("ranking"),
        "normalize": say("normalisation"),
        "note": say("note"),
        "unit": say("unit"),
        "source": say("data source"),
        "indicator": say("indicator"),
        "operational": say("operational"),
    }
    return fields.get(key, key)


def place_of(data: Any, path: Path) -> str:
    """The place of `path` in `data` in words; "" for the document as a whole."""
    if len(path) > 1 and path[0] == "outcomes":
        found = _outcome_place(data, path)
        if found:
            return found
    parts: list[str] = []
    node = data
    index = 0
    while index < len(path):
        part = path[index]
        following = path[index + 1] if index + 1 < len(path) else None
        child = _child(node, part)
        if part in ("sections", "items") and isinstance(following, int):
            entry = _child(child, following)
            name = _named(entry)
            if part == "sections":
                parts.append(say("section {n} {name}", n=following + 1, name=_quoted(name)))
            else:
                parts.append(say("item {n} {name}", n=following + 1, name=_quoted(name)))
            node, index = entry, index + 2
            continue
        if part == "bands" and isinstance(following, int):
            parts.append(say("tier {n}", n=following + 1))
            node, index = _child(child, following), index + 2
            continue
        if isinstance(part, str) and (not parts or part in _FIELDS):
            field = _field(part) + _event(path[index + 1 :], node) + _row(path[index + 1 :])
            return say("{where}, {field}", where=_joined(parts), field=field) if parts else field
        node, index = child, index + 1
    return _joined(parts)


def _outcome_place(data: Any, path: Path) -> str:
    """A contract clause ("outcomes, contract clause 1 “解约权”") or a label outcome
    ("outcomes, outcome “training”") by its name (§12, v1.1); "" for the others."""
    outcomes = _child(data, "outcomes")
    if (
        path[1] == "contract"
        and len(path) > 3
        and path[2] == "triggers"
        and isinstance(path[3], int)
    ):
        entry = _child(_child(_child(outcomes, "contract"), "triggers"), path[3])
        clause = say("contract clause {n} {name}", n=path[3] + 1, name=_quoted(_named(entry)))
        return _joined([say("outcomes"), clause])
    if isinstance(path[1], str) and path[1] not in ("pay", "salary", "contract"):
        return _joined([say("outcomes"), say("outcome {name}", name=_quoted(path[1]))])
    return ""


_FIELDS = (
    "weight", "rule", "measure", "standard", "full", "period", "default", "raters", "labels",
    "note", "unit", "source", "indicator", "operational",
)  # fmt: skip


def _event(rest: Path, item: Any) -> str:
    """The event of a deduct/add rule the path goes on to, by its label where the item
    gives one: " for event “迟到”" (rule.deduct.per.late_day)."""
    for at, part in enumerate(rest[:-1]):
        name = rest[at + 1]
        if part == "per" and isinstance(name, str):
            labels = _child(item, "labels")
            shown = labels.get(name, name) if isinstance(labels, Mapping) else name
            return say(" for event {name}", name=_quoted(str(shown)))
    return ""


def _row(rest: Path) -> str:
    """The row of a rule's table the path goes on to: " 第 2 档" (bands[1], tiers[1])."""
    for at, part in enumerate(rest[:-1]):
        if part in ("bands", "tiers", "interpolate", "by_size") and isinstance(rest[at + 1], int):
            return say(" row {n}", n=int(rest[at + 1]) + 1)
    return ""


def _joined(parts: list[str]) -> str:
    text = ""
    for part in parts:
        text = say("{first}, {then}", first=text, then=part) if text else part
    return text


def _quoted(name: str) -> str:
    return say("“{name}”", name=name) if name else ""


def _child(node: Any, part: str | int) -> Any:
    try:
        return node[part]
    except (KeyError, IndexError, TypeError):
        return None


def first_place(data: Any, path: Path) -> str:
    """Where something first stood, for a problem about a second one: the machine path
    in English (`sections[0].items[0]`), the place as a person sees it in Chinese."""
    if current_language() == "zh":
        return place_of(data, path) or format_path(path)
    return format_path(path)


# The rule types in Chinese, for a problem naming one (English names them as written).
RULE_KINDS_ZH = {
    "bands": "分档",
    "levels": "定性等级",
    "deduct": "扣分",
    "add": "加分",
    "steps": "按档增减",
    "interpolate": "插值",
    "formula": "公式",
    "direct": "直接打分",
    "points": "积分",
}


def rule_kind(kind: str) -> str:
    """A rule type as the reader calls it: `bands` in English, 分档 in Chinese."""
    return RULE_KINDS_ZH.get(kind, kind) if current_language() == "zh" else kind
