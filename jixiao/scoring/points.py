"""The `points` adjustment (scheme-language v1.1 §7): a line of a 扣分制 points
sheet, scored like an item outside the weighted sum and added to the running
total as points ("全月统计每超过0.1%扣1分，降低0.1%奖1分").

    - name: 产品质量
      points:
        measure: "pass_rate - target"
        rule: {steps: {standard: 0, base: 0, step: 0.1%, below: -1, above: 1, min: -20, max: 20}}

Its rule is one of §5 other than the rated ones; `measure` is required for the
rules that score a value. It reads the appraisee-level inputs and events.
Inside `points`, `deduct` and `add` start from 0, and `deduct` has no floor,
unless the rule says otherwise (there is no item full score).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from jixiao.scoring.errors import Path
from jixiao.scoring.model import Adjustment, Item
from jixiao.scoring.reader import SchemeReader
from jixiao.scoring.rules import RULES, Rule, parse_rule
from jixiao.scoring.rules.deduct import DeductRule
from jixiao.scoring.wording import say

POINTS_KEYS = ("rule", "measure", "labels", "note")
POINTS_RULES = ("bands", "deduct", "add", "steps", "interpolate", "formula")


def check_labels(reader: SchemeReader, raw: object, path: Path) -> None:
    """`labels` (v1.1 §2): what people call the inputs and events, {name: text}."""
    if not isinstance(raw, Mapping):
        reader.problem(
            path, say("expected {{name: what people call it}}, e.g. {{actual: 实际支出}}")
        )
        return
    for name, text in raw.items():
        if text is None or isinstance(text, Mapping | list) or not str(text).strip():
            reader.problem((*path, str(name)), say("expected what people call {name!r}", name=name))


def parse_points(
    reader: SchemeReader, name: str, raw: object, where: Path, path: Path
) -> Adjustment | None:
    body = reader.keys(raw, where, POINTS_KEYS, ("rule",))
    if body is None:
        return None
    spec = body["rule"]
    rated = [key for key in spec if key in RULES and key not in POINTS_RULES] if isinstance(
        spec, Mapping
    ) else []  # fmt: skip
    if rated:
        reader.problem(
            (*where, "rule", str(rated[0])),
            say(
                "a points line is not rated: its rule is one of {rules}",
                rules=", ".join(POINTS_RULES),
            ),
        )
        return None
    rule = parse_rule(spec, reader, (*where, "rule"))
    measure = reader.expression(body["measure"], (*where, "measure")) if "measure" in body else None
    if "labels" in body:
        check_labels(reader, body["labels"], (*where, "labels"))
    if rule is None:
        return None
    if rule.takes_ratings():
        reader.problem(
            (*where, "rule"),
            say("a points line is not rated: give every band a score, not a range"),
        )
        return None
    if rule.needs_value and measure is None:
        reader.problem(
            where,
            say("a points line with a {kind} rule needs a measure (the value it scores)",
                kind=rule.kind),
        )  # fmt: skip
        return None
    rule = _from_zero(rule, spec)
    info = {key: body[key] for key in ("labels", "note") if key in body}
    item = Item(
        code=name,
        name=name,
        weight=0.0,
        full=math.inf,  # no full score: an add rule has no cap unless it says so
        rule=rule,
        path=where,
        measure=measure,
        info=info,
    )
    return Adjustment(name, "points", path, item=item)


def _from_zero(rule: Rule, spec: object) -> Rule:
    """deduct/add inside points: from 0 and (deduct) no floor, unless the rule says."""
    if isinstance(rule, DeductRule) and isinstance(spec, Mapping):
        given = spec.get("deduct")
        given = given if isinstance(given, Mapping) else {}
        start = rule.start if "from" in given else 0.0
        floor = rule.floor if "floor" in given else None
        return replace(rule, start=start, floor=floor)
    return rule
