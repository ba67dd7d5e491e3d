"""Facts (scheme-language §3, §14): missing facts and defaults, items due by
period (§2.2), the three file formats, and malformed files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.scoring import (
    FactsError,
    SchemeError,
    facts_from_text,
    load_facts,
    score,
    score_periods,
)
from jixiao.scoring.facts_io import facts_from_csv
from tests.scoring.helpers import (
    Error,
    Expected,
    check_item,
    item_one,
    items_of,
    one_item_scheme,
    results,
    scheme_of,
)

# -- missing facts and defaults (§3) ----------------------------------------------

MISSING = [
    ("levels: nothing", "levels: {5: 100, 4: 80}", None, "", Error("no rating or value")),
    ("bands: nothing", "bands: [['>= 1', 100], [else, 0]]", None, "", Error("no value")),
    ("bands: other facts only", "bands: [['>= 1', 100]]", "{score: 3}", "", Error("no value")),
    ("direct: nothing", "direct: {}", None, "", Error("no score or rating")),
    ("steps: nothing", "steps: {standard: 1, base: 10, step: 1}", None, "", Error("no value")),
    ("interpolate: nothing", "interpolate: [[0, 0], [1, 100]]", None, "", Error("no value")),
    ("deduct: no events is 0 occurrences", "deduct: {per: {late: {each: 5}}}", None, "", 100),
    ("add: no events is 0 occurrences", "add: {per: {praise: {each: 5}}}", None, "", 0),
    ("default value", "levels: {5: 100, 4: 80}", None, "default: 4", 80),
    ("default value, written out", "levels: {5: 100, 4: 80}", None, "default: {value: 4}", 80),
    ("default does not replace a fact", "levels: {5: 100, 4: 80}", "{value: 5}", "default: 4", 100),
    ("default score", "direct: {}", None, "default: {score: 60}", 60),
    ("default ratings", "levels: {5: 100, 4: 80}", None, "default: {ratings: {boss: 4}}", 80),
    (
        "default inputs for a measure",
        "bands: [['>= 1', 100], [else, 0]]",
        None,
        "measure: a / b\ndefault: {inputs: {a: 1, b: 1}}",
        100,
    ),
    (
        "default events",
        "deduct: {per: {late: {each: 5}}}",
        None,
        "default: {events: {late: 2}}",
        90,
    ),
    (
        "default sizes",
        "deduct: {per: {late: {each: 5}}}",
        None,
        "default: {events: {late: [1, 2]}}",
        85,
    ),
    (
        "default events do not add to given ones",
        "deduct: {per: {late: {each: 5}}}",
        "{events: {late: 1}}",
        "default: {events: {late: 2}}",
        95,
    ),
    (
        "measure from appraisee inputs needs no item facts",
        "bands: [['>= 1', 100], [else, 0]]",
        None,
        "measure: a / b",
        100,
    ),
    (
        "measure with a name nobody has",
        "bands: [['>= 1', 100], [else, 0]]",
        None,
        "measure: a / c",
        Error("no value for 'c'"),
    ),
    (
        "measure dividing by zero",
        "bands: [['>= 1', 100], [else, 0]]",
        "{inputs: {b: 0}}",
        "measure: a / b",
        Error("division by zero in 'a / b'"),
    ),
    (
        "a rule's events are visible to its measure as counts",
        "deduct: {per: {overtime: {tiers: [[10, 0.5], [else, 1]]}}}",
        "{inputs: {received: 100}, events: {overtime: 12}}",
        "measure: (received - overtime) / received\nstandard: '>= 98%'",
        93,
    ),
]


@pytest.mark.parametrize(
    ("rule", "facts", "extra", "expected"), [pytest.param(*m[1:], id=m[0]) for m in MISSING]
)
def test_missing_facts(rule: str, facts: str | None, extra: str, expected: Expected) -> None:
    item = item_one(rule, facts, item_extra=extra, appraisee="inputs: {a: 2, b: 1}")
    check_item(item, expected)


def test_a_missing_fact_is_an_error_for_that_appraisee_only() -> None:
    found = results(
        "code: T\nname: t\nitems:\n"
        "  - {code: 内部控制管理, weight: 50, rule: {levels: {5: 100, 4: 80}}}\n"
        "  - {code: other, weight: 50, rule: {direct: {}}}\n",
        """
        appraisees:
          - {id: A, facts: {other: {score: 90}}}
          - {id: B, facts: {内部控制管理: {ratings: {boss: 4}}, other: {score: 90}}}
        """,
    )
    a, b = found
    assert a["errors"] == ["item 内部控制管理: no rating or value"]
    assert a["total"] is None and a["grade"] is None and a["rank"] is None
    assert items_of(a)["other"]["score"] == 90
    assert b["total"] == 85 and b["errors"] == []
    assert (b["rank"], b["ranked"]) == (1, 1)


def test_a_defaults_value_has_a_trace_and_a_met() -> None:
    item = item_one("levels: {5: 100, 4: 80}", None, item_extra="default: 4\nstandard: '>= 4'")
    assert item["score"] == 80
    assert item["met"] is True
    assert item["trace"].startswith("level 4 → 80")


@pytest.mark.parametrize(
    ("default", "message"),
    [
        ("{events: {late: -1}}", "default.events.late: an event is a count"),
        ("{score: abc}", "default.score: a score must be a number"),
        ("{inputs: 5}", "default.inputs: expected a mapping"),
        ("{valu: 3}", "default.valu: unknown key; a default is a fact"),
    ],
)
def test_a_malformed_default_is_a_scheme_error(default: str, message: str) -> None:
    with pytest.raises(SchemeError) as caught:
        one_item_scheme("direct: {}", item_extra=f"default: {default}")
    assert [f"items[0].{message}" in str(p) for p in caught.value.problems] == [True]


def test_facts_for_an_item_the_scheme_does_not_have_are_a_warning() -> None:
    scheme = scheme_of("code: T\nname: t\nitems: [{code: attitude, weight: 1, rule: {direct: {}}}]")
    facts = "appraisees:\n  - {id: A, facts: {attitude: {score: 5}, atitude: {score: 1}}}\n"
    run = score(scheme, facts_from_text(facts).periods[0])
    assert run.results()[0]["total"] == 5
    assert run.warnings[-1] == (
        "facts for item 'atitude', which the scheme does not have, are ignored; "
        "did you mean 'attitude'?"
    )


# -- items due by period (§2.2) -----------------------------------------------------

DUE = """
code: T
name: t
items:
  - {code: monthly, weight: 60, rule: {direct: {}}}
  - {code: quarterly, weight: 30, rule: {direct: {}}, period: quarter}
  - {code: half, weight: 5, rule: {direct: {}}, period: half}
  - {code: yearly, weight: 5, rule: {direct: {}}, period: year}
