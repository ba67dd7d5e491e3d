"""A scheme shown as the familiar Chinese form (考核表): 考核因素 / 权数 / 考核指标 /
考核方法 / 数据来源 / 得分标准, one row per item with its effective weight.

The rows come from the engine's reading of the document (items, sections,
effective weights) and from the document itself (the rule as written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.weights import effective_weights


@dataclass(frozen=True)
class FormRow:
    factor: str  # 考核因素: the section path
    factor_rows: int  # rows of this factor starting here (0: not the first row)
    weight: float  # 权数: effective weight
    name: str  # 考核指标
    method: str  # 考核方法
    source: str  # 数据来源
    standard: str  # 得分标准
    code: str
    indicator: str = ""  # the dictionary entry the item links to


def rule_label(kind: str) -> str:
    labels = {
        "bands": _("tier table"),
        "levels": _("rated levels"),
        "deduct": _("deductions per event"),
        "add": _("additions per event"),
        "steps": _("points per step"),
        "interpolate": _("linear between points"),
        "formula": _("formula"),
        "direct": _("score given by a person"),
    }
    return str(labels.get(kind, kind))


def _node(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _condition(text: Any) -> str:
    shown = str(text)
    if shown == "else":
        return _("otherwise")
    return shown.replace(">=", "≥").replace("<=", "≤")


def _flow(value: Any) -> str:
    if isinstance(value, str | int | float):
        return str(value)
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip()


def _cost_text(kind: str, name: str, cost: Any) -> str:
    """`late_day: {each: 5}` → "late_day: −5 each"; other costs as written."""
    if isinstance(cost, dict) and set(cost) == {"each"} and isinstance(cost["each"], int | float):
        sign = "−" if kind == "deduct" else "+"
        return _("%(name)s: %(points)s per occurrence") % {
            "name": name,
            "points": f"{sign}{_flow(cost['each'])}",
        }
    return f"{name}: {_flow(cost)}"


def standard_text(rule: Any) -> str:
    """得分标准: the rule as a person reads it on a paper form."""
    if not isinstance(rule, dict) or not rule:
        return ""
    kind, spec = next(iter(rule.items()))
    if kind == "bands" and isinstance(spec, list):
        return "；".join(
            f"{_condition(row[0])} → {_flow(row[1])}"
            for row in spec
            if isinstance(row, list) and len(row) == 2
        )
    if kind == "levels" and isinstance(spec, dict):
        return "；".join(f"{name} {_flow(points)}" for name, points in spec.items())
    if kind == "interpolate" and isinstance(spec, list):
        return "；".join(_flow(point) for point in spec)
    if kind == "formula":
        return str(spec)
    if kind in ("deduct", "add") and isinstance(spec, dict):
        parts = []
        for name, cost in (spec.get("per") or {}).items():
            parts.append(_cost_text(kind, str(name), cost))
        rest = {key: value for key, value in spec.items() if key != "per"}
        if rest:
            parts.append(_flow(rest))
        return "；".join(parts)
    return _flow(spec)


def form_rows(scheme: EngineScheme, text: str) -> list[FormRow]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        document = None
    weights = effective_weights(scheme)
    rows: list[FormRow] = []
    for item in scheme.items:
        raw = _node(document, tuple(item.path)) if document is not None else None
        rule = raw.get("rule") if isinstance(raw, dict) else None
        method = rule_label(item.rule.kind)
        if item.measure is not None:
            method += f"（{item.measure.text}）"
        if isinstance(raw, dict) and raw.get("standard") is not None:
            method += " · " + _("standard %(condition)s") % {
                "condition": _condition(raw["standard"])
            }
        rows.append(
            FormRow(
                factor=" / ".join(item.section) or "—",
                factor_rows=0,
                weight=weights.get(item.code, 0.0),
                name=item.name,
                method=method,
                source=str(item.info.get("source") or ""),
                standard=standard_text(rule),
                code=item.code,
                indicator=str(item.info.get("indicator") or ""),
            )
        )
    return _spans(rows)


def _spans(rows: list[FormRow]) -> list[FormRow]:
    """Merge the 考核因素 cell over consecutive rows of the same section."""
    out: list[FormRow] = []
    index = 0
    while index < len(rows):
        end = index
        while end + 1 < len(rows) and rows[end + 1].factor == rows[index].factor:
            end += 1
        for position in range(index, end + 1):
            row = rows[position]
            span = end - index + 1 if position == index else 0
            out.append(FormRow(**{**row.__dict__, "factor_rows": span}))
        index = end + 1
    return out
