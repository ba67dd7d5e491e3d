"""Words for the engine's names on the portal's pages."""

from __future__ import annotations

from django import template

from jixiao.schemes.engine import reader_language
from jixiao.scoring.describe import rater_name
from jixiao.scoring.wording import language

register = template.Library()


@register.filter
def rater(role: str) -> str:
    """A rater role as the reader says it: `supervisor` → 上级, `self` → 自评."""
    with language(reader_language()):
        return rater_name(str(role))
