"""The golden cases of `jixiao score`: what the command printed before issue 17's
speed work, kept byte for byte in tests/scoring/golden/ (gzip-compressed).

`python -m tests.scoring.golden_cases` writes them again from the current code;
run it only when an answer is meant to change, and say why in the commit.

Cases: the specification's examples (YAML facts) and two populations in the
CSV long format — the benchmark form (bench/population.py: 12 items,
distribution and pay) and an "every option" form (every rule type and
option, adjustments of every kind, gates of every effect, grades with a rank
demand, normalisation with a group factor, pay with a factor, salary steps,
label outcomes, and facts with errors) — each in JSON, CSV and table, in
English and Chinese.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_RELATIVE = Path("tests/scoring/golden")
EXAMPLES_RELATIVE = Path("../shared/spec/examples")
POPULATIONS = ("bench-population", "every-option")
FORMATS = ("json", "csv", "table")
LANGUAGES = ("en", "zh")
EXAMPLE_NAMES = ("fin-manager", "warehouse-3pl", "staff-360", "staff-monthly", "staff-annual")

EVERY_OPTION = """\
code: GOLDEN-ALL
name: 全部规则与选项
period: month
sections:
  - name: 业绩
    weight: 55
    items:
      - {code: A01, name: 完成率, weight: 20, measure: "done / planned", standard: ">= 90%",
         rule: {bands: [[">= 98%", 100], [">= 90%", [70, 90]], [">= 60%", 50], [else, 20]]}}
      - {code: A02, name: 栈板, weight: 10, full: 10,
         rule: {steps: {standard: 70%, base: 10, step: 1%, below: -2, count: exact, min: 0}}}
      - {code: A03, name: 增长, weight: 10, full: 120,
         rule: {interpolate: [[target, 100], [challenge, 120]]}}
      - {code: A04, name: 质量分, weight: 10,
         rule: {steps: {standard: 0, base: 50, step: 0.5, below: -5, above: 5, count: started,
                        min: 0, max: 100}}}
      - {code: A05, name: 安全, weight: 10, rule: {formula: "100 - 3 * W + max(bonus_points, 0)",
         min: 0, max: 100}}
  - name: 过程
    weight: 25
    items:
      - {code: B01, name: 纪律, weight: 3, full: 10, standard: "<= 2", measure: "late",
         rule: {deduct: {per: {late: {tiers: [[3, 1], [else, 2]]},
                               loss: {by_size: [[">= 500", 5], [">= 100", 2]]}},
                         overflow: carry}}}
      - {code: B02, name: 差错, weight: 3, full: 10,
         rule: {deduct: {per: {error: {tiers: [[4, 0.5], [10, 1]], zero_above: 10},
                               miss: {sequence: [1, 2, 4], then: double},
                               fraud: {zero: true}}}}}
      - {code: B03, name: 累进, weight: 2, full: 10,
         rule: {deduct: {per: {slip: {tiers: [[2, 1], [5, 2], [else, 3]], mode: flat},
                               redo: {sequence: [1, 3]}, waste: {each: 0.5, max: 4}}}}}
      - {code: B04, name: 创新, weight: 2, full: 10, rule: {add: {cap: 10, per: {idea: {each: 2},
         patent: {tiers: [[1, 5], [else, 3]]}}}}}
      - {code: B05, name: 出勤, weight: 2, default: {value: 0},
         rule: {bands: [["== 0", 100], ["<= 2", 80], ["<= 5", 50], [else, 0]]}}
  - name: 态度
    weight: 20
    items:
      - {code: C01, name: 态度, weight: 1, rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}}}
      - {code: C02, name: 能力, weight: 1, rule: {levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}}
      - {code: C03, name: 互评, weight: 1, rule: {direct: {min: 0, max: 100}},
         raters: {weights: {self: 20%, peer: 30%, boss: 50%}, trim: {peer: 1}}}
      - {code: C04, name: 上级评, weight: 1, rule: {direct: {min: 0, max: 100}},
         raters: {weights: {self: 30%, boss: 70%}, missing: zero}}
      - {code: C05, name: 终评, weight: 1, rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}},
         raters: {final: [director, boss, self]}}
