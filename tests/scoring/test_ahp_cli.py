"""`jixiao ahp` on the specification's examples and on bad files, in English and
Chinese (scheme-language §14, §16). The examples' figures are those their
comments give (ahp-2x2, ahp-experts, ahp-levels)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jixiao.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    status = main(["ahp", *args])
    captured = capsys.readouterr()
    out = captured.out
    return status, json.loads(out) if out.startswith("{") else out, captured.err


def four(values: list[float]) -> list[float]:
    return [round(v, 4) for v in values]


def test_example_2x2(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, document, _ = run(capsys, str(examples / "ahp-2x2.yaml"), "--format", "json")
    assert status == 0
    assert document["weights"] == [0.75, 0.25]
    assert (document["lambda_max"], document["ci"], document["cr"]) == (2, 0, 0)
    assert document["consistent"] is True and document["warnings"] == []
    assert "names" not in document and "children" not in document


def test_example_experts(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Three experts: 3, 5, 9 → (3 × 5 × 9)^(1/3) = 5.1299, weights 0.8369 / 0.1631."""
    status, document, _ = run(capsys, str(examples / "ahp-experts.yaml"), "--format", "json")
    assert status == 0
    assert four(document["weights"]) == [0.8369, 0.1631]
    assert document["names"] == ["德", "能"] and document["experts"] == 3
    assert round(document["matrix"][0][1], 4) == 5.1299
    assert document["matrix"][0][1] * document["matrix"][1][0] == pytest.approx(1)
    assert (document["lambda_max"], document["ci"], document["cr"]) == (2, 0, 0)
    assert document["consistent"] is True


