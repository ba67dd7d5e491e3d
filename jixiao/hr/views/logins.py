"""An employee's login, from HR: create it and send the invitation, or send a
password reset; where the person has no e-mail the one-time link is shown to HR
to hand over."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from jixiao.accounts.services import user_send_password_link
from jixiao.core.errors import ServiceError
from jixiao.hr.views.base import hr_page
from jixiao.organization.models import Employee
from jixiao.organization.services import employee_login_create


@hr_page
def employee_login(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_object_or_404(Employee.objects.select_related("user", "unit"), pk=pk)
    link = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "create":
                user = employee_login_create(
                    employee=employee,
                    actor=request.user,
                    email=request.POST.get("email", "").strip(),
                )
                link = user_send_password_link(user=user, actor=request.user, invitation=True)
                messages.success(
                    request, _("The login %(username)s is created.") % {"username": user.username}
                )
            elif request.POST.get("do") == "reset" and employee.user is not None:
                link = user_send_password_link(
                    user=employee.user, actor=request.user, invitation=False
                )
                messages.success(request, _("The old password no longer works."))
        except ServiceError as error:
            messages.error(request, str(error))
        employee.refresh_from_db()
    return render(
        request,
        "hr/employee_login.html",
        {"employee": employee, "user": employee.user, "link": link},
    )
