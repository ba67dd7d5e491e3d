"""The navigation of the base page, by role (domain.md §1).

A link is shown only when its page exists (`reverse` finds it) and the user's
role has it; apps that add pages later (the portal, the API's pages) appear
without changing the base template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jixiao.core import roles

register = template.Library()

# (url name, label, who sees it): "all" signed-in users, "hr" HR and the auditor.
LINKS = (
    ("portal:home", _("My appraisals"), "all"),
    ("portal:index", _("My appraisals"), "all"),
    ("hr:home", _("Overview"), "hr"),
    ("hr:organisation", _("Organisation"), "hr"),
    ("hr:indicator_list", _("KPI dictionary"), "hr"),
    ("hr:scheme_list", _("Schemes"), "hr"),
    ("hr:cycle_list", _("Cycles"), "hr"),
    ("hr:audit_list", _("Audit log"), "hr"),
    ("hr:lockout_list", _("Login locks"), "hr"),
    ("tokens:list", _("API tokens"), "all"),
)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@register.inclusion_tag("core/nav.html", takes_context=True)
def main_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    links: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, label, who in LINKS:
        if not roles.is_active_user(user):
            break
        if who == "hr" and not roles.reads_everything(user):
            continue
        url = _url(name)
        if url is None or url in seen:
            continue
        seen.add(url)
        current = path == url if url.rstrip("/").count("/") <= 1 else path.startswith(url)
        links.append({"url": url, "label": label, "current": current})
    return {"links": links}
