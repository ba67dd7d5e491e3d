"""A designed document written as YAML for people: blocks for the form's structure,
one line for each table row and for each small mapping (`{each: 10}`), Chinese as
written. Reading the text back gives the same document (tested)."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _flat(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _small(value: Any) -> bool:
    """A row or a small mapping, written on one line."""
    if isinstance(value, list):
        return all(_flat(v) or (isinstance(v, list | dict) and _small(v)) for v in value)
    if isinstance(value, dict):
        return len(value) <= 4 and all(_flat(v) for v in value.values())
    return True


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = all(_flat(v) for v in value) or (
        all(isinstance(v, list) for v in value) and len(value) <= 1 and _small(value)
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.Node:
    flow = bool(value) and all(_flat(v) for v in value.values()) and len(value) <= 4
    flow = flow and all(not isinstance(v, str) or len(v) < 30 for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def document_text(document: Any) -> str:
    return str(
        yaml.dump(
            document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
        )
    )
