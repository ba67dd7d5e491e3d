"""Reading schemes (scheme-language §1–§2): every problem with its file, line,
path and a message a person understands; design warnings that are not errors;
and effective weights (§2.1)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from jixiao.scoring import SchemeError, load_scheme, scheme_from_text
from jixiao.scoring.errors import Problem
from jixiao.scoring.weights import effective_weights
from tests.scoring.helpers import one_item_scheme, results, scheme_of


def problems_of(text: str, file: str | None = None) -> list[Problem]:
    with pytest.raises(SchemeError) as caught:
        scheme_from_text(textwrap.dedent(text).lstrip("\n"), file=file)
    return caught.value.problems


def messages(text: str) -> list[str]:
    """Each problem as `path: message`, without the line."""
    found = []
    for problem in problems_of(text):
        found.append(str(Problem(problem.path, problem.message)))
    return found


MISSPELT = """\
code: T
name: t
sections:
  - name: s
    weight: 100
    items:
      - {name: a, weight: 50, rule: {direct: {}}}
      - name: b
        weight: 50
        rulle: {direct: {}}
"""


def test_an_unknown_key_names_its_path_line_and_the_key_meant(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(MISSPELT, "utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    [problem] = caught.value.problems
    assert problem.line == 10
    assert problem.file == str(path)
    assert str(problem) == (
        f"{path}:10: sections[0].items[1].rulle: unknown key; did you mean 'rule'?"
    )
    assert str(caught.value).startswith("invalid scheme: 1 problem(s)\n")


def test_an_unknown_key_with_nothing_close_lists_what_is_allowed() -> None:
    [message] = messages(
        "code: T\nname: t\nitems: [{name: a, weight: 1, rule: {direct: {}}}]\nxyz: 1"
    )
    assert message.startswith("xyz: unknown key; expected one of code, name,")


def test_every_problem_is_reported_together_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            code: T
            name: t
            items:
              - {name: a, weight: -5, rule: {direct: {}}}
              - name: b
                weight: 5
                measure: "a +* b"
                rule: {direct: {}}
              - name: c
                weight: 5
                standard: about 5
                rule: {bands: [[">= 1", 100], [else, 0]]}
              - {name: d, weight: 5, rule: {dirct: {}}}
            grades: [[">== 90", 优秀]]
            """
        ),
        "utf-8",
    )
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    found = [(p.line, str(Problem(p.path, p.message))) for p in caught.value.problems]
    assert found == [
        (4, "items[0].weight: must be at least 0, got -5"),
        (7, "items[1].measure: syntax error in expression 'a +* b', column 4: invalid syntax"),
        (
            11,
            "items[2].standard: not a condition: 'about 5' "
            "(write e.g. '>= 98%', '< 5', '[0.95, 0.98)' or else)",
        ),
        (13, "items[3].rule.dirct: unknown key; did you mean 'direct'?"),
        (14, "grades[0][0]: condition '>== 90': expected a number, got '= 90'"),
    ]


