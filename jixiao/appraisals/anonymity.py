"""What people read of a result where raters are anonymous (issue 16, domain.md §3a):
the one filter every page, export and API answer goes through.

The engine combines every rating and says each item's trace with the values it
combined (`peer 90, 85, 70 → trimmed 2, mean 85 → …`). Someone who may not see the
names behind anonymous answers (`sees_rater_names`) reads, for each anonymous role,
only how many answered and the mean that was used — and, where fewer answered than
the company's policy asks (`AnonymityPolicy.least_raters`), only that too few
answered: the role's mean is then taken out of the combination as well. The total
and the item's score stay what the engine computed from every answer.

    result_shown_to(user, result)   # Result.shown() as this reader may read it
    wording_shown_to(user, result)  # Result.wording (the API's `wording`) likewise

A trace that does not read as the engine says ratings is withheld whole for such a
reader (it is never shown half-filtered)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jixiao.appraisals.access import (
    ANONYMOUS_ROLES,
    anonymity_policy,
    sees_rater_names,
)
from jixiao.appraisals.models import AnonymityPolicy, Result
from jixiao.appraisals.models.results import engine_language
from jixiao.scoring.describe import rater_name
from jixiao.scoring.numbers import fmt
from jixiao.scoring.wording import language, say

_NUMBER = r"[-+]?(?:\d[\d.]*(?:e[-+]?\d+)?|inf|—)"


def result_shown_to(
    user: Any,
    result: Result,
    language_code: str | None = None,
    policy: AnonymityPolicy | None = None,
) -> dict[str, Any]:
    """`result.shown(language_code)` with the anonymous ratings of its traces as `user`
    may read them (the full traces for HR and the auditor where the policy allows)."""
    policy = policy or anonymity_policy()
    shown = result.shown(language_code)
    if sees_rater_names(user, policy):
        return shown
    anonymous = _anonymous_ratings(result)
    if not anonymous:
        return shown
    code = engine_language(language_code or get_language() or "")
    filtered = copy.deepcopy(shown)
    for item in filtered.get("items", []):
        ratings = anonymous.get(str(item.get("code"))) or anonymous.get(str(item.get("name")))
        if ratings and item.get("trace"):
            item["trace"] = anonymous_trace(str(item["trace"]), ratings, policy.least_raters, code)
    return filtered


def wording_shown_to(
    user: Any, result: Result, policy: AnonymityPolicy | None = None
) -> dict[str, Any]:
    """`result.wording` (the traces in other languages, by language) as `user` may read it."""
    policy = policy or anonymity_policy()
    wording: dict[str, Any] = result.wording or {}
    if sees_rater_names(user, policy):
        return wording
    anonymous = _anonymous_ratings(result)
    if not anonymous:
        return wording
    filtered = copy.deepcopy(wording)
    items = (result.data or {}).get("items", [])
    for code, words in filtered.items():
        traces = words.get("items", []) if isinstance(words, dict) else []
        if len(traces) != len(items):
            continue
        for at, item in enumerate(items):
            ratings = anonymous.get(str(item.get("code"))) or anonymous.get(str(item.get("name")))
            if ratings and traces[at]:
                traces[at] = anonymous_trace(str(traces[at]), ratings, policy.least_raters, code)
    return filtered


def _anonymous_ratings(result: Result) -> dict[str, dict[str, list[Any]]]:
    """By item: the anonymous roles' ratings as the engine read them (the stored facts)."""
    facts = ((result.facts or {}).get("appraisee") or {}).get("facts") or {}
    found: dict[str, dict[str, list[Any]]] = {}
    for item, entry in facts.items():
        ratings = entry.get("ratings") if isinstance(entry, dict) else None
        if not isinstance(ratings, dict):
            continue
        for role, given in ratings.items():
            if role in ANONYMOUS_ROLES:
                values = given if isinstance(given, list) else [given]
                found.setdefault(str(item), {})[role] = values
    return found


def anonymous_trace(trace: str, ratings: Mapping[str, list[Any]], least: int, code: str) -> str:
    """One item's trace with each anonymous role's values replaced by its count and the
    mean used, or by "too few answers" (and its mean taken out of the combination)."""
    with language(code), translation.override("zh-hans" if code == "zh" else "en"):
        for role in sorted(ratings):
            values = ratings[role]
            if not values:
                continue
            replaced = _replace_role(trace, role, values, least)
            if replaced is None:
                return _("Combined from anonymous ratings; the details are not shown.")
            trace = replaced
    return trace


def _shown_values(values: list[Any]) -> str:
    """The values as the engine lists them (`jixiao.scoring.raters._shown`)."""
    return ", ".join(
        fmt(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v) for v in values
    )


def _pattern(template: str, **names: str) -> str:
    """A regular expression of an engine template in the current language, each named
    placeholder matching a number."""
    marks = {name: f"\x00{name}\x00" for name in names}
    said = str(say(template, **marks))
    pattern = re.escape(said)
    for name, mark in marks.items():
        pattern = pattern.replace(re.escape(mark), f"(?P<{name}>{names[name]})")
    return pattern


def _replace_role(trace: str, role: str, values: list[Any], least: int) -> str | None:
    separator = re.escape(str(say("; ")))
    head = re.escape(f"{rater_name(role)} {_shown_values(values)}")
    if len(values) == 1:
        tails = [rf"(?: = (?P<mean>{_NUMBER}))?"]
    else:
        tails = [
            _pattern(" → trimmed {dropped}, mean {mean}", dropped=r"\d+", mean=_NUMBER),
            _pattern(" → mean {mean}", mean=_NUMBER),
        ]
    for tail in tails:
        found = re.search(rf"(?:^|(?<={separator})){head}{tail}(?=$|{separator}| → )", trace)
        if found is not None:
            return _replaced(trace, found, role, values, least)
    return None


def _replaced(trace: str, found: re.Match[str], role: str, values: list[Any], least: int) -> str:
    count = len(values)
    before, after = trace[: found.start()], trace[found.end() :]
    said = rater_name(role)  # as the engine names the role in the trace's language
    if count >= least:
        words = _("%(count)s ratings") % {"count": count}
        suffix = found.group(0)[len(f"{said} {_shown_values(values)}") :]
        return f"{before}{said} {words}{suffix}{after}"
    words = _("too few answers (%(count)s), not shown") % {"count": count}
    mean = found.group("mean") or _shown_values(values[:1])
    if mean:  # the role's mean in the weighted combination
        after = re.sub(rf"× {re.escape(mean)}(?![\d.])", "× …", after)
    return f"{before}{said} {words}{after}"