def test_example_experts_arithmetic(
    examples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file's second expectation: `aggregate: arithmetic` → 17/3, weights 0.85 / 0.15."""
    text = (examples / "ahp-experts.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "arithmetic.yaml"
    changed.write_text(text + "aggregate: arithmetic\n", encoding="utf-8")
    status, document, _ = run(capsys, str(changed), "--format", "json")
    assert status == 0
    assert round(document["matrix"][0][1], 4) == 5.6667
    assert four(document["weights"]) == [0.85, 0.15]


def test_example_levels(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, document, _ = run(capsys, str(examples / "ahp-levels.yaml"), "--format", "json")
    assert status == 0
    assert four(document["weights"]) == [0.5714, 0.2857, 0.1429]
    assert (document["lambda_max"], document["cr"]) == (3, 0)
    ability = document["children"]["能"]
    assert ability["names"] == ["业务能力", "沟通协调能力"]
    assert four(ability["weights"]) == [0.75, 0.25]
    assert four(ability["global"]) == [0.2143, 0.0714]
    assert (ability["lambda_max"], ability["ci"], ability["cr"]) == (2, 0, 0)


def test_text_of_a_hierarchy_in_english_and_chinese(
    examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, english, _ = run(capsys, str(examples / "ahp-levels.yaml"))
    assert status == 0
    assert english.splitlines() == [
        "AHP: 3 criteria, 1 expert",
        "weights:",
        "   1  德  0.5714",
        "   2  能  0.2857",
        "   3  勤  0.1429",
        "λmax = 3.0000",
        "CI   = 0.0000",
        "RI   = 0.58",
        "CR   = 0.0000 (consistent: CR < 0.1)",
        "",
        "under 能: 2 criteria, 1 expert",
        "weights (local, global):",
        "   1  业务能力      0.7500  0.2143",
        "   2  沟通协调能力  0.2500  0.0714",
        "λmax = 2.0000",
        "CI   = 0.0000",
        "RI   = 0.00",
        "CR   = 0.0000 (consistent: CR < 0.1)",
    ]
    status, chinese, _ = run(capsys, str(examples / "ahp-levels.yaml"), "--language", "zh")
    assert status == 0
    assert chinese.splitlines()[:2] == ["层次分析法：3 个指标，1 位专家", "权重："]
    assert chinese.splitlines()[10:12] == [
        "能 之下：2 个指标，1 位专家",
        "权重（单权重、总权重）：",
    ]
    assert "(一致性可以接受：CR < 0.1)" in chinese


def test_text_of_several_experts(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, english, _ = run(capsys, str(examples / "ahp-experts.yaml"))
    assert english.splitlines()[:7] == [
        "AHP: 2 criteria, 3 experts (geometric mean of judgements)",
        "weights:",
        "   1  德  0.8369",
        "   2  能  0.1631",
        "combined matrix:",
        "  [1.0000, 5.1299]",
        "  [0.1949, 1.0000]",
    ]
    _, chinese, _ = run(capsys, str(examples / "ahp-experts.yaml"), "--language", "zh")
    assert chinese.splitlines()[0] == "层次分析法：2 个指标，3 位专家（判断值取几何平均）"
    assert chinese.splitlines()[4] == "综合判断矩阵："


TRIMMED = """\
names: [a, b]
trim: 1
experts:
  - [[1, 2], [1/2, 1]]
  - [[1, 8], [1/2, 1]]
"""


def test_warnings_name_the_line_and_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trimmed.yaml"
    path.write_text(TRIMMED, encoding="utf-8")
    status, text, _ = run(capsys, str(path))
    assert status == 0
    assert text.splitlines()[-2:] == [
        "warning: line 5: experts[1][1][0]: not read: expected 1/8 (the reciprocal of"
        " [0][1] = 8), got '1/2'; 1/8 is used",
        "warning: trim 1 needs at least 3 experts, there are 2: nothing was dropped",
    ]
    status, chinese, _ = run(capsys, str(path), "--language", "zh")
    assert chinese.splitlines()[-1] == (
        "警告：每对去掉最高和最低各 1 个判断至少需要 3 位专家，现有 2 位：未剔除任何判断"
    )
    status, document, _ = run(capsys, str(path), "--format", "json")
    assert len(document["warnings"]) == 2 and document["weights"] == pytest.approx([0.8, 0.2])


BAD = """\
names: [德, 能]
matrix:
  - [1, 3]
  - [1/3, 1]
trim: -1
children:
  能力:
    matirx: [[1]]
"""


def test_a_bad_file_is_refused_with_its_lines_in_either_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    status, out, err = run(capsys, str(path), "--format", "json")
    assert status == 2 and out == ""
    assert err.splitlines() == [
        "invalid AHP matrix: 4 problem(s)",
        f"  {path}:5: trim: expected how many judgements to drop at each end (0, 1, 2 …), got -1",
        f"  {path}:8: children.能力: '能力' is not one of the names; did you mean '能'?",
        f"  {path}:8: children.能力.matirx: unknown key; did you mean 'matrix'?",
        f"  {path}:8: children.能力: expected a mapping with either `matrix:` (one matrix)"
        " or `experts:` (a list)",
    ]
    status, _, chinese = run(capsys, str(path), "--language", "zh")
    assert status == 2
    assert chinese.splitlines()[:3] == [
        "判断矩阵文件无效：4 处问题",
        f"  {path}:5: trim: 应为去掉最高和最低判断的个数（0、1、2 …），此处为 -1",
        f"  {path}:8: children.能力: '能力' 不在本层指标名称中；是否应为 '能'？",
    ]


def test_a_duplicate_key_or_a_missing_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("matrix: [[1]]\nmatrix: [[1]]\n", encoding="utf-8")
    status, _, err = run(capsys, str(path))
    assert status == 2
    assert err.splitlines()[1] == f"  {path}:2: matrix: duplicate key (the file states it twice)"
    status, _, err = run(capsys, str(tmp_path / "none.yaml"), "--language", "zh")
    assert status == 2
    assert err.splitlines() == [
        "判断矩阵文件无效：1 处问题",
        f"  {tmp_path / 'none.yaml'}: 找不到文件",
    ]


def test_the_installed_command(examples: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "ahp", str(examples / "ahp-experts.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0.8369" in done.stdout and "0.1631" in done.stdout
