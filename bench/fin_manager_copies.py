"""Issue 2's benchmark figure: the fin-manager example with 10,000 copies of its
two appraisees (20,000 appraisees), through the engine's one code path.

    .venv/bin/python bench/fin_manager_copies.py [--copies 10000]
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import yaml

from jixiao.scoring import facts_from_data, load_scheme, score

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "spec" / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10_000)
    args = parser.parse_args()
    scheme = load_scheme(EXAMPLES / "fin-manager.scheme.yaml")
    document = yaml.safe_load((EXAMPLES / "fin-manager.facts.yaml").read_text(encoding="utf-8"))
    people = []
    for index in range(args.copies):
        for original in document["appraisees"]:
            person = copy.deepcopy(original)
            person["id"] = f"{original['id']}-{index:05d}"
            people.append(person)
    started = time.perf_counter()
    facts = facts_from_data({"period": document["period"], "appraisees": people}).periods[0]
    built = time.perf_counter() - started
    started = time.perf_counter()
    run = score(scheme, facts)
    scored = time.perf_counter() - started
    totals = {run.facts.ids[row][:3]: run.result(row)["total"] for row in (0, 1)}
    print(f"{facts.n:,} appraisees ({args.copies:,} copies of F01 and F02), 10 items each")
    print(
        f"facts built in {built:.2f} s; scored in {scored:.3f} s "
        f"(ranking within department included)"
    )
    print(
        f"totals as in the example: F01 {totals['F01']}, F02 {totals['F02']}; "
        f"rank of the first F01: {run.result(0)['rank']} of {run.result(0)['ranked']}"
    )


if __name__ == "__main__":
    main()
