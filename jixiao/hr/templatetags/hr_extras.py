"""Small template helpers of the HR pages."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """`values|get:name` — a form value by a key that is not an identifier."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def slugify_key(key: str) -> str:
    """A stable HTML id for a field name holding Chinese and `|`."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
