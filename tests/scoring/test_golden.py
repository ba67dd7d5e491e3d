"""`jixiao score` prints today what it printed before issue 17's speed work, byte
for byte: the specification's examples and two populations (the benchmark form
and a form with every rule type and option, with errors), in JSON, CSV and
table, in English and Chinese (tests/scoring/golden_cases.py writes them)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.scoring.golden_cases import GOLDEN, ROOT, cases, run

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
