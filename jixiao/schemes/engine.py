"""The engine's view of a scheme document: parsed under the configured caps, in the
reader's language; a stored version parsed once, then reused."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language

from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import DocumentError, SchemeError, language
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.describe import describe, describe_item, item_labels
from jixiao.scoring.errors import LimitExceeded
from jixiao.scoring.model import Item as EngineItem
from jixiao.scoring.parse import scheme_from_document
from jixiao.scoring.source import MAX_BYTES, MAX_NODES, Limits, parse_text


class SchemeTooLarge(SchemeError):
    """A document past its caps, refused unread (its one problem names the cap)."""


def scheme_limits() -> Limits:
    """The caps on a scheme document (settings JIXIAO_SCHEME_MAX_BYTES, _MAX_NODES)."""
    return Limits(
        max_bytes=int(getattr(settings, "JIXIAO_SCHEME_MAX_BYTES", MAX_BYTES)),
        max_nodes=int(getattr(settings, "JIXIAO_SCHEME_MAX_NODES", MAX_NODES)),
    )


def reader_language() -> str:
    """The engine's language for the reader: zh for any Chinese page, else en."""
    return "zh" if (get_language() or "").lower().startswith("zh") else "en"


def rule_words(item: EngineItem, *, code: str | None = None) -> str:
    """The item's rule in plain words (得分标准), in the reader's language or `code`."""
    with language(code or reader_language()):
        return describe(item.rule, labels=item_labels(item), full=item.full, subject=item.name)


def item_words(item: EngineItem, *, code: str | None = None) -> str:
    """The whole item in words: what it measures, its rule, standard, period, default."""
    with language(code or reader_language()):
        return describe_item(item)


def scheme_parse(text: str, *, file: str | None = None) -> EngineScheme:
    """The engine's check of a document (`jixiao check`) under the configured caps;
    raises `SchemeError`. A document past a cap is refused before it is read, in the
    reader's language (`SchemeTooLarge`)."""
    with language(reader_language()):
        try:
            document = parse_text(text, file=file, kind="scheme", limits=scheme_limits())
        except LimitExceeded as exc:
            raise SchemeTooLarge(exc.problems) from None
        except DocumentError as exc:
            raise SchemeError(exc.problems) from None
        return scheme_from_document(document)


@lru_cache(maxsize=256)
def _parse(digest: str, text: str, label: str) -> EngineScheme:
    return scheme_parse(text, file=label)


def engine_scheme(version: SchemeVersion) -> EngineScheme:
    """The parsed scheme of a saved version (it passed the check when it was saved)."""
    return _parse(version.digest, version.text, f"{version.scheme.code} v{version.number}")