SCHEME_PROBLEMS = [
    (
        "both sections and items",
        """
        code: T
        name: t
        items: [{name: a, weight: 1, rule: {direct: {}}}]
        sections: [{name: s, weight: 1, items: [{name: b, weight: 1, rule: {direct: {}}}]}]
        """,
        "give either sections or items (a form without sections)",
    ),
    (
        "neither sections nor items",
        "code: T\nname: t\n",
        "give either sections or items (a form without sections)",
    ),
    ("no items", "code: T\nname: t\nitems: []\n", "items: a scheme needs at least one item"),
    (
        "empty section",
        "code: T\nname: t\nsections: [{name: s, weight: 1, items: []}]\n",
        "sections[0].items: a section needs at least one item",
    ),
    (
        "missing code",
        "name: t\nitems: [{name: a, weight: 1, rule: {direct: {}}}]\n",
        "missing required key 'code'",
    ),
    (
        "bad code",
        "code: 财务 1\nname: t\nitems: [{name: a, weight: 1, rule: {direct: {}}}]\n",
        "code: '财务 1': use letters, digits, '-' and '_' only",
    ),
    (
        "bad period",
        "code: T\nname: t\nperiod: week\nitems: [{name: a, weight: 1, rule: {direct: {}}}]\n",
        "period: 'week' is not one of month, quarter, half, year",
    ),
    (
        "negative weight",
        "code: T\nname: t\nitems: [{name: a, weight: -1, rule: {direct: {}}}]\n",
        "items[0].weight: must be at least 0, got -1",
    ),
    (
        "a weight that is not a number",
        "code: T\nname: t\nitems: [{name: a, weight: heavy, rule: {direct: {}}}]\n",
        "items[0].weight: expected a number, got 'heavy'",
    ),
    (
        "all-zero sibling items",
        """
        code: T
        name: t
        items:
          - {name: a, weight: 0, rule: {direct: {}}}
          - {name: b, weight: 0, rule: {direct: {}}}
        """,
        "items: the weights of these siblings are all zero",
    ),
    (
        "all-zero sibling sections",
        """
        code: T
        name: t
        sections:
          - {name: s, weight: 0, items: [{name: a, weight: 1, rule: {direct: {}}}]}
          - {name: u, weight: 0, items: [{name: b, weight: 1, rule: {direct: {}}}]}
        """,
        "sections: the weights of these siblings are all zero",
    ),
    (
        "a zero full score",
        "code: T\nname: t\nitems: [{name: a, weight: 1, full: 0, rule: {direct: {}}}]\n",
        "items[0].full: the full score must be greater than 0",
    ),
    (
        "duplicate item codes",
        """
        code: T
        name: t
        sections:
          - {name: s, weight: 1, items: [{name: a, weight: 1, rule: {direct: {}}}]}
          - {name: u, weight: 1, items: [{code: a, name: b, weight: 1, rule: {direct: {}}}]}
        """,
        "sections[1].items[0]: item code 'a' is used twice (first at sections[0].items[0])",
    ),
    (
        "duplicate YAML keys",
        "code: T\nname: t\ncode: U\nitems: [{name: a, weight: 1, rule: {direct: {}}}]\n",
        "code: duplicate key (the file states it twice)",
    ),
    (
        "an empty rule",
        "code: T\nname: t\nitems: [{name: a, weight: 1, rule: {}}]\n",
        "items[0].rule: give exactly one rule type of bands, levels, deduct, add, steps, "
        "interpolate, formula, direct (found none)",
    ),
    (
        "two rule types",
        "code: T\nname: t\nitems: [{name: a, weight: 1, rule: {direct: {}, levels: {a: 1}}}]\n",
        "items[0].rule: give exactly one rule type of bands, levels, deduct, add, steps, "
        "interpolate, formula, direct (found direct, levels)",
    ),
    (
        "no rule",
        "code: T\nname: t\nitems: [{name: a, weight: 1}]\n",
        "items[0]: missing required key 'rule'",
    ),
    (
        "a function that is not allowed",
        "code: T\nname: t\nitems: [{name: a, weight: 1, measure: 'open(1)', rule: {direct: {}}}]\n",
        "items[0].measure: expression 'open(1)', column 1: function 'open' is not allowed",
    ),
    (
        "a bad gate expression",
        """
        code: T
        name: t
        items: [{name: a, weight: 1, rule: {direct: {}}}]
        adjustments: [{name: g, gate: {when: 'loss >', effect: zero}}]
        """,
        "adjustments[0].gate.when: syntax error in expression 'loss >'",
    ),
    (
        "a bad gate effect",
        """
        code: T
        name: t
        items: [{name: a, weight: 1, rule: {direct: {}}}]
        adjustments: [{name: g, gate: {when: 'loss > 0', effect: nothing}}]
        """,
        "adjustments[0].gate.effect: effect is one of zero, no_bonus, cap_grade, flag",
    ),
    (
        "two adjustment kinds",
        """
        code: T
        name: t
        items: [{name: a, weight: 1, rule: {direct: {}}}]
        adjustments: [{name: g, bonus: {}, penalty: {}}]
        """,
        "adjustments[0]: give exactly one of bonus, penalty, add, deduct, coefficient, gate",
    ),
    (
        "a grade row after else",
        """
        code: T
        name: t
        items: [{name: a, weight: 1, rule: {direct: {}}}]
        grades: [[else, 差], ['>= 90', 优]]
        """,
        "grades[1]: no row can follow else",
    ),
    (
        "an item period",
        "code: T\nname: t\nitems: [{name: a, weight: 1, period: week, rule: {direct: {}}}]\n",
        "items[0].period: 'week' is not one of month, quarter, half, year",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [pytest.param(*p[1:], id=p[0]) for p in SCHEME_PROBLEMS]
)
def test_scheme_problems(text: str, message: str) -> None:
    found = messages(text)
    assert any(m == message or m.startswith(message) for m in found), found


RULE_PROBLEMS = [
    ("bands: []", "rule.bands: expected a list of [condition, score] rows"),
    ("bands: [['>= 1']]", "rule.bands[0]: a row is [condition, score]"),
    ("bands: [[else, 1], ['>= 1', 2]]", "rule.bands[1]: no row can follow else"),
    ("bands: [['>= 1', [90, 80]]]", "rule.bands[0][1]: score range [90, 80] is empty"),
    ("bands: [['[1, 0]', 1]]", "rule.bands[0][0]: interval '[1, 0]' is empty: 1 > 0"),
    ("bands: [[true, 1]]", "rule.bands[0][0]: not a condition: True"),
    ("levels: {}", "rule.levels: expected {level: points}"),
    ("levels: {好: high}", "rule.levels.好: expected a number, got 'high'"),
    ("deduct: {}", "rule.deduct: missing required key 'per'"),
    ("deduct: {per: {}}", "rule.deduct.per: expected {event_name: {each: 3}, ...}"),
    ("deduct: {per: {x: {}}}", "rule.deduct.per.x: give exactly one of each, tiers, sequence"),
    ("deduct: {per: {x: {each: 1, zero: true}}}", "rule.deduct.per.x: give exactly one of"),
    (
        "deduct: {per: {x: {tiers: [[10, 1], [5, 2]]}}}",
        "rule.deduct.per.x.tiers[1][0]: tiers must go up",
    ),
    (
        "deduct: {per: {x: {tiers: [[else, 1], [5, 2]]}}}",
        "rule.deduct.per.x.tiers[1][0]: tiers must go up, with else last",
    ),
    (
        "deduct: {per: {x: {tiers: [[5, 1]], mode: steep}}}",
        "rule.deduct.per.x.mode: mode is progressive (default) or flat",
    ),
    (
        "deduct: {per: {x: {sequence: [1], then: triple}}}",
        "rule.deduct.per.x.then: then is repeat (default) or double",
    ),
    ("deduct: {per: {x: {zero: false}}}", "rule.deduct.per.x.zero: write zero: true"),
    (
        "deduct: {per: {x: {each: 1, eahc: 2}}}",
        "rule.deduct.per.x.eahc: unknown key; did you mean 'each'?",
    ),
    (
        "deduct: {per: {x: {each: 1}}, overflow: spill}",
        "rule.deduct.overflow: overflow is carry (or leave it out)",
    ),
    (
        "deduct: {per: {x: {each: 1}}, overflow: carry, floor: null}",
        "rule.deduct.overflow: overflow: carry needs a floor",
    ),
    ("steps: {standard: 1, base: 10}", "rule.steps: missing required key 'step'"),
    ("steps: {standard: 1, base: 10, step: 0}", "rule.steps.step: a step must be greater than 0"),
    (
        "steps: {standard: 1, base: 10, step: 1, count: half}",
        "rule.steps.count: count is whole (default), exact or started",
    ),
    ("interpolate: [[0, 0]]", "rule.interpolate: expected at least two [value, score] points"),
    (
        "interpolate: [[1, 0], [0, 10]]",
        "rule.interpolate: points must be in increasing value order",
    ),
    ("interpolate: [[target +, 0], [1, 10]]", "rule.interpolate[0][0]: syntax error in expression"),
    ("formula: '1 +'", "rule.formula: syntax error in expression '1 +'"),
    ("direct: {min: 10, max: 0}", "rule.direct: min 10 is above max 0"),
    ("direct: {}, min: 0", "rule.min: unknown key for a direct rule"),
    ("bogus: {}", "rule.bogus: unknown key; expected one of bands, levels,"),
]


@pytest.mark.parametrize(("rule", "message"), RULE_PROBLEMS)
def test_rule_problems(rule: str, message: str) -> None:
    with pytest.raises(SchemeError) as caught:
        one_item_scheme(rule)
    found = [str(Problem(p.path, p.message)) for p in caught.value.problems]
    assert any(m.startswith(f"items[0].{message}") for m in found), found


def test_problems_in_one_item_do_not_hide_those_in_the_next() -> None:
    found = messages(
        """
        code: T
        name: t
        items:
          - {name: a, weight: 1, rule: {bands: [[">= x", 1]]}}
          - {name: b, weight: 1, rule: {deduct: {per: {x: {tiers: [[2, 1], [1, 2]]}}}}}
          - {name: c, weight: 1, rule: {steps: {standard: 1, base: 1, step: -1}}}
        """
    )
    assert [m.split(":")[0] for m in found] == [
        "items[0].rule.bands[0][0]",
        "items[1].rule.deduct.per.x.tiers[1][0]",
        "items[2].rule.steps.step",
    ]


# -- JSON schemes --------------------------------------------------------------------

YAML_SCHEME = """\
code: T
name: 测试
sections:
  - name: 业绩
    weight: 70
    items:
      - {name: 回款率, weight: 1, measure: a / b, rule: {bands: [[">= 98%", 100], [else, 60]]}}
  - name: 态度
    weight: 30
    items:
      - {name: 纪律, weight: 1, rule: {deduct: {per: {late: {each: 5}}}}}
grades: [[">= 90", 优秀], [else, 合格]]
"""

FACTS = """
appraisees:
  - {id: A, facts: {回款率: {inputs: {a: 490, b: 500}}, 纪律: {events: {late: 3}}}}
  - {id: B, facts: {回款率: {inputs: {a: 400, b: 500}}}}
"""


def test_a_json_scheme_scores_as_the_same_yaml_scheme(tmp_path: Path) -> None:
    as_json = tmp_path / "scheme.json"
    as_json.write_text(json.dumps(yaml.safe_load(YAML_SCHEME), ensure_ascii=False), "utf-8")
    as_yaml = tmp_path / "scheme.yaml"
    as_yaml.write_text(YAML_SCHEME, "utf-8")
    from_json = results(load_scheme(as_json), FACTS)
    assert from_json == results(load_scheme(as_yaml), FACTS)
    assert [r["total"] for r in from_json] == [95.5, 72]


def test_a_json_scheme_problem_names_its_line(tmp_path: Path) -> None:
    data = yaml.safe_load(YAML_SCHEME)
    data["sections"][1]["items"][0]["rulle"] = data["sections"][1]["items"][0].pop("rule")
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    [problem] = caught.value.problems
    line = path.read_text("utf-8").splitlines()[(problem.line or 0) - 1]
    assert '"rulle"' in line
    assert problem.message == "unknown key; did you mean 'rule'?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: T\nname: [\n", "not valid YAML"),
        ('{"code": "T", "name": }', "not valid JSON"),
        ("- a\n- b\n", "expected a mapping with code, name"),
    ],
)
def test_a_scheme_that_is_not_a_document(text: str, message: str) -> None:
    assert any(message in m for m in messages(text))


