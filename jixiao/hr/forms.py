"""Forms of the HR pages. They only read and check input; every change goes
through the apps' services."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.models import User
from jixiao.appraisals.models import EligibilityDecision, PopulationKind, Stage
from jixiao.core.audit_words import action_choices
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.services import CONTENT_FIELDS
from jixiao.notices.models import UnitRobot
from jixiao.organization.models import Employee, Position, Tier, Unit, UnitKind
from jixiao.organization.services import EMPLOYEE_FIELDS, POSITION_FIELDS, UNIT_FIELDS
from jixiao.schemes.models import PeriodKind, Scheme


class DateInput(forms.DateInput):
    input_type = "date"


class UnitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Unit
        fields = ("code", *UNIT_FIELDS)


class PositionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Position
        fields = ("code", *POSITION_FIELDS)
        widgets = {  # noqa: RUF012 - Django's declarative Meta
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
            "authorities": forms.Textarea(attrs={"rows": 3}),
            "work_standards": forms.Textarea(attrs={"rows": 3}),
        }


class EmployeeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Employee
        fields = ("number", *EMPLOYEE_FIELDS)
        widgets = {"hire_date": DateInput(), "leave_date": DateInput()}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["number"].disabled = True
            supervisor = self.fields["supervisor"]
            assert isinstance(supervisor, forms.ModelChoiceField)
            supervisor.queryset = Employee.objects.exclude(pk=self.instance.pk)


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    code = forms.CharField(label=_("code"), max_length=40)
    reason = forms.CharField(label=_("reason for the change"), required=False, max_length=300)

    class Meta:
        model = IndicatorVersion
        fields = ("effective_from", *CONTENT_FIELDS)
        widgets = {  # noqa: RUF012 - Django's declarative Meta
            "effective_from": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("definition", "purpose", "notes", "collection", "formula")
            },
        }

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicator is not None:
            self.fields["code"].initial = indicator.code
            self.fields["code"].disabled = True
            self.initial["effective_from"] = datetime.date.today()
        for name in ("name",):
            self.fields[name].required = False  # an incomplete entry may be saved, and is marked


class SchemeDocumentForm(forms.Form):
    text = forms.CharField(label=_("document"), widget=forms.Textarea(attrs={"rows": 28}))
    comment = forms.CharField(label=_("comment"), required=False, max_length=200)


class CycleForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
    period_kind = forms.ChoiceField(label=_("kind of period"), choices=PeriodKind.choices)
    period = forms.CharField(
        label=_("period"), max_length=10, help_text=_("written 2026-10, 2026-Q4, 2026-H2 or 2026")
    )
    appraisal_date = forms.DateField(label=_("appraisal date"), required=False, widget=DateInput())
    appeal_window_days = forms.IntegerField(label=_("appeal window (days)"), min_value=0, initial=5)


class AddSchemeForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label=_("scheme"), queryset=Scheme.objects.filter(is_active=True).order_by("code")
    )


class PopulationRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PopulationKind.choices)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.all(), required=False)
    include_subunits = forms.BooleanField(
        label=_("including the units below"), required=False, initial=True
    )
    position = forms.ModelChoiceField(
        label=_("position"), queryset=Position.objects.all(), required=False
    )
    tier = forms.ChoiceField(label=_("tier"), choices=[("", "—"), *Tier.choices], required=False)
    employee = forms.ModelChoiceField(  # by 工号: a company has thousands of people
        label=_("employee number"),
        queryset=Employee.objects.all(),
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 30}),
        error_messages={"invalid_choice": _("no employee with the number %(value)s")},
    )


class DeadlineForm(forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    due = forms.DateField(label=_("due"), widget=DateInput())


class CommitteeForm(forms.Form):
    """The committee: the members kept (ticked) and others added by login name (the
    page lists the members, not every account: a company has thousands)."""

    members = forms.ModelMultipleChoiceField(
        label=_("committee"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add = forms.CharField(
        label=_("add by login name"),
        required=False,
        max_length=500,
        help_text=_("login names, separated by spaces or commas"),
    )

    def clean_add(self) -> list[User]:
        names = [name for name in re.split(r"[\s,，、]+", self.cleaned_data["add"]) if name]
        found = {user.username: user for user in User.objects.filter(username__in=names)}
        unknown = [name for name in names if name not in found or not found[name].is_active]
        if unknown:
            raise forms.ValidationError(
                _("no active account with the login name: %(names)s"),
                params={"names": ", ".join(unknown)},
            )
        return [found[name] for name in names]


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=EligibilityDecision.choices)
    reason = forms.CharField(label=_("reason"), required=False, max_length=500)


class CalibrateForm(forms.Form):
    total = forms.FloatField(label=_("total"), required=False, min_value=0)
    grade = forms.CharField(label=_("grade"), required=False, max_length=30)
    reason = forms.CharField(
        label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewConfirmForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("actor"), required=False)
    action = forms.ChoiceField(label=_("action"), required=False)
    target = forms.CharField(label=_("target"), required=False)
    since = forms.DateField(label=_("from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("every action")))]
        self.fields["action"].choices = choices + action_choices()  # type: ignore[attr-defined]


class RobotForm(forms.ModelForm):  # type: ignore[type-arg]
    """A unit's group robot (钉钉/企业微信群机器人): its webhook address and, for a
    DingTalk robot with 加签, its secret (never shown again; empty keeps it)."""

    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("DingTalk's 加签 secret (SEC…); empty when the robot does not sign"),
    )

    class Meta:
        model = UnitRobot
        fields = ("unit", "platform", "name", "url", "secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.exclude(kind=UnitKind.PROVIDER).order_by("code")

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        host = urllib.parse.urlsplit(url).hostname or ""
        if not url.startswith("https://") and host not in {"127.0.0.1", "localhost"}:
            raise forms.ValidationError(_("a robot's webhook address starts with https://"))
        return url
