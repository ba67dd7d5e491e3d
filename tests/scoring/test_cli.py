"""The command line (scheme-language §14): `jixiao score` in json, csv and
table formats, `--output`, `--period`, exit statuses 0 / 1 / 2, and
`jixiao check`."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest
from wcwidth import wcswidth

from jixiao.cli import main

SCHEME = """\
code: DEMO
name: 部门月度考核
period: month
sections:
  - name: 业绩
    weight: 60
    items:
      - {code: 回款率, weight: 1, measure: received / due, rule: {bands: [['>= 98%', 100], ['>= 90%', 80], [else, 40]]}}
  - name: 态度
    weight: 40
    items:
      - {code: 纪律, weight: 1, rule: {deduct: {per: {late: {each: 5}}}}}
      - {code: 季度评价, weight: 1, period: quarter, rule: {direct: {min: 0, max: 100}}}
grades: [['>= 90', 优秀], ['>= 75', 良好], [else, 合格]]
"""  # noqa: E501

FACTS = """\
period: 2026-05
appraisees:
  - id: E001
    name: 王芳
    attributes: {department: 财务部}
    facts:
      回款率: {inputs: {received: 490, due: 500}}
      纪律: {events: {late: 1}}
      季度评价: {score: 90}
  - id: E002
    name: 欧阳娜娜
    attributes: {department: 市场部}
    facts:
      回款率: {inputs: {received: 460, due: 500}}
      纪律: {events: {late: [1, 1, 1]}}
      季度评价: {score: 70}
  - id: E3
    name: Bob
    attributes: {department: 市场部}
    facts:
      回款率: {inputs: {received: 500, due: 500}}
      季度评价: {score: 100}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path, "scheme.yaml", SCHEME), write(tmp_path, "facts.yaml", FACTS)


def test_score_prints_json(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "score", *files)
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert (document["scheme"], document["period"], document["warnings"]) == ("DEMO", "2026-05", [])
    e001, e002, e3 = document["results"]
    assert [i["code"] for i in e001["items"]] == ["回款率", "纪律"]  # 季度评价 is not due in May
    assert e001["total"] == 98  # 60 × 100% + 40 × 95%
    assert e002["total"] == 82  # 60 × 80% + 40 × 85%
    assert e3["total"] == 100
    assert [(r["rank"], r["ranked"], r["grade"]) for r in document["results"]] == [
        (2, 3, "优秀"),
        (3, 3, "良好"),
        (1, 3, "优秀"),
    ]
    assert e001["items"][0]["trace"] == ("received / due = 0.98; 0.98 matched ≥ 98% → 100")
    assert "王芳" in out  # not escaped as \\u738b


def test_period_option_overrides_the_file(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "score", *files, "--period", "2026-06")
    assert status == 0
    document = json.loads(out)
    assert document["period"] == "2026-06"
    assert [i["code"] for i in document["results"][0]["items"]] == ["回款率", "纪律", "季度评价"]


def test_numbers_are_rounded_to_4_decimals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = write(
        tmp_path,
        "s.yaml",
        "code: T\nname: t\nitems:\n"
        "  - {code: a, weight: 1, rule: {direct: {}}}\n"
        "  - {code: b, weight: 2, rule: {direct: {}}}\n",
    )
    facts = write(
        tmp_path, "f.yaml", "appraisees:\n  - {id: A, facts: {a: {score: 100}, b: {score: 0}}}\n"
    )
    _, out, _ = run(capsys, "score", scheme, facts)
    [result] = json.loads(out)["results"]
    assert result["total"] == 33.3333
    assert [i["weight"] for i in result["items"]] == [33.3333, 66.6667]


