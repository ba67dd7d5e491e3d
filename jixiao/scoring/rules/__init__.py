"""The rule types (§5). Adding one: a module with its class, one line in RULES."""

from __future__ import annotations

from typing import Any

from jixiao.scoring.errors import Path
from jixiao.scoring.places import rule_kind
from jixiao.scoring.rules.base import ItemInput, Rated, Reader, Rule, Scored
from jixiao.scoring.rules.deduct import AddRule, DeductRule
from jixiao.scoring.rules.numeric import DirectRule, FormulaRule, InterpolateRule, StepsRule
from jixiao.scoring.rules.tables import BandsRule, LevelsRule
from jixiao.scoring.wording import say

RULES: dict[str, Any] = {
    "bands": BandsRule,
    "levels": LevelsRule,
    "deduct": DeductRule,
    "add": AddRule,
    "steps": StepsRule,
    "interpolate": InterpolateRule,
    "formula": FormulaRule,
    "direct": DirectRule,
}
FORMULA_EXTRA = ("min", "max")


def parse_rule(raw: object, reader: Reader, path: Path) -> Rule | None:
    """`rule: {bands: [...]}` -> a Rule; exactly one rule type per item."""
    spec = reader.keys(raw, path, (*RULES, *FORMULA_EXTRA))
    if spec is None:
        return None
    kinds = [key for key in spec if key in RULES]
    if len(kinds) != 1:
        found = ", ".join(kinds) if kinds else say("none")
        reader.problem(
            path,
            say(
                "give exactly one rule type of {kinds} (found {found})",
                kinds=", ".join(RULES),
                found=found,
            ),
        )
        return None
    kind = kinds[0]
    extra = {key: spec[key] for key in FORMULA_EXTRA if key in spec}
    if extra and kind != "formula":
        reader.problem(
            (*path, next(iter(extra))), say("unknown key for a {kind} rule", kind=rule_kind(kind))
        )
        return None
    if kind == "formula":
        return FormulaRule.parse(spec[kind], reader, (*path, kind), extra)
    rule: Rule | None = RULES[kind].parse(spec[kind], reader, (*path, kind))
    return rule


__all__ = ["RULES", "ItemInput", "Rated", "Reader", "Rule", "Scored", "parse_rule"]
