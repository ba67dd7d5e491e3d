"""The form of the token page: a personal token's name, last day and read-only flag."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_last_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.JIXIAO_API_TOKEN_DAYS)


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("what the token is for, e.g. 月报脚本")
    )
    expires_on = forms.DateField(
        label=_("last day"),
        initial=default_last_day,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("the token stops working after this day (default: a year from today)"),
    )
    read_only = forms.BooleanField(
        label=_("read-only"),
        required=False,
        help_text=_("it may read what you may read, and change nothing"),
    )
