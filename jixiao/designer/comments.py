"""Whether a scheme document carries YAML comments.

The designer writes a document anew from the form (designer/text.py), and PyYAML, the
only YAML library the project has, does not keep comments: saving from the designer
drops them. The page says so before HR saves a form whose document has comments
(docs/guide/hr.md); the YAML editor (/hr/schemes/<code>/edit/) keeps a document as
written, comments and all."""

from __future__ import annotations

import yaml


def has_comments(text: str) -> bool:
    """True when a `#` starts a comment somewhere in `text` (not one inside a value)."""
    if "#" not in text:
        return False
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return "\n#" in f"\n{text.lstrip()}"  # unreadable: only a line that starts with one
    lines = text.splitlines()
    inside: dict[int, list[tuple[int, int]]] = {}  # line -> spans held by values
    for token in tokens:
        if isinstance(token, yaml.ScalarToken):
            start, end = token.start_mark, token.end_mark
            for at in range(start.line, end.line + 1):
                low = start.column if at == start.line else 0
                high = end.column if at == end.line else len(lines[at]) + 1
                inside.setdefault(at, []).append((low, high))
    for number, line in enumerate(lines):
        for column, char in enumerate(line):
            if char != "#" or (column > 0 and not line[column - 1].isspace()):
                continue
            if not any(low <= column < high for low, high in inside.get(number, ())):
                return True
    return False
