"""Whether a result's group is being ranked again after a fact was recorded
(`jixiao.appraisals.groups`): its own total is new, its rank, grade and pay follow
when the group's job has run.

    {% load appraisal_groups %}
    {% ranks_pending_note result %}          {# 排名更新中, or nothing #}
    {% if result|ranks_pending %}…{% endif %}

One query per use: a page listing many results reads `groups_pending(cycle_id=…)`
once instead."""

from __future__ import annotations

from typing import Any

from django import template

from jixiao.appraisals.groups import group_pending

register = template.Library()


def _appraisal(value: Any) -> Any:
    return getattr(value, "appraisal", value)  # a Result, or the Appraisal itself


@register.filter
def ranks_pending(value: Any) -> bool:
    appraisal = _appraisal(value)
    if appraisal is None or getattr(value, "frozen", False):
        return False
    return group_pending(cycle_id=appraisal.cycle_id, version_id=appraisal.scheme_version_id)


@register.inclusion_tag("appraisals/_ranks_pending.html")
def ranks_pending_note(value: Any) -> dict[str, Any]:
    return {"pending": ranks_pending(value)}