def test_score_csv(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "score", *files, "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["appraisee"] for r in rows] == ["E001", "E002", "E3"]
    assert rows[1]["name"] == "欧阳娜娜"
    assert (rows[1]["回款率"], rows[1]["纪律"], rows[1]["total"]) == ("80", "85", "82")
    assert (rows[1]["rank"], rows[1]["ranked"], rows[1]["grade"]) == ("3", "3", "良好")
    assert rows[0]["period"] == "2026-05"


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = write(
        tmp_path, "s.yaml", "code: T\nname: t\nitems: [{code: a, weight: 1, rule: {direct: {}}}]\n"
    )
    facts = write(
        tmp_path,
        "f.yaml",
        "appraisees:\n  - {id: A, name: '=HYPERLINK(1)', facts: {a: {score: 1}}}\n",
    )
    _, out, _ = run(capsys, "score", scheme, facts, "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["name"] == "'=HYPERLINK(1)"


def table_lines(out: str) -> tuple[str, list[str]]:
    """The header line and the data lines of the first table block."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    data = []
    for line in lines[rule + 1 :]:
        if not line.strip() or line.startswith(("!", "*", "warning:")):
            break
        data.append(line)
    return lines[rule - 1], data


def test_table_aligns_chinese_text(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "score", *files, "--format", "table")
    assert status == 0
    assert out.startswith("DEMO 部门月度考核 — 2026-05\n")
    header, data = table_lines(out)
    assert len(data) == 3
    # the grades 优秀 and 良好 are equally wide, so aligned lines are equally wide
    widths = {wcswidth(line) for line in data}
    assert len(widths) == 1, [(wcswidth(line), line) for line in data]
    # and every column starts at the same display column on every line
    rule = out.splitlines()[out.splitlines().index(header) + 1]
    starts = [i for i, ch in enumerate(rule) if ch == "─" and (i == 0 or rule[i - 1] == " ")]
    for line in [header, *data]:
        for start in starts[1:]:
            prefix = _display_prefix(line, start)
            assert prefix.endswith("  "), (line, start)


def _display_prefix(line: str, columns: int) -> str:
    """The characters of `line` that fill its first `columns` display columns."""
    taken = 0
    for index, char in enumerate(line):
        if taken >= columns:
            return line[:index]
        taken += wcswidth(char)
    return line


def test_table_lists_errors_under_the_table(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, _ = files
    facts = write(
        tmp_path,
        "bad.yaml",
        FACTS.replace(
            "due: 500}}\n      纪律: {events: {late: 1}}",
            "due: 0}}\n      纪律: {events: {late: 1}}",
        ),
    )
    status, out, _ = run(capsys, "score", scheme, facts, "--format", "table")
    assert status == 1
    assert "! E001: item 回款率: division by zero in 'received / due'" in out


def test_output_writes_a_file(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    status, out, _ = run(capsys, "score", *files, "--output", target)
    assert (status, out) == (0, "")
    written = json.loads(target.read_text("utf-8"))
    _, printed, _ = run(capsys, "score", *files)
    assert written == json.loads(printed)


def test_output_in_csv(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    assert run(capsys, "score", *files, "--format", "csv", "--output", target)[:2] == (0, "")
    assert target.read_text("utf-8").startswith("period,appraisee,name,回款率,纪律,")


def test_exit_status_1_when_some_appraisees_have_errors(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, _ = files
    facts = write(
        tmp_path, "bad.yaml", FACTS.replace("received: 460, due: 500", "received: 460, due: 0")
    )
    status, out, err = run(capsys, "score", scheme, facts)
    assert status == 1
    e001, e002, e3 = json.loads(out)["results"]
    assert e002["total"] is None
    assert e002["errors"] == ["item 回款率: division by zero in 'received / due'"]
    assert e002["items"][1]["score"] == 85  # the other item is still scored
    assert (e001["total"], e3["total"]) == (98, 100)
    assert (e001["rank"], e001["ranked"]) == (2, 2)
    assert "1 appraisee result(s) have errors" in err


def test_exit_status_2_for_an_invalid_scheme(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, facts = files
    scheme = write(
        tmp_path,
        "bad.yaml",
        SCHEME.replace(
            "      - {code: 纪律, weight: 1, rule:", "      - {code: 纪律, weight: 1, rulle:"
        ),
    )
    status, out, err = run(capsys, "score", scheme, facts)
    assert (status, out) == (2, "")
    assert f"{scheme}:12: sections[1].items[0].rulle: unknown key; did you mean 'rule'?" in err


def test_exit_status_2_for_an_invalid_facts_file(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, _ = files
    facts = write(tmp_path, "bad.yaml", FACTS.replace("late: 1}", "late: -1}"))
    status, out, err = run(capsys, "score", scheme, facts)
    assert (status, out) == (2, "")
    assert err.startswith("invalid facts: 1 problem(s)\n")
    assert f"{facts}:8: appraisees[0].facts.纪律.events.late: an event is a count" in err


@pytest.mark.parametrize("which", ["scheme", "facts"])
def test_exit_status_2_for_a_missing_file(
    which: str, tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, facts = files
    missing = tmp_path / "missing.yaml"
    args = (missing, facts) if which == "scheme" else (scheme, missing)
    status, out, err = run(capsys, "score", *args)
    assert (status, out) == (2, "")
    assert f"{missing}: file not found" in err


def test_a_bad_period_option_is_exit_status_2(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "score", *files, "--period", "2026-13")
    assert status == 2
    assert "not a period: '2026-13'" in err


def test_score_a_csv_facts_file(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, _ = files
    facts = write(
        tmp_path,
        "facts.csv",
        "appraisee,item,kind,key,value\n"
        "E001,,attribute,name,王芳\n"
        "E001,回款率,input,received,490\n"
        "E001,回款率,input,due,500\n"
        "E001,纪律,event,late,1\n"
        "E001,季度评价,score,,90\n",
    )
    status, out, _ = run(capsys, "score", scheme, facts, "--period", "2026-06")
    assert status == 0
    [result] = json.loads(out)["results"]
    assert result["name"] == "王芳"
    assert result["total"] == pytest.approx(60 + 20 * 0.95 + 20 * 0.9)


def test_several_periods_print_one_list_per_period(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, _ = files
    facts = write(
        tmp_path,
        "periods.yaml",
        """
        periods:
          - period: 2026-05
            appraisees: [{id: A, facts: {回款率: {inputs: {received: 1, due: 1}}}}]
          - period: 2026-06
            appraisees: [{id: A, facts: {回款率: {inputs: {received: 1, due: 1}}, 季度评价: {score: 50}}}]
        """,  # noqa: E501
    )
    status, out, _ = run(capsys, "score", scheme, facts)
    assert status == 0
    document = json.loads(out)
    assert [p["period"] for p in document["periods"]] == ["2026-05", "2026-06"]
    assert [p["results"][0]["total"] for p in document["periods"]] == [100, 90]


# -- jixiao check ---------------------------------------------------------------------


def test_check_a_valid_scheme(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    scheme, _ = files
    status, out, err = run(capsys, "check", scheme)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "DEMO 部门月度考核: valid, 3 items, scale 100"
    assert lines[1].split() == ["section", "item", "rule", "full", "weight"]
    assert lines[3].split() == ["业绩", "回款率", "bands", "100", "60"]
    assert lines[4].split() == ["态度", "纪律", "deduct", "100", "20"]
    assert "warning" not in out


def test_check_shows_warnings_and_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = write(tmp_path, "s.yaml", SCHEME.replace("weight: 40", "weight: 30"))
    status, out, _ = run(capsys, "check", scheme)
    assert status == 0
    assert f"warning: {scheme}:5: sections: the top-level weights add up to 90" in out


def test_check_an_invalid_scheme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scheme = write(
        tmp_path,
        "s.yaml",
        SCHEME.replace("weight: 60", "weight: -60").replace("'>= 90%'", "'>= abc'"),
    )
    status, out, err = run(capsys, "check", scheme)
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "invalid scheme: 2 problem(s)",
        f"  {scheme}:6: sections[0].weight: must be at least 0, got -60",
        f"  {scheme}:8: sections[0].items[0].rule.bands[1][0]: "
        "condition '>= abc': expected a number, got 'abc'",
    ]


def test_check_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", tmp_path / "none.yaml")
    assert (status, out) == (2, "")
    assert f"{tmp_path / 'none.yaml'}: file not found" in err
