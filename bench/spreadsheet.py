"""`make bench-spreadsheet`: the benchmark form as an analyst's spreadsheet, recalculated by
LibreOffice Calc (headless), side by side with `jixiao score … --format csv`.

The form is bench/population.py's (12 items, a bonus with a cap, a safety coefficient, a
no_bonus gate, the total clamp, rank within the department, grade bands; its forced
distribution and pay pool left out). It is written as formulas the way an analyst
writes them — nested IF tier tables, `MAX(0,100-MIN(G,3)*2-MAX(G-3,0)*5)`,
`INT((98%-H)/1%)` for steps, COUNTIFS for the rank — into an .xlsx with the facts in
its first columns; the same facts go to a CSV for the engine. Where LibreOffice is
installed (`apt-get install -y libreoffice-calc-nogui`), each size is recalculated
and converted to CSV by `soffice --headless --convert-to csv` (the whole process,
median of a few runs) and timed against `jixiao score` (the whole process, median);
every appraisee's total, rank and grade are compared, and each disagreement is
reported with its cause.

    .venv/bin/python bench/spreadsheet.py [--sizes 1000 10000 100000] [--runs 5]
        [--office-runs 3] [--office-runs-large 1] [--workdir var/bench-spreadsheet]
        [--formats csv json xlsx] [--reuse-office]

Besides the CSV, `jixiao score` is timed writing JSON with every trace and an .xlsx
workbook (fewer runs: `--other-runs`). Each time is the median wall time of whole
processes and, beside it, their CPU time (user + system): on a shared machine the wall
time grows with the load (printed) while the CPU time stays close to the work done.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import SCHEME, write_facts_csv

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = ROOT / ".venv" / "bin" / "jixiao"
FORM_SCHEME = SCHEME.split("distribution:")[0]  # no forced distribution, no pay pool

# the facts columns of the sheet, then the analyst's formula columns
FACTS = (
    ("A", "工号", "id"),
    ("B", "部门", "department"),
    ("C", "职级", "level"),
    ("D", "销售额", "actual"),
    ("E", "销售目标", "target"),
    ("F", "回款完成率", "collected"),
    ("G", "延误次数", "late"),
    ("H", "质量合格率", "quality"),
    ("I", "成本超支", "overrun"),
    ("J", "违规次数", "violation"),
    ("K", "工作态度", "attitude"),
    ("L", "协作-上级", "supervisor"),
    ("M", "协作-同事1", "peer1"),
    ("N", "协作-同事2", "peer2"),
    ("O", "协作-自评", "self"),
    ("P", "专业能力", "skill"),
    ("Q", "缺勤天数", "absence"),
    ("R", "安全责任", "safety"),
    ("S", "重大贡献", "bonus"),
    ("T", "安全事故损失", "accident"),
    ("U", "损失金额", "loss"),
    ("V", "创新次数", "idea"),
)
FORMULAS = (
    (
        "W",
        "I01 销售",
        "IF(D{r}/E{r}>=100%,100,IF(D{r}/E{r}>=95%,80,IF(D{r}/E{r}>=90%,60,"
        "IF(D{r}/E{r}>=80%,40,20))))",
    ),
    (
        "X",
        "I02 回款",
        "IF(F{r}<=0.6,0,IF(F{r}<=1,(F{r}-0.6)/(1-0.6)*100,"
        "IF(F{r}<=1.2,100+(F{r}-1)/(1.2-1)*20,120)))",
    ),
    ("Y", "I03 交付", "MAX(0,100-MIN(G{r},3)*2-MAX(G{r}-3,0)*5)"),
    ("Z", "I04 质量", "IF(H{r}>=98%,10,MAX(0,10-2*INT((98%-H{r})/1%)))"),
    ("AA", "I05 成本", "MAX(0,MIN(100,100-0.5*I{r}))"),
    ("AB", "I06 管理", "MAX(0,100-10*J{r})"),
    ("AC", "I07 创新", "MIN(10,2*V{r})"),
    ("AD", "I08 安全", 'MAX(0,100-IF(T{r}="",0,IF(T{r}>=5000,50,IF(T{r}>=500,20,5))))'),
    ("AE", "I09 态度", 'IF(K{r}="优",100,IF(K{r}="良",80,IF(K{r}="中",60,30)))'),
    (
        "AF",
        "I10 协作",
        'IF(O{r}="",(30%*AVERAGE(M{r}:N{r})+50%*L{r})/80%,'
        "20%*O{r}+30%*AVERAGE(M{r}:N{r})+50%*L{r})",
    ),
    ("AG", "I11 能力", "IF(P{r}=5,100,IF(P{r}=4,80,IF(P{r}=3,60,IF(P{r}=2,40,20))))"),
    ("AH", "I12 出勤", "IF(Q{r}=0,100,IF(Q{r}<=2,80,IF(Q{r}<=5,50,0)))"),
    (
        "AI",
        "小计",
        "W{r}*15%+X{r}*10%+Y{r}*10%+Z{r}/10*10+AA{r}*15%+AB{r}*10%+AC{r}/10*5"
        "+AD{r}*5%+AE{r}*5%+AF{r}*5%+AG{r}*5%+AH{r}*5%",
    ),
    (
        "AJ",
        "总分",
        'MAX(0,MIN(110,(AI{r}+MIN(8,IF(S{r}="",0,S{r})))'
        '*IF(R{r}="minor",0.9,IF(R{r}="major",0.7,1))))',
    ),
    ("AK", "不发奖金", 'IF(U{r}>=2000,"是","")'),
    ("AL", "部门排名", 'COUNTIFS($B$2:$B${last},B{r},$AJ$2:$AJ${last},">"&AJ{r})+1'),
    (
        "AM",
        "等级",
        'IF(AJ{r}>=90,"优秀",IF(AJ{r}>=80,"良好",IF(AJ{r}>=70,"中等",IF(AJ{r}>=60,"合格","差"))))',
    ),
)
ITEMS = [f"I{number:02d}" for number in range(1, 13)]


def people(facts: Path) -> list[dict[str, object]]:
    """The facts file read back, one record per appraisee (as the sheet holds them)."""
    found: dict[str, dict[str, object]] = {}
    with facts.open(encoding="utf-8") as handle:
        for who, item, kind, key, value in list(csv.reader(handle))[1:]:
            if kind == "group":
                continue
            person = found.setdefault(who, {"id": who, "late": 0, "violation": 0, "idea": 0})
            if kind == "attribute":
                person[key] = value
            elif item == "I01":
                person[key] = float(value)
            elif item == "I02":
                person["collected"] = float(value)
            elif item == "I04":
                person["quality"] = float(value)
            elif item == "I12":
                person["absence"] = float(value)
            elif item == "I10":
                if key == "peer":
                    person["peer2" if "peer1" in person else "peer1"] = float(value)
                else:
                    person["self" if key == "self" else "supervisor"] = float(value)
            elif item == "I09":
                person["attitude"] = value
            elif item == "I11":
                person["skill"] = float(value)
            elif kind == "event":
                person["accident" if key == "accident" else key] = float(value)
            elif kind == "adjustment":
                person["bonus"] = float(value)
            else:
                person[key] = value if key == "safety" else float(value)
    return list(found.values())


def write_workbook(path: Path, records: list[dict[str, object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("考核表")
    sheet.append([title for _, title, _ in FACTS] + [title for _, title, _ in FORMULAS])
    last = len(records) + 1
    for row, person in enumerate(records, start=2):
        cells: list[object] = [person.get(key, None) for _, _, key in FACTS]
        cells += ["=" + formula.format(r=row, last=last) for _, _, formula in FORMULAS]
        sheet.append(cells)
    book.save(path)


# LibreOffice recalculates an .xlsx on load only when told (its default keeps the file's
# cached values, which a generated file does not have): a profile that always does, and
# without threaded formula groups (Calc 7.4 crashed with them at 100,000 rows: signal 11
# in ScFormulaCell::InterpretTail).
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Calculation"><prop
 oor:name="UseThreadedCalculationForFormulaGroups" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def office_profile(workdir: Path) -> Path:
    profile = workdir / "office-profile"
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    return profile


@dataclass
class Timed:
    seconds: float
    peak_mb: float
    cpu: float = 0.0  # user + system seconds


def timed(command: list[str]) -> Timed:
    """Run a command as a whole process: wall time and peak memory (its own or a child's)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        said = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed: {' '.join(command)}: {said}")
    process.returncode = 0
    return Timed(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def median(runs: list[Timed]) -> Timed:
    return Timed(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.peak_mb for r in runs),
        statistics.median(r.cpu for r in runs),
    )


def said(timed: Timed) -> str:
    cpu = f"CPU {timed.cpu:.2f} s" if timed.cpu else "CPU not recorded"
    return f"{timed.seconds:8.2f} s {timed.peak_mb:7.0f} MB  ({cpu})"


def run_office(workbook: Path, outdir: Path, profile: Path) -> Timed:
    office = shutil.which("soffice") or "soffice"
    return timed(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
            "--outdir",
            str(outdir),
            str(workbook),
        ]
    )