def test_a_missing_scheme_file(tmp_path: Path) -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(tmp_path / "none.yaml")
    assert str(caught.value.problems[0]) == f"{tmp_path / 'none.yaml'}: file not found"


# -- weight warnings (§2.1): warnings, not errors --------------------------------------

WARNINGS = [
    (
        "top level adds up to the scale",
        "sections: [{name: s, weight: 60, items: [A]}, {name: u, weight: 40, items: [B]}]",
        [],
    ),
    (
        "top level does not",
        "sections: [{name: s, weight: 60, items: [A]}, {name: u, weight: 30, items: [B]}]",
        ["sections: the top-level weights add up to 90, not the scale 100"],
    ),
    (
        "children add up to the section's weight",
        "sections: [{name: s, weight: 100, items: [A60, B40]}]",
        [],
    ),
    ("children add up to 100", "sections: [{name: s, weight: 100, items: [A30, B70]}]", []),
    ("children all equal", "sections: [{name: s, weight: 100, items: [A1, B1]}]", []),
    (
        "children add up to neither",
        "sections: [{name: s, weight: 100, items: [A30, B20]}]",
        ["sections[0]: section 's': its weights add up to 50, neither its own weight 100 nor 100"],
    ),
    (
        "nested",
        "sections: [{name: s, weight: 100, sections: [{name: n, weight: 100, items: [A5, B6]}]}]",
        ["sections[0].sections[0]: section 'n': its weights add up to 11"],
    ),
]


