"""The forms of the pages. Values typed as numbers are numbers; anything else is a
word (a level name such as 优)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import ServiceError
from jixiao.core.uploads import ACCEPT, accepted_types, max_bytes, megabytes, upload_check


def number_or_word(text: str) -> float | int | str:
    text = text.strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _evidence_help() -> str:
    return gettext("%(types)s; up to %(limit)s MB") % {
        "types": accepted_types(),
        "limit": megabytes(max_bytes()),
    }


class EvidenceField(forms.FileField):
    """An optional file checked by `upload_check`: a file too large or of a type not
    accepted is refused next to the field, in the reader's language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(_evidence_help, str)())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPT

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            try:
                upload_check(upload)
            except ServiceError as refusal:
                raise forms.ValidationError(refusal.message, code="upload") from None
        return upload


class TargetForm(forms.Form):
    """One item's target in a targets form or a team's sheet (its `prefix` says which
    appraisal and item): a number, or words with how they are measured. What a value
    may be is the fact pipeline's to say."""

    target = forms.CharField(label=_("target value"), required=False)
    challenge = forms.CharField(label=_("challenge value"), required=False)
    measure = forms.CharField(label=_("how it is measured"), required=False)

    def __init__(self, *args: Any, numeric: bool = False, about: str = "", **kwargs: Any) -> None:
        """`numeric`: the item computes with its target (a number); `about`: whose
        target of which item, said to screen readers (李强 · 工作态度)."""
        super().__init__(*args, **kwargs)
        if numeric:
            for name in ("target", "challenge"):
                self.fields[name].widget = forms.NumberInput(attrs={"step": "any"})
            del self.fields["measure"]
        for field in self.fields.values():
            field.widget.attrs["placeholder"] = str(field.label)  # which box is which
            if about:
                field.widget.attrs["aria-label"] = f"{about} · {field.label}"
        if not numeric:
            self.fields["target"].widget.attrs["title"] = gettext(
                "a number, or words such as 完成11月月结"
            )


class ReasonForm(forms.Form):
    """The reason for changing what is already recorded, for a whole form or sheet."""

    reason = forms.CharField(label=_("reason for changes"), required=False, max_length=300)


class ChangeRequestForm(forms.Form):
    item = forms.ChoiceField(label=_("item"))
    target = forms.CharField(label=_("new target"), help_text=_("a number, or words"))
    measure = forms.CharField(label=_("how it is measured"), required=False)
    challenge = forms.FloatField(label=_("new challenge value"), required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("answer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EventForm(forms.Form):
    item = forms.ChoiceField(label=_("item"))
    name = forms.CharField(
        label=_("event"), max_length=100, widget=forms.TextInput(attrs={"list": "event-names"})
    )
    occurred_on = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 2})
    )
    # what a count and a size may be is the fact pipeline's to say (the same words in
    # every channel); the browser only hints at it
    count = forms.IntegerField(
        label=_("occurrences"), initial=1, widget=forms.NumberInput(attrs={"min": 1})
    )
    size = forms.FloatField(
        label=_("size"), required=False, widget=forms.NumberInput(attrs={"min": 0, "step": "any"})
    )
    evidence = EvidenceField(label=_("evidence"))

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    """One rating in a ratings form or a team's sheet (its `prefix` says which
    appraisal, item and role); an empty value is left as it is."""

    value = forms.CharField(label=_("rating"), max_length=30, required=False)
    comment = forms.CharField(label=_("comment"), required=False, max_length=500)

    def __init__(self, *args: Any, about: str = "", levels: Any = (), **kwargs: Any) -> None:
        """`about`: whose rating of which item, said to screen readers; `levels`: the
        levels offered while typing."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if about:
                field.widget.attrs["aria-label"] = f"{about} · {field.label}"
        self.fields["value"].widget.attrs["size"] = 6
        if levels:
            self.fields["value"].widget.attrs["placeholder"] = "/".join(levels)


class AppealForm(forms.Form):
    item = forms.ChoiceField(label=_("what is appealed"), required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = EvidenceField(label=_("evidence"))

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("the whole result")), *items]  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealAnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("outcome"),
        choices=[("1", _("upheld")), ("0", _("not upheld"))],
        coerce=lambda value: value == "1",
    )
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind of fact"),
        choices=[
            ("value", _("value")),
            ("input", _("input")),
            ("score", _("score given directly")),
        ],
    )
    key = forms.CharField(label=_("input name"), required=False)
    value = forms.CharField(label=_("corrected value"), max_length=100)


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}))
    to_improve = forms.CharField(
        label=_("what to improve"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_goals = forms.CharField(
        label=_("goals for the next period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImprovementPlanForm(forms.Form):
    goals = forms.CharField(label=_("improvement goals"), widget=forms.Textarea(attrs={"rows": 2}))
    actions = forms.CharField(
        label=_("actions and support"), widget=forms.Textarea(attrs={"rows": 2})
    )
    review_on = forms.DateField(
        label=_("review on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FactValueForm(forms.Form):
    appraisal = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.CharField(widget=forms.HiddenInput)
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    value = forms.CharField(label=_("value"), max_length=100)
    reason = forms.CharField(label=_("reason for a change"), required=False)


class CalendarCorrectionForm(forms.Form):
    date = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_workday = forms.TypedChoiceField(
        label=_("the day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=_("reason"), max_length=200)