def run_jixiao(scheme: Path, facts: Path, output: Path, format: str = "csv") -> Timed:
    command = [str(JIXIAO), "score", str(scheme), str(facts), "--format", format]
    return timed([*command, "--output", str(output)])


@dataclass
class Answer:
    total: float
    rank: int
    grade: str
    scores: dict[str, float]


def office_answers(path: Path) -> dict[str, Answer]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    at = {title.split(" ")[0]: index for index, title in enumerate(header)}
    found = {}
    for row in rows[1:]:
        found[row[0]] = Answer(
            float(row[at["总分"]]),
            int(float(row[at["部门排名"]])),
            row[at["等级"]],
            {item: float(row[at[item]]) for item in ITEMS},
        )
    return found


def jixiao_answers(path: Path) -> dict[str, Answer]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["appraisee"]: Answer(
            float(row["total"]),
            int(row["rank"]),
            row["grade"],
            {item: float(row[item]) for item in ITEMS},
        )
        for row in rows
    }


def compare(
    office: dict[str, Answer], engine: dict[str, Answer], records: list[dict[str, object]]
) -> list[str]:
    """Every appraisee whose total, rank or grade differs, with its cause."""
    facts = {str(person["id"]): person for person in records}
    notes = []
    moved = 0
    for who, mine in engine.items():
        theirs = office[who]
        items = [i for i in ITEMS if _differ(theirs.scores[i], mine.scores[i])]
        total_differs = _differ(theirs.total, mine.total)
        if not items and not total_differs and mine.grade == theirs.grade:
            if mine.rank != theirs.rank:
                moved += 1
            continue
        causes = [cause(item, facts[who], mine, theirs) for item in items]
        notes.append(
            f"{who}: total {theirs.total:g} (spreadsheet) vs {mine.total:g} (jixiao), "
            f"grade {theirs.grade} vs {mine.grade}, rank {theirs.rank} vs {mine.rank}; "
            + "; ".join(causes or ["totals differ in the last digits"])
        )
    if moved:
        notes.append(
            f"{moved} colleague(s) in the same departments get another rank in the "
            "spreadsheet because of the totals above"
        )
    return notes


