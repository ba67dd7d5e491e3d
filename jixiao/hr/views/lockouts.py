"""Login locks (登录锁定): the accounts locked out after repeated failed log-ins,
and HR lifting a lock (audited by the service)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jixiao.accounts.selectors import login_lockouts
from jixiao.accounts.services import login_lockout_clear
from jixiao.core.errors import ServiceError
from jixiao.hr.access import can_change
from jixiao.hr.views.base import hr_page, refused


@hr_page
def lockout_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            login_lockout_clear(
                username=username,
                actor=request.user,
                ip_address=request.POST.get("ip_address", ""),
                reason=request.POST.get("reason", ""),
            )
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(
                request, _("The login lock of %(username)s is lifted.") % {"username": username}
            )
        return redirect("hr:lockout_list")
    context = {
        "locks": login_lockouts(visible_to=request.user),
        "can_change": can_change(request.user),
    }
    return render(request, "hr/lockout_list.html", context)
