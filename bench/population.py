"""A realistic population for the benchmark: 200 departments, 5 levels, a
12-item scheme mixing every rule type, raters with peers, adjustments, a
forced distribution within level and a pay pool per level."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

LEVELS = ("高层", "中层管理", "基层管理", "骨干", "员工")

SCHEME = """
code: BENCH-12
name: 基准测试考核表（12项）
period: month
sections:
  - name: 业绩
    weight: 60
    items:
      - {code: I01, name: 销售计划完成率, weight: 15, measure: "actual / target",
         rule: {bands: [[">= 100%", 100], [">= 95%", 80], [">= 90%", 60], [">= 80%", 40], [else, 20]]}}
      - {code: I02, name: 回款完成率, weight: 10,
         rule: {interpolate: [[0.6, 0], [1, 100], [1.2, 120]]}}
      - {code: I03, name: 交付及时, weight: 10,
         rule: {deduct: {per: {late: {tiers: [[3, 2], [else, 5]]}, lost: {zero: true}}}}}
      - {code: I04, name: 质量合格率, weight: 10, full: 10,
         rule: {steps: {standard: 98%, base: 10, step: 1%, below: -2, count: whole, min: 0, max: 10}}}
      - {code: I05, name: 成本控制, weight: 15, rule: {formula: "100 - 0.5 * overrun", min: 0, max: 100}}
  - name: 管理
    weight: 20
    items:
      - {code: I06, name: 部门管理, weight: 10,
         rule: {deduct: {per: {violation: {each: 10}, error: {sequence: [1, 2, 4], then: double}}}}}
      - {code: I07, name: 创新加分, weight: 5, full: 10, rule: {add: {cap: 10, per: {idea: {each: 2}}}}}
      - {code: I08, name: 安全事故, weight: 5,
         rule: {deduct: {per: {accident: {by_size: [[">= 5000", 50], [">= 500", 20], [else, 5]]}}}}}
  - name: 态度与能力
    weight: 20
    items:
      - {code: I09, name: 工作态度, weight: 5, rule: {levels: {优: 100, 良: 80, 中: 60, 差: 30}}}
      - {code: I10, name: 协作精神, weight: 5, rule: {direct: {min: 0, max: 100}},
         raters: {weights: {self: 20%, peer: 30%, supervisor: 50%}, trim: {peer: 1}}}
      - {code: I11, name: 专业能力, weight: 5, rule: {levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}}
      - {code: I12, name: 出勤, weight: 5,
         rule: {bands: [["== 0", 100], ["<= 2", 80], ["<= 5", 50], [else, 0]]}}
raters: {final: [indirect, supervisor, self]}
adjustments:
  - {name: 重大贡献, bonus: {each: [1, 5], cap: 8}}
  - {name: 安全责任系数, coefficient: {by: safety, values: {ok: 1, minor: 0.9, major: 0.7}}}
  - {name: 基本项, gate: {when: "loss >= 2000", effect: no_bonus}}
total: {min: 0, max: 110}
grades:
  - [">= 90", 优秀]
  - [">= 80", 良好]
  - [">= 70", 中等]
  - [">= 60", 合格]
  - [else, 差]
ranking: {within: department}
distribution:
  within: level
  quotas: {A: 10%, B: 20%, C: 40%, D: 20%, E: 10%}
outcomes:
  pay:
    coefficients: {A: 1.4, B: 1.2, C: 1.0, D: 0.8, E: 0.6}
    pool: pool
    within: level
