"""Scheme documents that cannot exhaust the machine (jixiao/scoring/source.py).

A document is capped before anything reads it: its text (1 MB), the nodes it
expands to (100,000; an alias counts as everything it refers to) and its depth.
The caps are counted while the YAML is composed, so a few hundred bytes of
anchors referring to anchors (which once cost 14.6 s and 2.2 GB) are refused at
once, by `jixiao check` and `jixiao score` alike (exit 2, the cap named). The
property: a document within the caps reads as PyYAML reads it; one beyond them
is refused — the expanded size counted here independently of the engine.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.cli import main
from jixiao.scoring import DocumentError, SchemeError, language, scheme_from_text
from jixiao.scoring.source import MAX_BYTES, MAX_DEPTH, MAX_NODES, Limits, parse_text

NODES = "nodes (an alias counts as everything it refers to)"
DEEP = "levels deep"
BYTES = "bytes are allowed"
ENDLESS = "never ends"

GOOD = """\
code: CAPS
name: 上限
items:
  - {code: 回款率, weight: 1, rule: {direct: {min: 0, max: 100}}}
"""


def alias_bomb(levels: int = 7, width: int = 10) -> str:
    """Anchors referring to anchors: `width ** levels` strings from a few hundred bytes."""
    lines = ["code: BOMB", "name: bomb", 'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    lines.append(f"items: *a{levels}")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 8) -> str:
    """The same with merge keys: each mapping merges the one before, twice over."""
    lines = ["code: BOMB", "name: bomb", "m0: &m0 {k: v}"]
    for level in range(1, levels + 1):
        inner = ", ".join(f"k{i}: *m{level - 1}" for i in range(10))
        lines.append(f"m{level}: &m{level} {{<<: *m{level - 1}, {inner}}}")
    return "\n".join(lines) + "\n"


def nested_block(depth: int) -> str:
    return "code: DEEP\nname: d\nitems:\n" + "".join(
        "  " * level + "- \n" for level in range(1, depth)
    )


BOMBS = {
    "alias bomb (7 levels x 10, 400 bytes)": (alias_bomb(), NODES),
    "merge-key bomb": (merge_bomb(), NODES),
    "an anchor that contains its own alias": ("code: X\nname: x\nitems: &a [*a]\n", ENDLESS),
    "deep flow nesting": ("code: X\nitems: " + "[" * 50_000 + "]" * 50_000 + "\n", DEEP),
    "deep block nesting": (nested_block(MAX_DEPTH + 5), DEEP),
    "deep JSON": ('{"code": "X", "items": ' + "[" * 20_000 + "]" * 20_000 + "}", DEEP),
    "aliases deeper than their places": (
        "code: X\n"
        + "".join(
            f"d{k}: &d{k} " + "[" * 60 + (f"*d{k - 1}" if k else "0") + "]" * 60 + "\n"
            for k in range(3)
        ),
        DEEP,
    ),
    "huge text": ("code: X\nname: x\n" + "# padding\n" * 120_000, BYTES),
    "huge text in one string": ('code: X\nname: "' + "长" * 400_000 + '"\n', BYTES),
    "many keys": (
        "code: X\nname: x\nmany:\n" + "".join(f"  k{n}: 1\n" for n in range(MAX_NODES // 2)),
        NODES,
    ),
    "many list entries in JSON": (
        '{"code": "X", "items": [' + ",".join(["0"] * MAX_NODES) + "]}",
        NODES,
    ),
}


@pytest.mark.parametrize("name", BOMBS)
@pytest.mark.parametrize("command", ["check", "score"])
def test_every_bomb_is_refused_by_the_command_line_naming_the_cap(
    name: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, cap = BOMBS[name]
    scheme = tmp_path / ("bomb.scheme.json" if text.startswith("{") else "bomb.scheme.yaml")
    scheme.write_text(text, encoding="utf-8")
    facts = tmp_path / "facts.yaml"
    facts.write_text("appraisees: []\n", encoding="utf-8")
    argv = ["check", str(scheme)] if command == "check" else ["score", str(scheme), str(facts)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert cap in err
    assert "Traceback" not in err
    assert str(scheme) in err  # the file is named


@pytest.mark.parametrize("name", BOMBS)
def test_every_bomb_is_one_problem_with_a_place(name: str) -> None:
    text, cap = BOMBS[name]
    with pytest.raises(SchemeError) as caught:
        scheme_from_text(text)
    [problem] = caught.value.problems
    assert cap in problem.message
    if cap in (NODES, ENDLESS) and not text.startswith("{"):
        assert problem.line is not None  # the line where the count passed the cap


def test_the_alias_bomb_is_refused_at_the_place_the_count_passes_the_cap() -> None:
    with pytest.raises(SchemeError) as caught:
        scheme_from_text(alias_bomb())
    [problem] = caught.value.problems
    assert problem.line == 8  # a5: 10**5 strings would pass 100,000 at its fourth alias
    assert problem.path[0] == "a5"
    assert "100,000" in problem.message


def test_the_refusals_are_said_in_chinese_too() -> None:
    with language("zh"), pytest.raises(SchemeError) as caught:
        scheme_from_text(alias_bomb())
    assert "文档展开后超过 100,000 个节点" in caught.value.problems[0].message
    with language("zh"), pytest.raises(SchemeError) as caught:
        scheme_from_text("code: X\nname: x\n" + "# padding\n" * 120_000)
    assert "最多允许 1,048,576 字节" in caught.value.problems[0].message


def test_the_caps_are_parameters_with_defaults() -> None:
    assert Limits() == Limits(max_bytes=MAX_BYTES, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
    assert (MAX_BYTES, MAX_NODES) == (1024 * 1024, 100_000)
    text = "a: [1, 2, 3]\n"  # 2 + 1 + 3 nodes
    assert parse_text(text, limits=Limits(max_nodes=6)).data == {"a": [1, 2, 3]}
    with pytest.raises(DocumentError, match="more than 5 nodes"):
        parse_text(text, limits=Limits(max_nodes=5))
    with pytest.raises(DocumentError, match="13 bytes; at most 12"):
        parse_text(text, limits=Limits(max_bytes=12))
    with pytest.raises(DocumentError, match="more than 2 levels"):
        parse_text(text, limits=Limits(max_depth=2))  # the mapping, the list, the numbers
    assert parse_text(text, limits=Limits(max_depth=3)).data == {"a": [1, 2, 3]}


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.scheme.yaml"
    big.write_bytes(b"code: X\n" + b"#" * (MAX_BYTES + 10) + b"\n")
    assert main(["check", str(big)]) == 2


def test_facts_files_are_not_capped_by_default() -> None:
    """Facts are as large as the company (100,000 appraisees and more)."""
    rows = "".join(f"  - {{id: E{n}, facts: {{}}}}\n" for n in range(MAX_NODES // 3))
    document = parse_text("appraisees:\n" + rows, kind="facts")
    assert len(document.data["appraisees"]) == MAX_NODES // 3


def test_a_shared_anchor_is_indexed_once_for_its_lines() -> None:
    """Line numbers (asked for when something is wrong) never walk an alias twice:
    a facts file, not capped, with a bomb in it still finds its lines at once."""
    document = parse_text(alias_bomb(5, 10), kind="facts")
    assert document.line_of(("items", 3)) == 8
    assert document.duplicate_keys() == []


# -- the property: within the caps, read as PyYAML reads it; beyond, refused ------------


@dataclass(frozen=True)
class Built:
    text: str
    nodes: int  # every key, value and entry, each alias expanded
    height: int  # levels, each alias expanded; a key stands at its mapping's level


SCALARS = ["x", "1", "2.5", "'引号'", "null", "true", "长"]


@st.composite
def documents(draw: st.DrawFn) -> Built:
    """A nested flow-style YAML document with anchors and aliases to earlier anchors,
    with its expanded size and height counted here, apart from the engine."""
    anchors: list[tuple[str, Built]] = []
    names = itertools.count()

    def node(budget: int) -> Built:
        kinds = ["scalar"] + (["list", "map"] if budget else []) + (["alias"] if anchors else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "scalar":
            built = Built(draw(st.sampled_from(SCALARS)), 1, 1)
        elif kind == "alias":
            name, target = draw(st.sampled_from(anchors))
            return Built(f"*{name}", target.nodes, target.height)
        else:
            children = [node(budget - 1) for _ in range(draw(st.integers(0, 4)))]
            height = 1 + max((child.height for child in children), default=0)
            if kind == "list":
                text = "[" + ", ".join(child.text for child in children) + "]"
                built = Built(text, 1 + sum(child.nodes for child in children), height)
            else:
                pairs = ", ".join(f"k{i}: {child.text}" for i, child in enumerate(children))
                nodes = 1 + sum(1 + child.nodes for child in children)
                built = Built("{" + pairs + "}", nodes, height)
        if draw(st.booleans()):
            name = f"a{next(names)}"
            anchors.append((name, built))
            return Built(f"&{name} {built.text}", built.nodes, built.height)
        return built

    parts = [node(draw(st.integers(0, 5))) for _ in range(draw(st.integers(1, 4)))]
    text = "".join(f"p{i}: {part.text}\n" for i, part in enumerate(parts))
    return Built(
        text,
        1 + sum(1 + part.nodes for part in parts),
        1 + max(part.height for part in parts),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents(), max_nodes=st.integers(1, 400), max_depth=st.integers(1, 9))
def test_within_the_caps_a_document_reads_as_yaml_does_beyond_them_it_is_refused(
    document: Built, max_nodes: int, max_depth: int
) -> None:
    limits = Limits(max_nodes=max_nodes, max_depth=max_depth)
    if document.nodes <= max_nodes and document.height <= max_depth:
        assert parse_text(document.text, limits=limits).data == yaml.safe_load(document.text)
        return
    with pytest.raises(DocumentError) as caught:
        parse_text(document.text, limits=limits)
    [problem] = caught.value.problems
    if document.height <= max_depth:
        assert f"more than {max_nodes:,} nodes" in problem.message
    elif document.nodes <= max_nodes:
        assert f"more than {max_depth} levels" in problem.message


@settings(max_examples=100, deadline=None)
@given(document=documents(), max_nodes=st.integers(1, 400), max_depth=st.integers(1, 9))
def test_json_is_capped_as_yaml_is(document: Built, max_nodes: int, max_depth: int) -> None:
    data = yaml.safe_load(document.text)  # aliases expanded: JSON has none
    text = json.dumps(data, ensure_ascii=False)
    limits = Limits(max_nodes=max_nodes, max_depth=max_depth)
    if document.nodes <= max_nodes and document.height <= max_depth:
        assert parse_text(text, file="x.json", limits=limits).data == data
    else:
        with pytest.raises(DocumentError):
            parse_text(text, file="x.json", limits=limits)


def test_an_ordinary_scheme_is_unaffected() -> None:
    assert scheme_from_text(GOOD).code == "CAPS"
