"""The anonymity of 360 ratings (issue 16): how many raters a combined figure needs
and whether HR may see who gave anonymous ratings — a company policy HR sets here
(audited by the service)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jixiao.appraisals.access import anonymity_policy
from jixiao.appraisals.models.anonymity import LEAST_RATERS_CEILING, LEAST_RATERS_FLOOR
from jixiao.appraisals.services.anonymity import anonymity_policy_set
from jixiao.core.errors import ServiceError
from jixiao.hr.access import can_change
from jixiao.hr.views.base import hr_page


@hr_page
def anonymity_policy_edit(request: HttpRequest) -> HttpResponse:
    policy = anonymity_policy()
    error = ""
    values = {"least_raters": str(policy.least_raters), "hr_sees_names": policy.hr_sees_names}
    if request.method == "POST":
        values = {
            "least_raters": request.POST.get("least_raters", ""),
            "hr_sees_names": request.POST.get("hr_sees_names") == "on",
        }
        try:
            anonymity_policy_set(
                actor=request.user,
                least_raters=values["least_raters"],
                hr_sees_names=bool(values["hr_sees_names"]),
                reason=request.POST.get("reason", ""),
            )
        except ServiceError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("The anonymity policy is saved."))
            return redirect("hr:anonymity_policy")
    context = {
        "policy": policy,
        "values": values,
        "error": error,
        "floor": LEAST_RATERS_FLOOR,
        "ceiling": LEAST_RATERS_CEILING,
        "can_change": can_change(request.user),
    }
    return render(request, "hr/anonymity_policy.html", context, status=400 if error else 200)
