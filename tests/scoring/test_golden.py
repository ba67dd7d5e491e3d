"""`jixiao score` prints today what it printed before issue 17's speed work, byte
for byte: the specification's examples and two populations (the benchmark form
and a form with every rule type and option, with errors), in JSON, CSV and
table, in English and Chinese (tests/scoring/golden_cases.py writes them)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from jixiao.scoring import DocumentError, ScoreRun, load_facts, load_scheme, score_periods
from jixiao.scoring import language as language_of
from jixiao.scoring.traces import item_traces
from jixiao.scoring.traces import prepare as prepare_traces
from tests.scoring.golden_cases import GOLDEN, ROOT, cases, prepare, run

MANIFEST = json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("golden")


def _case_ids() -> list[str]:
    return [name.removesuffix(".gz") for name in sorted(MANIFEST)]


@pytest.mark.parametrize("name", _case_ids())
def test_the_command_prints_what_it_printed_before(
    name: str, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the scheme's path is printed in warnings, as given
    [case] = [c for c in cases(inputs) if c.golden.name == f"{name}.gz"]
    status, output, errors = run(case, inputs)
    expected = MANIFEST[case.golden.name]
    assert (status, errors) == (expected["status"], expected["stderr"])
    before = gzip.decompress(case.golden.read_bytes())
    if output != before:  # show the first line that differs, not megabytes
        for number, (now, then) in enumerate(
            zip(output.splitlines(), before.splitlines(), strict=False), start=1
        ):
            assert now == then, f"{name}: line {number} differs"
    assert output == before


def test_every_golden_file_is_checked() -> None:
    written = {path.name for path in GOLDEN.glob("*.gz") if ".facts." not in path.name}
    assert written == set(MANIFEST)
    assert len(written) == 2 * 3 * 7  # two languages, three formats, seven cases


@pytest.mark.parametrize("language", ["en", "zh"])
def test_traces_made_together_are_the_traces_made_one_by_one(
    language: str, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jixiao/scoring/traces.py says each distinct trace once and hands it to every row
    with the same key: every item trace of every case is the one `trace(row)` says."""
    monkeypatch.chdir(ROOT)
    checked = 0
    for _, scheme_path, facts_path in prepare(inputs):
        try:
            scheme = load_scheme(scheme_path)
            facts = load_facts(facts_path)
        except DocumentError:
            continue  # an example the engine does not read yet
        with language_of(language):
            for run in score_periods(scheme, facts):
                rows = range(run.n)
                for column in run.items:
                    together = item_traces(column, run.facts, rows)
                    assert together == [column.trace(row) for row in rows], column.item.code
                    checked += len(together)
                prepare_traces(run, rows)
                assert [run.result(row) for row in rows] == [_fresh(run, row) for row in rows]
    assert checked > 10_000


def _fresh(run: ScoreRun, row: int) -> dict[str, object]:
    """One result with its traces said one at a time."""
    kept = [(column.said, column.said_in) for column in run.items]
    for column in run.items:
        column.said, column.said_in = {}, None
    try:
        return run.result(row)
    finally:
        for column, (said, said_in) in zip(run.items, kept, strict=True):
            column.said, column.said_in = said, said_in
