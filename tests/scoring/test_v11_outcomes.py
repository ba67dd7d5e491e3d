"""The outcome side of scheme language v1.1 (§12): label outcomes by total,
normalized total or grade; `salary_step`/`salary_grade` as named; contract
triggers with `when`, `consecutive`, `periods` and `sum … reaches`, and the
periods that made each hold; their problems, traces and descriptions in
English and Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.scoring import SchemeError, facts_from_text, language, scheme_from_text, score_periods
from jixiao.scoring.describe import describe_outcomes
from jixiao.scoring.errors import format_path

# -- label outcomes -----------------------------------------------------------------------

LABELS = """
code: T
name: 员工年度考核
items:
  - {code: K1, weight: 100, rule: {direct: {}}}
adjustments:
  - {name: 重大事故, gate: {when: "fatal > 0", effect: zero}}
  - {name: 基本项, gate: {when: "leave >= 7", effect: no_bonus}}
grades: [[">= 90", 优秀], [">= 60", 合格], [else, 差]]
normalize: {within: department}
outcomes:
  training:
    table: [[">= 80", 晋升培训], [">= 70", 可申请培训], ["<= 60", 必须培训]]
  by_normalized:
    by: normalized
    table: [["> 100", 高于平均], [else, 不高于平均]]
  promotion:
    by: grade
    table: {优秀: 优先晋升, 差: 调岗}
