"""Reading YAML and JSON documents, keeping the way back to line numbers.

Documents are loaded with the fast C parser when it is there. Line numbers
are only needed when something is wrong, so the node tree that knows them is
composed lazily, the first time a problem asks for a line.

A document is capped before anything reads it (`Limits`): its text, the nodes
it expands to, and how deeply it nests. The nodes are counted while the YAML
is composed: an alias counts as the whole subtree its anchor names (kept per
anchor, so counting is linear), so a few hundred bytes of anchors referring to
anchors are refused at once instead of expanding to millions of nodes. A
refusal is a `DocumentError` naming the cap. Facts files are not capped unless
asked: they are as large as the company.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from jixiao.scoring.errors import DocumentError, LimitExceeded, Path, Problem
from jixiao.scoring.wording import current_language, say

try:
    from yaml._yaml import CParser as _Parser  # the C parser: events at C speed
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _PythonParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PythonParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PythonParser.__init__(self)


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1024 * 1024  # 1 MB of text
MAX_NODES = 100_000  # nodes once every alias is expanded
MAX_DEPTH = 100  # levels of nesting (a scheme nests a dozen at most)


@dataclass(frozen=True)
class Limits:
    """How large a document may be, checked before anything reads it: its text in
    bytes (UTF-8), the nodes it expands to (every key, value and list entry; an
    alias counts as all the nodes it refers to) and its levels of nesting."""

    max_bytes: int = MAX_BYTES
    max_nodes: int = MAX_NODES
    max_depth: int = MAX_DEPTH


# The caps of a kind of document when the caller names none (None: not capped).
DEFAULT_LIMITS: dict[str, Limits | None] = {"facts": None}


def limits_for(kind: str, limits: Limits | None = None) -> Limits | None:
    """The caps that apply: those given, else the kind's default (`Limits()`)."""
    if limits is not None:
        return limits
    return DEFAULT_LIMITS.get(kind, Limits())


class _Refused(Exception):
    """A cap passed while composing; becomes the document's one problem."""

    def __init__(self, message: str, path: Path, mark: Any) -> None:
        super().__init__(message)
        self.message, self.path = message, path
        self.line = mark.line + 1 if mark is not None else None


def _too_many_nodes(limits: Limits) -> str:
    return say(
        "the document expands to more than {limit:,} nodes (an alias counts as everything"
        " it refers to); at most {limit:,} are allowed",
        limit=limits.max_nodes,
    )


def _too_deep(limits: Limits) -> str:
    return say(
        "the document nests more than {limit} levels deep; at most {limit} are allowed",
        limit=limits.max_depth,
    )


class _CountingComposer(Composer):
    """PyYAML's composer, counting the nodes of the document as it composes them.

    A node counts one; an alias counts as many as the subtree of its anchor, which is
    known once that subtree is composed (an alias inside its own anchor's subtree would
    never end, and is refused). Depth is counted the same way: an alias reaches as deep
    below its place as its anchor's subtree does. Both are checked at every node, so
    composing stops as soon as a cap is passed; a key stands at its mapping's level."""

    limits: Limits
    if TYPE_CHECKING:  # from the parser it is mixed with

        def peek_event(self) -> Any: ...
        def check_event(self, *choices: Any) -> bool: ...

    def start_counting(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0
        self.anchored: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, height)
        self.path: list[str | int] = []
        self.heights: list[int] = [0]  # the tallest child so far, per level being composed

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        pushed = self._push(parent, index)
        try:
            event = self.peek_event()
            if self.check_event(yaml.AliasEvent):
                node = super().compose_node(parent, index)
                known = self.anchored.get(id(node))
                if known is None:  # its anchor is still being composed: it contains itself
                    raise _Refused(
                        say("an alias refers to what contains it, so the document never ends"),
                        tuple(self.path),
                        event.start_mark,
                    )
                size, height = known
                self._reach(height, event.start_mark)
                self._count(size, event.start_mark)
                if pushed:
                    self.heights[-1] = max(self.heights[-1], height)
                return node
            self._reach(1, event.start_mark)
            before = self.nodes
            self._count(1, event.start_mark)
            self.heights.append(0)
            node = super().compose_node(parent, index)
            height = 1 + self.heights.pop()
            if pushed:
                self.heights[-1] = max(self.heights[-1], height)
            if getattr(event, "anchor", None) is not None:
                self.anchored[id(node)] = (self.nodes - before, height)
            return node
        finally:
            if pushed:
                self.path.pop()

    def _reach(self, height: int, mark: Any) -> None:
        """Refuse a node `height` levels tall at the current place (its top level)."""
        if len(self.path) + height > self.limits.max_depth:
            raise _Refused(_too_deep(self.limits), tuple(self.path), mark)

    def _push(self, parent: yaml.Node | None, index: Any) -> bool:
        if parent is None or (index is None and isinstance(parent, yaml.MappingNode)):
            return False  # the root, or a key (which stands at its mapping's place)
        if isinstance(index, yaml.ScalarNode):
            self.path.append(_scalar_key(index))
        elif isinstance(index, int):
            self.path.append(index)
        else:
            self.path.append("?")  # a key that is a list or a mapping
        return True

    def _count(self, size: int, mark: Any) -> None:
        self.nodes += size
        if self.nodes > self.limits.max_nodes:
            raise _Refused(_too_many_nodes(self.limits), tuple(self.path), mark)


