"""Issue 10's benchmark figure: what the worst scheme documents cost now that their
size is capped (jixiao/scoring/source.py `Limits`: 1 MB of text, 100,000 nodes once
every alias is expanded, 100 levels), through `scheme_from_text` as the editor, the
API and `jixiao check` use it. Refused documents stop where the count passes the cap;
the largest accepted ones are read in full. Time (wall clock and CPU) is the best of
a few runs; peak memory is what Python allocated while reading (tracemalloc).

    .venv/bin/python bench/scheme_caps.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import time
import tracemalloc
from collections.abc import Callable

from jixiao.scoring import SchemeError, scheme_from_text
from jixiao.scoring.source import MAX_BYTES, MAX_DEPTH, MAX_NODES


def alias_bomb(levels: int, width: int = 10) -> str:
    lines = ["code: BOMB", "name: bomb", 'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    lines.append(f"items: *a{levels}")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 8) -> str:
    lines = ["code: BOMB", "name: bomb", "m0: &m0 {k: v}"]
    for level in range(1, levels + 1):
        inner = ", ".join(f"k{i}: *m{level - 1}" for i in range(10))
        lines.append(f"m{level}: &m{level} {{<<: *m{level - 1}, {inner}}}")
    return "\n".join(lines) + "\n"


def keys(count: int) -> str:
    return "code: X\nname: x\nmany:\n" + "".join(f"  k{n}: 1\n" for n in range(count))


def flat_list(count: int) -> str:
    return "code: X\nname: x\nmany: [" + ", ".join(["0"] * count) + "]\n"


DOCUMENTS: dict[str, Callable[[], str]] = {
    "alias bomb, 7 levels x 10 (10 million strings)": lambda: alias_bomb(7),
    "alias bomb, 9 levels x 10 (1,000 million strings)": lambda: alias_bomb(9),
    "merge-key bomb, 8 levels": merge_bomb,
    "an anchor containing its own alias": lambda: "code: X\nname: x\nitems: &a [*a]\n",
    "deep nesting, 500,000 levels of [": lambda: "items: " + "[" * 500_000 + "]" * 500_000,
    "text just past 1 MB": lambda: "code: X\nname: x\n" + "# padding\n" * (MAX_BYTES // 10),
    "keys just past the node cap": lambda: keys(MAX_NODES // 2),
    # the largest documents that are read in full (they then fail the scheme check)
    "accepted: 49,990 keys (99,985 nodes, 0.6 MB)": lambda: keys(MAX_NODES // 2 - 10),
    "accepted: a flat list of 99,990 numbers": lambda: flat_list(MAX_NODES - 10),
    "accepted: alias bomb of 4 levels (11,111 nodes)": lambda: alias_bomb(4),
    f"accepted: nesting {MAX_DEPTH - 2} levels deep": lambda: (
        "items: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    ),
}


def measure(text: str, repeat: int) -> tuple[float, float, float, str]:
    best = cpu = float("inf")
    outcome = ""
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        try:
            scheme_from_text(text)
            outcome = "read"
        except SchemeError as exc:
            outcome = exc.problems[0].message
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - used)
    tracemalloc.start()
    with contextlib.suppress(SchemeError):
        scheme_from_text(text)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, cpu, peak / 1024 / 1024, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"caps: {MAX_BYTES:,} bytes, {MAX_NODES:,} nodes, {MAX_DEPTH} levels")
    print(f"{'document':<52} {'bytes':>9} {'time':>9} {'CPU':>9} {'peak':>8}  outcome")
    for name, make in DOCUMENTS.items():
        text = make()
        seconds, cpu, megabytes, outcome = measure(text, args.repeat)
        shown = outcome if len(outcome) < 48 else outcome[:45] + "..."
        print(
            f"{name:<52} {len(text.encode()):>9,} {seconds * 1000:>7.1f}ms"
            f" {cpu * 1000:>7.1f}ms {megabytes:>6.1f}MB  {shown}"
        )


if __name__ == "__main__":
    main()