"""


def scored(
    scheme: str, people: list[tuple[str, float, str]], extra: str = "inputs: {fatal: 0, leave: 0}, "
) -> dict[str, Any]:
    rows = "".join(
        f"\n  - {{id: {who}, attributes: {{department: {dept}}}, {extra}"
        f"facts: {{K1: {{score: {score}}}}}}}"
        for who, score, dept in people
    )
    facts = facts_from_text(f"period: 2026\nappraisees:{rows}")
    [run] = score_periods(scheme_from_text(scheme), facts)
    return {result["appraisee"]: result for result in run.results()}


@pytest.mark.parametrize(
    ("total", "training"),
    [
        (100, "晋升培训"),
        (80, "晋升培训"),  # the boundary meets ">= 80"
        (79.99, "可申请培训"),
        (70, "可申请培训"),
        (69.99, None),  # between the rows: no row matches
        (60.01, None),
        (60, "必须培训"),  # "<= 60" holds at 60
        (1, "必须培训"),  # (a total of 0 cannot be normalised to 100: an error)
    ],
)
def test_a_label_outcome_by_total_is_the_first_matching_row(
    total: float, training: str | None
) -> None:
    [result] = scored(LABELS, [("A", total, "甲")]).values()
    assert result["outcomes"]["training"] == training


@pytest.mark.parametrize(
    ("score", "grade", "promotion"),
    [(95, "优秀", "优先晋升"), (90, "优秀", "优先晋升"), (75, "合格", None), (30, "差", "调岗")],
)
def test_a_label_outcome_by_grade_reads_the_grade(score: float, grade: str, promotion: Any) -> None:
    [result] = scored(LABELS, [("A", score, "甲")]).values()
    assert (result["grade"], result["outcomes"]["promotion"]) == (grade, promotion)


def test_a_label_outcome_by_normalized_reads_the_normalized_total() -> None:
    # department 甲: mean 80 → 88 is 110, 72 is 90; department 乙 alone is 100
    results = scored(LABELS, [("A", 88, "甲"), ("B", 72, "甲"), ("C", 50, "乙")])
    got = {who: (r["normalized"], r["outcomes"]["by_normalized"]) for who, r in results.items()}
    assert got == {"A": (110, "高于平均"), "B": (90, "不高于平均"), "C": (100, "不高于平均")}
    # by total, C's 50 would be 必须培训: the two tables read different numbers
    assert results["C"]["outcomes"]["training"] == "必须培训"


def test_gates_a_zero_total_changes_labels_no_bonus_does_not() -> None:
    results = scored(
        LABELS.replace("normalize: {within: department}\n", "").replace(
            "  by_normalized:\n    by: normalized\n"
            '    table: [["> 100", 高于平均], [else, 不高于平均]]\n',
            "",
        ),
        [("A", 95, "甲")],
        extra="inputs: {fatal: 1, leave: 0}, ",
    )
    assert results["A"]["total"] == 0
    assert results["A"]["outcomes"] == {"training": "必须培训", "promotion": "调岗"}
    results = scored(
        LABELS.replace("normalize: {within: department}\n", "").replace(
            "  by_normalized:\n    by: normalized\n"
            '    table: [["> 100", 高于平均], [else, 不高于平均]]\n',
            "",
        ),
        [("A", 95, "甲")],
        extra="inputs: {fatal: 0, leave: 9}, ",
    )
    assert "no_bonus" in results["A"]["flags"]
    assert results["A"]["outcomes"] == {"training": "晋升培训", "promotion": "优先晋升"}


def test_an_appraisee_with_errors_has_null_labels_and_no_outcome_traces() -> None:
    scheme = scheme_from_text(LABELS)
    facts = facts_from_text(
        "period: 2026\nappraisees:\n  - {id: A, attributes: {department: 甲}, facts: {}}\n"
    )
    [run] = score_periods(scheme, facts)
    result = run.result(0)
    assert result["errors"]
    assert result["outcomes"] == {"training": None, "by_normalized": None, "promotion": None}
    assert "outcome_traces" not in result


def test_label_outcome_traces_in_english_and_chinese() -> None:
    scheme = scheme_from_text(LABELS)
    facts = facts_from_text(
        "period: 2026\nappraisees:\n"
        "  - {id: A, attributes: {department: 甲}, inputs: {fatal: 0, leave: 0},"
        " facts: {K1: {score: 65}}}\n"
        "  - {id: B, attributes: {department: 乙}, inputs: {fatal: 0, leave: 0},"
        " facts: {K1: {score: 95}}}\n"
    )
    [run] = score_periods(scheme, facts)
    assert run.result(0)["outcome_traces"] == {
        "training": "total 65 matched no row: no training",
        "by_normalized": "normalized total 100 matched else → 不高于平均",
        "promotion": "grade 合格: not in the table, no promotion",
    }
    with language("zh"):
        assert run.result(1)["outcome_traces"] == {
            "training": "总分 95 符合 ≥ 80 → 晋升培训",
            "by_normalized": "调整后总分 100 符合 其他 → 不高于平均",
            "promotion": "等级「优秀」→ 优先晋升",
        }
        assert run.result(0)["outcome_traces"]["promotion"] == "等级「合格」不在表中：无promotion"


# -- salary_step and salary_grade, as named ----------------------------------------------

SALARY = """
code: S
name: 薪级
items:
  - {code: K1, weight: 100, rule: {direct: {}}}
outcomes:
  salary:
    steps: [["> 95", 2], ["> 80", 1], ["> 60", 0], [else, -1]]
    current: grade_now
    min: grade_min
    max: grade_max
  training:
    table: [[">= 80", 晋升培训]]
"""


@pytest.mark.parametrize(
    ("score", "now", "step", "grade"),
    [(96, 5, 2, 7), (95, 5, 1, 6), (81, 8, 1, 8), (80, 5, 0, 5), (60, 1, -1, 1), (61, 3, 0, 3)],
)
def test_salary_step_and_salary_grade_are_named_so_beside_label_outcomes(
    score: float, now: int, step: int, grade: int
) -> None:
    results = scored(
        SALARY,
        [("A", score, "甲")],
        extra=f"inputs: {{grade_now: {now}, grade_min: 1, grade_max: 8}}, ",
    )
    outcomes = results["A"]["outcomes"]
    assert list(outcomes) == ["salary_step", "salary_grade", "training"]
    assert (outcomes["salary_step"], outcomes["salary_grade"]) == (step, grade)


# -- contract triggers --------------------------------------------------------------------

CONTRACT = """
code: C
name: 仓储服务商
items:
  - {code: K1, name: 收货准确率, weight: 50, full: 10, measure: "error", standard: "== 0",
     rule: {deduct: {per: {error: {each: 1}}}}}
  - {code: L7, name: 破损率, weight: 50, full: 10, measure: "loss", standard: "== 0",
     rule: {deduct: {per: {loss: {each: 2}}}}}
