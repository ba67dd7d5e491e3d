"""`jixiao score … --format xlsx`: the results as a workbook, opened back with openpyxl —
headers in the language asked and frozen, numbers as numbers, the traces sheet, and
text that a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from jixiao.cli import main

SCHEME = """\
code: WB
name: 工作簿
items:
  - {code: 回款, name: 回款率, weight: 60, measure: received / due,
     rule: {bands: [['>= 98%', 100], ['>= 90%', 80], [else, 40]]}}
  - {code: 纪律, weight: 40, rule: {deduct: {per: {late: {each: 5}}}}}
adjustments:
  - {name: 创新奖, bonus: {each: [0, 10]}}
grades: [['>= 90', 优秀], ['>= 75', 良好], [else, 合格]]
ranking: {within: department}
"""

FACTS = """\
period: 2026-05
appraisees:
  - id: E001
    name: 王芳
    attributes: {department: 财务部}
    adjustments: {创新奖: 5}
    facts: {回款: {inputs: {received: 490, due: 500}}, 纪律: {events: {late: 1}}}
  - id: E002
    name: "=HYPERLINK(\\"http://x\\")"
    attributes: {department: 财务部}
    facts: {回款: {inputs: {received: 460, due: 500}}, 纪律: {events: {late: 3}}}
  - id: "-E003"
    name: "@bob"
    attributes: {department: 财务部}
    facts: {回款: {inputs: {received: 1, due: 0}}}
"""


def workbook(tmp_path: Path, language: str) -> tuple[int, openpyxl.Workbook]:
    (tmp_path / "s.yaml").write_text(SCHEME, encoding="utf-8")
    (tmp_path / "f.yaml").write_text(FACTS, encoding="utf-8")
    output = tmp_path / "results.xlsx"
    args = ["score", str(tmp_path / "s.yaml"), str(tmp_path / "f.yaml")]
    status = main([*args, "--format", "xlsx", "--output", str(output), "--language", language])
    return status, openpyxl.load_workbook(output)


def test_results_and_traces_in_chinese(tmp_path: Path) -> None:
    status, book = workbook(tmp_path, "zh")
    assert status == 1  # E003 divides by zero
    results, traces = book.worksheets
    assert (results.title, traces.title) == ("考核结果", "计算过程")
    rows = list(results.iter_rows(values_only=True))
    assert rows[0][:6] == ("期间", "工号", "姓名", "回款 回款率", "纪律 纪律", "小计")
    assert rows[0][6:10] == ("总分", "排名", "参与排名人数", "等级")
    assert results.freeze_panes == traces.freeze_panes == "A2"
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["期间"] == "2026-05" and first["工号"] == "E001"
    assert first["回款 回款率"] == 100 and first["纪律 纪律"] == 95  # numbers, not text
    assert first["总分"] == 103 and first["排名"] == 1 and first["等级"] == "优秀"
    assert isinstance(first["小计"], int | float)
    third = dict(zip(rows[0], rows[3], strict=True))
    assert third["总分"] is None and "除数为零" in third["错误"]
    trace_rows = list(traces.iter_rows(values_only=True))
    assert trace_rows[0] == (
        "期间",
        "工号",
        "姓名",
        "回款 回款率",
        "纪律 纪律",
        "加减分与系数",
        "错误",
    )
    assert trace_rows[1][3] == "received / due = 0.98；0.98 符合 ≥ 98% → 100"
    assert trace_rows[1][4] == "late 1 次：1 × 5 = 5；100 − 5 = 95"
    assert trace_rows[1][5] == "创新奖: +5"


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    _, book = workbook(tmp_path, "en")
    results, traces = book.worksheets
    for sheet in (results, traces):
        name, minus, at = sheet["C3"], sheet["B4"], sheet["C4"]
        assert name.value == '=HYPERLINK("http://x")' and minus.value == "-E003"
        assert at.value == "@bob"
        for cell in (name, minus, at):
            assert cell.data_type == "s" and cell.quotePrefix  # shown and kept as text
    assert results["B1"].value == "appraisee" and results.title == "Results"
    assert traces.title == "Traces"


def test_a_workbook_needs_an_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "s.yaml").write_text(SCHEME, encoding="utf-8")
    (tmp_path / "f.yaml").write_text(FACTS, encoding="utf-8")
    status = main(["score", str(tmp_path / "s.yaml"), str(tmp_path / "f.yaml"), "--format", "xlsx"])
    assert status == 2
    assert "--output" in capsys.readouterr().err


def test_the_rows_are_the_xml_openpyxl_writes_for_them(tmp_path: Path) -> None:
    """results_workbook streams the rows as text: the same XML openpyxl's write-only
    mode writes for the same values (numbers, text to escape, spaces kept, empty text,
    None, true/false, formula-looking text with the quote prefix style)."""
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from jixiao.results_workbook import FORMULA_PREFIXES, _rows_xml

    rows = [
        ["E1", "王 芳", 1, 2.5, 0.1 + 0.2, 10**17, -3, None, True, False, ""],
        [" lead", "trail ", "a & b < c > d", "=SUM(A1)", "-5", "+x", "@y", "\tz", 75.8565],
        ["line\nbreak", "中等", None, None, 1e-7, "'quoted", 'say "hi"'],
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(["header"])  # the data rows start at row 2, as ours do
    for values in rows:
        cells: list[object] = []
        for value in values:
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type, cell.quotePrefix = "s", True
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    written = io.BytesIO()
    book.save(written)
    xml = zipfile.ZipFile(written).read("xl/worksheets/sheet1.xml").decode()
    data = xml[xml.index("</row>") + len("</row>") : xml.index("</sheetData>")]
    quote = 1  # openpyxl's second cell style, after the default
    assert "".join(_rows_xml(iter(rows), quote)) == data


def test_pay_is_a_column_of_numbers_with_its_unit_in_the_heading(tmp_path: Path) -> None:
    """Issue 13: 绩效工资 4666.6667 with no unit; now 绩效工资（元）, to the fen."""
    from tests.scoring.golden_cases import EXAMPLES

    scheme = EXAMPLES / "staff-monthly.scheme.yaml"
    facts = EXAMPLES / "staff-monthly.facts.yaml"
    output = tmp_path / "pay.xlsx"
    args = ["score", str(scheme), str(facts), "--format", "xlsx", "--output", str(output)]
    main([*args, "--language", "zh"])
    rows = list(openpyxl.load_workbook(output).worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("绩效工资（元）")
    paid = [row[column] for row in rows[1:] if row[column] is not None]
    assert paid and all(isinstance(v, int | float) and v == round(v, 2) for v in paid)
