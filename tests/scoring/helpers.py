"""Small builders for scoring tests: one-item schemes, facts from YAML, results.

Schemes and facts are written as YAML text, the way people write them, and go
through the same reader the command line uses (`scheme_from_text`,
`facts_from_text`).
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from jixiao.scoring import FactSet, Scheme, facts_from_text, scheme_from_text, score


def scheme_of(text: str) -> Scheme:
    return scheme_from_text(textwrap.dedent(text))


def facts_of(text: str) -> FactSet:
    return facts_from_text(textwrap.dedent(text)).periods[0]


def results(scheme: str | Scheme, facts: str | FactSet) -> list[dict[str, Any]]:
    """Score facts against a scheme; one JSON-ready result per appraisee."""
    built = scheme_of(scheme) if isinstance(scheme, str) else scheme
    found = facts_of(facts) if isinstance(facts, str) else facts
    return score(built, found).results()


def by_id(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {result["appraisee"]: result for result in found}


def items_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in result["items"]}


def one_item_scheme(rule: str, *, full: float = 100, item_extra: str = "", top: str = "") -> Scheme:
    """A scheme with one item `X` of weight 100 whose rule is the YAML flow text `rule`."""
    lines = [
        "code: T",
        "name: test",
        "items:",
        "  - code: X",
        "    weight: 100",
        f"    full: {full}",
        f"    rule: {{{rule}}}",
    ]
    lines += [f"    {line}" for line in textwrap.dedent(item_extra).strip().splitlines()]
    lines += textwrap.dedent(top).strip().splitlines()
    return scheme_from_text("\n".join(lines) + "\n")


def one_item_facts(facts: str | None, *, appraisee: str = "") -> FactSet:
    """One appraisee `A` whose facts for item `X` are the YAML flow text `facts`."""
    lines = ["appraisees:", "  - id: A"]
    lines += [f"    {line}" for line in textwrap.dedent(appraisee).strip().splitlines()]
    if facts is not None:
        lines += ["    facts:", f"      X: {facts}"]
    return facts_from_text("\n".join(lines) + "\n").periods[0]


def score_one(
    rule: str,
    facts: str | None,
    *,
    full: float = 100,
    item_extra: str = "",
    top: str = "",
    appraisee: str = "",
) -> dict[str, Any]:
    """The whole result of appraisee A on a one-item scheme."""
    scheme = one_item_scheme(rule, full=full, item_extra=item_extra, top=top)
    return results(scheme, one_item_facts(facts, appraisee=appraisee))[0]


def item_one(rule: str, facts: str | None, **options: Any) -> dict[str, Any]:
    """Item X's result for appraisee A on a one-item scheme."""
    item: dict[str, Any] = score_one(rule, facts, **options)["items"][0]
    return item


class Error:
    """An expected item error: the item has no score and its trace names the problem."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Error({self.text!r})"


Expected = float | Error


def check_item(item: dict[str, Any], expected: Expected) -> None:
    """The item scored `expected`, or failed with an error containing its text."""
    if isinstance(expected, Error):
        assert item["score"] is None, item
        assert item["contribution"] is None, item
        assert item["trace"].startswith("error: "), item
        assert expected.text in item["trace"], item
    else:
        assert item["score"] is not None, item["trace"]
        assert item["score"] == pytest.approx(expected, abs=1e-9), item["trace"]
