"""The JSON writer makes the results' items column by column (issue 17: each item's
code, name, full and weight written once, its values, scores, contributions, met and
traces as columns). What it writes must be the text of the results `ScoreRun.result`
gives one appraisee at a time (what the web app shows), through `json.dumps`, on
every golden case, in English and Chinese, whatever the chunk."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from jixiao.scoring import DocumentError, load_facts, load_scheme, score_periods
from jixiao.scoring import language as language_of
from jixiao.scoring.engine import _outputs
from jixiao.scoring.numbers import output_number
from jixiao.scoring.report import as_json_document, write_json
from tests.scoring.golden_cases import ROOT, prepare


@pytest.mark.parametrize("language", ["en", "zh"])
def test_results_written_by_column_are_the_results_made_one_by_one(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    checked = 0
    for _, scheme_path, facts_path in prepare(tmp_path):
        try:
            scheme = load_scheme(scheme_path)
            facts = load_facts(facts_path)
        except DocumentError:
            continue  # an example the engine does not read yet
        with language_of(language):
            runs = score_periods(scheme, facts)
            one_by_one = as_json_document(runs, facts.several)  # run.result(row) each
            expected = json.dumps(one_by_one, ensure_ascii=False, indent=2) + "\n"
            for chunk in (7, 2_000):  # a few rows at a time, and many (each distinct once)
                out = io.StringIO()
                write_json(runs, facts.several, out, chunk=chunk)
                assert out.getvalue() == expected, (scheme_path.name, chunk)
        checked += sum(run.n for run in runs)
    assert checked > 1_000


def test_an_item_field_shown_for_one_row_is_the_column_shown_for_all() -> None:
    """`ScoreRun.item_fields` rounds each distinct number once over many rows and one
    by one over a few: both give what `output_number` gives each value."""
    values = np.array([0.0, -0.0, 1.0, 1.00004, 1.00005, 2.5, np.nan, np.inf, 1e16, -3.33333] * 9)
    assert _outputs(values) == [output_number(value) for value in values.tolist()]
    assert _outputs(values[:5]) == [output_number(value) for value in values[:5].tolist()]
