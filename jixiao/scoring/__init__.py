"""The scoring engine: schemes in the scheme language, facts, exact scores.

Pure Python and numpy; imports nothing from Django or the rest of jixiao
(an import-linter contract in pyproject.toml keeps it so).

    scheme = load_scheme("fin-manager.scheme.yaml")
    facts = load_facts("fin-manager.facts.yaml")
    runs = score_periods(scheme, facts)          # one ScoreRun per period
    runs[0].results()                            # JSON-ready dicts, with traces
    with language("zh"):
        runs[0].result(0)                        # traces and errors in Chinese
"""

from jixiao.scoring.engine import ScoreRun, score, score_periods
from jixiao.scoring.errors import DocumentError, FactsError, Problem, SchemeError
from jixiao.scoring.facts import FactsBuilder, FactSet
from jixiao.scoring.facts_io import (
    FactsFile,
    facts_from_csv,
    facts_from_data,
    facts_from_text,
    load_facts,
)
from jixiao.scoring.model import Scheme
from jixiao.scoring.parse import load_scheme, scheme_from_text
from jixiao.scoring.wording import current_language, language, say

__all__ = [
    "DocumentError",
    "FactSet",
    "FactsBuilder",
    "FactsError",
    "FactsFile",
    "Problem",
    "Scheme",
    "SchemeError",
    "ScoreRun",
    "current_language",
    "facts_from_csv",
    "facts_from_data",
    "facts_from_text",
    "language",
    "load_facts",
    "load_scheme",
    "say",
    "scheme_from_text",
    "score",
    "score_periods",
]