@pytest.mark.parametrize(("body", "warnings"), [pytest.param(*w[1:], id=w[0]) for w in WARNINGS])
def test_weight_warnings(body: str, warnings: list[str]) -> None:
    def item(match: re.Match[str]) -> str:
        code, weight = match.group(1), match.group(2) or "1"
        return f"{{code: {code}, weight: {weight}, rule: {{direct: {{}}}}}}"

    body = re.sub(r"\b([AB])(\d*)\b", item, body)
    scheme = scheme_from_text(f"code: T\nname: t\n{body}\n")
    found = [str(Problem(w.path, w.message)) for w in scheme.warnings]
    assert len(found) == len(warnings), found
    for got, want in zip(found, warnings, strict=True):
        assert got.startswith(want)
    assert all(w.severity == "warning" for w in scheme.warnings)


# -- effective weights (§2.1) ------------------------------------------------------------


def test_effective_weights_of_nested_sections_three_deep() -> None:
    scheme = scheme_of(
        """
        code: T
        name: t
        sections:
          - name: 业绩
            weight: 70
            sections:
              - name: 财务
                weight: 1
                sections:
                  - name: 成本
                    weight: 3
                    items:
                      - {code: a, weight: 30, rule: {direct: {}}}
                      - {code: b, weight: 10, rule: {direct: {}}}
                  - name: 收入
                    weight: 1
                    items: [{code: c, weight: 1, rule: {direct: {}}}]
              - name: 客户
                weight: 1
                items: [{code: d, weight: 1, rule: {direct: {}}}]
          - name: 态度
            weight: 30
            items: [{code: e, weight: 1, rule: {direct: {}}}]
        """
    )
    assert effective_weights(scheme) == pytest.approx(
        {
            "a": 70 * 1 / 2 * 3 / 4 * 30 / 40,
            "b": 70 * 1 / 2 * 3 / 4 * 10 / 40,
            "c": 70 * 1 / 2 * 1 / 4,
            "d": 35,
            "e": 30,
        }
    )
    [result] = results(
        scheme,
        "appraisees:\n  - {id: A, facts: {a: {score: 100}, b: {score: 0}, c: {score: 0},"
        " d: {score: 0}, e: {score: 0}}}",
    )
    assert result["items"][0]["weight"] == 19.6875
    assert result["total"] == 19.6875


