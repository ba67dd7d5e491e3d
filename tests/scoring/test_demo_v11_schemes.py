"""The demo's v1.1 forms score as computed by hand: the production manager's 扣分制
sheet (seed 001) and the warehouse contract's cumulative-loss clause (seed 003)."""

from __future__ import annotations

from pathlib import Path

from jixiao.scoring import facts_from_text, load_scheme, score_periods

SCHEMES = Path(__file__).resolve().parents[2] / "jixiao" / "demo" / "schemes"


def test_the_production_managers_points_sheet_adds_straight_onto_100() -> None:
    scheme = load_scheme(SCHEMES / "prd-manager-points.scheme.yaml")
    facts = facts_from_text("""
period: 2026-10
appraisees:
  - id: M1
    inputs: {pass_rate: 0.9825, target: 0.98}
    facts:
      PLAN: {events: {late_day: 2, missing_task: [3]}}
      DELIVERY: {events: {late_order: [3, 1]}}
      SAFETY: {events: {equipment_loss: [800]}}
  - id: M2
    inputs: {pass_rate: 0.975, target: 0.98}
    facts:
      SAFETY: {events: {equipment_loss: [6000, 7000, 9000], injury: [40]}}
""")
    [run] = score_periods(scheme, facts)
    m1, m2 = run.results()
    # 100 − 2 late days − 6 (an omission of 档 3) − 8 (orders 3 + 1 days late) − 5 (¥800)
    # = 79; the pass rate 0.25% above target: 2 whole steps of 0.1% → +2
    assert (m1["subtotal"], m1["total"], m1["grade"]) == (79, 81, "合格")
    # safety: 3 × 10 + 10 = 40 off an item of 30 → 0, the other 10 off the total;
    # 0.5% below target → −5: 100 − 40 − 5 = 55
    assert (m2["subtotal"], m2["total"], m2["grade"]) == (70, 55, "不合格")
    assert [a["amount"] for a in m2["adjustments"]] == [-10, -5]


OTHERS = (  # every other KPI met
    "KPI-L3-01: {inputs: {received: 500}}, KPI-L3-02: {inputs: {shipped: 800}},"
    " KPI-L3-08: {value: 0.8},"
)


def test_the_warehouse_contract_ends_at_three_damages_over_the_contract() -> None:
    scheme = load_scheme(SCHEMES / "warehouse-3pl.scheme.yaml")
    text = "periods:"
    for period, damaged in (("2026-08", "[2, 1]"), ("2026-09", "[2]"), ("2026-10", "[1, 3]")):
        text += (
            f"\n  - period: {period}\n    appraisees:\n      - id: WH\n"
            f"        attributes: {{since: 2026-08}}\n"
            f"        facts: {{{OTHERS} KPI-L3-07: {{inputs: {{avg_stock: 100000}},"
            f" events: {{damaged: {damaged}}}}}}}"
        )
    runs = score_periods(scheme, facts_from_text(text))
    outcomes = [run.result(0)["outcomes"] for run in runs]
    # August is the adaptation month: its two damages do not count; 1 + 2 = 3 in October
    assert ["累计货损解约权" in o["triggers"] for o in outcomes] == [False, False, True]
    assert outcomes[2]["trigger_periods"]["累计货损解约权"] == ["2026-09", "2026-10"]
