"""Reading a scheme document into frozen objects (scheme-language §1–§2, §6).

`load_scheme(path)` / `scheme_from_text(text)` return a `Scheme` or raise a
`SchemeError` listing every problem with file, line, path and message. Design
warnings (weights that do not add up, §13 limits) are kept on the scheme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from jixiao.scoring.checks import design_warnings
from jixiao.scoring.errors import DocumentError, Path, SchemeError
from jixiao.scoring.history import parse_history
from jixiao.scoring.items import default_facts
from jixiao.scoring.model import PERIOD_KINDS, Item, Node, Raters, Scheme, Section
from jixiao.scoring.parse_population import (
    parse_adjustments,
    parse_distribution,
    parse_grades,
    parse_limits,
    parse_normalize,
    parse_outcomes,
    parse_ranking,
)
from jixiao.scoring.places import first_place
from jixiao.scoring.points import check_labels
from jixiao.scoring.reader import SchemeReader
from jixiao.scoring.rules import parse_rule
from jixiao.scoring.source import Document, parse_text, read_file
from jixiao.scoring.wording import say

TOP_KEYS = (
    "code", "name", "description", "period", "scale", "sections", "items", "raters",
    "adjustments", "total", "grades", "ranking", "distribution", "normalize", "outcomes", "limits",
    "history",
)  # fmt: skip
SECTION_KEYS = ("name", "weight", "items", "sections", "note")
ITEM_KEYS = (
    "code", "name", "weight", "full", "rule", "measure", "standard", "raters", "period",
    "default", "operational", "source", "unit", "note", "indicator", "labels",
)  # fmt: skip
INFO_KEYS = ("operational", "source", "unit", "note", "indicator", "labels")
RATER_KEYS = ("weights", "trim", "missing", "final")
CODE = re.compile(r"^[A-Za-z0-9_-]+$")


def load_scheme(path: str | FilePath) -> Scheme:
    try:
        document = read_file(path, kind="scheme")
    except DocumentError as exc:
        raise SchemeError(exc.problems) from None
    return scheme_from_document(document)


def scheme_from_text(text: str, *, file: str | None = None) -> Scheme:
    try:
        document = parse_text(text, file=file, kind="scheme")
    except DocumentError as exc:
        raise SchemeError(exc.problems) from None
    return scheme_from_document(document)


def scheme_from_document(document: Document) -> Scheme:
    reader = SchemeReader(document)
    if not document.is_json:
        reader.problems.extend(document.duplicate_keys())
    scheme = _scheme(reader, document.data)
    if reader.problems or scheme is None:
        raise SchemeError(reader.problems)
    warnings = [*reader.warnings, *design_warnings(scheme, reader)]
    if reader.problems:  # limits that make a scheme invalid (max_items)
        raise SchemeError(reader.problems)
    return _with(scheme, warnings=tuple(warnings), file=document.file)


def _with(scheme: Scheme, **changes: Any) -> Scheme:
    from dataclasses import replace

    return replace(scheme, **changes)


def _scheme(reader: SchemeReader, data: object) -> Scheme | None:
    spec = reader.keys(data, (), TOP_KEYS, ("code", "name"))
    if spec is None:
        return None
    code = reader.text(spec.get("code"), ("code",))
    if code is not None and not CODE.match(code):
        reader.problem(("code",), say("{code!r}: use letters, digits, '-' and '_' only", code=code))
    name = reader.text(spec.get("name"), ("name",))
    period = str(spec.get("period", "month"))
    if period not in PERIOD_KINDS:
        reader.problem(("period",), _not_a_period(period))
    scale = reader.number(spec.get("scale", 100), ("scale",), minimum=0)
    raters = _raters(reader, spec["raters"], ("raters",)) if "raters" in spec else None
    nodes = _nodes(reader, spec)
    _unique_codes(reader, nodes)
    total = reader.keys(spec.get("total") or {}, ("total",), ("min", "max")) or {}
    total_min = _optional_number(reader, total, "min", ("total",), default=0.0)
    total_max = _optional_number(reader, total, "max", ("total",), default=None)
    grades = parse_grades(reader, spec.get("grades"), ("grades",))
    scheme = Scheme(
        code=code or "",
        name=name or "",
        period=period,
        scale=scale if scale is not None else 100.0,
        nodes=nodes,
        raters=raters,
        adjustments=parse_adjustments(reader, spec.get("adjustments"), ("adjustments",)),
        total_min=total_min,
        total_max=total_max,
        grades=grades,
        ranking=parse_ranking(reader, spec.get("ranking"), ("ranking",)),
        distribution=parse_distribution(reader, spec.get("distribution"), ("distribution",)),
        normalize=parse_normalize(reader, spec.get("normalize"), ("normalize",)),
        outcomes=parse_outcomes(reader, spec.get("outcomes"), ("outcomes",)),
        limits=parse_limits(reader, spec.get("limits"), ("limits",)),
        history=parse_history(reader, spec.get("history"), ("history",), period),
    )
    return scheme


def _optional_number(
    reader: SchemeReader, spec: Mapping[str, Any], key: str, path: Path, default: float | None
) -> float | None:
    if key not in spec:
        return default
    if spec[key] is None:
        return None
    return reader.number(spec[key], (*path, key))


def _nodes(reader: SchemeReader, spec: Mapping[str, Any]) -> tuple[Node, ...]:
    if ("sections" in spec) == ("items" in spec):
        reader.problem((), say("give either sections or items (a form without sections)"))
        return ()
    key = "sections" if "sections" in spec else "items"
    nodes = _children(reader, spec[key], (key,), key, ())
    if not spec[key]:
        reader.problem((key,), say("a scheme needs at least one item"))
    return nodes


def _children(
    reader: SchemeReader, raw: object, path: Path, key: str, section: tuple[str, ...]
) -> tuple[Node, ...]:
    entries = reader.listing(raw, path, key)
    parse = _section if key == "sections" else _item
    nodes = [parse(reader, entry, (*path, index), section) for index, entry in enumerate(entries)]
    found = tuple(node for node in nodes if node is not None)
    _check_weights(reader, found, path)
    return found


def _check_weights(reader: SchemeReader, nodes: tuple[Node, ...], path: Path) -> None:
    if nodes and all(node.weight == 0 for node in nodes):
        reader.problem(path, say("the weights of these siblings are all zero"))


def _section(
    reader: SchemeReader, raw: object, path: Path, parents: tuple[str, ...]
) -> Section | None:
    spec = reader.keys(raw, path, SECTION_KEYS, ("name", "weight"))
    if spec is None:
        return None
    name = reader.text(spec.get("name"), (*path, "name")) or ""
    weight = reader.number(spec.get("weight"), (*path, "weight"), minimum=0)
    if ("sections" in spec) == ("items" in spec):
        reader.problem(path, say("a section has either items or sections"))
        return None
    key = "sections" if "sections" in spec else "items"
    children = _children(reader, spec[key], (*path, key), key, (*parents, name))
    if not spec[key]:
        reader.problem((*path, key), say("a section needs at least one item"))
    if weight is None:
        return None
    return Section(name=name, weight=weight, children=children, path=path)


def _item(reader: SchemeReader, raw: object, path: Path, section: tuple[str, ...]) -> Item | None:
    spec = reader.keys(raw, path, ITEM_KEYS, ("weight", "rule"))
    if spec is None:
        return None
    if "name" not in spec and "code" not in spec:
        reader.problem(path, say("an item needs a name (or a code)"))
        return None
    name = reader.text(spec.get("name", spec.get("code")), (*path, "name")) or ""
    code = reader.text(spec.get("code", name), (*path, "code")) or name
    weight = reader.number(spec.get("weight"), (*path, "weight"), minimum=0)
    full = reader.number(spec.get("full", 100), (*path, "full"))
    if full is not None and full <= 0:
        reader.problem((*path, "full"), say("the full score must be greater than 0"))
    rule = parse_rule(spec.get("rule"), reader, (*path, "rule"))
    measure = reader.expression(spec["measure"], (*path, "measure")) if "measure" in spec else None
    standard = (
        reader.condition(spec["standard"], (*path, "standard")) if "standard" in spec else None
    )
    raters = _raters(reader, spec["raters"], (*path, "raters")) if "raters" in spec else None
    period = spec.get("period")
    if period is not None and period not in PERIOD_KINDS:
        reader.problem((*path, "period"), _not_a_period(period))
    default = spec.get("default")
    if default is not None and not isinstance(default, Mapping):
        default = {"value": default}
    if default is not None:
        _check_default(reader, default, path)
    if "labels" in spec:
        check_labels(reader, spec["labels"], (*path, "labels"))
    if rule is None or weight is None or full is None or full <= 0:
        return None
    return Item(
        code=code,
        name=name,
        weight=weight,
        full=full,
        rule=rule,
        path=path,
        section=section,
        measure=measure,
        standard=standard,
        raters=raters,
        period=None if period is None else str(period),
        default=default,
        info={key: spec[key] for key in INFO_KEYS if key in spec},
    )


def _check_default(reader: SchemeReader, default: Mapping[str, Any], path: Path) -> None:
    """A default is a fact, held to the same form as the facts in a facts file (§3)."""
    bad = [k for k in default if k not in ("value", "score", "inputs", "events", "ratings")]
    for key in bad:
        reader.problem((*path, "default", str(key)), say("unknown key; a default is a fact"))
    if not bad:
        for where, message in default_facts("default", default).problems:
            reader.problem((*path, *where), message)


def _unique_codes(reader: SchemeReader, nodes: tuple[Node, ...]) -> None:
    seen: dict[str, Path] = {}

    def walk(children: tuple[Node, ...]) -> None:
        for node in children:
            if isinstance(node, Section):
                walk(node.children)
            elif node.code in seen:
                reader.problem(
                    node.path,
                    say(
                        "item code {code!r} is used twice (first at {first})",
                        code=node.code,
                        first=first_place(reader.document.data, seen[node.code]),
                    ),
                )
            else:
                seen[node.code] = node.path

    walk(nodes)


def _raters(reader: SchemeReader, raw: object, path: Path) -> Raters | None:
    spec = reader.keys(raw, path, RATER_KEYS)
    if spec is None:
        return None
    final = spec.get("final") or []
    if not isinstance(final, list) or not all(isinstance(t, str) for t in final):
        reader.problem(
            (*path, "final"), say("expected a list of rater types, e.g. [indirect, direct, self]")
        )
        final = []
    weights: dict[str, float] = {}
    raw_weights = spec.get("weights") or {}
    if not isinstance(raw_weights, Mapping):
        reader.problem(
            (*path, "weights"), say("expected {{rater: weight}}, e.g. {{self: 27%, peer: 26%}}")
        )
        raw_weights = {}
    for rater, weight in raw_weights.items():
        number = reader.number(weight, (*path, "weights", str(rater)), minimum=0)
        if number is not None:
            weights[str(rater)] = number
    if weights and final:
        reader.problem(path, say("give either weights or final, not both"))
    if weights and not any(weights.values()):
        reader.problem((*path, "weights"), say("at least one rater must have a weight above 0"))
    trim: dict[str, int] = {}
    for rater, count in (spec.get("trim") or {}).items():
        number = reader.number(count, (*path, "trim", str(rater)), minimum=0)
        if number is not None and number != int(number):
            reader.problem((*path, "trim", str(rater)), say("trim is a whole number of ratings"))
        elif number is not None:
            trim[str(rater)] = int(number)
        if weights and str(rater) not in weights:
            reader.problem((*path, "trim", str(rater)), say("{rater!r} has no weight", rater=rater))
    missing = spec.get("missing", "redistribute")
    if missing not in ("redistribute", "zero", "error"):
        reader.problem((*path, "missing"), say("missing is redistribute (default), zero or error"))
    return Raters(weights=weights, trim=trim, missing=str(missing), final=tuple(final))


def _not_a_period(period: object) -> str:
    return say("{period!r} is not one of {kinds}", period=period, kinds=", ".join(PERIOD_KINDS))