"""


def write_facts_csv(path: Path, people: int, seed: int = 7) -> int:
    """Write the long-format facts of `people` appraisees; returns the number of rows."""
    rng = np.random.default_rng(seed)
    department = rng.integers(0, 200, people)
    level = rng.choice(len(LEVELS), people, p=[0.02, 0.08, 0.15, 0.25, 0.5])
    actual = rng.normal(0.97, 0.06, people).clip(0.5, 1.3)
    collected = rng.normal(0.95, 0.1, people).clip(0.4, 1.3)
    late = rng.poisson(1.2, people)
    quality = rng.normal(0.975, 0.015, people).clip(0.9, 1)
    overrun = rng.exponential(8, people).round(1)
    violation = rng.poisson(0.3, people)
    attitude = rng.choice(["优", "良", "中", "差"], people, p=[0.2, 0.5, 0.25, 0.05])
    skill = rng.integers(1, 6, people)
    peer = rng.normal(82, 8, (people, 3)).clip(40, 100).round()
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["appraisee", "item", "kind", "key", "value"])
        for index, name in enumerate(LEVELS):
            out.writerow(["", f"level={name}", "group", "pool", 2_000_000 * (5 - index)])
        for i in range(people):
            who = f"E{i:06d}"
            batch = [
                [who, "", "attribute", "department", f"D{department[i]:03d}"],
                [who, "", "attribute", "level", LEVELS[level[i]]],
                [who, "I01", "input", "actual", f"{actual[i] * 100000:.0f}"],
                [who, "I01", "input", "target", "100000"],
                [who, "I02", "value", "", f"{collected[i]:.4f}"],
                [who, "I04", "value", "", f"{quality[i]:.4f}"],
                [who, "I05", "input", "overrun", f"{overrun[i]}"],
                [who, "I09", "rating", "supervisor", attitude[i]],
                [who, "I10", "rating", "supervisor", f"{min(peer[i, 0] + 3, 100):.0f}"],
                [who, "I10", "rating", "peer", f"{peer[i, 1]:.0f}"],
                [who, "I11", "rating", "supervisor", f"{skill[i]}"],
                [who, "I12", "value", "", f"{late[i] % 4}"],
            ]
            if late[i]:
                batch.append([who, "I03", "event", "late", f"{late[i]}"])
            if violation[i]:
                batch.append([who, "I06", "event", "violation", f"{violation[i]}"])
            if i % 3 == 0:
                batch.append([who, "I10", "rating", "peer", f"{peer[i, 2]:.0f}"])
                batch.append([who, "I10", "rating", "self", "90"])
            if i % 5 == 0:
                batch.append([who, "", "input", "safety", "ok" if i % 10 else "minor"])
            else:
                batch.append([who, "", "input", "safety", "ok"])
            if i % 50 == 0:
                batch.append([who, "", "adjustment", "重大贡献", "3"])
            if i % 97 == 0:
                batch.append([who, "I08", "event", "accident", f"{int(rng.integers(100, 9000))}"])
            batch.append([who, "", "input", "loss", "2500" if i % 200 == 0 else "0"])
            out.writerows(batch)
            rows += len(batch)
    return rows + 5


def interactive_scheme(items: int = 30) -> str:
    """A 30-item scheme for the one-appraisee (a manager edits one rating) case."""
    lines = ["code: BENCH-30", "name: 单人试算（30项）", "items:"]
    for i in range(items):
        kind = i % 3
        if kind == 0:
            rule = '{bands: [[">= 98%", 100], [">= 95%", 80], [">= 90%", 60], [else, 20]]}'
        elif kind == 1:
            rule = "{levels: {优: 100, 良: 80, 中: 60, 差: 30}}"
        else:
            rule = "{deduct: {per: {late: {each: 3}, error: {tiers: [[4, 0.5], [else, 1]]}}}}"
        lines.append(f"  - {{code: K{i:02d}, name: 指标{i:02d}, weight: 1, rule: {rule}}}")
    return "\n".join(lines) + "\n"


def interactive_facts(items: int = 30) -> str:
    lines = ["period: 2026-06", "appraisees:", "  - id: E1", "    facts:"]
    for i in range(items):
        kind = i % 3
        fact = ("{value: 0.96}", "{ratings: {supervisor: 良}}", "{events: {late: 2, error: 5}}")[
            kind
        ]
        lines.append(f"      K{i:02d}: {fact}")
    return "\n".join(lines) + "\n"
