"""Importing facts: long and wide, checked whole, all or nothing, idempotent."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest

from jixiao.appraisals.models import Event, Fact, Rating, Result
from jixiao.core.errors import NotAllowed
from jixiao.core.models import AuditEvent
from jixiao.spreadsheets.models import ImportBatch
from jixiao.spreadsheets.services import (
    export_facts_template,
    export_results,
    import_facts,
)
from tests.apps.conftest import appraisal_of
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.spreadsheets.helpers import load, long_file, marked_cells, workbook_bytes

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ("1001", "预算执行偏差率", "input", "actual", 990000),
    ("1001", "预算执行偏差率", "input", "budget", 1000000),
    ("1001", "部门管理", "event", "violation", 1),
    ("1001", "内部控制管理", "rating", "supervisor", 4),
    ("1002", "预算执行偏差率", "input", "actual", 1060000),
    ("1002", "预算执行偏差率", "input", "budget", 1000000),
    ("1002", "部门管理", "event", "late_day", 2),
    ("1002", "部门管理", "event", "late_day", 1),
    ("1002", "内部控制管理", "rating", "supervisor", 5),
]


def totals(cycle: Any) -> dict[str, float | None]:
    return {
        r.appraisal.appraisee_id: r.total
        for r in Result.objects.filter(appraisal__cycle=cycle).select_related("appraisal__employee")
    }


def test_long_format_rows_are_stored_and_scored(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    outcome = import_facts(file=long_file(GOOD_ROWS), actor=hr, cycle=open_cycle, name="f.xlsx")

    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.added, outcome.changed, outcome.unchanged) == (9, 9, 0, 0)
    manager = appraisal_of(open_cycle, company.manager)
    assert Fact.objects.get(appraisal=manager, key="actual").value == 990000
    assert Fact.objects.get(appraisal=manager, key="actual").source == "import"
    rating = Rating.objects.get(appraisal=manager)
    assert (rating.value, rating.rater) == (4, company.boss.user)
    clerk = appraisal_of(open_cycle, company.clerks[0])
    assert sorted(Event.objects.filter(appraisal=clerk).values_list("size", flat=True)) == [1, 2]
    # 0.99 → 100 × 50%; one violation: 90 × 25%; level 4: 80 × 25%
    # 1.06 → 1 − 0.06 = 0.94 → 60 × 50%; late days 1 + 2 at 5: 85 × 25%; level 5: 100 × 25%
    assert totals(open_cycle)["1001"] == pytest.approx(92.5)
    assert totals(open_cycle)["1002"] == pytest.approx(76.25)
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.added, batch.actor) == ("f.xlsx", 9, hr)
    assert AuditEvent.objects.filter(action="import.completed").count() == 1
    assert AuditEvent.objects.filter(action="fact.recorded").count() == 4


def test_reimporting_the_same_file_changes_nothing_and_says_so(hr: Any, open_cycle: Any) -> None:
    data = long_file(GOOD_ROWS)
    import_facts(file=data, actor=hr, cycle=open_cycle, name="f.xlsx")
    events = AuditEvent.objects.count()

    again = import_facts(file=data, actor=hr, cycle=open_cycle, name="f.xlsx")

    assert again.ok and again.nothing_changed
    assert (again.added, again.changed, again.unchanged) == (0, 0, 9)
    assert again.previous is not None
    assert "Nothing changed" in again.summary() and "was imported on" in again.summary()
    assert AuditEvent.objects.count() == events
    assert ImportBatch.objects.count() == 1


def test_an_event_count_grows_by_the_difference_and_never_shrinks(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    import_facts(
        file=long_file([("1001", "部门管理", "event", "violation", 1)]), actor=hr, cycle=open_cycle
    )
    more = import_facts(
        file=long_file([("1001", "部门管理", "event", "violation", 3)]), actor=hr, cycle=open_cycle
    )
    manager = appraisal_of(open_cycle, company.manager)
    assert more.added == 1
    assert sum(Event.objects.filter(appraisal=manager).values_list("count", flat=True)) == 3

    fewer = import_facts(
        file=long_file([("1001", "部门管理", "event", "violation", 2)]), actor=hr, cycle=open_cycle
    )
    assert not fewer.ok
    assert "3 events are already recorded" in fewer.problems[0].message


def test_a_change_of_a_stored_fact_needs_a_reason(hr: Any, open_cycle: Any) -> None:
    import_facts(file=long_file(GOOD_ROWS), actor=hr, cycle=open_cycle)
    changed = [("1001", "预算执行偏差率", "input", "actual", 1000000)]

    refused = import_facts(file=long_file(changed), actor=hr, cycle=open_cycle)
    assert [p.message for p in refused.problems] == [
        "预算执行偏差率 already has 990000 recorded: give a reason to change it"
    ]  # the fact pipeline's words, as in the forms and the API

    accepted = import_facts(file=long_file(changed), actor=hr, cycle=open_cycle, reason="更正")
    assert (accepted.ok, accepted.changed) == (True, 1)
    assert AuditEvent.objects.filter(action="fact.changed", reason="更正").count() == 1


BAD_ROWS = [
    ("9999", "预算执行偏差率", "input", "actual", 1),  # row 2: unknown 工号
    ("1001", "预算执行偏差率", "input", "actual", "很多"),  # row 3: not a number
    ("1001", "内部控制管理", "rating", "supervisor", 7),  # row 4: outside the scale
    ("1001", "预算执行偏差率", "input", "budget", 1000000),  # row 5
    ("1001", "预算执行偏差率", "input", "budget", 1000000),  # row 6: duplicate of row 5
    ("1001", "客户满意度", "value", "", 0.9),  # row 7: not in the scheme
    ("1001", "部门管理", "event", "overtime", 1),  # row 8: not an event of the item
    ("1001", "部门管理", "magic", "", 1),  # row 9: unknown kind
    ("1002", "部门管理", "event", "violation", 1, "2026-11"),  # row 10: period outside
]


def test_every_problem_is_marked_on_its_cell_and_nothing_is_written(
    hr: Any, open_cycle: Any
) -> None:
    facts, events = Fact.objects.count(), AuditEvent.objects.count()
    data = long_file(BAD_ROWS, header=("appraisee", "item", "kind", "key", "value", "period"))

    outcome = import_facts(file=data, actor=hr, cycle=open_cycle, name="bad.xlsx")

    assert not outcome.ok and outcome.annotated is not None
    marked = marked_cells(outcome.annotated)
    assert marked == {  # the item's rules in the fact pipeline's words (as in the forms, the API)
        "facts!A2": "unknown appraisee 9999: no such 工号 in this cycle",
        "facts!E3": "预算执行偏差率 takes a number: 很多 is not a number",
        "facts!E4": "内部控制管理 takes one of the levels 5, 4, 3, 2, 1: 7 is not one of them",
        "facts!E6": "duplicate row: the same fact is already given in row 5",
        "facts!B7": "the scheme 财务部考核表 has no item 客户满意度",
        "facts!D8": "部门管理 has no event overtime (its events: late_day, violation)",
        "facts!C9": "unknown kind of fact magic; expected one of attribute, input, value, "
        "event, rating, score, adjustment, group",
        "facts!F10": "the period 2026-11 is outside the cycle 2026年10月考核 (2026-10)",
    }
    summary = load(outcome.annotated).worksheets[0]
    assert summary.title == "Problems" and summary.max_row == 9
    assert (Fact.objects.count(), AuditEvent.objects.count()) == (facts, events)
    assert "Nothing was imported: 8 problem(s)" in outcome.summary()


def test_a_bad_last_row_leaves_the_database_untouched(hr: Any, open_cycle: Any) -> None:
    before = (Fact.objects.count(), Event.objects.count(), Rating.objects.count())
    audit = AuditEvent.objects.count()
    results = list(Result.objects.values_list("pk", "total"))

    outcome = import_facts(
        file=long_file([*GOOD_ROWS, ("1003", "内部控制管理", "rating", "supervisor", "优")]),
        actor=hr,
        cycle=open_cycle,
    )

    assert [p.cell for p in outcome.problems] == ["E11"]
    assert (Fact.objects.count(), Event.objects.count(), Rating.objects.count()) == before
    assert AuditEvent.objects.count() == audit
    assert list(Result.objects.values_list("pk", "total")) == results
    assert not ImportBatch.objects.exists()


def test_the_template_round_trip(hr: Any, open_cycle: Any, company: SimpleNamespace) -> None:
    template = load(export_facts_template(cycle=open_cycle, actor=hr))
    sheet = template["T-FIN"]
    titles = [cell.value for cell in sheet[1]]
    assert titles == [
        "工号",
        "姓名",
        "期间",
        "预算执行偏差率 [input:actual]",
        "预算执行偏差率 [input:budget]",
        "部门管理 [event:late_day]",
        "部门管理 [event:violation]",
        "内部控制管理 [rating:supervisor]",
    ]
    assert [sheet.cell(row, 1).value for row in (2, 3, 4)] == ["1001", "1002", "1003"]
    assert sheet.cell(2, 3).value == "2026-10"
    [validation] = sheet.data_validations.dataValidation
    assert (validation.formula1, str(validation.sqref)) == ('"5,4,3,2,1"', "H2:H4")

    for row, (actual, late, violations, rating) in zip(
        (2, 3, 4), ((990000, 0, 1, 4), (1060000, 3, 0, 5), (1000000, 0, 0, 3)), strict=True
    ):
        for column, value in zip(
            range(4, 9), (actual, 1000000, late, violations, rating), strict=True
        ):
            sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    template.save(buffer)

    outcome = import_facts(file=buffer.getvalue(), actor=hr, cycle=open_cycle, name="t.xlsx")

    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.added, outcome.unchanged) == (3, 11, 4)  # four zero counts
    assert totals(open_cycle) == pytest.approx({"1001": 92.5, "1002": 76.25, "1003": 90.0})

    again = load(export_facts_template(cycle=open_cycle, actor=hr))["T-FIN"]
    assert [c.value for c in again[3]][3:] == [1060000, 1000000, 3, None, 5]
    assert import_facts(file=buffer.getvalue(), actor=hr, cycle=open_cycle).nothing_changed


def test_results_export_reads_back(hr: Any, open_cycle: Any) -> None:
    import_facts(file=long_file(GOOD_ROWS), actor=hr, cycle=open_cycle)
    sheet = load(export_results(cycle=open_cycle, actor=hr))["T-FIN"]
    titles = [cell.value for cell in sheet[1]]
    rows = {
        row[0]: dict(zip(titles, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    for result in Result.objects.select_related("appraisal__employee"):
        row = rows[result.appraisal.appraisee_id]
        assert row["总分"] == result.total
        assert row["排名"] == result.rank
        assert row["等级"] == (result.grade or None)
        for item in result.data["items"]:
            assert row[item["code"]] == item["score"]
    assert rows["1001"]["总分"] == pytest.approx(92.5)
    assert rows["1001"]["等级"] == "优秀"


def test_wide_format_with_a_bad_cell(hr: Any, open_cycle: Any) -> None:
    data = workbook_bytes(
        (
            "sheet",
            [
                [
                    "工号",
                    "姓名",
                    "内部控制管理 [rating:supervisor]",
                    "预算执行偏差率 [input:budget]",
                ],
                ["1001", "张敏", 4, 1000000],
                ["1002", "李强", 9, "一百万"],
            ],
        )
    )
    outcome = import_facts(file=data, actor=hr, cycle=open_cycle)
    assert marked_cells(outcome.annotated or b"") == {
        "sheet!C3": "内部控制管理 takes one of the levels 5, 4, 3, 2, 1: 9 is not one of them",
        "sheet!D3": "预算执行偏差率 takes a number: 一百万 is not a number",
    }
    assert not Rating.objects.exists()


def test_data_owners_import_only_the_items_they_are_the_source_of(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    owner = EmployeeFactory(
        number="1009", unit=company.finance, is_data_owner=True, user=UserFactory(username="acc")
    )
    rows = [
        ("1001", "预算执行偏差率", "input", "actual", 990000),
        ("1001", "部门管理", "event", "violation", 1),
    ]
    outcome = import_facts(file=long_file(rows), actor=owner.user, cycle=open_cycle)
    assert [(p.cell, p.message) for p in outcome.problems] == [
        ("B3", "you may not record facts of 部门管理")
    ]
    assert import_facts(file=long_file(rows[:1]), actor=owner.user, cycle=open_cycle).added == 1

    template = load(export_facts_template(cycle=open_cycle, actor=owner.user))["T-FIN"]
    assert [c.value for c in template[1]][3:] == [
        "预算执行偏差率 [input:actual]",
        "预算执行偏差率 [input:budget]",
    ]
    with pytest.raises(NotAllowed):
        import_facts(file=long_file(rows), actor=company.worker.user, cycle=open_cycle)
    with pytest.raises(NotAllowed):
        export_results(cycle=open_cycle, actor=owner.user)


def test_the_header_must_be_recognised(hr: Any, open_cycle: Any) -> None:
    outcome = import_facts(
        file=workbook_bytes(("x", [["a", "b"], [1, 2]])), actor=hr, cycle=open_cycle
    )
    assert [p.cell for p in outcome.problems] == ["A1"]
    assert openpyxl.load_workbook(io.BytesIO(outcome.annotated or b"")).sheetnames == [
        "Problems",
        "x",
    ]


def test_a_wide_row_shorter_than_the_header_is_read(hr: Any, open_cycle: Any) -> None:
    """A streamed row ends at its last filled cell: a row with only a 工号 is a row
    of no facts, not a crash."""
    data = workbook_bytes(
        ("T-FIN", [("工号", "姓名", "期间", "预算执行偏差率 [input:actual]"), ("1001",)])
    )
    outcome = import_facts(file=data, actor=hr, cycle=open_cycle)
    assert outcome.ok and outcome.nothing_changed and outcome.rows == 1