def test_a_sheet_whose_items_add_to_110_is_normalised_to_its_section() -> None:
    scheme = scheme_of(
        """
        code: T
        name: t
        sections:
          - {name: 业绩, weight: 85, items: [{code: p, weight: 1, rule: {direct: {}}}]}
          - name: 态度
            weight: 15
            items:
              - {code: a, weight: 30, rule: {direct: {}}}
              - {code: b, weight: 25, rule: {direct: {}}}
              - {code: c, weight: 25, rule: {direct: {}}}
              - {code: d, weight: 30, rule: {direct: {}}}
        """
    )
    weights = effective_weights(scheme)
    assert sum(weights[c] for c in "abcd") == pytest.approx(15)
    assert weights["a"] == pytest.approx(15 * 30 / 110)
    full = "{score: 100}"
    [result] = results(
        scheme,
        f"appraisees:\n  - {{id: A, facts: {{p: {{score: 0}}, a: {full}, b: {full}, c: {full},"
        f" d: {full}}}}}",
    )
    assert result["total"] == 15


POINTS_OF_THE_TOTAL = """
code: P
name: points
sections:
  - name: 业绩
    weight: 70
    items: [{code: a, weight: 35, rule: {direct: {}}}, {code: b, weight: 35, rule: {direct: {}}}]
  - name: 态度
    weight: 15
    items:
      - {code: c, weight: 4.5, rule: {direct: {}}}
      - {code: d, weight: 3.75, rule: {direct: {}}}
      - {code: e, weight: 3.75, rule: {direct: {}}}
      - {code: f, weight: 3, rule: {direct: {}}}
  - name: 能力
    weight: 15
    items: [{code: g, weight: 15, rule: {direct: {}}}]
"""

