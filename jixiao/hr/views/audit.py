"""The audit log, filterable by actor, action, target and date, said in words
(action names, kinds of record, each change field by field: `jixiao.core.audit_words`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.appraisals.access import hidden_audit_events
from jixiao.core.audit_words import describe_events
from jixiao.hr.forms import AuditFilterForm
from jixiao.hr.selectors import audit_events
from jixiao.hr.views.base import hr_page, is_htmx


@hr_page
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # a field that does not validate is left out; the others still filter
    filters = getattr(form, "cleaned_data", {})
    events = audit_events(**{key: value for key, value in filters.items() if value})
    events = events.exclude(hidden_audit_events(request.user))  # anonymous raters' answers
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": describe_events(page.object_list),
        "query": query.urlencode(),
    }
    template = "hr/_audit_rows.html" if is_htmx(request) else "hr/audit_list.html"
    return render(request, template, context)
