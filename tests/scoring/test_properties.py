"""Properties that hold for every scheme and every population (hypothesis):

- more deduction events never raise a deduct item's score (nor lower an add item's);
- multiplying every weight by a positive constant leaves every total unchanged;
- one appraisee scored alone equals the same appraisee scored in a batch;
- the last number of a bands or deduct trace is the item's score.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.scoring import facts_from_text, scheme_from_text, score
from tests.scoring.helpers import item_one, one_item_scheme

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

costs = st.integers(min_value=0, max_value=40).map(lambda tenths: tenths / 10)


# -- event rules -----------------------------------------------------------------


@st.composite
def tiers(draw: st.DrawFn, *, flat: bool) -> str:
    """Progressive tiers, or flat tiers whose rate does not fall as the count rises."""
    bounds = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=3)))
    rates = draw(st.lists(costs, min_size=len(bounds) + 1, max_size=len(bounds) + 1))
    if flat:
        rates = sorted(rates)
    rows = [f"[{b}, {r}]" for b, r in zip(bounds, rates, strict=False)] + [f"[else, {rates[-1]}]"]
    return f"tiers: [{', '.join(rows)}]" + (", mode: flat" if flat else "")


@st.composite
def event_cost(draw: st.DrawFn, *, zeroes: bool = True) -> str:
    kinds = ["each", "tiers", "flat", "sequence", "by_size"] + (["zero"] if zeroes else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "each":
        body = f"each: {draw(costs)}"
    elif kind in ("tiers", "flat"):
        body = draw(tiers(flat=kind == "flat"))
    elif kind == "sequence":
        steps = draw(st.lists(costs, min_size=1, max_size=4))
        then = draw(st.sampled_from(["repeat", "double"]))
        body = f"sequence: [{', '.join(map(str, steps))}], then: {then}"
    elif kind == "by_size":
        # bigger sizes cost at least as much (a bare count stands as one size, §5.3)
        limits = sorted(draw(st.sets(st.integers(0, 9), min_size=1, max_size=3)), reverse=True)
        prices = sorted(draw(st.lists(costs, min_size=len(limits), max_size=len(limits))))
        rows = ", ".join(
            f"['>= {limit}', {price}]" for limit, price in zip(limits, prices[::-1], strict=True)
        )
        body = f"by_size: [{rows}]"
    else:
        body = "zero: true"
    if zeroes and kind != "zero" and draw(st.booleans()):
        body += f", zero_above: {draw(st.integers(0, 12))}"
    if kind != "zero" and draw(st.booleans()):
        body += f", max: {draw(costs) * 5}"
    return f"{{{body}}}"


@st.composite
def deduct_rule(draw: st.DrawFn) -> str:
    floor = draw(st.sampled_from(["", "floor: null", "floor: 2", "overflow: carry"]))
    # without a floor a score can fall below 0, and a zero condition (score 0) would raise it
    zeroes = floor != "floor: null"
    names = draw(st.lists(st.sampled_from(["late", "error", "loss"]), min_size=1, unique=True))
    per = ", ".join(f"{name}: {draw(event_cost(zeroes=zeroes))}" for name in names)
    options = ""
    if floor:
        options += f", {floor}"
    if draw(st.booleans()):
        options += f", from: {draw(st.integers(5, 10))}"
    return f"deduct: {{per: {{{per}}}{options}}}"


@st.composite
def add_rule(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(["praise", "idea"]), min_size=1, unique=True))
    per = ", ".join(f"{name}: {draw(event_cost(zeroes=False))}" for name in names)
    cap = f", cap: {draw(st.integers(1, 10))}" if draw(st.booleans()) else ""
    return f"add: {{per: {{{per}}}{cap}}}"


def event_fact(name: str, sizes: list[int], listed: bool) -> str:
    return f"{name}: [{', '.join(map(str, sizes))}]" if listed else f"{name}: {len(sizes)}"


def scores_for(rule: str, events: list[str]) -> list[float]:
    """Score a one-item scheme for one appraisee per entry of `events`; all must score."""
    scheme = one_item_scheme(rule, full=10)
    facts = "appraisees:\n" + "".join(
        f"  - {{id: P{i}, facts: {{X: {{events: {{{e}}}}}}}}}\n" for i, e in enumerate(events)
    )
    run = score(scheme, facts_from_text(facts).periods[0])
    [column] = run.items
    assert not column.errors, column.errors
    return [float(s) for s in column.score]


@st.composite
def growing_events(draw: st.DrawFn, names: tuple[str, ...]) -> list[str]:
    """Facts of appraisees, each with the events of the one before plus some more."""
    listed = {name: draw(st.booleans()) for name in names}
    current: dict[str, list[int]] = {name: [] for name in names}
    population = []
    for _ in range(draw(st.integers(2, 6))):
        for name in names:
            current[name] = current[name] + draw(st.lists(st.integers(0, 9), max_size=4))
        population.append(
            ", ".join(event_fact(name, sizes, listed[name]) for name, sizes in current.items())
        )
    return population


@PROPERTY
@given(st.data())
def test_more_deduction_events_never_raise_a_deduct_score(data: st.DataObject) -> None:
    rule = data.draw(deduct_rule())
    population = data.draw(growing_events(("late", "error", "loss")))
    found = scores_for(rule, population)
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(found)), (rule, found)


@PROPERTY
@given(st.data())
def test_more_events_never_lower_an_add_score(data: st.DataObject) -> None:
    rule = data.draw(add_rule())
    population = data.draw(growing_events(("praise", "idea")))
    found = scores_for(rule, population)
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(found)), (rule, found)


# -- weights scale freely ------------------------------------------------------------


@st.composite
def tree(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    """Sibling nodes: ("item", weight) or ("section", weight, children); not all weights 0."""
    count = draw(st.integers(1, 3))
    nodes: list[Any] = []
    for _ in range(count):
        weight = draw(st.integers(0, 50))
        if depth < 2 and draw(st.booleans()):
            nodes.append(("section", weight, draw(tree(depth + 1))))
        else:
            nodes.append(("item", weight))
    if all(node[1] == 0 for node in nodes):
        nodes[0] = (nodes[0][0], 1, *nodes[0][2:])
    return nodes


def render(nodes: list[Any], factor: float, indent: str, counter: list[int]) -> list[str]:
    """YAML lines for sibling nodes; a section holds either items or sections, so items
    beside sections are wrapped in a section of their own (which changes no weight)."""
    if any(node[0] == "section" for node in nodes):
        nodes = [n if n[0] == "section" else ("section", n[1], [("item", 1)]) for n in nodes]
    lines = []
    for node in nodes:
        weight = repr(node[1] * factor)
        counter[0] += 1
        if node[0] == "item":
            lines.append(
                f"{indent}- {{code: i{counter[0]}, weight: {weight}, rule: {{direct: {{}}}}}}"
            )
        else:
            children = node[2]
            key = "sections" if any(child[0] == "section" for child in children) else "items"
            lines += [f"{indent}- name: s{counter[0]}", f"{indent}  weight: {weight}"]
            lines.append(f"{indent}  {key}:")
            lines += render(children, factor, indent + "    ", counter)
    return lines


def scheme_text(nodes: list[Any], factor: float) -> str:
    key = "sections" if any(node[0] == "section" for node in nodes) else "items"
    body = render(nodes, factor, "  ", [0])
    return f"code: T\nname: t\n{key}:\n" + "\n".join(body) + "\n"


@PROPERTY
@given(
    nodes=tree(),
    factor=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
    scores=st.lists(st.integers(0, 100), min_size=12, max_size=12),
)
def test_multiplying_every_weight_leaves_every_total_unchanged(
    nodes: list[Any], factor: float, scores: list[int]
) -> None:
    base = scheme_from_text(scheme_text(nodes, 1.0))
    scaled = scheme_from_text(scheme_text(nodes, factor))
    codes = [item.code for item in base.items]
    assert codes == [item.code for item in scaled.items]
    lines = ["appraisees:"]
    for person in range(3):
        given = ", ".join(
            f"{code}: {{score: {scores[(person * 5 + i) % len(scores)]}}}"
            for i, code in enumerate(codes)
        )
        lines.append(f"  - {{id: P{person}, facts: {{{given}}}}}")
    facts = facts_from_text("\n".join(lines)).periods[0]
    before, after = score(base, facts), score(scaled, facts)
    assert np.allclose(before.total, after.total, rtol=1e-9, atol=1e-9)
    for one, other in zip(before.items, after.items, strict=True):
        assert np.isclose(one.weight, other.weight, rtol=1e-9, atol=1e-12)


# -- one appraisee alone equals the same appraisee in a batch ----------------------------

MIXED = """\
code: MIX
name: 混合
sections:
  - name: 业绩
    weight: 60
    items:
      - {code: ratio, weight: 30, measure: done / planned, standard: ">= 90%",
         rule: {bands: [[">= 98%", 100], [">= 90%", [70, 90]], [else, 40]]}}
      - {code: pallet, weight: 20, full: 10, rule: {steps: {standard: 70%, base: 10, step: 1%,
         below: -2, count: exact, min: 0}}}
      - {code: growth, weight: 20, full: 120, rule: {interpolate: [[target, 100], [challenge, 120]]}}
      - {code: safety, weight: 30, rule: {formula: "100 - 3 * W", min: 0, max: 100}}
  - name: 态度
    weight: 40
    items:
      - {code: level, weight: 1, rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}}}
      - {code: late, weight: 1, full: 10, rule: {deduct: {per: {late: {tiers: [[3, 1], [else, 2]]},
         loss: {by_size: [[">= 500", 5], [">= 100", 2]]}}, overflow: carry}}}
      - {code: rated, weight: 1, rule: {direct: {min: 0, max: 100}},
         raters: {weights: {self: 20%, peer: 30%, boss: 50%}, trim: {peer: 1}}}
