"""The designer's form model round-trips every scheme exactly: document → design →
document, document → the page's boxes → design → document, and the YAML it writes
reads back to the same document (issue 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.designer.cells import cell_text, cell_value, list_text, list_value
from jixiao.designer.fields import design_from, fields_of
from jixiao.designer.model import MISSING, Item, design_of, document_of, walk
from jixiao.designer.text import document_text
from jixiao.scoring.source import parse_text
from tests.conftest import EXAMPLES

DEMO = Path(__file__).resolve().parents[2] / "jixiao" / "demo" / "schemes"
SCHEMES = sorted(EXAMPLES.glob("*.scheme.yaml")) + sorted(DEMO.glob("*.scheme.yaml"))


def _read(path: Path) -> Any:
    return parse_text(path.read_text(encoding="utf-8"), kind="scheme").data


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types (1 is not 1.0 nor True) and keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_every_scheme_is_found() -> None:
    assert len(SCHEMES) >= 10
    assert {p.name for p in SCHEMES} >= {"fin-manager.scheme.yaml", "warehouse-3pl.scheme.yaml"}


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scheme_round_trips_exactly(path: Path) -> None:
    document = _read(path)
    design = design_of(document)
    assert _same(document_of(design), document)
    assert _same(document_of(design_from(fields_of(design))), document)
    assert _same(parse_text(document_text(document), kind="scheme").data, document)
    # every rule of the examples and demo forms has a form of its own (none kept as text)
    kept = [
        n.name
        for _at, n in walk(design.children)
        if isinstance(n, Item) and n.rule and not n.rule.kind
    ]
    assert kept == []


def test_a_rule_shape_without_a_form_is_kept_as_written() -> None:
    document = {
        "code": "X",
        "name": "x",
        "items": [
            {"name": "a", "weight": 1, "rule": {"bands": [[">= 1", 100, "extra"]]}},
            {"name": "b", "weight": 1, "rule": {"levels": [1, 2]}, "future_key": {"k": [1]}},
        ],
    }
    design = design_of(document)
    assert design.children[0].rule.kind == ""  # type: ignore[union-attr]
    assert _same(document_of(design_from(fields_of(design))), document)


# -- the boxes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100, "100"),
        (0.5, "0.5"),
        (1.0, "1.0"),
        ("98%", "98%"),
        (">= 98%", ">= 98%"),
        ("5", '"5"'),
        ("null", '"null"'),
        (None, "null"),
        (True, "true"),
        (MISSING, ""),
        ("", '""'),
        ("优", "优"),
    ],
)
def test_a_box_shows_a_value_and_reads_it_back(value: Any, text: str) -> None:
    assert cell_text(value) == text
    assert _same(cell_value(text), value) or (value is MISSING and cell_value(text) is MISSING)


# text as people type it (no control characters: YAML itself does not keep U+0085)
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)


def TEXT_OF(low: int = 0, high: int | None = None) -> st.SearchStrategy[str]:
    if high is None:
        low, high = 0, low
    return st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=low, max_size=high
    )


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    TEXT,
)


@given(SCALARS)
def test_any_scalar_survives_its_box(value: Any) -> None:
    assert _same(cell_value(cell_text(value)), value)


@given(st.lists(SCALARS, max_size=6))
def test_any_short_list_survives_its_box(values: list[Any]) -> None:
    assert _same(list_value(list_text(values)), values)


# -- generated schemes ---------------------------------------------------------------------
CONDITIONS = st.sampled_from([">= 98%", "< 5", "== 0", "[0.95, 0.98)", "else", 3, "好"])
NUMBERS = st.one_of(st.integers(-5, 120), st.sampled_from([0.5, 2.5, "70%", "1%"]))
ROW = st.tuples(CONDITIONS, st.one_of(NUMBERS, st.lists(NUMBERS, min_size=2, max_size=2))).map(list)
COST = st.dictionaries(
    st.sampled_from(
        ["each", "zero", "max", "zero_above", "sequence", "tiers", "by_size", "then", "odd"]
    ),
    st.one_of(NUMBERS, st.just(True), st.lists(NUMBERS, max_size=3), st.lists(ROW, max_size=3)),
    max_size=4,
)
RULES = st.one_of(
    st.builds(lambda rows: {"bands": rows}, st.lists(ROW, max_size=4)),
    st.builds(lambda rows: {"interpolate": rows}, st.lists(ROW, max_size=3)),
    st.builds(
        lambda d: {"levels": d},
        st.dictionaries(st.one_of(st.integers(1, 5), TEXT_OF(2)), NUMBERS, max_size=4),
    ),
    st.builds(
        lambda per, o: {"deduct": {**o, "per": per}},
        st.dictionaries(TEXT_OF(1, 6), COST, max_size=3),
        st.dictionaries(
            st.sampled_from(["from", "floor", "overflow"]),
            st.one_of(NUMBERS, st.none(), st.just("carry")),
            max_size=2,
        ),
    ),
    st.builds(
        lambda per: {"add": {"cap": 10, "per": per}},
        st.dictionaries(TEXT_OF(1, 6), COST, max_size=2),
    ),
    st.builds(
        lambda d: {"steps": d},
        st.dictionaries(
            st.sampled_from(["standard", "base", "step", "below", "count"]), NUMBERS, max_size=5
        ),
    ),
    st.builds(
        lambda f, d: {"formula": f, **d},
        TEXT_OF(20),
        st.dictionaries(st.sampled_from(["min", "max"]), NUMBERS, max_size=2),
    ),
    st.builds(
        lambda d: {"direct": d},
        st.one_of(st.none(), st.dictionaries(st.sampled_from(["min", "max"]), NUMBERS, max_size=2)),
    ),
    st.builds(lambda x: x, st.one_of(NUMBERS, st.lists(NUMBERS, max_size=2))),
)
ITEM = st.builds(
    lambda name, weight, rule, extra, raters: {
        "name": name,
        "weight": weight,
        "rule": rule,
        **extra,
        **raters,
    },
    TEXT_OF(1, 8),
    NUMBERS,
    RULES,
    st.dictionaries(
        st.sampled_from(
            ["measure", "standard", "note", "labels", "unit", "default", "points", "v2_key"]
        ),
        st.one_of(SCALARS, st.dictionaries(TEXT_OF(1, 4), SCALARS, max_size=3)),
        max_size=3,
    ),
    st.dictionaries(st.just("raters"), st.deferred(lambda: RATERS), max_size=1),
)


def _sections(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    children = (
        st.builds(lambda items: {"items": items}, st.lists(ITEM, min_size=1, max_size=3))
        if depth == 0
        else st.builds(
            lambda s: {"sections": s}, st.lists(_sections(depth - 1), min_size=1, max_size=2)
        )
    )
    return st.builds(
        lambda name, weight, c: {"name": name, "weight": weight, **c}, TEXT_OF(6), NUMBERS, children
    )


# the form-level parts (§6–§15), each in the shapes the forms hold and in odd ones
MAPS = st.dictionaries(st.one_of(TEXT_OF(1, 6), st.integers(0, 5)), st.one_of(NUMBERS, SCALARS))
TABLE = st.lists(st.tuples(CONDITIONS, st.one_of(NUMBERS, TEXT_OF(4))).map(list), max_size=4)
RATERS = st.dictionaries(
    st.sampled_from(["final", "missing", "weights", "trim", "odd"]),
    st.one_of(MAPS, st.lists(st.sampled_from(["self", "peer", "direct"]), max_size=3), SCALARS),
    max_size=4,
)
EVENTS = st.dictionaries(TEXT_OF(1, 6), COST, max_size=2)
ADJUSTMENT = st.one_of(
    st.builds(
        lambda name, kind, body: {"name": name, kind: body},
        TEXT_OF(1, 6),
        st.sampled_from(["bonus", "penalty"]),
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["each", "range", "cap", "odd"]),
                st.one_of(st.lists(NUMBERS, max_size=3), NUMBERS),
                max_size=3,
            ),
        ),
    ),
    st.builds(
        lambda name, kind, per, cap: {"name": name, kind: {"per": per, **cap}},
        TEXT_OF(1, 6),
        st.sampled_from(["add", "deduct"]),
        EVENTS,
        st.dictionaries(st.sampled_from(["cap", "from"]), NUMBERS, max_size=1),
    ),
    st.builds(
        lambda name, by, values, note: {
            "name": name,
            "coefficient": {"by": by, "values": values},
            **note,
        },
        TEXT_OF(1, 6),
        TEXT_OF(1, 6),
        MAPS,
        st.dictionaries(st.just("note"), TEXT_OF(8), max_size=1),
    ),
    st.builds(
        lambda name, when, effect: {"name": name, "gate": {"when": when, "effect": effect}},
        TEXT_OF(1, 6),
        TEXT_OF(12),
        st.one_of(
            st.sampled_from(["zero", "no_bonus", "cap_grade"]),
            st.builds(lambda k, v: {k: v}, st.sampled_from(["cap_grade", "flag", "zero"]), SCALARS),
            st.lists(SCALARS, max_size=2),
        ),
    ),
    st.builds(
        lambda name, rule, extra: {"points": {"rule": rule, **extra}, "name": name},
        TEXT_OF(1, 6),
        RULES,
        st.dictionaries(
            st.sampled_from(["measure", "labels", "note"]),
            st.one_of(TEXT_OF(8), st.dictionaries(TEXT_OF(1, 4), TEXT_OF(4), max_size=2)),
            max_size=2,
        ),
    ),
    st.one_of(SCALARS, st.dictionaries(st.sampled_from(["name", "bonus", "gate"]), SCALARS)),
)
OUTCOMES = st.dictionaries(
    st.one_of(st.sampled_from(["pay", "salary", "contract"]), TEXT_OF(1, 6)),
    st.one_of(
        st.builds(
            lambda c, d: {"coefficients": c, **d},
            MAPS,
            st.dictionaries(st.sampled_from(["pool", "within", "factor"]), TEXT_OF(6), max_size=2),
        ),
        st.builds(
            lambda steps, d: {"steps": steps, **d},
            TABLE,
            st.dictionaries(st.sampled_from(["current", "min", "max"]), TEXT_OF(6), max_size=2),
        ),
        st.builds(
            lambda by, table: {"by": by, "table": table},
            st.sampled_from(["total", "normalized", "grade"]),
            st.one_of(TABLE, MAPS),
        ),
        SCALARS,
    ),
    max_size=4,
)
HISTORY = st.dictionaries(
    TEXT_OF(1, 8),
    st.dictionaries(
        st.sampled_from(["period", "value", "missing", "odd"]),
        st.one_of(st.sampled_from(["month", "quarter", "total", "error"]), SCALARS),
        max_size=3,
    ),
    max_size=2,
)
CELLS = st.dictionaries(
    st.sampled_from(["within", "by", "min", "max", "method", "max_items", "min_weight", "x"]),
    st.one_of(SCALARS, st.lists(SCALARS, max_size=2)),
    max_size=3,
)
FORM_PARTS: dict[str, st.SearchStrategy[Any]] = {
    "raters": RATERS,
    "adjustments": st.lists(ADJUSTMENT, max_size=4),
    "total": CELLS,
    "grades": st.lists(
        st.one_of(
            st.tuples(CONDITIONS, TEXT_OF(3)).map(list),
            st.tuples(CONDITIONS, TEXT_OF(3), st.fixed_dictionaries({"top": NUMBERS})).map(list),
        ),
        max_size=4,
    ),
    "ranking": CELLS,
    "distribution": st.builds(
        lambda q, d: {"quotas": q, **d}, MAPS, st.dictionaries(st.just("within"), TEXT_OF(6))
    ),
    "normalize": st.builds(
        lambda d, g: {**d, **g},
        CELLS,
        st.dictionaries(st.just("group_factor"), st.one_of(CELLS, SCALARS), max_size=1),
    ),
    "outcomes": OUTCOMES,
    "limits": CELLS,
    "history": HISTORY,
}
ODD_PART = st.one_of(
    st.lists(st.lists(SCALARS, min_size=2, max_size=3), max_size=3),
    st.dictionaries(
        st.sampled_from(["final", "within", "min", "max", "weights", "x"]),
        st.one_of(SCALARS, st.lists(SCALARS, max_size=2)),
        max_size=3,
    ),
    SCALARS,
)


@st.composite
def _form_parts(draw: Any) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(FORM_PARTS)), unique=True, max_size=5))
    return {
        key: draw(st.one_of(FORM_PARTS[key], ODD_PART) if draw(st.booleans()) else FORM_PARTS[key])
        for key in keys
    }


SCHEME_DOCUMENTS = st.builds(
    lambda body, extra: {"code": "GEN", "name": "生成的考核表", **body, **extra},
    st.one_of(
        st.builds(lambda items: {"items": items}, st.lists(ITEM, min_size=1, max_size=3)),
        st.builds(lambda s: {"sections": s}, st.lists(_sections(2), min_size=1, max_size=2)),
    ),
    _form_parts(),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    report_multiple_bugs=False,
)
@given(SCHEME_DOCUMENTS)
def test_any_document_round_trips_through_the_designer(document: dict[str, Any]) -> None:
    design = design_of(document)
    assert _same(document_of(design), document)
    assert _same(document_of(design_from(fields_of(design))), document)
    assert _same(yaml.safe_load(document_text(document)), document)


# -- the buttons ---------------------------------------------------------------------------
def _fin() -> Any:
    return design_of(_read(EXAMPLES / "fin-manager.scheme.yaml"))


def test_sections_and_items_are_added_moved_and_deleted() -> None:
    from jixiao.designer.editing import apply

    design = _fin()
    apply(design, "item-add|n1")
    apply(design, "section-add|top")
    apply(design, "down|n0")
    apply(design, "delete|n3-1")
    document = document_of(design)
    names = [s["name"] for s in document["sections"]]
    assert names == ["运营指标", "财务指标", "客户指标", "学习成长指标", "新的一节5"]
    assert [i["name"] for i in document["sections"][0]["items"]][-1] == "新指标11"
    assert [i["name"] for i in document["sections"][3]["items"]] == ["部门培训计划达成率"]
    apply(design, "section-add|n0")  # a section of items gets no sub-section
    assert "sections" not in document_of(design)["sections"][0]


def test_rows_events_and_labels_by_button() -> None:
    from jixiao.designer.editing import apply

    design = _fin()
    apply(design, "row-up|n0-0|rule|1")
    apply(design, "row-delete|n0-0|rule|4")
    apply(design, "else-add|n0-0|rule")
    assert document_of(design)["sections"][0]["items"][0]["rule"]["bands"] == [
        [">= 95%", 80],
        [">= 98%", 100],
        [">= 90%", 60],
        [">= 80%", 40],
        ["else", 0],
    ]
    apply(design, "event-add|n1-4")
    apply(design, "event-way|n1-4|2|tiers")
    apply(design, "event-way|n1-0|0|sequence")
    apply(design, "label-add|n1-0")
    item = document_of(design)["sections"][1]["items"]
    assert item[4]["rule"]["deduct"]["per"]["event3"] == {"tiers": [[3, 1], ["else", 2]]}
    assert item[0]["rule"]["deduct"]["per"]["violation"] == {
        "sequence": [1, 2, 4],
        "then": "double",
    }
    assert item[0]["labels"] == {"violation": ""}
    apply(design, "row-add|top|grades")
    assert document_of(design)["grades"][-2:] == [[None, None], ["else", "差"]]


def test_a_new_rule_type_starts_from_its_blank_rule() -> None:
    design = _fin()
    fields = fields_of(design)
    fields["n0-0.r.kind"] = "steps"
    changed = document_of(design_from(fields))["sections"][0]["items"][0]["rule"]
    assert changed == {"steps": {"standard": "98%", "base": 100, "step": "1%", "below": -2}}


def test_weights_and_shares_of_the_total() -> None:
    from jixiao.designer.editing import weights_of

    weights = weights_of(_fin())
    assert weights.effective[(1, 0)] == pytest.approx(20)
    assert weights.sums[(1,)] == 60 and weights.sums[()] == 100
    assert weights.total == pytest.approx(100)


# -- the form-level parts' buttons ----------------------------------------------------------
def _blank() -> Any:
    import copy

    from jixiao.designer.editing import BLANK_DOCUMENT

    return design_of(copy.deepcopy(BLANK_DOCUMENT))


def test_adjustments_of_every_kind_are_added_moved_and_deleted() -> None:
    from jixiao.designer.editing import apply

    design = _blank()
    for kind in ("bonus", "penalty", "add", "deduct", "coefficient", "gate", "points"):
        apply(design, f"adj-add|{kind}")
    entries = document_of(design)["adjustments"]
    assert [next(k for k in e if k not in ("name", "note")) for e in entries] == [
        "bonus",
        "penalty",
        "add",
        "deduct",
        "coefficient",
        "gate",
        "points",
    ]
    assert len({e["name"] for e in entries}) == 7
    apply(design, "adj-up|a6")
    apply(design, "adj-delete|a0")
    apply(design, "adj-down|a0")
    kinds = [next(k for k in e if k != "name") for e in document_of(design)["adjustments"]]
    assert kinds == ["add", "penalty", "deduct", "coefficient", "points", "gate"]
    # every one round-trips through the page's boxes
    assert _same(document_of(design_from(fields_of(design))), document_of(design))


def test_a_rule_inside_an_adjustment_has_the_buttons_of_an_items_rule() -> None:
    from jixiao.designer.editing import apply

    design = _blank()
    apply(design, "adj-add|deduct")
    apply(design, "adj-add|points")
    apply(design, "event-add|a0")
    apply(design, "event-way|a0|1|tiers")
    apply(design, "row-add|a0|ev1.tiers")
    apply(design, "label-add|a1")
    entries = document_of(design)["adjustments"]
    assert entries[0]["deduct"]["per"]["event2"] == {"tiers": [[3, 1], [None, None], ["else", 2]]}
    assert entries[1]["points"]["labels"] == {"pass_rate": ""}
    # a points line's rule changed to a tier table, and a row added before 否则
    fields = fields_of(design)
    fields["a1.p.r.kind"] = "bands"
    design = design_from(fields)
    apply(design, "row-add|a1|rule")
    rule = document_of(design)["adjustments"][1]["points"]["rule"]
    assert rule == {"bands": [[">= 100%", 100], [">= 90%", 80], [None, None], ["else", 60]]}


def test_rows_of_the_form_level_parts_by_button() -> None:
    from jixiao.designer.editing import apply

    design = _blank()
    apply(design, "entry-add|top.f.raters.f.weights")
    apply(design, "entry-add|top.f.raters.f.weights")
    apply(design, "entry-add|top.f.raters.f.trim")
    apply(design, "part-add|top.f.distribution")
    apply(design, "entry-delete|top.f.distribution.f.quotas|4")
    apply(design, "part-add|top.f.outcomes.f.salary")
    apply(design, "entry-add|top.f.outcomes.f.salary.f.steps")
    apply(design, "entry-up|top.f.outcomes.f.salary.f.steps|1")
    apply(design, "part-add|top.f.outcomes.f.pay")
    apply(design, "named-add|top.f.outcomes.labels")
    apply(design, "entry-add|top.f.outcomes.labels.0.f.table")
    apply(design, "named-add|top.f.history")
    apply(design, "part-add|top.f.normalize")
    apply(design, "part-add|top.f.normalize.f.group_factor")
    apply(design, "part-add|n0-0.f.raters")
    document = document_of(design)
    assert document["raters"] == {
        "weights": {"supervisor": 0, "self": 0},
        "trim": {"supervisor": 1},
    }
    assert list(document["distribution"]["quotas"]) == ["A", "B", "C", "D"]
    assert document["outcomes"]["salary"]["steps"] == [
        ["> 80", 1],
        ["> 95", 2],
        ["> 60", 0],
        [None, None],
        ["else", -1],
    ]
    label = document["outcomes"]["培训" if "培训" in document["outcomes"] else "training"]
    assert label["table"] == [[">= 80", ""], [None, None], ["else", ""]]
    assert document["history"] == {"monthly_totals": {"period": "month", "value": "total"}}
    assert document["normalize"]["group_factor"] == {"by": "manager_score", "cap": "spread"}
    assert "weights" in document["sections"][0]["items"][0]["raters"]
    apply(design, "part-delete|top.f.distribution")
    apply(design, "named-delete|top.f.history|0")
    apply(design, "part-delete|n0-0.f.raters")
    document = document_of(design)
    assert "distribution" not in document and document["history"] == {}
    assert "raters" not in document["sections"][0]["items"][0]
    # a stale or unknown target changes nothing
    before = document_of(design)
    for action in ("entry-add|top.f.nothing.f.x.f.y", "adj-delete|a9", "named-add|top.f.x"):
        apply(design, action)
    assert _same(document_of(design), before)


def test_a_gate_effect_with_a_value_is_written_as_the_engine_reads_it() -> None:
    design = _blank()
    from jixiao.designer.editing import apply

    apply(design, "adj-add|gate")
    fields = fields_of(design)
    fields["a0.b.f.effect"] = "cap_grade"
    fields["a0.b.f.effect.value"] = "合格"
    gate = document_of(design_from(fields))["adjustments"][0]["gate"]
    assert gate == {"when": "loss >= 2000", "effect": {"cap_grade": "合格"}}
    fields["a0.b.f.effect"] = "zero"  # the value box left filled does not matter
    gate = document_of(design_from(fields))["adjustments"][0]["gate"]
    assert gate == {"when": "loss >= 2000", "effect": "zero"}


def test_keys_no_form_covers_are_kept_in_the_parts_yaml_box() -> None:
    document = {
        "code": "X",
        "name": "x",
        "items": [{"name": "a", "weight": 1, "rule": {"direct": None}}],
        "raters": {"weights": {"self": "50%", "peer": "50%"}, "future": [1, 2]},
        "outcomes": {"contract": {"reference_periods": 1}, "pay": {"pool": "p", "v2": 1}},
        "adjustments": [{"name": "奖", "bonus": {"each": [1, 2]}, "v2": True}, [1, 2]],
    }
    fields = fields_of(design_of(document))
    assert fields["top.f.raters.x"] == "future:\n- 1\n- 2"
    assert "reference_periods" in fields["top.f.outcomes.x"]
    assert fields["top.f.outcomes.f.pay.x"] == "v2: 1"
    assert fields["a0.x"] == "v2: true" and fields["a1.kind"] == "" and fields["a1.kept"]
    assert fields["top.f.raters.f.weights.1.key"] == "peer"
    assert _same(document_of(design_from(fields)), document)


def test_a_label_outcome_decided_by_the_grade_now_becomes_a_table_of_grades() -> None:
    document = {
        "code": "X",
        "name": "x",
        "items": [{"name": "a", "weight": 1, "rule": {"direct": None}}],
        "outcomes": {
            "training": {"by": "total", "table": [["优秀", "晋升培训"], ["差", "必须培训"]]}
        },
    }
    fields = fields_of(design_of(document))
    fields["top.f.outcomes.labels.0.f.by"] = "grade"
    label = document_of(design_from(fields))["outcomes"]["training"]
    assert label == {"by": "grade", "table": {"优秀": "晋升培训", "差": "必须培训"}}
    fields = fields_of(design_from(fields))
    fields["top.f.outcomes.labels.0.f.by"] = ""
    label = document_of(design_from(fields))["outcomes"]["training"]
    assert label == {"table": [["优秀", "晋升培训"], ["差", "必须培训"]]}