def _differ(full: float, printed: float) -> bool:
    """The spreadsheet's number (LibreOffice writes 15 significant digits) against
    jixiao's, printed to 4 decimals: the same when one rounds to the other."""
    return abs(full - printed) > 0.00005 + 1e-9


def cause(item: str, person: dict[str, object], mine: Answer, theirs: Answer) -> str:
    said = f"{item} {theirs.scores[item]:g} vs {mine.scores[item]:g}"
    if item == "I04":
        quality = float(person["quality"])  # type: ignore[arg-type]
        raw = (0.98 - quality) / 0.01
        return (
            f"{said}: quality rate {quality:g}: INT((0.98-{quality:g})/0.01) = INT({raw!r}) = "
            f"{math.floor(raw)} steps in binary floating point; jixiao rounds the step count "
            f"to 9 decimals (spec §5, §5.4): {math.floor(round(raw, 9))} steps"
        )
    return said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5, help="jixiao runs per size")
    parser.add_argument("--office-runs", type=int, default=3, help="LibreOffice runs per size")
    parser.add_argument(
        "--office-runs-large", type=int, default=1, help="LibreOffice runs at 100,000 and above"
    )
    parser.add_argument("--workdir", default="var/bench-spreadsheet")
    parser.add_argument(
        "--formats", nargs="+", default=["csv", "json", "xlsx"], help="jixiao's outputs timed"
    )
    parser.add_argument(
        "--other-runs", type=int, default=3, help="runs of JSON and xlsx (1 at 100,000)"
    )
    parser.add_argument("--no-office", action="store_true", help="only write the files")
    parser.add_argument(
        "--reuse-office",
        action="store_true",
        help="compare with LibreOffice's answers and times of an earlier run (office-N.csv/.txt)",
    )
    args = parser.parse_args()
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    scheme = workdir / "scheme.yaml"
    scheme.write_text(FORM_SCHEME, encoding="utf-8")
    office = None if args.no_office else shutil.which("soffice")
    if office is None and not args.no_office:
        print("LibreOffice (soffice) is not installed: writing the files only")
    profile = office_profile(workdir)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    table = [
        "| appraisees | LibreOffice | jixiao CSV | ratio | disagreements |",
        "|---|---|---|---|---|",
    ]
    others = [
        "| appraisees | jixiao JSON with every trace | jixiao xlsx |",
        "|---|---|---|",
    ]
    for size in args.sizes:
        facts = workdir / f"facts-{size}.csv"
        workbook = workdir / f"form-{size}.xlsx"
        write_facts_csv(facts, size)
        records = people(facts)
        write_workbook(workbook, records)
        print(f"== {size:,} appraisees: {workbook.name} and {facts.name}")
        output = workdir / f"jixiao-{size}.csv"
        engine = median([run_jixiao(scheme, facts, output) for _ in range(args.runs)])
        print(f"jixiao csv   {said(engine)} (median of {args.runs})")
        shown = {}
        for format in ("json", "xlsx"):
            if format not in args.formats:
                continue
            runs = 1 if size >= 100_000 else args.other_runs
            written = workdir / f"jixiao-{size}.{format}"
            found = median([run_jixiao(scheme, facts, written, format) for _ in range(runs)])
            print(f"jixiao {format:5} {said(found)} (median of {runs})")
            shown[format] = f"{found.seconds:.2f} s, {found.peak_mb:.0f} MB (CPU {found.cpu:.2f} s)"
        others.append(f"| {size:,} | {shown.get('json', '—')} | {shown.get('xlsx', '—')} |")
        if office is None:
            table.append(
                f"| {size:,} | — | {engine.seconds:.2f} s, {engine.peak_mb:.0f} MB "
                f"(CPU {engine.cpu:.2f} s) | — | — |"
            )
            continue
        runs = args.office_runs_large if size >= 100_000 else args.office_runs
        kept, times = workdir / f"office-{size}.csv", workdir / f"office-{size}.txt"
        if args.reuse_office and kept.exists() and times.exists():
            seconds, peak, runs, *cpu = (float(x) for x in times.read_text().split())
            measured, runs = Timed(seconds, peak, *cpu), int(runs)
        else:
            with tempfile.TemporaryDirectory(dir=workdir) as outdir:
                measured = median(
                    [run_office(workbook, Path(outdir), profile) for _ in range(runs)]
                )
                shutil.copyfile(Path(outdir) / f"form-{size}.csv", kept)
            times.write_text(f"{measured.seconds} {measured.peak_mb} {runs} {measured.cpu}\n")
        print(f"LibreOffice  {said(measured)} (median of {runs})")
        notes = compare(office_answers(kept), jixiao_answers(output), records)
        for note in notes:
            print(f"  disagreement: {note}")
        if not notes:
            print("  every appraisee's total, rank and grade agree")
        table.append(
            f"| {size:,} | {measured.seconds:.2f} s, {measured.peak_mb:.0f} MB "
            f"({said(measured).split('(')[1]} | {engine.seconds:.2f} s, {engine.peak_mb:.0f} MB "
            f"(CPU {engine.cpu:.2f} s) | {measured.seconds / engine.seconds:.1f}×"
            + (f" (CPU {measured.cpu / engine.cpu:.1f}×)" if measured.cpu else "")
            + f" | {len(notes)} |"
        )
    print()
    print("\n".join(table))
    print()
    print("\n".join(others))
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
