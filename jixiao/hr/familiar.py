"""A scheme shown as the familiar Chinese form (考核表): 考核因素 / 权数 / 考核指标 /
考核方法 / 数据来源 / 得分标准, one row per item with its effective weight.

The rows come from the engine's reading of the document (items, sections,
effective weights); each rule is said in words by the engine's `describe()`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jixiao.schemes.engine import reader_language, rule_words
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring import language
from jixiao.scoring.describe import expression_text, item_labels
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


def form_rows(scheme: EngineScheme, text: str = "") -> list[FormRow]:
    """One row per item; its 得分标准 is the engine's `describe()` in the reader's language."""
    weights = effective_weights(scheme)
    rows: list[FormRow] = []
    code = reader_language()
    for item in scheme.items:
        method = rule_label(item.rule.kind)
        with language(code):
            if item.measure is not None:
                method += f"（{expression_text(item.measure, item_labels(item))}）"
            if item.standard is not None:
                method += " · " + _("standard %(condition)s") % {
                    "condition": item.standard.describe()
                }
        rows.append(
            FormRow(
                factor=" / ".join(item.section) or "—",
                factor_rows=0,
                weight=weights.get(item.code, 0.0),
                name=item.name,
                method=method,
                source=str(item.info.get("source") or ""),
                standard=rule_words(item, code=code),
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
