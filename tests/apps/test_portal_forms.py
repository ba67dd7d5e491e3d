"""What the portal's forms show a person before they type anything."""

from __future__ import annotations

import datetime

from django.utils import translation

from jixiao.portal.forms import ImprovementPlanForm, InterviewForm, TargetForm


def test_a_saved_date_is_shown_in_the_browsers_date_field() -> None:
    """A date field only shows a value written as YYYY-MM-DD, whatever the language."""
    with translation.override("zh-hans"):
        interview = InterviewForm(initial={"held_on": datetime.date(2026, 11, 3)})
        plan = ImprovementPlanForm(initial={"review_on": datetime.date(2026, 12, 1)})
        assert 'value="2026-11-03"' in str(interview["held_on"])
        assert 'value="2026-12-01"' in str(plan["review_on"])


def test_the_target_field_is_labelled_target_value_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert str(TargetForm()["target"].label) == "目标值"