adjustments:
  - {name: 创新, bonus: {each: [0, 10], cap: 15}}
  - {name: 安全, coefficient: {by: accident, values: {none: 1, minor: 0.9}}}
  - {name: 基本项, gate: {when: "W > 25", effect: no_bonus}}
grades: [[">= 90", 优秀], [">= 70", 良好], [else, 合格]]
"""  # noqa: E501

maybe = st.booleans()


@st.composite
def appraisee(draw: st.DrawFn, index: int) -> str:
    facts: list[str] = []
    if draw(maybe):
        planned = draw(st.integers(0, 50))
        done = draw(st.integers(0, 60))
        person = f", score: {draw(st.integers(60, 95))}" if draw(maybe) else ""
        facts.append(f"ratio: {{inputs: {{done: {done}, planned: {planned}}}{person}}}")
    if draw(maybe):
        facts.append(f"pallet: {{value: {draw(st.integers(50, 80)) / 100}}}")
    if draw(maybe):
        facts.append(f"growth: {{value: {draw(st.integers(80, 140))}}}")
    if draw(maybe):
        facts.append(f"level: {draw(st.sampled_from(['优', '良', '中', '差', '甲']))}")
    late = draw(st.integers(0, 8))
    losses = draw(st.lists(st.integers(0, 900), max_size=3))
    facts.append(f"late: {{events: {{late: {late}, loss: {losses}}}}}")
    ratings = []
    for rater, many in (("self", False), ("peer", True), ("boss", False)):
        if draw(maybe):
            values = draw(st.lists(st.integers(50, 110), min_size=1, max_size=4 if many else 1))
            ratings.append(f"{rater}: {values}")
    if ratings:
        facts.append(f"rated: {{ratings: {{{', '.join(ratings)}}}}}")
    inputs = [f"target: {draw(st.integers(90, 110))}", "challenge: 125"]
    if draw(maybe):
        inputs.append(f"W: {draw(st.integers(0, 40))}")
    inputs.append(f"accident: {draw(st.sampled_from(['none', 'minor', 'grave']))}")
    bonus = draw(st.lists(st.integers(0, 12), max_size=2))
    return (
        f"  - id: P{index}\n"
        f"    inputs: {{{', '.join(inputs)}}}\n"
        f"    adjustments: {{创新: {bonus}}}\n"
        f"    facts: {{{', '.join(facts)}}}\n"
    )


@st.composite
def population(draw: st.DrawFn) -> list[str]:
    size = draw(st.integers(1, 8))
    return [draw(appraisee(index)) for index in range(size)]


ALONE_KEYS = ("items", "subtotal", "adjustments", "total", "grade", "flags", "errors")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(population())
def test_one_appraisee_alone_equals_the_same_in_a_batch(people: list[str]) -> None:
    scheme = scheme_from_text(MIXED)
    batch = score(scheme, facts_from_text("appraisees:\n" + "".join(people)).periods[0]).results()
    for person, in_batch in zip(people, batch, strict=True):
        [alone] = score(scheme, facts_from_text("appraisees:\n" + person).periods[0]).results()
        for key in ALONE_KEYS:
            assert alone[key] == in_batch[key], (key, person)


def test_the_mixed_scheme_exercises_errors_and_scores() -> None:
    """The population strategy above reaches both scored and failed appraisees."""
    scheme = scheme_from_text(MIXED)
    people = (
        "  - id: A\n    inputs: {target: 100, challenge: 125, W: 10, accident: none}\n"
        "    facts: {ratio: {inputs: {done: 49, planned: 50}}, pallet: {value: 0.675},"
        " growth: {value: 110}, level: 良, late: {events: {late: 5, loss: [600, 50]}},"
        " rated: {ratings: {self: 90, peer: [95, 88, 85], boss: 80}}}\n"
        "  - id: B\n    inputs: {target: 100, challenge: 125, accident: grave}\n"
        "    facts: {ratio: {inputs: {done: 1, planned: 0}}}\n"
    )
    a, b = score(scheme, facts_from_text("appraisees:\n" + people).periods[0]).results()
    assert a["errors"] == [] and a["total"] is not None
    assert b["total"] is None and len(b["errors"]) >= 3


# -- the last number of a trace is the score ------------------------------------------------

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def last_number(trace: str) -> float:
    return float(NUMBER.findall(trace)[-1])


@st.composite
def bands_case(draw: st.DrawFn) -> tuple[str, str]:
    limits = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=5)), reverse=True)
    rows = [f"['>= {limit}', {draw(st.integers(0, 100))}]" for limit in limits]
    if draw(st.booleans()):
        rows.append(f"[else, {draw(st.integers(0, 100))}]")
    if draw(st.booleans()):
        low = draw(st.integers(0, 50))
        rows.insert(0, f"['> 100', [{low}, {low + 50}]]")
    value = draw(st.integers(-10, 120))
    extra = f", score: {draw(st.integers(0, 100))}" if draw(st.booleans()) else ""
    return f"bands: [{', '.join(rows)}]", f"{{value: {value}{extra}}}"


@st.composite
def deduct_case(draw: st.DrawFn) -> tuple[str, str]:
    rule = draw(deduct_rule())
    listed = draw(st.booleans())
    events = ", ".join(
        event_fact(name, draw(st.lists(st.integers(0, 900), max_size=6)), listed)
        for name in ("late", "error", "loss")
    )
    return rule, f"{{events: {{{events}}}}}"


@PROPERTY
@given(st.one_of(bands_case(), deduct_case()))
def test_a_traces_last_number_is_the_score(case: tuple[str, str]) -> None:
    rule, facts = case
    item = item_one(rule, facts, full=10 if rule.startswith("deduct") else 100)
    if item["score"] is None:
        assert item["trace"].startswith("error: ")
        return
    assert last_number(item["trace"]) == item["score"], item