outcomes:
  contract:
    reference_periods: 1
    triggers:
%s
"""


def series(trigger: str, months: list[tuple[str, int, int, int]]) -> list[dict[str, Any]]:
    """Score one provider over months (period, errors, losses, hidden accidents)."""
    text = "periods:"
    for period, error, loss, hidden in months:
        text += (
            f"\n  - period: {period}\n    appraisees:\n      - id: WH\n"
            f"        attributes: {{since: 2026-01}}\n        inputs: {{hidden: {hidden}}}\n"
            f"        facts: {{K1: {{events: {{error: {error}}}}}, "
            f"L7: {{events: {{loss: {loss}}}}}}}"
        )
    scheme = scheme_from_text(CONTRACT % f"      - {trigger}")
    return [run.result(0) for run in score_periods(scheme, facts_from_text(text))]


def listed_in(results: list[dict[str, Any]]) -> list[list[str]]:
    return [result["outcomes"]["triggers"] for result in results]


MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


@pytest.mark.parametrize(
    ("trigger", "failing", "listed", "because"),
    [
        pytest.param(
            "{name: X, failed_items: '>= 1', consecutive: 2}",
            [1, 1, 0, 1, 1, 1],  # January is the reference period: it does not count
            [[], [], [], [], ["X"], ["X"]],
            {"2026-05": ["2026-04", "2026-05"], "2026-06": ["2026-05", "2026-06"]},
            id="consecutive: every period ending a run of 2",
        ),
        pytest.param(
            "{name: X, failed_items: '>= 1', periods: 2}",
            [1, 1, 0, 1, 1, 1],
            [[], [], [], ["X"], [], []],
            {"2026-04": ["2026-02", "2026-04"]},
            id="periods: once, where the count in all reaches 2",
        ),
        pytest.param(
            "{name: X, failed_items: '>= 1', periods: 1}",
            [0, 0, 0, 0, 0, 1],
            [[], [], [], [], [], ["X"]],
            {"2026-06": ["2026-06"]},
            id="periods: 1 in the last month",
        ),
        pytest.param(
            "{name: X, failed_items: '>= 1'}",
            [1, 1, 0, 1, 0, 0],
            [[], ["X"], [], ["X"], [], []],
            {"2026-02": ["2026-02"], "2026-04": ["2026-04"]},
            id="consecutive 1 by default: each period it holds",
        ),
    ],
)
def test_consecutive_and_periods_windows(
    trigger: str, failing: list[int], listed: list[list[str]], because: dict[str, list[str]]
) -> None:
    results = series(trigger, [(m, f, 0, 0) for m, f in zip(MONTHS, failing, strict=True)])
    assert listed_in(results) == listed
    found = {
        MONTHS[i]: r["outcomes"]["trigger_periods"]["X"]
        for i, r in enumerate(results)
        if r["outcomes"]["triggers"]
    }
    assert found == because


@pytest.mark.parametrize(
    ("losses", "listed_at", "because", "total"),
    [
        pytest.param(
            [5, 1, 0, 2, 0, 0],
            3,
            ["2026-02", "2026-04"],
            "3",
            id="reaches 3 in a month with two events (1 + 2), reference month not counted",
        ),
        pytest.param([0, 3, 1, 1, 0, 0], 1, ["2026-02"], "3", id="exactly the bound at once"),
        pytest.param([0, 1, 1, 0, 0, 0], None, [], "", id="2 in all never reaches 3"),
        pytest.param([0, 2, 0, 0, 4, 0], 4, ["2026-02", "2026-05"], "6", id="goes past it"),
    ],
)
def test_a_sum_is_listed_once_where_it_reaches_its_bound(
    losses: list[int], listed_at: int | None, because: list[str], total: str
) -> None:
    results = series(
        "{name: 解约权, sum: loss, reaches: 3, item: L7}",
        [(m, 0, n, 0) for m, n in zip(MONTHS, losses, strict=True)],
    )
    want = [["解约权"] if i == listed_at else [] for i in range(len(MONTHS))]
    assert listed_in(results) == want
    if listed_at is not None:
        hit = results[listed_at]
        assert hit["outcomes"]["trigger_periods"] == {"解约权": because}
        assert hit["outcome_traces"]["解约权"].endswith(f"= {total} ≥ 3")


def test_when_reads_inputs_total_and_failed_items_absent_counts_zero() -> None:
    months = [(m, 0, 0, 1 if m == "2026-03" else 0) for m in MONTHS]
    results = series("{name: 隐瞒事故, when: 'hidden > 0'}", months)
    assert listed_in(results) == [[], [], ["隐瞒事故"], [], [], []]
    results = series("{name: 差, when: 'total < 80 and failed_items >= 2'}", [
        ("2026-01", 9, 9, 0), ("2026-02", 1, 1, 0), ("2026-03", 3, 2, 0),
    ])  # fmt: skip
    # February: 90 − ... total 85 with 2 failed; March: (7 + 6) / 2 × 10 = 65 with 2 failed
    assert [r["total"] for r in results] == [5, 85, 65]
    assert listed_in(results) == [[], [], ["差"]]
    # a name no period gives counts 0: never holds, no error
    results = series("{name: 无, when: 'unknown_thing > 0'}", months)
    assert not any(listed_in(results)) and not any(r["errors"] for r in results)


def test_a_period_with_errors_or_missing_ends_a_run_and_adds_nothing() -> None:
    text = "periods:"
    for period, inputs, loss in [
        ("2026-01", "{flag: 0}", 1),
        ("2026-02", "{flag: 0}", 2),
        ("2026-03", "{}", 2),  # no flag: the gate cannot be said, an error
        ("2026-04", "{flag: 0}", 0),
        ("2026-06", "{flag: 0}", 1),  # May is missing
    ]:
        text += (
            f"\n  - period: {period}\n    appraisees:\n      - id: WH\n"
            f"        attributes: {{since: 2026-01}}\n        inputs: {inputs}\n"
            f"        facts: {{K1: {{events: {{error: 1}}}}, L7: {{events: {{loss: {loss}}}}}}}"
        )
    triggers = (
        "      - {name: 连续, failed_items: '>= 1', consecutive: 2}\n"
        "      - {name: 累计, sum: loss, reaches: 3, item: L7}\n"
        "adjustments:\n  - {name: 检查, gate: {when: 'flag > 0', effect: no_bonus}}"
    )
    runs = score_periods(scheme_from_text(CONTRACT % triggers), facts_from_text(text))
    results = [run.result(0) for run in runs]
    assert [bool(r["errors"]) for r in results] == [False, False, True, False, False]
    # 连续: February alone (January is reference); March errs, so April starts again;
    # June follows a missing May, so it starts again too. 累计: 2 + 1 = 3 in June,
    # March's 2 losses not counted.
    assert listed_in(results) == [[], [], [], [], ["累计"]]
    assert results[4]["outcomes"]["trigger_periods"] == {"累计": ["2026-02", "2026-06"]}
    assert results[2]["outcomes"]["fee_deduction"] is None


def test_trigger_traces_name_the_periods_in_english_and_chinese() -> None:
    text = "periods:"
    for period, error, loss in [("2026-01", 0, 0), ("2026-02", 1, 1), ("2026-03", 1, 2)]:
        text += (
            f"\n  - period: {period}\n    appraisees:\n      - id: WH\n"
            f"        attributes: {{since: 2026-01}}\n"
            f"        facts: {{K1: {{events: {{error: {error}}}}}, "
            f"L7: {{events: {{loss: {loss}}}}}}}"
        )
    triggers = (
        "      - {name: 警告, failed_items: '>= 2', consecutive: 2}\n"
        "      - {name: 提醒, failed_items: '>= 1', periods: 2}\n"
        "      - {name: 解约权, sum: loss, reaches: 3, item: L7}"
    )
    [*_, run] = score_periods(scheme_from_text(CONTRACT % triggers), facts_from_text(text))
    assert run.result(0)["outcomes"]["triggers"] == ["警告", "提醒", "解约权"]
    assert run.result(0)["outcome_traces"] == {
        "警告": "警告: items not met ≥ 2 held in 2 period(s) in a row: 2026-02, 2026-03",
        "提醒": "提醒: items not met ≥ 1 held in 2 period(s) in all: 2026-02, 2026-03",
        "解约权": "解约权: loss summed over the periods: 1 in 2026-02 + 2 in 2026-03 = 3 ≥ 3",
    }
    with language("zh"):
        assert run.result(0)["outcome_traces"] == {
            "警告": "警告：连续 2 期 未达标项目数 ≥ 2（2026-02、2026-03）",
            "提醒": "提醒：累计 2 期 未达标项目数 ≥ 1（2026-02、2026-03）",
            "解约权": "解约权：loss 各期累计 2026-02 为 1 + 2026-03 为 2 = 3 ≥ 3",
        }


def test_v1_failed_items_triggers_print_as_before() -> None:
    """The warehouse example's single reference month: no new keys in its result."""
    results = series("{name: 解约权, failed_items: '>= 3', consecutive: 2}", [
        ("2026-01", 3, 3, 0),
    ])  # fmt: skip
    assert results[0]["outcomes"] == {
        "fee_deduction": 0, "reference_period": True, "failed_items": 2, "triggers": []
    }  # fmt: skip
    assert "outcome_traces" not in results[0]