"""
DUE_FACTS = """
{period}
appraisees:
  - id: A
    facts: {{monthly: {{score: 100}}, quarterly: {{score: 50}}, half: {{score: 0}},
             yearly: {{score: 0}}}}
"""


@pytest.mark.parametrize(
    ("period", "due", "total"),
    [
        ("period: 2026-05", ["monthly"], 100),
        ("period: 2026-06", ["monthly", "quarterly", "half"], 60 / 95 * 100 + 30 / 95 * 50),
        ("period: 2026-09", ["monthly", "quarterly"], 60 / 90 * 100 + 30 / 90 * 50),
        ("period: 2026-12", ["monthly", "quarterly", "half", "yearly"], 75),
        ("period: 2026-Q1", ["monthly", "quarterly"], 60 / 90 * 100 + 30 / 90 * 50),
        ("period: 2026-H1", ["monthly", "quarterly", "half"], 60 / 95 * 100 + 30 / 95 * 50),
        ("period: 2026", ["monthly", "quarterly", "half", "yearly"], 75),
        ("", ["monthly", "quarterly", "half", "yearly"], 75),
    ],
)
def test_items_are_due_by_period_and_weights_follow(
    period: str, due: list[str], total: float
) -> None:
    [result] = results(DUE, DUE_FACTS.format(period=period))
    assert [item["code"] for item in result["items"]] == due
    assert sum(item["weight"] for item in result["items"]) == pytest.approx(100, abs=1e-3)
    assert result["total"] == pytest.approx(total, abs=1e-4)


def test_an_item_not_due_needs_no_facts() -> None:
    [result] = results(
        DUE, "period: 2026-05\nappraisees:\n  - {id: A, facts: {monthly: {score: 70}}}"
    )
    assert result["errors"] == []
    assert result["total"] == 70


def test_a_section_with_nothing_due_gives_its_weight_to_the_others() -> None:
    scheme = """
    code: T
    name: t
    sections:
      - {name: 月度, weight: 80, items: [{code: m, weight: 1, rule: {direct: {}}}]}
      - {name: 季度, weight: 20, items: [{code: q, weight: 1, rule: {direct: {}}, period: quarter}]}
    """
    [may] = results(scheme, "period: 2026-05\nappraisees:\n  - {id: A, facts: {m: {score: 50}}}")
    assert [(i["code"], i["weight"]) for i in may["items"]] == [("m", 100)]
    [june] = results(
        scheme, "period: 2026-06\nappraisees:\n  - {id: A, facts: {m: {score: 50}, q: {score: 0}}}"
    )
    assert [(i["code"], i["weight"]) for i in june["items"]] == [("m", 80), ("q", 20)]


# -- one set of facts, three formats (§14) -----------------------------------------

FORMAT_SCHEME = """
code: T
name: t
items:
  - {code: 预算, weight: 20, measure: actual / budget, rule: {bands: [['>= 98%', 100], [else, 50]]}}
  - code: 部门管理
    weight: 20
    rule: {deduct: {per: {late_day: {each: 2}, violation: {each: 10}}}}
  - {code: 工作态度, weight: 20, rule: {direct: {}}}
  - {code: 内控, weight: 20, rule: {levels: {优: 100, 良: 80}}}
  - {code: 直接, weight: 20, rule: {direct: {min: 0, max: 100}}}