adjustments:
  - {name: 创新奖, bonus: {each: [0, 10], cap: 15}}
  - {name: 通报批评, penalty: {range: [0, 20]}}
  - {name: 加分事项, add: {per: {award: {each: 2}}, cap: 6}}
  - {name: 扣分事项, deduct: {per: {complaint: {tiers: [[2, 1], [else, 3]]}}}}
  - {name: 安全系数, coefficient: {by: accident, values: {none: 1, minor: 0.9, major: 0.7}}}
  - {name: 基本项, gate: {when: "W > 25", effect: no_bonus}}
  - {name: 红线, gate: {when: "fraud >= 1", effect: zero}}
  - {name: 警告, gate: {when: "complaint >= 4", effect: {cap_grade: 合格}}}
  - {name: 关注, gate: {when: "award >= 4", effect: {flag: 需关注}}}
total: {min: 0, max: 110}
grades:
  - [">= 90", 优秀, {top: 20%}]
  - [">= 75", 良好]
  - [">= 60", 合格]
  - [else, 差]
normalize:
  within: department
  group_factor: {by: manager_score, cap: spread}
ranking: {within: department, by: normalized}
outcomes:
  pay:
    coefficients: {优秀: 1.5, 良好: 1.2, 合格: 1.0, 差: 0.5}
    pool: pool
    within: department
    factor: "actual_sales / standard_sales"
  salary:
    steps: [["> 95", 2], ["> 80", 1], ["> 60", 0], [else, -1]]
    current: salary_grade
    min: salary_grade_min
    max: salary_grade_max
