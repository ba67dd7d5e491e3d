"""Design checks (§2.1 weights, §13 limits, cross-references): warnings, and the
few limits that make a scheme invalid (`max_items`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from difflib import get_close_matches

from jixiao.scoring.errors import Path, Problem
from jixiao.scoring.history import check_list_uses
from jixiao.scoring.model import Item, Node, Scheme, Section
from jixiao.scoring.numbers import fmt
from jixiao.scoring.places import rule_kind
from jixiao.scoring.reader import SchemeReader, placed
from jixiao.scoring.weights import effective_weights
from jixiao.scoring.wording import say

_TOLERANCE = 1e-9
Warn = Callable[[Path, str], None]


def design_warnings(scheme: Scheme, reader: SchemeReader) -> list[Problem]:
    warnings: list[Problem] = []

    def warn(path: Path, message: str) -> None:
        found = reader.document.problem(path, message, severity="warning")
        warnings.append(placed(reader.document, found))

    key = "sections" if scheme.nodes and isinstance(scheme.nodes[0], Section) else "items"
    top = sum(node.weight for node in scheme.nodes)
    if abs(top - scheme.scale) > _TOLERANCE:
        warn(
            (key,),
            say(
                "the top-level weights add up to {total}, not the scale {scale};"
                " they are shared out in proportion",
                total=fmt(top),
                scale=fmt(scheme.scale),
            ),
        )
    _section_sums(scheme.nodes, warn)
    _limits(scheme, reader, warn)
    _references(scheme, reader)
    check_list_uses(scheme, reader, warn)  # v1.1 §4 lists, §2 labels
    return warnings


def _section_sums(nodes: tuple[Node, ...], warn: Warn) -> None:
    for node in nodes:
        if not isinstance(node, Section):
            continue
        weights = [child.weight for child in node.children]
        total = sum(weights)
        equal = len(set(weights)) == 1
        if abs(total - node.weight) > _TOLERANCE and abs(total - 100) > _TOLERANCE and not equal:
            warn(
                node.path,
                say(
                    "section {name!r}: its weights add up to {total}, neither its own weight"
                    " {weight} nor 100; they are shared out in proportion",
                    name=node.name,
                    total=fmt(total),
                    weight=fmt(node.weight),
                ),
            )
        _section_sums(node.children, warn)


def _limits(scheme: Scheme, reader: SchemeReader, warn: Warn) -> None:
    limits = scheme.limits
    items = scheme.items
    if limits.max_items is not None and len(items) > limits.max_items:
        reader.problem(
            ("limits", "max_items"),
            say(
                "the scheme has {count} items, more than the limit of {limit}",
                count=len(items),
                limit=limits.max_items,
            ),
        )
    weights = effective_weights(scheme)
    shares = (
        {code: weight / scheme.scale for code, weight in weights.items()} if scheme.scale else {}
    )
    by_code = {item.code: item for item in items}
    if limits.min_weight is not None:
        for code, share in shares.items():
            if share < limits.min_weight - _TOLERANCE:
                warn(
                    by_code[code].path,
                    say(
                        "item {code!r} carries {share}% of the total,"
                        " below the minimum of {minimum}%",
                        code=code,
                        share=fmt(share * 100, 2),
                        minimum=fmt(limits.min_weight * 100, 2),
                    ),
                )
    if limits.weight_gap is not None:
        distinct = sorted(set(round(s, 9) for s in shares.values()))
        for low, high in itertools.pairwise(distinct):
            if high - low < limits.weight_gap - _TOLERANCE:
                names = [c for c, s in shares.items() if round(s, 9) in (low, high)]
                warn(
                    ("limits", "weight_gap"),
                    say(
                        "effective weights {low}% and {high}% differ by less than {gap}%"
                        " ({names}): people cannot tell them apart",
                        low=fmt(low * 100, 2),
                        high=fmt(high * 100, 2),
                        gap=fmt(limits.weight_gap * 100, 2),
                        names=", ".join(names),
                    ),
                )


def _references(scheme: Scheme, reader: SchemeReader) -> None:
    """Names that must agree between parts of the scheme."""
    grades = [row.grade for row in scheme.grades]
    distributed = list(scheme.distribution.grades) if scheme.distribution else []
    for adjustment in scheme.adjustments:
        if adjustment.effect == "cap_grade" and adjustment.effect_value not in (
            *grades,
            *distributed,
        ):
            reader.problem(
                (*adjustment.path, "gate"),
                say(
                    "cap_grade {grade!r} is not one of the grades ({grades})",
                    grade=adjustment.effect_value,
                    grades=", ".join(grades + distributed) or say("none defined"),
                ),
            )
    pay = scheme.outcomes.pay
    if pay is not None:
        known = distributed or grades
        for grade in pay.coefficients:
            if grade not in known:
                reader.problem(
                    ("outcomes", "pay", "coefficients", grade),
                    say(
                        "{grade!r} is not one of the grades ({grades})",
                        grade=grade,
                        grades=", ".join(known) or say("none defined"),
                    ),
                )
    if (
        scheme.ranking is not None
        and scheme.ranking.by == "normalized"
        and scheme.normalize is None
    ):
        reader.problem(("ranking", "by"), say("ranking by normalized needs a normalize section"))
    if any(row.top is not None for row in scheme.grades) and not scheme.grades:
        reader.problem(("grades",), say("grades with top need ranking"))
    _rated_items(scheme.items, reader)
    _outcome_references(scheme, reader, distributed or grades)


def _outcome_references(scheme: Scheme, reader: SchemeReader, grades: list[str]) -> None:
    """Label outcomes by normalized or grade, triggers reading an item (§12, v1.1)."""
    for label in scheme.outcomes.labels:
        if label.by == "normalized" and scheme.normalize is None:
            reader.problem((*label.path, "by"), say("by normalized needs a normalize section"))
        for grade in label.grades:
            if grade not in grades:
                reader.problem((*label.path, "table", grade), _not_one_of(grade, grades))
    contract = scheme.outcomes.contract
    codes = [item.code for item in scheme.items]
    for index, trigger in enumerate(contract.triggers if contract else ()):
        if trigger.item is not None and trigger.item not in codes:
            path = ("outcomes", "contract", "triggers", index, "item")
            near = get_close_matches(trigger.item, codes, n=1, cutoff=0.5)
            reader.problem(
                path,
                say("no item {item!r}; did you mean {near!r}?", item=trigger.item, near=near[0])
                if near
                else say("no item {item!r}", item=trigger.item),
            )


def _not_one_of(grade: str, grades: list[str]) -> str:
    near = get_close_matches(grade, grades, n=1, cutoff=0.5)
    if near:
        return say(
            "{grade!r} is not a grade the scheme gives; did you mean {near!r}?",
            grade=grade,
            near=near[0],
        )
    return say(
        "{grade!r} is not a grade the scheme gives ({grades})",
        grade=grade,
        grades=", ".join(grades) or say("none defined"),
    )


def _rated_items(items: tuple[Item, ...], reader: SchemeReader) -> None:
    for item in items:
        if item.raters is not None and not item.rule.takes_ratings():
            reader.problem(
                (*item.path, "raters"),
                say(
                    "a {kind} rule does not take ratings; remove raters",
                    kind=rule_kind(item.rule.kind),
                ),
            )