class _CountingLoader(_CountingComposer, _Parser, SafeConstructor, Resolver):
    """The safe loader with the C parser (when there) and the counting composer."""

    def __init__(self, stream: str, limits: Limits) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.start_counting(limits)
        self.merged = False

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """Merge keys (`<<: *a`) rewrite the tree as it is built: then it no longer
        shows the document's own keys, and the lines are found from the text again."""
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _value in node.value):
            self.merged = True
        super().flatten_mapping(node)


def _compose(text: str, limits: Limits) -> yaml.Node | None:
    loader = _CountingLoader(text, limits)
    try:
        return loader.get_single_node()
    except RecursionError:  # pragma: no cover - only with a depth cap past Python's own
        raise _Refused(_too_deep(limits), (), None) from None
    finally:
        loader.dispose()


def _load(text: str, limits: Limits) -> tuple[yaml.Node | None, Any]:
    """The composed node tree (which knows the lines) and the data built from it."""
    loader = _CountingLoader(text, limits)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
        return (None if loader.merged else node), data
    except RecursionError:  # pragma: no cover - only with a depth cap past Python's own
        raise _Refused(_too_deep(limits), (), None) from None
    finally:
        loader.dispose()


def _check_data(data: Any, limits: Limits) -> None:
    """Count the nodes and depth of data read from JSON (which has no aliases)."""
    nodes = 0
    stack: list[tuple[Any, Path]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise _Refused(_too_many_nodes(limits), path, None)
        if len(path) >= limits.max_depth:
            raise _Refused(_too_deep(limits), path, None)
        if isinstance(value, dict):
            nodes += len(value)  # the keys
            stack.extend((child, (*path, str(key))) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(value))


def _too_large(size: int, limits: Limits, file: str | None, kind: str) -> LimitExceeded:
    message = say(
        "the document is {size:,} bytes; at most {limit:,} bytes are allowed",
        size=size,
        limit=limits.max_bytes,
    )
    return LimitExceeded([Problem((), message, None, file)], kind)


@dataclass
class Document:
    """Parsed data plus the means to find the line of any path in it."""

    data: Any
    text: str
    file: str | None = None
    is_json: bool = False
    limits: Limits | None = None
    _lines: dict[Path, int] | None = field(default=None, repr=False)
    _duplicates: list[Problem] | None = field(default=None, repr=False)
    _node: yaml.Node | None = field(default=None, repr=False)  # composed, not yet indexed

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
        node, self._node = self._node, None
        try:
            if node is None and self.limits is not None:
                node = _compose(self.text, self.limits)  # a document made without its tree
            elif node is None:
                node = yaml.compose(self.text, Loader=_UniqueKeyLoader)
        except (yaml.YAMLError, _Refused, RecursionError):
            return
        if node is not None:
            self._walk(node, (), set())

    def _walk(self, node: yaml.Node, path: Path, seen_nodes: set[int]) -> None:
        """Lines and duplicate keys of every node, each node once: a node an alias
        refers to again keeps the lines of its first place."""
        assert self._lines is not None and self._duplicates is not None
        self._lines[path] = node.start_mark.line + 1
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[object] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                key = _scalar_key(key_node) if key is not None else key
                if key in seen:
                    self._duplicates.append(
                        Problem(
                            (*path, str(key)),
                            say("duplicate key (the file states it twice)"),
                            key_node.start_mark.line + 1,
                            self.file,
                        )
                    )
                seen.add(key)
                self._walk(
                    value_node, (*path, key if isinstance(key, str | int) else str(key)), seen_nodes
                )
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._walk(child, (*path, index), seen_nodes)


class _UniqueKeyLoader(yaml.SafeLoader):
    """The pure-Python loader, used only to find line numbers and duplicate keys
    of documents that are not capped."""


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


def parse_text(
    text: str,
    *,
    file: str | None = None,
    kind: str = "document",
    limits: Limits | None = None,
    is_json: bool | None = None,
) -> Document:
    """Parse YAML (or JSON, which is read as JSON) text; raise DocumentError when it is
    not, or when it passes its caps (`limits`, else the kind's `DEFAULT_LIMITS`).
    JSON is told by the file's name or a leading `{`, unless `is_json` says."""
    caps = limits_for(kind, limits)
    if caps is not None:
        size = len(text) if len(text) > caps.max_bytes else len(text.encode("utf-8"))
        if size > caps.max_bytes:
            raise _too_large(size, caps, file, kind)
    if is_json is None:
        is_json = bool(file and file.lower().endswith(".json")) or text.lstrip().startswith("{")
    node = None
    try:
        if is_json:
            data = json.loads(text)
            if caps is not None:
                _check_data(data, caps)
        else:
            if caps is None:
                data = yaml.load(text, Loader=_Loader)
            else:
                node, data = _load(text, caps)  # the tree is kept for the lines, if asked
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [Problem((), _json_problem(exc), exc.lineno, file)],
            kind,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DocumentError([Problem((), _yaml_problem(reason), line, file)], kind) from None
    except _Refused as refused:
        raise LimitExceeded(
            [Problem(refused.path, refused.message, refused.line, file)], kind
        ) from None
    except RecursionError:
        caps = caps or Limits()
        raise LimitExceeded([Problem((), _too_deep(caps), None, file)], kind) from None
    return Document(data=data, text=text, file=file, is_json=is_json, limits=caps, _node=node)


def read_file(
    path: str | FilePath, *, kind: str = "document", limits: Limits | None = None
) -> Document:
    """Read and parse a YAML/JSON file; a missing or unreadable file is a DocumentError,
    and so is one larger than its caps allow (refused before it is read)."""
    name = str(path)
    caps = limits_for(kind, limits)
    try:
        if caps is not None:
            size = FilePath(path).stat().st_size
            if size > caps.max_bytes + 3:  # a byte-order mark is not text
                raise _too_large(size, caps, name, kind)
        text = FilePath(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DocumentError([Problem((), say("file not found"), None, name)], kind) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(
            [
                Problem(
                    (), say("cannot read the file: {problem}", problem=os_problem(exc)), None, name
                )
            ],
            kind,
        ) from None
    return parse_text(text, file=name, kind=kind, limits=limits)


# The YAML parser's words for what it could not read (libyaml's, or PyYAML's own),
# said in the reader's language; English keeps the parser's words as they are.
_YAML_REASONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^did not find expected '(.)' or '(.)'"),
        lambda m: say("a '{first}' or '{second}' is missing", first=m[1], second=m[2]),
    ),
    (re.compile(r"^did not find expected key"), lambda m: say("the indentation is not right")),
    (
        re.compile(r"^did not find expected '-' indicator"),
        lambda m: say("a list entry ('- ') is expected here"),
    ),
    (
        re.compile(r"^(?:mapping values are not allowed|could not find expected ':')"),
        lambda m: say("a 'key: value' is not right here (a space after ':' or the indentation)"),
    ),
    (
        re.compile(r"^found unexpected end of stream"),
        lambda m: say("the document ends too early (a quote or bracket is not closed)"),
    ),
    (
        re.compile(r"^found undefined alias '?([^']*)'?"),
        lambda m: say("unknown reference *{name}", name=m[1]),
    ),
    (
        re.compile(r"^found character (?:'.' )?that cannot start any token"),
        lambda m: say("a character that cannot stand here (a tab, or @ or ` at the start)"),
    ),
)


def _yaml_problem(reason: str) -> str:
    """`not valid YAML: …` in the reader's language."""
    if current_language() == "en":
        return say("not valid YAML: {reason}", reason=reason)
    for pattern, said in _YAML_REASONS:
        found = pattern.match(reason)
        if found:
            return say("not valid YAML: {reason}", reason=said(found))
    return say("not valid YAML here")


def _json_problem(exc: json.JSONDecodeError) -> str:
    if current_language() == "en":
        return say("not valid JSON: {reason} (column {column})", reason=exc.msg, column=exc.colno)
    return say("not valid JSON here (column {column})", column=exc.colno)


def os_problem(exc: BaseException) -> str:
    """Why a file could not be read: the system's words in English, in general in Chinese."""
    if current_language() == "en":
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return say("it is not UTF-8 text")
    return say("the system refused it")