raters: {weights: {peer: 1, supervisor: 1}, trim: {peer: 1}}
adjustments:
  - {name: 创新, bonus: {each: [5, 10]}}
  - {name: 投诉, deduct: {per: {complaint: {each: 3}}}}
  - {name: 系数, coefficient: {by: accident_level, values: {none: 1, general: 0.8}}}
grades: [['>= 90', 优秀], ['>= 60', 合格], [else, 差]]
ranking: {within: department}
outcomes:
  pay: {coefficients: {优秀: 2, 合格: 1, 差: 0}, pool: pool, within: level}
"""

FACTS_DATA: dict[str, Any] = {
    "period": "2026-06",
    "groups": {"level": {"中层": {"pool": 50000}}},
    "appraisees": [
        {
            "id": "E001",
            "name": "王芳",
            "attributes": {"department": "财务部", "level": "中层"},
            "inputs": {"accident_level": "none"},
            "events": {"complaint": 1},
            "facts": {
                "预算": {"inputs": {"actual": 990, "budget": 1000}},
                "部门管理": {"events": {"late_day": [3, 1], "violation": 1}},
                "工作态度": {"ratings": {"peer": [95, 88, 85], "supervisor": 90}},
                "内控": {"value": "良"},
                "直接": {"score": 85},
            },
            "adjustments": {"创新": [8, 6]},
        },
        {
            "id": "E002",
            "name": "李强",
            "attributes": {"department": "财务部", "level": "中层"},
            "inputs": {"accident_level": "general"},
            "facts": {
                "预算": {"inputs": {"actual": 900, "budget": 1000}},
                "部门管理": {"events": {"late_day": 2}},
                "工作态度": {"ratings": {"peer": [70, 80], "supervisor": 60}},
                "内控": {"ratings": {"supervisor": "优"}},
                "直接": {"score": 70.5},
            },
        },
    ],
}

FACTS_CSV = """appraisee,item,kind,key,value
E001,,attribute,name,王芳
E001,,attribute,department,财务部
E001,,attribute,level,中层
E001,,input,accident_level,none
E001,,event,complaint,1
E001,预算,input,actual,990
E001,预算,input,budget,1000
E001,部门管理,event,late_day,3
E001,部门管理,event,late_day,1
E001,部门管理,event,violation,1
E001,工作态度,rating,peer,95
E001,工作态度,rating,peer,88
E001,工作态度,rating,peer,85
E001,工作态度,rating,supervisor,90
E001,内控,value,,良
E001,直接,score,,85
E001,,adjustment,创新,8
E001,,adjustment,创新,6
E002,,attribute,name,李强
E002,,attribute,department,财务部
E002,,attribute,level,中层
E002,,input,accident_level,general
E002,预算,input,actual,900
E002,预算,input,budget,1000
E002,部门管理,event,late_day,2
E002,工作态度,rating,peer,70
E002,工作态度,rating,peer,80
E002,工作态度,rating,supervisor,60
E002,内控,rating,supervisor,优
E002,直接,score,,70.5
,level=中层,group,pool,50000
"""


def test_yaml_json_and_csv_facts_score_the_same(tmp_path: Path) -> None:
    scheme = scheme_of(FORMAT_SCHEME)
    (tmp_path / "f.yaml").write_text(yaml.safe_dump(FACTS_DATA, allow_unicode=True), "utf-8")
    (tmp_path / "f.json").write_text(json.dumps(FACTS_DATA, ensure_ascii=False), "utf-8")
    (tmp_path / "f.csv").write_text(FACTS_CSV, "utf-8")
    found = {}
    for name in ("f.yaml", "f.json", "f.csv"):
        period = "2026-06" if name.endswith(".csv") else None
        [run] = score_periods(scheme, load_facts(tmp_path / name, period=period))
        found[name] = run.as_dict()
    assert found["f.yaml"] == found["f.json"] == found["f.csv"]
    e001, e002 = found["f.csv"]["results"]
    assert e001["name"] == "王芳"
    assert e001["attributes"] == {"department": "财务部", "level": "中层"}
    assert {i["code"]: i["score"] for i in e001["items"]} == {
        "预算": 100,
        "部门管理": 82,  # 2 × (3 + 1) + 10
        "工作态度": 89,  # peer 88 after trimming, supervisor 90
        "内控": 80,
        "直接": 85,
    }
    assert e001["total"] == 98.2  # 87.2 + 14 − 3
    assert e002["total"] == pytest.approx(0.8 * 76.8)
    assert (e001["outcomes"]["pay"], e002["outcomes"]["pay"]) == (
        pytest.approx(100000 / 3),
        pytest.approx(50000 / 3),
    )


def test_csv_repeated_rows_are_a_list() -> None:
    scheme = scheme_of(
        """
        code: T
        name: t
        items:
          - {code: X, weight: 50, rule: {deduct: {per: {late: {each: 2}}}}}
          - {code: Y, weight: 50, rule: {direct: {}}}
        """
    )
    facts = facts_from_csv(
        "appraisee,item,kind,key,value\n"
        "A,X,event,late,3\n"
        "A,Y,rating,peer,95\n"
        "A,X,event,late,1\n"
        "B,X,event,late,3\n"
        "A,Y,rating,peer,85\n"
        "B,Y,rating,peer,70\n"
    ).periods[0]
    a, b = score(scheme, facts).results()
    assert [i["score"] for i in a["items"]] == [92, 90]  # sizes [3, 1]: 2 × 4; peers 95, 85
    assert [i["score"] for i in b["items"]] == [94, 70]  # a count of 3: 2 × 3
    assert items_of(a)["X"]["trace"] == "late [3, 1]: 4 × 2 = 8; 100 − 8 = 92"


def test_csv_group_rows() -> None:
    facts = facts_from_csv(
        "appraisee,item,kind,key,value\n"
        ",level=中层,group,pool,50000\n"
        ",level=基层,group,pool,20000.5\n"
        "A,,attribute,level,中层\n"
    ).periods[0]
    assert facts.groups == {"level": {"中层": {"pool": 50000}, "基层": {"pool": 20000.5}}}
    assert facts.ids == ["A"]


def test_csv_text_and_numbers() -> None:
    facts = facts_from_csv(
        "appraisee,item,kind,key,value\n"
        "A,,attribute,name,王芳\n"
        "A,,attribute,employee_no,007\n"
        "A,X,value,,良\n"
        "A,Y,value,,0.985\n"
    ).periods[0]
    assert facts.names == ["王芳"]
    assert facts.items["X"].value is not None and list(facts.items["X"].value) == ["良"]
    assert facts.items["Y"].value is not None and list(facts.items["Y"].value) == [0.985]


# -- periods (§14) -------------------------------------------------------------------


def test_period_option_overrides_the_files_period(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("period: 2026-05\nappraisees:\n  - {id: A, facts: {monthly: {score: 1}}}\n")
    assert load_facts(path).periods[0].period == "2026-05"
    assert load_facts(path, period="2026-06").periods[0].period == "2026-06"
    june = score_periods(scheme_of(DUE), load_facts(path, period="2026-06"))[0]
    assert [c.item.code for c in june.items] == ["monthly", "quarterly", "half"]


def test_a_csv_file_takes_its_period_from_the_option(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text("appraisee,item,kind,key,value\nA,monthly,score,,1\n", "utf-8")
    assert load_facts(path).periods[0].period is None
    assert load_facts(path, period="2026-Q2").periods[0].period == "2026-Q2"
    everything = score_periods(scheme_of(DUE), load_facts(path))[0]
    assert len(everything.items) == 4  # without a period every item is due


@pytest.mark.parametrize(
    ("written", "period"),
    [("2026-06", "2026-06"), ("2026-6", "2026-06"), ("2026-q2", "2026-Q2"), ("2026", "2026")],
)
def test_periods_are_read_as_written(written: str, period: str) -> None:
    assert facts_from_text(f"period: {written}\nappraisees: []\n").periods[0].period == period


def test_several_periods() -> None:
    found = facts_from_text(
        """
        periods:
          - {period: 2026-05, appraisees: [{id: A, facts: {monthly: {score: 10}}}]}
          - period: 2026-06
            appraisees:
              - {id: A, facts: {monthly: {score: 20}, quarterly: {score: 0}, half: {score: 0}}}
        """.replace("\n        ", "\n")
    )
    runs = score_periods(scheme_of(DUE), found)
    assert [run.period for run in runs] == ["2026-05", "2026-06"]
    assert [run.results()[0]["total"] for run in runs] == [
        10,
        pytest.approx(20 * 60 / 95, abs=1e-4),
    ]


# -- malformed facts files ------------------------------------------------------------

EVENT_FORM = "an event is a count (a whole number >= 0) or a list of sizes"

BAD_YAML = """\
period: 2026-06
appraisees:
  - id: A
    facts:
      X: {value: 1}
      Y: {events: {late: -1}}
      Z: {events: {late: 1.5}}
  - id: A
  - id: B
    facts:
      X: {valeu: 1}
      Y: {score: abc}
      Z: {ratings: {boss: [{a: 1}]}}
  - name: nobody
