"""What a person types in one box of the designer, and the value it stands for.

`cell_text(value)` and `cell_value(text)` are inverse: `cell_value(cell_text(v)) == v`
with the same type, for every value a scheme document holds in one box (numbers,
text, true/false, null). So a form posted back unchanged gives the same document.

- an empty box is a key left out (`MISSING`); `null` is a key written empty;
- `100` is a whole number, `0.5` a decimal, `98%` and `>= 98%` are text (the engine
  reads them), `true`/`false` are yes/no;
- text that would read as something else is shown in quotes: `"5"` is the text 5.

`yaml_text` / `yaml_value` do the same for a part shown as a small YAML box
(the advanced view of a part the designer has no form for).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from jixiao.designer.model import MISSING

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?$")
_SPECIAL = {"null": None, "true": True, "false": False, ".inf": math.inf, "-.inf": -math.inf}


def cell_value(text: str) -> Any:
    if text == "":
        return MISSING
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    if text in _SPECIAL:
        return _SPECIAL[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def cell_text(value: Any) -> str:
    if value is MISSING:
        return ""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    back = cell_value(text)
    if isinstance(back, str) and back == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def list_text(values: list[Any]) -> str:
    """A short list in one box, `1, 2, 4` (`[]` for an empty one)."""
    if not values:
        return "[]"
    return ", ".join(_list_cell(v) for v in values)


def _list_cell(value: Any) -> str:
    text = cell_text(value)
    if isinstance(value, str) and (
        any(c in text for c in ',，"') or text != text.strip() or text == "[]"
    ):
        return json.dumps(value, ensure_ascii=False)
    return text


def list_value(text: str) -> Any:
    if not text.strip():
        return MISSING
    if text.strip() == "[]":
        return []
    return [cell_value(part.strip()) for part in _split(text)]


def _split(text: str) -> list[str]:
    """Split at commas outside quotes."""
    parts, current, quoted, escaped = [], "", False, False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        if char in ",，" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def yaml_text(value: Any) -> str:
    if value is MISSING:
        return ""
    return str(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)).rstrip(
        "\n"
    )


def yaml_value(text: str) -> Any:
    """A YAML box's value; raises ValueError with the YAML reader's words."""
    if not text.strip():
        return MISSING
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from None
