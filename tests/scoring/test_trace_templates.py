"""The template pass (jixiao/scoring/trace_templates.py) says every row's item trace
exactly as `ItemColumn.trace(row)` says it, for every templated rule type and branch,
in English and Chinese; and it leaves to `trace(row)` only the rows with an error (and,
for `deduct`/`add`, events given as lists of sizes or priced `by_size`)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.scoring import facts_from_text, scheme_from_text, score
from jixiao.scoring.engine import ScoreRun
from jixiao.scoring.trace_templates import fill
from jixiao.scoring.traces import keyed_traces, prepare
from jixiao.scoring.wording import language

RATERS = {
    "L1": "raters: {weights: {self: 20%, peer: 30%, boss: 50%}, trim: {peer: 1}}",
    "D1": "raters: {weights: {self: 20%, peer: 30%, boss: 50%}, missing: zero}",
    "D2": "raters: {final: [boss, peer, self]}",
    "D4": "raters: {weights: {self: 0, boss: 1}}",
}

SCHEME = """
code: TT
name: 模板
items:
  - {code: B1, weight: 1, measure: a / b, standard: '>= 95%',
     rule: {bands: [['>= 100%', 100], ['>= 90%', [70, 90]], [else, 20]]}}
  - {code: B2, weight: 1, rule: {bands: [['== 0', 100], ['<= 2', 80], ['[3, 5)', 50]]}}
  - {code: L1, weight: 1, rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}}, RATERS_L1}
  - {code: L2, weight: 1, rule: {levels: {优: [90, 100], 良: 80, 3: 60, 5: 100}}}
  - {code: D1, weight: 1, rule: {direct: {min: 0, max: 100}}, RATERS_D1}
  - {code: D2, weight: 1, rule: {direct: {}}, RATERS_D2}
  - {code: D3, weight: 1, standard: '>= 80', rule: {direct: {min: 0, max: 100}}}
  - {code: D4, weight: 1, rule: {direct: {}}, RATERS_D4}
  - {code: S1, weight: 1, full: 10,
     rule: {steps: {standard: 98%, base: 10, step: 1%, below: -2, count: whole, min: 0, max: 10}}}
  - {code: S2, weight: 1, full: 10, measure: a / b, standard: '>= 70%',
     rule: {steps: {standard: 70%, base: 6, step: 1%, above: 1, max: 10}}}
  - {code: S3, weight: 1, full: 10,
     rule: {steps: {standard: 70%, base: 6, step: 5%, below: -1, above: 2}}}
  - {code: I1, weight: 1, rule: {interpolate: [[0.6, 0], [1, 100], [1.2, 120]]}}
  - {code: F1, weight: 1, rule: {formula: "100 - 0.5 * overrun", min: 0, max: 100}}
  - {code: F2, weight: 1, standard: '>= 50', rule: {formula: "a * 10 + b", max: 100}}
  - {code: F3, weight: 1, rule: {formula: "70"}}
  - {code: E1, weight: 1, full: 20, rule: {deduct: {per: {late: {tiers: [[3, 2], [else, 5]]},
     lost: {zero: true}, slow: {tiers: [[2, 1], [5, 3]], mode: flat, max: 10}}}}}
  - {code: E2, weight: 1, rule: {deduct: {from: 30, floor: 5, overflow: carry,
     per: {violation: {each: 10}, error: {sequence: [1, 2, 4], then: double, zero_above: 6}}}}}
  - {code: E3, weight: 1, rule: {deduct: {floor: null, per: {late: {sequence: [2, 3]},
     accident: {by_size: [['>= 5000', 50], ['>= 500', 20], [else, 5]]}}}}}
  - {code: E4, weight: 1, full: 10, rule: {add: {cap: 10, per: {idea: {each: 2.5}}}}}
  - {code: E5, weight: 1, standard: '== 0', measure: late,
     rule: {add: {from: 60, per: {late: {tiers: [[1, 0.5], [else, 2]]}}}}}
