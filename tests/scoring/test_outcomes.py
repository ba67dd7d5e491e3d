"""Part 2 through the engine and the command line: several periods and
contracts, normalisation, pay with gated appraisees, salary steps, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.scoring import SchemeError, facts_from_text, scheme_from_text, score, score_periods

CONTRACT_SCHEME = """
code: 3PL-MINI
name: 仓储服务商（简）
items:
  - {code: K1, weight: 1, full: 10, measure: "error", standard: "== 0",
     rule: {deduct: {per: {error: {each: 1}}}}}
  - {code: K2, weight: 1, full: 10, measure: "error", standard: "== 0",
     rule: {deduct: {per: {error: {each: 1}}}}}
  - {code: K3, weight: 1, full: 10, measure: "error", standard: "== 0",
     rule: {deduct: {per: {error: {each: 1}}}}}
  - {code: K4, weight: 1, full: 10, measure: "error", standard: "== 0",
     rule: {deduct: {per: {error: {each: 5}}}}}
outcomes:
  contract:
    fee_deduction: [["< 60", 10%], ["< 80", 5%], [else, 0]]
    reference_periods: 1
    triggers:
      - {name: 解约权, failed_items: ">= 3", consecutive: 2}
"""


def month(period: str, failures: dict[str, int]) -> str:
    facts = ", ".join(f"{code}: {{events: {{error: {n}}}}}" for code, n in failures.items())
    return f"""
  - period: {period}
    appraisees:
      - id: WH
        attributes: {{since: 2026-06}}
        facts: {{{facts}}}"""


@pytest.fixture
def contract_files(tmp_path: Path) -> tuple[Path, Path]:
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(CONTRACT_SCHEME, encoding="utf-8")
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "periods:"
        + month("2026-06", {"K1": 2, "K2": 2, "K3": 2, "K4": 2})  # reference period
        + month("2026-07", {"K1": 1, "K2": 1, "K3": 1, "K4": 0})  # 3 failed (1st)
        + month("2026-08", {"K1": 1, "K2": 1, "K3": 0, "K4": 1})  # 3 failed (2nd) -> fires
        + month("2026-09", {"K1": 1, "K2": 0, "K3": 0, "K4": 0}),  # stops holding
        encoding="utf-8",
    )
    return scheme, facts


def test_contract_series_through_the_command_line(
    contract_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    scheme, facts = contract_files
    assert main(["score", str(scheme), str(facts)]) == 0
    document = json.loads(capsys.readouterr().out)
    periods = document["periods"]
    assert [p["period"] for p in periods] == ["2026-06", "2026-07", "2026-08", "2026-09"]
    outcomes = [p["results"][0]["outcomes"] for p in periods]
    totals = [p["results"][0]["total"] for p in periods]
    # 2026-06: K4 scores 0 (2 × 5 = 10), the rest 8 -> (8 + 8 + 8 + 0) / 40 × 100 = 60
    assert totals == [60, 92.5, 82.5, 97.5]
    assert outcomes[0]["reference_period"] is True
    assert outcomes[0]["fee_deduction"] == 0  # reference: nothing withheld although < 80
    assert [o["failed_items"] for o in outcomes] == [4, 3, 3, 1]
    assert [o["triggers"] for o in outcomes] == [[], [], ["解约权"], []]
    assert [o["fee_deduction"] for o in outcomes[1:]] == [0, 0, 0]


def test_fee_deduction_by_total() -> None:
    scheme = scheme_from_text(
        CONTRACT_SCHEME.replace("reference_periods: 1", "reference_periods: 0")
    )
    facts = facts_from_text(
        "period: 2026-07\nappraisees:\n  - id: WH\n    facts: {K4: {events: {error: 2}}, "
        "K1: {events: {error: 10}}, K2: {events: {error: 6}}}"
    )
    run = score_periods(scheme, facts)[0]
    result = run.result(0)
    assert result["total"] == 35  # (0 + 4 + 10 + 0) / 40 × 100
    assert result["outcomes"]["fee_deduction"] == pytest.approx(0.10)


NORMALIZE_SCHEME = """
code: NORM
name: 部门间调整
items:
  - {code: 综合, weight: 100, rule: {direct: {min: 0, max: 100}}}
normalize:
  within: department
  group_factor: {by: manager_score, cap: spread}
ranking: {by: normalized}
"""


def test_normalisation_with_group_factor_and_ranking_by_normalized() -> None:
    scheme = scheme_from_text(NORMALIZE_SCHEME)
    facts = facts_from_text("""
period: 2026-06
groups:
  department: {甲: {manager_score: 96}, 乙: {manager_score: 80}}
appraisees:
  - {id: A1, attributes: {department: 甲}, facts: {综合: {score: 90}}}
  - {id: A2, attributes: {department: 甲}, facts: {综合: {score: 70}}}
  - {id: B1, attributes: {department: 乙}, facts: {综合: {score: 95}}}
  - {id: B2, attributes: {department: 乙}, facts: {综合: {score: 85}}}