PERCENT_OF_SHEETS = """
code: Q
name: sheets
sections:
  - name: 业绩
    weight: 70
    items: [{code: a, weight: 50, rule: {direct: {}}}, {code: b, weight: 50, rule: {direct: {}}}]
  - name: 态度
    weight: 15
    items:
      - {code: c, weight: 30, rule: {direct: {}}}
      - {code: d, weight: 25, rule: {direct: {}}}
      - {code: e, weight: 25, rule: {direct: {}}}
      - {code: f, weight: 20, rule: {direct: {}}}
  - name: 能力
    weight: 15
    items: [{code: g, weight: 100, rule: {direct: {}}}]
"""

FLAT = """
code: F
name: flat
items:
  - {code: a, weight: 35, rule: {direct: {}}}
  - {code: b, weight: 35, rule: {direct: {}}}
  - {code: c, weight: 4.5, rule: {direct: {}}}
  - {code: d, weight: 3.75, rule: {direct: {}}}
  - {code: e, weight: 3.75, rule: {direct: {}}}
  - {code: f, weight: 3, rule: {direct: {}}}
  - {code: g, weight: 15, rule: {direct: {}}}
"""

MANY = """
appraisees:
  - {id: A, facts: {a: {score: 90}, b: {score: 80}, c: {score: 70}, d: {score: 60},
                    e: {score: 100}, f: {score: 0}, g: {score: 85}}}
  - {id: B, facts: {a: {score: 10}, b: {score: 100}, c: {score: 100}, d: {score: 95},
                    e: {score: 33}, f: {score: 100}, g: {score: 0}}}
"""


def test_points_of_the_total_and_percentages_of_sheets_score_the_same() -> None:
    def totals(text: str) -> list[tuple[float, float]]:
        scheme = scheme_of(text)
        assert scheme.warnings == ()
        return [(r["subtotal"], r["total"]) for r in results(scheme, MANY)]

    expected = totals(POINTS_OF_THE_TOTAL)
    assert expected == totals(PERCENT_OF_SHEETS) == totals(FLAT)
    a = 0.35 * 90 + 0.35 * 80 + 0.045 * 70 + 0.0375 * 60 + 0.0375 * 100 + 0.15 * 85
    assert expected[0][1] == pytest.approx(a, abs=1e-4)


def test_scale_sets_the_total() -> None:
    scheme = one_item_scheme("direct: {}", top="scale: 10")
    assert results(scheme, "appraisees:\n  - {id: A, facts: {X: {score: 85}}}")[0]["total"] == 8.5


def test_a_zero_weight_item_contributes_nothing() -> None:
    [result] = results(
        """
        code: T
        name: t
        items:
          - {code: a, weight: 100, rule: {direct: {}}}
          - {code: b, weight: 0, rule: {direct: {}}}
        """,
        "appraisees:\n  - {id: A, facts: {a: {score: 80}, b: {score: 100}}}",
    )
    assert [(i["weight"], i["contribution"]) for i in result["items"]] == [(100, 80), (0, 0)]
    assert result["total"] == 80


def test_item_code_defaults_to_its_name_and_info_keys_are_accepted() -> None:
    scheme = scheme_of(
        """
        code: T
        name: t
        items:
          - name: 部门管理
            weight: 1
            rule: {direct: {}}
            operational: true
            source: 相关部门反馈
            unit: 分
            note: 每次扣10分
            indicator: IND-001
        """
    )
    [item] = scheme.items
    assert (item.code, item.name) == ("部门管理", "部门管理")
    assert item.info["source"] == "相关部门反馈"