# -- problems when the scheme is loaded ----------------------------------------------------

OUTCOMES_HEAD = """
code: P
name: p
items:
  - {code: L7, name: 破损率, weight: 100, rule: {direct: {}}}
grades: [[">= 90", 优秀], [else, 合格]]
outcomes:
"""

PROBLEMS = [
    pytest.param(
        "  training: {tabel: [['>= 80', 晋升培训]]}",
        "outcomes.training.tabel",
        "unknown key; did you mean 'table'?",
        "未知的键；是否应为 'table'？",
        id="label: misspelt table",
    ),
    pytest.param(
        "  training: {by: totl, table: [['>= 80', 晋升培训]]}",
        "outcomes.training.by",
        "by is total (default), normalized or grade; did you mean 'total'?",
        "依据只能是总分（默认）、调整后总分或等级；是否应为 'total'？",
        id="label: misspelt by",
    ),
    pytest.param(
        "  salery: {steps: [[else, 0]], current: g}",
        "outcomes.salery",
        "unknown key; did you mean 'salary'?",
        "未知的键；是否应为 'salary'？",
        id="misspelt salary is not a label outcome",
    ),
    pytest.param(
        "  salary_step: {table: [['>= 80', 1]]}",
        "outcomes.salary_step",
        "'salary_step' is one of the result's own outcome names (pay, salary_step, salary_grade,"
        " fee_deduction, triggers, reference_period, failed_items, trigger_periods); name it"
        " otherwise",
        "'salary_step' 是考核结果自带的结果名称（pay, salary_step, salary_grade, fee_deduction,"
        " triggers, reference_period, failed_items, trigger_periods）之一；请换一个名称",
        id="label: a name the result has",
    ),
    pytest.param(
        "  training: {by: normalized, table: [['>= 80', 晋升培训]]}",
        "outcomes.training.by",
        "by normalized needs a normalize section",
        "按调整后总分需要方案设置部门间调整",
        id="label: by normalized without normalize",
    ),
    pytest.param(
        "  promotion: {by: grade, table: {优: 优先晋升}}",
        "outcomes.promotion.table.优",
        "'优' is not a grade the scheme gives; did you mean '优秀'?",
        "'优' 不是本方案的等级；是否应为 '优秀'？",
        id="label: a grade the scheme does not give",
    ),
    pytest.param(
        "  promotion: {by: grade, table: [[优秀, 优先晋升]]}",
        "outcomes.promotion.table",
        "by grade, the table is {grade: label}, e.g. {优秀: 优先晋升, 差: 调岗}",
        "按等级时，对照表写作 {等级: 结果}，例如 {优秀: 优先晋升, 差: 调岗}",
        id="label: by grade needs a mapping",
    ),
    pytest.param(
        "  training: {table: {优秀: 晋升培训}}",
        "outcomes.training.table",
        "expected a list of [condition, label] rows, e.g. ['>= 80', 晋升培训]",
        "应为 [条件, 结果] 各行的列表，例如 ['>= 80', 晋升培训]",
        id="label: by total needs rows",
    ),
    pytest.param(
        "  training: {table: [['>= 80']]}",
        "outcomes.training.table[0]",
        "a row is [condition, label]",
        "每一行写作 [条件, 结果]",
        id="label: a short row",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'loss > 0', consecutiv: 2}]}",
        "outcomes.contract.triggers[0].consecutiv",
        "unknown key; did you mean 'consecutive'?",
        "未知的键；是否应为 'consecutive'？",
        id="trigger: misspelt consecutive",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, sum: loss, reache: 3}]}",
        "outcomes.contract.triggers[0].reache",
        "unknown key; did you mean 'reaches'?",
        "未知的键；是否应为 'reaches'？",
        id="trigger: misspelt reaches",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'loss > 0', perods: 2}]}",
        "outcomes.contract.triggers[0].perods",
        "unknown key; did you mean 'periods'?",
        "未知的键；是否应为 'periods'？",
        id="trigger: misspelt periods",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, whne: 'loss > 0'}]}",
        "outcomes.contract.triggers[0].whne",
        "unknown key; did you mean 'when'?",
        "未知的键；是否应为 'when'？",
        id="trigger: misspelt when",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, failed_items: '>= 3', when: 'loss > 0'}]}",
        "outcomes.contract.triggers[0]",
        "give exactly one of failed_items, when or sum",
        "未达标项目数、条件与累计值须且只能给出其一",
        id="trigger: a condition and when",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'loss > 0', consecutive: 2, periods: 2}]}",
        "outcomes.contract.triggers[0]",
        "give one of consecutive, periods or sum … reaches",
        "连续期数、累计期数与累计值达到多少只能给出其一",
        id="trigger: two windows",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, sum: loss}]}",
        "outcomes.contract.triggers[0]",
        "sum and reaches go together: {sum: losses, reaches: 3}",
        "累计值与须达到的数须同时给出：{sum: losses, reaches: 3}",
        id="trigger: sum without reaches",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'loss > 0', periods: 0}]}",
        "outcomes.contract.triggers[0].periods",
        "must be at least 1, got 0",
        "不能小于 1，实为 0",
        id="trigger: periods 0",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'loss > 0', item: L8}]}",
        "outcomes.contract.triggers[0].item",
        "no item 'L8'; did you mean 'L7'?",
        "没有考核项目 'L8'；是否应为 'L7'？",
        id="trigger: an item the scheme does not have",
    ),
    pytest.param(
        "  contract: {triggers: [{name: X, when: 'a > 0'}, {name: X, when: 'b > 0'}]}",
        "outcomes.contract.triggers[1].name",
        "'X' is named twice",
        "'X' 重复出现",
        id="trigger: a name twice",
    ),
]


