"""Trial scoring: a scheme document and a facts document (scheme-language §14)
scored by the engine, nothing stored — what `jixiao score` prints as JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jixiao.core.errors import ServiceError
from jixiao.schemes.services import scheme_check
from jixiao.scoring import FactsError, facts_from_data, score_periods
from jixiao.scoring.report import as_json_document


class FactsInvalid(ServiceError):
    """The facts document cannot be read; `problems` say where and why."""

    def __init__(self, problems: list[Any]) -> None:
        super().__init__(_("the facts document cannot be read"), details=problems)
        self.problems = problems


def scheme_trial_score(
    *, text: str, facts: dict[str, Any], period: str | None = None
) -> dict[str, Any]:
    """Score `facts` against the scheme `text`; raises `SchemeInvalid` or `FactsInvalid`."""
    scheme = scheme_check(text)
    try:
        facts_file = facts_from_data(facts, period=period)
    except FactsError as exc:
        raise FactsInvalid(list(exc.problems)) from None
    except ValueError as exc:  # a period that is not one
        raise FactsInvalid([str(exc)]) from None
    runs = score_periods(scheme, facts_file)
    return as_json_document(runs, facts_file.several)
