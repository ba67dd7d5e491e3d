"""Reading YAML and JSON documents, keeping the way back to line numbers.

Documents are loaded with the fast C loader when it is there. Line numbers
are only needed when something is wrong, so the node tree that knows them is
composed lazily, the first time a problem asks for a line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml

from jixiao.scoring.errors import DocumentError, Path, Problem

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(yaml.SafeLoader):
    """The pure-Python loader, used only to find line numbers and duplicate keys."""


@dataclass
class Document:
    """Parsed data plus the means to find the line of any path in it."""

    data: Any
    text: str
    file: str | None = None
    is_json: bool = False
    _lines: dict[Path, int] | None = field(default=None, repr=False)
    _duplicates: list[Problem] | None = field(default=None, repr=False)

    def line_of(self, path: Path) -> int | None:
        """The 1-based line of the deepest known node on `path`."""
        if self._lines is None:
            self._index()
        assert self._lines is not None
        for end in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def duplicate_keys(self) -> list[Problem]:
        if self._duplicates is None:
            self._index()
        assert self._duplicates is not None
        return self._duplicates

    def problem(self, path: Path, message: str, severity: str = "error") -> Problem:
        return Problem(path, message, self.line_of(path), self.file, severity)

    def _index(self) -> None:
        self._lines, self._duplicates = {}, []
        try:
            node = yaml.compose(self.text, Loader=_UniqueKeyLoader)
        except yaml.YAMLError:
            return
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: Path) -> None:
        assert self._lines is not None and self._duplicates is not None
        self._lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[object] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                key = _scalar_key(key_node) if key is not None else key
                if key in seen:
                    self._duplicates.append(
                        Problem(
                            (*path, str(key)),
                            "duplicate key (the file states it twice)",
                            key_node.start_mark.line + 1,
                            self.file,
                        )
                    )
                seen.add(key)
                self._walk(value_node, (*path, key if isinstance(key, str | int) else str(key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._walk(child, (*path, index))


def _scalar_key(node: yaml.Node) -> str | int:
    value = node.value
    if node.tag.endswith(":int"):
        try:
            return int(value)
        except ValueError:
            return str(value)
    plain = getattr(node, "style", None) is None
    if isinstance(value, str) and value.lstrip("-").isdigit() and plain:
        return int(value)
    return str(value)


def parse_text(text: str, *, file: str | None = None, kind: str = "document") -> Document:
    """Parse YAML (or JSON, which is read as JSON) text; raise DocumentError when it is not."""
    is_json = bool(file and file.lower().endswith(".json")) or text.lstrip().startswith("{")
    try:
        data = json.loads(text) if is_json else yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [Problem((), f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno, file)],
            kind,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DocumentError([Problem((), f"not valid YAML: {reason}", line, file)], kind) from None
    return Document(data=data, text=text, file=file, is_json=is_json)


def read_file(path: str | FilePath, *, kind: str = "document") -> Document:
    """Read and parse a YAML/JSON file; a missing or unreadable file is a DocumentError."""
    name = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DocumentError([Problem((), "file not found", None, name)], kind) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(
            [Problem((), f"cannot read the file: {exc}", None, name)], kind
        ) from None
    return parse_text(text, file=name, kind=kind)