def problems(text: str, code: str) -> list[tuple[str, str]]:
    with language(code), pytest.raises(SchemeError) as raised:
        scheme_from_text(OUTCOMES_HEAD + text + "\n")
    return [(format_path(p.path), p.message) for p in raised.value.problems]


@pytest.mark.parametrize(("text", "path", "en", "zh"), PROBLEMS)
def test_each_new_key_has_a_problem_in_english_and_chinese(
    text: str, path: str, en: str, zh: str
) -> None:
    assert (path, en) in problems(text, "en")
    assert (path, zh) in problems(text, "zh")


def test_an_expression_error_in_when_names_its_place() -> None:
    found = problems("  contract: {triggers: [{name: X, when: 'loss >'}]}", "en")
    assert [path for path, _ in found] == ["outcomes.contract.triggers[0].when"]
    assert "syntax error" in found[0][1]


# -- describe() --------------------------------------------------------------------------


def test_describe_says_the_new_outcomes_in_english_and_chinese() -> None:
    scheme = scheme_from_text(
        OUTCOMES_HEAD
        + """  training:
    table: [[">= 80", 晋升培训], ["<= 60", 必须培训]]
  promotion:
    by: grade
    table: {优秀: 优先晋升}
  contract:
    reference_periods: 1
    triggers:
      - {name: 解约权, sum: loss, reaches: 3, item: L7}
      - {name: 隐瞒事故, when: "hidden > 0"}
      - {name: 警告, failed_items: ">= 1", periods: 2}
      - {name: 整改, failed_items: ">= 3", consecutive: 2}
"""
    )
    assert describe_outcomes(scheme) == [
        "the first 1 period(s) are for reference only",
        "解约权: loss adds up to 3 over the contract (with the facts of item L7)",
        "隐瞒事故: in any period where hidden > 0",
        "警告: items not met ≥ 1 in 2 periods in all",
        "整改: items not met ≥ 3 in 2 periods in a row",
        "training by the total: ≥ 80: 晋升培训; ≤ 60: 必须培训; otherwise none",
        "promotion by the grade: 优秀: 优先晋升; other grades none",
    ]
    with language("zh"):
        assert describe_outcomes(scheme) == [
            "前 1 期为适应期，仅作参考",
            "解约权：合同期内 loss 累计达到 3（读取考核项目「L7」的事实）",
            "隐瞒事故：任何一期 hidden > 0",
            "警告：累计 2 期 未达标项目数 ≥ 1",
            "整改：连续 2 期 未达标项目数 ≥ 3",
            "training：按总分，≥ 80 为晋升培训；≤ 60 为必须培训；其他情况无",
            "promotion：按等级，优秀 为优先晋升；其他等级无",
        ]


