"""Effective weights (§2.1) and which items are due in a period (§2.2)."""

from __future__ import annotations

from jixiao.scoring.model import Item, Node, Scheme, Section

_DUE_MONTHS = {"month": range(1, 13), "quarter": (3, 6, 9, 12), "half": (6, 12), "year": (12,)}
_PERIOD_END = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


def period_end_month(period: str) -> int | None:
    """The month a period ends in: '2026-06' -> 6, '2026-Q2' -> 6, '2026' -> 12."""
    parts = period.split("-")
    if len(parts) == 1:
        return 12
    tail = parts[1]
    return _PERIOD_END.get(tail) or (int(tail) if tail.isdigit() else None)


def is_due(item: Item, period: str | None) -> bool:
    """An item with `period: quarter` is due only when the period ends a quarter."""
    if item.period is None or period is None:
        return True
    month = period_end_month(period)
    return month is None or month in _DUE_MONTHS[item.period]


def effective_weights(scheme: Scheme, period: str | None = None) -> dict[str, float]:
    """Item code -> effective weight, over the items due in `period` (all without one)."""
    weights: dict[str, float] = {}
    _spread(_due(scheme.nodes, period), scheme.scale, weights)
    return weights


def _due(nodes: tuple[Node, ...], period: str | None) -> tuple[Node, ...]:
    kept: list[Node] = []
    for node in nodes:
        if isinstance(node, Item):
            if is_due(node, period):
                kept.append(node)
        else:
            children = _due(node.children, period)
            if children:
                kept.append(Section(node.name, node.weight, children, node.path))
    return tuple(kept)


def _spread(nodes: tuple[Node, ...], share: float, out: dict[str, float]) -> None:
    total = sum(node.weight for node in nodes)
    for node in nodes:
        effective = share * node.weight / total if total else 0.0
        if isinstance(node, Item):
            out[node.code] = effective
        else:
            _spread(node.children, effective, out)
