"""The scoring benchmark (`make bench`): 100,000 appraisees × 12 items.

Prints: time to load the CSV facts, time to score (items, adjustments,
ranking, forced distribution, pay), peak memory, and the time to score one
appraisee of a 30-item scheme. Everything goes through the same code path as
`jixiao score`. Targets (issue 3, a 2-core machine): load 1.2 M rows ≤ 10 s;
score ≤ 2 s; peak RSS ≤ 1.5 GB; one appraisee of 30 items ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from population import SCHEME, interactive_facts, interactive_scheme, write_facts_csv

from jixiao.scoring import facts_from_text, load_facts, scheme_from_text, score, score_periods


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--workdir", default="var/bench")
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    facts_path = workdir / f"facts-{args.people}.csv"

    started = time.perf_counter()
    rows = write_facts_csv(facts_path, args.people)
    print(
        f"generated   {rows:>10,} CSV rows for {args.people:,} appraisees "
        f"in {time.perf_counter() - started:.1f} s ({facts_path})"
    )

    scheme = scheme_from_text(SCHEME)
    started = time.perf_counter()
    facts = load_facts(facts_path, period="2026-06")
    load_seconds = time.perf_counter() - started
    per_target = load_seconds * 1_200_000 / rows
    print(
        f"load facts  {load_seconds:>10.2f} s   ({rows / load_seconds:,.0f} rows/s; "
        f"{per_target:.2f} s per 1.2 million rows)   target ≤ 10 s per 1.2 million rows"
    )

    started = time.perf_counter()
    runs = score_periods(scheme, facts)
    score_seconds = time.perf_counter() - started
    run = runs[0]
    print(
        f"score       {score_seconds:>10.2f} s   ({args.people:,} × {len(run.items)} items, "
        f"ranking, distribution, pay)   target ≤ 2 s"
    )
    failed = len(run.errors)
    sample = run.result(0)
    print(
        f"            {failed} appraisee(s) with errors; E000000 total {sample['total']}, "
        f"grade {sample['grade']}, pay {sample['outcomes'].get('pay')}"
    )

    started = time.perf_counter()
    rendered = sum(len(run.result(row)["items"]) for row in range(0, run.n, 100))
    render_seconds = (time.perf_counter() - started) * 100
    print(
        f"render      {render_seconds:>10.2f} s   (estimated for every result with its traces; "
        f"{rendered} items sampled)"
    )

    small_scheme = scheme_from_text(interactive_scheme())
    one = facts_from_text(interactive_facts()).periods[0]
    score(small_scheme, one)
    repeats = 200
    started = time.perf_counter()
    for _ in range(repeats):
        score(small_scheme, one)
    one_ms = (time.perf_counter() - started) / repeats * 1000
    print(f"one person  {one_ms:>10.2f} ms  (30-item scheme, mean of {repeats})   target ≤ 5 ms")
    print(f"peak RSS    {peak_rss_mb():>10.0f} MB   target ≤ 1536 MB")


if __name__ == "__main__":
    main()
