"""The navigation of the base page: the one menu of jixiao.core.menu, built for the
user by the function the portal registers (roles and state, a constant number of
queries)."""

from __future__ import annotations

from typing import Any

from django import template

from jixiao.core import roles
from jixiao.core.menu import menu_entries

register = template.Library()


@register.inclusion_tag("core/nav.html", takes_context=True)
def main_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not roles.is_active_user(user):
        return {"links": []}
    return {"links": menu_entries(user, path=getattr(request, "path", ""))}
