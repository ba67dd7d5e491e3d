"""`{{ text|has_yaml_comments }}`: whether a scheme document carries comments, which a
save from the designer does not keep (designer/comments.py)."""

from __future__ import annotations

from django import template

from jixiao.designer.comments import has_comments

register = template.Library()


@register.filter
def has_yaml_comments(text: object) -> bool:
    return isinstance(text, str) and has_comments(text)