@pytest.mark.parametrize("total", [100, 80, 79.99, 70, 69.99, 60.01, 60, 1])
def test_label_of_one_value_agrees_with_the_column(total: float) -> None:
    """What the application uses after a calibration gives what scoring gave."""
    from jixiao.scoring.grading import label_of

    [result] = scored(LABELS, [("A", total, "甲")]).values()
    scheme = scheme_from_text(LABELS)
    found = {
        outcome.name: label_of(
            outcome, total=result["total"], normalized=result["normalized"], grade=result["grade"]
        )
        for outcome in scheme.outcomes.labels
    }
    assert found == {name: result["outcomes"][name] for name in found}
    training = scheme.outcomes.labels[0]
    assert label_of(training, total=None, normalized=None, grade=None) is None


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        (
            "  training: {by: totl, table: [['>= 80', 晋升培训]]}",
            "outcomes, outcome “training”",
            "考核结果应用中的「training」",
        ),
        (
            "  contract: {triggers: [{name: 解约权, sum: loss, reache: 3}]}",
            "outcomes, contract clause 1 “解约权”",
            "考核结果应用第 1 条合同条款「解约权」",
        ),
    ],
)
def test_a_problem_names_the_label_outcome_or_the_clause(text: str, en: str, zh: str) -> None:
    for code, place in (("en", en), ("zh", zh)):
        with language(code), pytest.raises(SchemeError) as raised:
            scheme_from_text(OUTCOMES_HEAD + text + "\n")
        assert [p.place for p in raised.value.problems] == [place]