""").periods[0]
    run = score(scheme, facts)
    results = {r["appraisee"]: r for r in run.results()}
    # S1 = total × 100 / group mean: 甲 mean 80 -> 112.5, 87.5; 乙 mean 90 -> 105.5556, 94.4444
    # factors 96/80 = 1.2 and 1; cap = (112.5 + 87.5) / (2 × 87.5) = 1.142857 -> sqrt -> 1.0954
    factor = 1.2**0.5
    assert results["A1"]["normalized"] == pytest.approx(112.5 * factor, abs=1e-4)
    assert results["B1"]["normalized"] == pytest.approx(105.5556, abs=1e-4)
    # by total the order would be B1, A1, B2, A2; normalised it is A1, B1, A2, B2
    assert [results[k]["rank"] for k in ("A1", "B1", "A2", "B2")] == [1, 2, 3, 4]
    assert any("square root" in w for w in run.warnings)


PAY_SCHEME = """
code: PAY
name: 绩效工资
items:
  - {code: 综合, weight: 100, rule: {direct: {min: 0, max: 100}}}
adjustments:
  - {name: 基本项, gate: {when: "loss >= 2000", effect: no_bonus}}
grades: [[">= 90", 优秀], [">= 75", 良好], [else, 合格]]
outcomes:
  pay: {coefficients: {优秀: 1.5, 良好: 1.0, 合格: 0.5}, pool: pool}
  salary:
    steps: [["> 95", 2], ["> 80", 1], ["> 60", 0], [else, -1]]
    current: salary_grade
    min: salary_grade_min
    max: salary_grade_max
"""


def test_pay_skips_gated_appraisees_and_salary_steps_are_clamped() -> None:
    scheme = scheme_from_text(PAY_SCHEME)
    facts = facts_from_text("""
period: 2026-12
groups: {all: {all: {pool: 30000}}}  # without within, everyone is all=all
appraisees:
  - {id: P1, inputs: {loss: 0, salary_grade: 7, salary_grade_min: 3, salary_grade_max: 8},
     facts: {综合: {score: 96}}}
  - {id: P2, inputs: {loss: 0, salary_grade: 5, salary_grade_min: 3, salary_grade_max: 8},
     facts: {综合: {score: 80}}}
  - {id: P3, inputs: {loss: 2500, salary_grade: 3, salary_grade_min: 3, salary_grade_max: 8},
     facts: {综合: {score: 92}}}
  - {id: P4, inputs: {loss: 0, salary_grade: 3, salary_grade_min: 3, salary_grade_max: 8},
     facts: {综合: {score: 50}}}
""").periods[0]
    results = {r["appraisee"]: r for r in score(scheme, facts).results()}
    # P3 is gated (no_bonus): score stands, no pay, no share. Shares: 1.5 + 1.0 + 0.5 = 3
    assert results["P3"]["total"] == 92 and results["P3"]["grade"] == "优秀"
    assert "no_bonus" in results["P3"]["flags"]
    pays = {k: r["outcomes"]["pay"] for k, r in results.items()}
    assert pays == {"P1": 15000, "P2": 10000, "P3": 0, "P4": 5000}
    steps = {
        k: (r["outcomes"]["salary_step"], r["outcomes"]["salary_grade"]) for k, r in results.items()
    }
    assert steps == {"P1": (2, 8), "P2": (0, 5), "P3": (1, 4), "P4": (-1, 3)}


def test_limits_max_items_makes_the_scheme_invalid_and_weights_warn() -> None:
    text = """
code: LIM
name: 限制
limits: {max_items: 2, min_weight: 10%, weight_gap: 5%}
items:
  - {code: A, weight: 60, rule: {direct: {}}}
  - {code: B, weight: 35, rule: {direct: {}}}
  - {code: C, weight: 5, rule: {direct: {}}}
"""
    with pytest.raises(SchemeError) as caught:
        scheme_from_text(text)
    assert "3 items, more than the limit of 2" in str(caught.value)
    scheme = scheme_from_text(
        text.replace("max_items: 2", "max_items: 6")
        .replace("B, weight: 35", "B, weight: 32")
        .replace("C, weight: 5", "C, weight: 8")
    )
    messages = [w.message for w in scheme.warnings]
    assert any("'C' carries 8% of the total, below the minimum of 10%" in m for m in messages)
    run = score(
        scheme,
        facts_from_text(
            "appraisees: [{id: X, facts: {A: {score: 1}, B: {score: 1}, C: {score: 1}}}]"
        ).periods[0],
    )
    assert any("below the minimum" in w for w in run.warnings)


def test_check_reports_limits_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "code: G\nname: 间隔\nlimits: {weight_gap: 5%}\nitems:\n"
        "  - {code: A, weight: 52, rule: {direct: {}}}\n"
        "  - {code: B, weight: 48, rule: {direct: {}}}\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "differ by less than 5%" in out
