"""The KPI dictionary (KPI指标库): the list with incomplete entries marked, an entry
with its ten questions and versions, and editing, which makes a new version."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jixiao.core.errors import ServiceError
from jixiao.hr.access import can_change
from jixiao.hr.forms import IndicatorForm
from jixiao.hr.views.base import hr_page, refused
from jixiao.indicators.models import Indicator
from jixiao.indicators.questions import TEN_QUESTIONS
from jixiao.indicators.selectors import indicator_current_version
from jixiao.indicators.selectors import indicator_list as indicators_in_force
from jixiao.indicators.services import CONTENT_FIELDS, indicator_save
from jixiao.strategy.selectors import smart_check


@hr_page
def indicator_list(request: HttpRequest) -> HttpResponse:
    only = request.GET.get("incomplete")
    versions = indicators_in_force(visible_to=request.user, incomplete=True if only else None)
    context = {
        "versions": versions,
        "only_incomplete": bool(only),
        "can_change": can_change(request.user),
        "questions": dict(TEN_QUESTIONS),
    }
    return render(request, "hr/indicator_list.html", context)


def _indicator(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


@hr_page
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    versions = list(indicator.versions.order_by("-number").select_related("created_by", "parent"))
    if not versions:
        raise Http404
    current = versions[0]
    answers = [(label, getattr(current, name)) for name, label in TEN_QUESTIONS]
    context = {
        "indicator": indicator,
        "current": current,
        "versions": versions,
        "answers": answers,
        "missing": {str(label) for name, label in TEN_QUESTIONS if name in current.missing},
        "can_change": can_change(request.user),
        "smart": smart_check(current),
    }
    return render(request, "hr/indicator_detail.html", context)


@hr_page
def indicator_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    indicator = _indicator(code) if code else None
    current = indicator_current_version(indicator) if indicator else None
    form = IndicatorForm(request.POST or None, instance=current, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = {name: data[name] for name in CONTENT_FIELDS}
        try:
            version = indicator_save(
                actor=request.user,
                code=indicator.code if indicator else data["code"],
                effective_from=data["effective_from"],
                reason=data["reason"],
                **content,
            )
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("saved as version %(number)s") % {"number": version.number})
            return redirect("hr:indicator_detail", code=version.indicator.code)
    title = str(indicator) if indicator else _("New indicator")
    back = f"/hr/indicators/{indicator.code}/" if indicator else "/hr/indicators/"
    return render(request, "hr/object_form.html", {"form": form, "title": title, "back": back})
