"""The engine's view of a stored scheme version: parsed once, then reused."""

from __future__ import annotations

from functools import lru_cache

from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring import scheme_from_text


@lru_cache(maxsize=256)
def _parse(digest: str, text: str, label: str) -> EngineScheme:
    return scheme_from_text(text, file=label)


def engine_scheme(version: SchemeVersion) -> EngineScheme:
    """The parsed scheme of a saved version (it passed the check when it was saved)."""
    return _parse(version.digest, version.text, f"{version.scheme.code} v{version.number}")
