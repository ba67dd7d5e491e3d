"""Errors as values: every problem names where it is and what is wrong.

A `Problem` is one thing wrong with a scheme or a facts file. Loading collects
as many problems as it can find and raises them together in one
`SchemeError` / `FactsError`, so a person fixes a file in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.scoring.wording import current_language, say

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """`('sections', 1, 'items', 2, 'rule')` -> `sections[1].items[2].rule`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


@dataclass(frozen=True)
class Problem:
    """One problem found in a document, with its place."""

    path: Path
    message: str
    line: int | None = None
    file: str | None = None
    severity: str = "error"  # error | warning
    place: str = ""  # where, as a person sees it: 第 2 节「运营指标」第 3 项「…」的权重

    def __str__(self) -> str:
        if self.place and current_language() == "zh":
            return self._placed()
        where = []
        if self.file:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(format_path(self.path))
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def _placed(self) -> str:
        """For a person: `s.yaml 第 6 行：第 1 节「…」的权重：不能小于 0（sections[0].weight）`."""
        where = say("line {line}", line=self.line) if self.line is not None else ""
        if self.file:
            where = f"{self.file} {where}".strip()
        text = say("{place}: {message}", place=self.place, message=self.message)
        if where:
            text = say("{place}: {message}", place=where, message=text)
        return f"{text}（{format_path(self.path)}）" if self.path else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "path": format_path(self.path),
            "message": self.message,
            "severity": self.severity,
            "place": self.place,
        }


@dataclass
class DocumentError(Exception):
    """A document (scheme or facts) that cannot be used. Holds all its problems."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = "document"

    def __str__(self) -> str:
        kind = say("scheme") if self.kind == "scheme" else self.kind
        head = say("invalid {kind}: {count} problem(s)", kind=kind, count=len(self.problems))
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class LimitExceeded(DocumentError):
    """A document past its caps (its size, the nodes it expands to, its depth):
    refused before it is read, with one problem naming the cap."""


class SchemeError(DocumentError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "scheme")


class FactsError(DocumentError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "facts")


class ExpressionError(ValueError):
    """An expression that cannot be parsed or is not allowed (raised at load time)."""