"""


def test_a_malformed_yaml_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(BAD_YAML, "utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    found = sorted((p.line, str(p)) for p in caught.value.problems)
    name = str(path)
    assert found == [
        (
            6,
            f"{name}:6: appraisees[0].facts.Y.events.late: {EVENT_FORM}, got -1",
        ),
        (
            7,
            f"{name}:7: appraisees[0].facts.Z.events.late: {EVENT_FORM}, got 1.5",
        ),
        (8, f"{name}:8: appraisees[1]: appraisee 'A' appears twice"),
        (11, f"{name}:11: appraisees[2].facts.X.valeu: unknown key; did you mean 'value'?"),
        (12, f"{name}:12: appraisees[2].facts.Y.score: a score must be a number, got 'abc'"),
        (
            13,
            f"{name}:13: appraisees[2].facts.Z.ratings.boss[0]: "
            "a rating must be a number or a level name",
        ),
        (14, f"{name}:14: appraisees[3]: an appraisee needs an id"),
    ]


BAD_CSV = """\
appraisee,item,kind,key,value
A,X,value,,1
A,X,score,,abc
A,X,event,late,-1
A,X,bogus,k,1
A,X,value
,level,group,pool,50000
,X,value,,1
A,Y,event,late,x
"""


def test_a_malformed_csv_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(BAD_CSV, "utf-8")
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    found = sorted((p.line, p.message) for p in caught.value.problems)
    assert found == [
        (3, "a score must be a number, got 'abc'"),
        (4, f"{EVENT_FORM}, got -1"),
        (
            5,
            "unknown kind 'bogus'; expected one of "
            "attribute, input, value, event, rating, score, adjustment, group",
        ),
        (6, "expected 5 columns, got 3"),
        (7, "a group row names its group as attribute=value in the item column"),
        (8, "the appraisee column is empty"),
        (9, f"{EVENT_FORM}, got 'x'"),
    ]
    assert all(p.file == str(path) for p in caught.value.problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "appraisee,item,kind,value\nA,X,value,1\n",
            "the first row must be appraisee,item,kind,key,value",
        ),
        ("", "the first row must be appraisee,item,kind,key,value"),
    ],
)
def test_a_csv_file_needs_its_header(text: str, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_csv(text, file="f.csv")
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (1, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period: 2026-13\nappraisees: []\n", "not a period: '2026-13'"),
        ("appraisees:\n  - id: A\n    facts: {X: {value: 1, value: 2}}\n", "duplicate key"),
        ("apraisees: []\n", "unknown key"),
        ("appraisees: {A: 1}\n", "expected a list of appraisees"),
        ("- 1\n- 2\n", "a facts file is a mapping"),
        ("appraisees:\n  - {id: A, facts: {X: {events: [1]}}}\n", "expected a mapping"),
        ("appraisees: [\n", "not valid YAML"),
        ('{"appraisees": [}', "not valid JSON"),
    ],
)
def test_malformed_facts(text: str, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_text(text)
    assert any(message in str(p) for p in caught.value.problems), caught.value


def test_a_missing_facts_file(tmp_path: Path) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts(tmp_path / "nowhere.yaml")
    assert str(caught.value.problems[0]) == f"{tmp_path / 'nowhere.yaml'}: file not found"


def test_a_csv_file_saved_by_chinese_excel(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_bytes("appraisee,item,kind,key,value\nA,,attribute,name,王芳\n".encode("gb18030"))
    assert load_facts(path).periods[0].names == ["王芳"]


def test_a_count_of_0_is_no_entry_for_list_functions() -> None:
    item = item_one(
        "deduct: {per: {late: {each: 1}}}",
        "{events: {late: 0}}",
        item_extra="measure: count(late)\nstandard: '== 0'",
    )
    assert item["value"] == 0
    assert item["met"] is True


def test_list_functions_count_occurrences_of_a_count_and_sum_sizes_of_a_list() -> None:
    counted = item_one(
        "deduct: {per: {late: {each: 1}}}",
        "{events: {late: 3}}",
        item_extra="measure: count(late) * 10 + sum(late)",
    )
    assert counted["value"] == 33  # three occurrences, amount 3
    listed = item_one(
        "deduct: {per: {late: {each: 1}}}",
        "{events: {late: [3, 1]}}",
        item_extra="measure: count(late) * 10 + sum(late)",
    )
    assert listed["value"] == 24  # two late orders, 4 days in all
