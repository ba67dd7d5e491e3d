"""The specification's examples score exactly as their *.expected.yaml say,
through the command line (scheme-language §14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.cli import main

SCORED = ["fin-manager", "warehouse-3pl", "staff-360", "staff-monthly", "staff-annual"]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    status = main(list(args))
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip().startswith("{") else out


@pytest.mark.parametrize("name", SCORED)
def test_example_scores_as_expected(
    name: str, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = run_cli(
        capsys, "score", str(examples / f"{name}.scheme.yaml"), str(examples / f"{name}.facts.yaml")
    )
    assert status == 0
    expected = yaml.safe_load((examples / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    results = {r["appraisee"]: r for r in document["results"]}
    assert set(results) == set(expected)
    for appraisee, want in expected.items():
        got = results[appraisee]
        items = {item["code"]: item for item in got["items"]}
        for code, score in (want.get("items") or {}).items():
            assert items[code]["score"] == pytest.approx(score, abs=1e-4), (appraisee, code)
        for code, met in (want.get("met") or {}).items():
            assert items[code]["met"] is met, (appraisee, code)
        for key in ("total", "rank", "grade", "band_grade"):
            if key in want:
                assert got[key] == pytest.approx(want[key], abs=1e-4), (appraisee, key)
        for key, value in (want.get("outcomes") or {}).items():
            assert got["outcomes"][key] == pytest.approx(value, abs=1e-4), (appraisee, key)


def test_every_item_has_a_trace_and_contributions_add_up(
    examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, document = run_cli(
        capsys,
        "score",
        str(examples / "fin-manager.scheme.yaml"),
        str(examples / "fin-manager.facts.yaml"),
    )
    for result in document["results"]:
        assert sum(i["contribution"] for i in result["items"]) == pytest.approx(result["subtotal"])
        assert all(item["trace"] for item in result["items"])
    f01 = {i["code"]: i for i in document["results"][0]["items"]}
    assert f01["预算执行偏差率"]["trace"] == (
        "1 - abs(actual - budget) / budget = 0.97; 0.97 matched ≥ 95% → 80"
    )
    assert f01["部门管理"]["trace"] == (
        "violation 1: 1 × 10 = 10; late_day 2: 2 × 5 = 10; 100 − 20 = 80"
    )


def test_ahp_example(examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, document = run_cli(capsys, "ahp", str(examples / "ahp-2x2.yaml"), "--format", "json")
    assert status == 0
    assert document["weights"] == pytest.approx([0.75, 0.25])
    assert document["lambda_max"] == pytest.approx(2)
    assert document["ci"] == pytest.approx(0)
    assert document["cr"] == pytest.approx(0)
    assert document["consistent"] is True


def test_installed_command_runs(examples: Path) -> None:
    """The `jixiao` entry point itself, as a user runs it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jixiao.cli",
            "score",
            str(examples / "staff-360.scheme.yaml"),
            str(examples / "staff-360.facts.yaml"),
            "--format",
            "table",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "S1" in done.stdout and "89.63" in done.stdout and "优秀" in done.stdout