"""
for code, raters in RATERS.items():
    SCHEME = SCHEME.replace(f"RATERS_{code}", raters)

EVENTS = {
    "E1": ("late", "lost", "slow"),
    "E2": ("violation", "error"),
    "E3": ("late", "accident"),
    "E4": ("idea",),
    "E5": ("late",),
}
maybe = st.booleans()
rating = st.integers(30, 110)
level = st.sampled_from(["优", "良", "中", "差", "甲", "3", "5", 4, 95, 85.5])
number = st.one_of(
    st.integers(-5, 130).map(lambda v: v / 100),
    st.integers(0, 8),
    st.sampled_from([0.93, 0.98, 0.9999999999, 1.0000000001, 0.7, 0.725, "n/a"]),
)


@st.composite
def ratings(draw: st.DrawFn, values: st.SearchStrategy[object]) -> str:
    given = []
    for rater, many in (("self", False), ("peer", True), ("boss", False)):
        if draw(maybe):
            found = draw(st.lists(values, min_size=1, max_size=5 if many else 1))
            given.append(f"{rater}: {found if many and draw(maybe) else found[0]}")
    return f"{{ratings: {{{', '.join(given)}}}}}"


@st.composite
def appraisee(draw: st.DrawFn, index: int) -> str:
    facts = []
    if draw(maybe):
        a, b = draw(st.integers(0, 130)), draw(st.integers(0, 110))
        person = f", score: {draw(st.integers(60, 95))}" if draw(maybe) else ""
        facts.append(f"B1: {{inputs: {{a: {a}, b: {b}}}{person}}}")
    for code in ("B2", "S1", "S3", "I1"):
        if draw(maybe):
            facts.append(f"{code}: {{value: {draw(number)}}}")
    if draw(maybe):
        facts.append(f"S2: {{inputs: {{a: {draw(st.integers(0, 100))}, b: 100}}}}")
    for code in ("L1", "L2"):
        if draw(maybe):
            facts.append(f"{code}: {{value: {draw(level)}}}")
        elif draw(maybe):
            facts.append(f"{code}: {draw(ratings(level if code == 'L1' else rating))}")
    for code in ("D1", "D2", "D3", "D4"):
        if draw(maybe):
            facts.append(f"{code}: {{score: {draw(rating)}}}")
        elif draw(maybe):
            facts.append(f"{code}: {draw(ratings(rating))}")
    if draw(maybe):
        facts.append(f"F1: {{inputs: {{overrun: {draw(st.integers(0, 300)) / 2}}}}}")
    if draw(maybe):
        facts.append(f"F2: {{inputs: {{a: {draw(st.integers(0, 12))}, b: {draw(number)}}}}}")
    for code, names in EVENTS.items():
        if draw(maybe):
            happened = []
            for name in names:
                if draw(maybe):
                    sizes = draw(st.lists(st.integers(0, 9000), max_size=3))
                    happened.append(f"{name}: {sizes if draw(maybe) else draw(st.integers(0, 12))}")
            facts.append(f"{code}: {{events: {{{', '.join(happened)}}}}}")
    return f"  - id: P{index}\n    facts: {{{', '.join(facts)}}}\n"


def scored(people: list[str]) -> ScoreRun:
    facts = facts_from_text("appraisees:\n" + "".join(people)).periods[0]
    return score(scheme_from_text(SCHEME), facts)


def branches(run: ScoreRun, code: str) -> Counter[str]:
    """Each row's template pass against `trace(row)`; the branches it met (by the trace's
    shape), so a test can see what it covered."""
    met: Counter[str] = Counter()
    with language(code):
        for column in run.items:
            column.said = {}
            made = fill(column, range(run.n))
            assert made is not None, column.item.code
            for row, text in enumerate(made):
                if row in column.errors:
                    assert text is None
                    continue
                if text is None:  # only events given as sizes, or a by_size cost
                    assert column.item.rule.kind in ("deduct", "add"), (column.item.code, row)
                    continue
                assert text == column.trace(row), (code, column.item.code, row)
                met[column.item.code] += 1
    return met


@pytest.mark.parametrize("code", ["en", "zh"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(1, 12).flatmap(lambda n: st.tuples(*(appraisee(i) for i in range(n)))))
def test_the_template_pass_says_each_row_as_its_trace(code: str, people: tuple[str, ...]) -> None:
    branches(scored(list(people)), code)


PEOPLE = [
    "  - id: A\n    facts: {B1: {inputs: {a: 101, b: 100}}, B2: {value: 0}, L1: {value: 良},"
    " L2: {value: 3}, D1: {score: 80}, D2: {ratings: {peer: [70, 90], self: 60}},"
    " D3: {score: 85}, D4: {ratings: {self: 90, boss: 70}}, S1: {value: 0.93},"
    " S2: {inputs: {a: 75, b: 100}}, S3: {value: 0.7}, I1: {value: 1.1},"
    " F1: {inputs: {overrun: 250}}, F2: {inputs: {a: 3, b: 4}},"
    " E1: {events: {late: 5, slow: 4}}, E2: {events: {violation: 4, error: 2}},"
    " E3: {events: {late: 3}}, E4: {events: {idea: 6}}, E5: {events: {late: 3}}}\n",
    "  - id: B\n    facts: {B1: {inputs: {a: 92, b: 100}, score: 80}, B2: {value: 4},"
    " L1: {ratings: {self: 优, peer: [良, 中, 差, 优], boss: 中}}, L2: {ratings: {boss: 95}},"
    " D1: {ratings: {self: 90, boss: 70}}, D2: {ratings: {boss: 75}},"
    " D3: {score: 60}, D4: {ratings: {boss: 70}}, S1: {value: 0.99},"
    " S2: {inputs: {a: 69, b: 100}}, S3: {value: 0.81}, I1: {value: 0.5},"
    " F1: {inputs: {overrun: 8}}, F2: {inputs: {a: 12, b: 0}},"
    " E1: {events: {late: 1, lost: 1}}, E2: {events: {error: 9}}, E3: {events: {accident: 600}},"
    " E4: {events: {idea: 2}}, E5: {events: {late: 0}}}\n",
    "  - id: C\n    facts: {B1: {inputs: {a: 10, b: 0}}, L1: {ratings: {peer: [优, 良]}},"
    " D1: {ratings: {peer: 50}}, D2: {ratings: {self: 77, peer: 66}}, S1: {value: 0.5},"
    " S3: {value: 0.6}, I1: {value: n/a}}\n",
]


@pytest.mark.parametrize("code", ["en", "zh"])
def test_every_templated_rule_type_is_met_on_a_known_population(code: str) -> None:
    run = scored(PEOPLE)
    met = branches(run, code)
    assert set(met) == {column.item.code for column in run.items}
    assert sum(len(column.errors) for column in run.items) >= 3


@pytest.mark.parametrize("code", ["en", "zh"])
def test_prepared_traces_equal_the_keyed_ones(code: str) -> None:
    run = scored([person.replace("id: ", f"id: {copy}") for copy in "xyz" for person in PEOPLE])
    with language(code):
        rows = range(run.n)
        keyed = [keyed_traces(column, run.facts, rows) for column in run.items]
        prepare(run, rows)
        assert [[column.trace(row) for row in rows] for column in run.items] == keyed