"""


def every_option_facts(people: int, seed: int = 17) -> str:
    """Long-format facts for EVERY_OPTION: most people scored, some with errors."""
    rng = random.Random(seed)
    out = io.StringIO()
    write = csv.writer(out, lineterminator="\n").writerow
    write(["appraisee", "item", "kind", "key", "value"])
    departments = [f"部门{d:02d}" for d in range(12)]
    for name in departments:
        write(["", f"department={name}", "group", "manager_score", rng.randint(70, 100)])
        write(["", f"department={name}", "group", "pool", rng.randint(10, 90) * 1000])
        write(["", f"department={name}", "group", "actual_sales", rng.randint(80, 120)])
        write(["", f"department={name}", "group", "standard_sales", 100])
    for i in range(people):
        who = f"G{i:05d}"
        chance = rng.random
        write([who, "", "attribute", "name", rng.choice(["王芳", "=SUM(A1)", "Li Lei", "+1"])])
        write([who, "", "attribute", "department", rng.choice(departments)])
        if chance() < 0.98:
            write([who, "A01", "input", "done", rng.randint(20, 60)])
            planned = 0 if chance() < 0.02 else rng.randint(30, 50)
            write([who, "A01", "input", "planned", planned])
        if chance() < 0.3:
            write([who, "A01", "score", "", rng.randint(68, 92)])
        if chance() < 0.97:
            write([who, "A02", "value", "", f"{rng.randint(50, 80) / 100}"])
        if chance() < 0.97:
            write([who, "A03", "value", "", rng.randint(80, 140) if chance() < 0.97 else "高"])
        write([who, "A04", "value", "", f"{rng.uniform(-6, 6):.3f}"])
        write([who, "", "input", "target", rng.randint(90, 110)])
        write([who, "", "input", "challenge", 125])
        if chance() < 0.97:
            write([who, "", "input", "W", rng.randint(0, 30)])
        write([who, "A05", "input", "bonus_points", rng.choice([-3, 0, 2, 5])])
        write(
            [
                who,
                "",
                "input",
                "accident",
                rng.choice(["none"] * 30 + ["minor"] * 5 + ["major"] * 3 + ["grave"]),
            ]
        )
        for name, top in (("late", 8), ("error", 14), ("miss", 5), ("slip", 7), ("redo", 3)):
            count = rng.randint(0, top)
            item = {"late": "B01", "error": "B02", "miss": "B02", "slip": "B03", "redo": "B03"}
            if count:
                write([who, item[name], "event", name, count])
        for _ in range(rng.randint(0, 3)):
            write([who, "B01", "event", "loss", rng.randint(0, 900)])
        if chance() < 0.3:
            write([who, "B03", "event", "waste", rng.randint(1, 12)])
        if chance() < 0.02:
            write([who, "B02", "event", "fraud", 1])
            write([who, "", "event", "fraud", 1])
        for _ in range(rng.randint(0, 4)):
            write([who, "B04", "event", "idea", 1])
        if chance() < 0.1:
            write([who, "B04", "event", "patent", rng.randint(1, 3)])
        if chance() < 0.8:
            write([who, "B05", "value", "", rng.randint(0, 7)])
        if chance() < 0.95:
            write(
                [
                    who,
                    "C01",
                    "rating",
                    "boss",
                    rng.choice(["优", "良", "良", "中", "差"] * 6 + ["甲"]),
                ]
            )
        write([who, "C02", "rating", "boss", rng.choice(["5", "4", "3", "2", "1"])])
        for rater, many in (("self", 1), ("peer", 4), ("boss", 1)):
            if chance() < 0.8:
                for _ in range(rng.randint(1, many)):
                    write([who, "C03", "rating", rater, rng.randint(50, 101)])
        if chance() < 0.7:
            write([who, "C04", "rating", "self", rng.randint(60, 100)])
        if chance() < 0.8:
            write([who, "C04", "rating", "boss", rng.randint(40, 100)])
        for rater in ("director", "boss", "self"):
            if chance() < 0.6:
                write([who, "C05", "rating", rater, rng.choice(["优", "良", "中", "差"])])
        for _ in range(rng.randint(0, 2)):
            write([who, "", "adjustment", "创新奖", rng.randint(0, 10) if chance() < 0.98 else 11])
        if chance() < 0.1:
            write([who, "", "adjustment", "通报批评", rng.randint(1, 21)])
        for name, top in (("award", 4), ("complaint", 5)):
            count = rng.randint(0, top)
            if count:
                write([who, "", "event", name, count])
        if chance() < 0.97:
            grade = rng.randint(1, 9)
            write([who, "", "input", "salary_grade", grade])
            write([who, "", "input", "salary_grade_min", 2])
            write([who, "", "input", "salary_grade_max", 8])
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    name: str  # golden file stem
    scheme: Path
    facts: Path
    format: str
    language: str

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.name}.{self.language}.{self.format}.gz"

    def argv(self, output: Path) -> list[str]:
        return [
            "score",
            str(self.scheme),
            str(self.facts),
            "--format",
            self.format,
            "--language",
            self.language,
            "--output",
            str(output),
        ]


def prepare(directory: Path) -> list[tuple[str, Path, Path]]:
    """Every case's scheme and facts, as paths relative to the repository (run from
    there: warnings name the scheme file); the populations' facts are unpacked into
    `directory` (a facts path is only named when the facts are invalid)."""
    inputs = [
        (name, EXAMPLES_RELATIVE / f"{name}.scheme.yaml", EXAMPLES_RELATIVE / f"{name}.facts.yaml")
        for name in EXAMPLE_NAMES
    ]
    for name in POPULATIONS:
        facts_path = directory / f"{name}.facts.csv"
        facts_path.write_bytes(gzip.decompress((GOLDEN / f"{name}.facts.csv.gz").read_bytes()))
        inputs.append((name, GOLDEN_RELATIVE / f"{name}.scheme.yaml", facts_path))
    return inputs


def cases(directory: Path) -> Iterator[Case]:
    for name, scheme, facts in prepare(directory):
        for language in LANGUAGES:
            for format in FORMATS:
                yield Case(name, scheme, facts, format, language)


def run(case: Case, directory: Path) -> tuple[int, bytes, str]:
    """Run `jixiao score` in-process: exit status, output bytes, standard error."""
    from jixiao.cli import main

    output = directory / f"out-{case.name}.{case.language}.{case.format}"
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = main(case.argv(output))
    written = output.read_bytes() if output.exists() else b""  # an invalid scheme: nothing
    return status, written, errors.getvalue().replace(str(directory), "<inputs>")


def compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_inputs() -> None:
    """The populations' facts, written once (the generators' output is committed)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from population import SCHEME, write_facts_csv

    GOLDEN.mkdir(exist_ok=True)
    (GOLDEN / "bench-population.scheme.yaml").write_text(SCHEME, encoding="utf-8")
    (GOLDEN / "every-option.scheme.yaml").write_text(EVERY_OPTION, encoding="utf-8")
    bench = GOLDEN / "bench-population.facts.csv"
    write_facts_csv(bench, 2000, seed=11)
    (GOLDEN / "bench-population.facts.csv.gz").write_bytes(compress(bench.read_bytes()))
    bench.unlink()
    every = every_option_facts(1500).encode("utf-8")
    (GOLDEN / "every-option.facts.csv.gz").write_bytes(compress(every))


def main() -> None:
    import tempfile

    if "--inputs" in sys.argv:
        write_inputs()
    manifest = {}
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        for case in cases(directory):
            status, output, errors = run(case, directory)
            case.golden.write_bytes(compress(output))
            manifest[case.golden.name] = {"status": status, "stderr": errors}
            print(f"{case.golden.name}: exit {status}, {len(output):,} bytes")
    (GOLDEN / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
