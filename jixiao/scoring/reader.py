"""The scheme reader's primitives: keys, numbers, conditions, expressions.

Every problem is recorded with its path and (through the document) its line,
and reading goes on so that one pass reports everything wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from difflib import get_close_matches
from typing import Any

from jixiao.scoring.conditions import Condition, parse_condition
from jixiao.scoring.errors import ExpressionError, Path, Problem
from jixiao.scoring.expr import Expression, compile_expression
from jixiao.scoring.numbers import parse_number
from jixiao.scoring.places import place_of
from jixiao.scoring.rules.base import Reader
from jixiao.scoring.source import Document
from jixiao.scoring.wording import say


def placed(document: Document, problem: Problem) -> Problem:
    """The problem with its place as a person sees it (places.py), in the current language."""
    return replace(problem, place=place_of(document.data, problem.path))


def did_you_mean(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    near = get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if near:
        return say("unknown key; did you mean {near!r}?", near=near[0])
    return say("unknown key; expected one of {keys}", keys=", ".join(allowed))


class SchemeReader(Reader):
    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(placed(self.document, self.document.problem(path, message)))

    def warn(self, path: Path, message: str) -> None:
        found = self.document.problem(path, message, severity="warning")
        self.warnings.append(placed(self.document, found))

    def keys(
        self,
        raw: object,
        path: Path,
        allowed: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.problem(
                path, say("expected a mapping with {keys}", keys=", ".join(required or allowed))
            )
            return None
        ok = True
        suggested: set[str] = set()
        for key in raw:
            if str(key) not in allowed:
                self.problem((*path, str(key)), did_you_mean(str(key), allowed))
                suggested.update(get_close_matches(str(key), list(allowed), n=1, cutoff=0.6))
                ok = False
        for key in required:
            if key not in raw and key not in suggested:  # a misspelling already said it
                self.problem(path, say("missing required key {key!r}", key=key))
                ok = False
        return {str(k): v for k, v in raw.items()} if ok else None

    def number(self, raw: object, path: Path, *, minimum: float | None = None) -> float | None:
        try:
            value = parse_number(raw)
        except ValueError as exc:
            self.problem(path, str(exc))
            return None
        if minimum is not None and value < minimum:
            said = say("must be at least {minimum}, got {raw!r}", minimum=f"{minimum:g}", raw=raw)
            self.problem(path, said)
            return None
        return value

    def condition(self, raw: object, path: Path) -> Condition | None:
        try:
            return parse_condition(raw)
        except ValueError as exc:
            self.problem(path, str(exc))
            return None

    def expression(self, raw: object, path: Path) -> Expression | None:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            self.problem(
                path, say('expected an expression, e.g. "(received - overtime) / received"')
            )
            return None
        try:
            return compile_expression(str(raw))
        except ExpressionError as exc:
            self.problem(path, str(exc))
            return None

    def text(self, raw: object, path: Path, *, required: bool = True) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.problem(path, say("must not be empty"))
            return None
        if isinstance(raw, Mapping | list):
            self.problem(path, say("expected text"))
            return None
        return str(raw).strip()

    def listing(self, raw: object, path: Path, what: str) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(path, say("expected a list of {what}", what=_listed(what)))
            return []
        return raw


def _listed(what: str) -> str:
    """What a list holds, in the reader's language."""
    words = {
        "sections": say("sections"),
        "items": say("items"),
        "adjustments": say("adjustments"),
        "grade rows": say("grade rows"),
        "triggers": say("triggers"),
        "step": say("step"),
        "share": say("share"),
    }
    return words.get(what, what)
