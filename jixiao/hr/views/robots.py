"""Group robots (群机器人): the DingTalk and WeCom group chats told of a unit's cycle
news (results published, deadlines near) — added, changed, switched off and tried
by HR here, without an engineer. The webhook's token and the signing secret are
never shown back (`masked_url`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jixiao.core.errors import ServiceError
from jixiao.core.listing import Sort, listing
from jixiao.hr.access import can_change
from jixiao.hr.forms import RobotForm
from jixiao.hr.views.base import hr_page, refused
from jixiao.notices.models import RobotMessage, UnitRobot
from jixiao.notices.services import masked_url, robot_create, robot_test, robot_update

ROBOT_SORTS = (
    Sort("unit", _l("unit"), ("unit__code", "pk")),
    Sort("platform", _l("platform"), ("platform", "unit__code", "pk")),
)


def _robots() -> QuerySet[UnitRobot]:
    """The robots with their last message sent and the last error, in one query."""
    last = RobotMessage.objects.filter(robot=OuterRef("pk")).order_by("-pk")
    return UnitRobot.objects.select_related("unit").annotate(
        last_sent=Max("messages__sent_at"), last_error=Subquery(last.values("error")[:1])
    )


def _switch(request: HttpRequest, robot: UnitRobot, on: bool) -> None:
    robot_update(robot=robot, actor=request.user, is_active=on)
    said = _("%(robot)s is switched on.") if on else _("%(robot)s is switched off.")
    messages.success(request, said % {"robot": robot})


def _test(request: HttpRequest, robot: UnitRobot) -> None:
    error = robot_test(robot=robot, actor=request.user)
    if error:
        messages.error(request, _("The test message did not arrive: %(error)s") % {"error": error})
    else:
        messages.success(request, _("The test message was sent to %(robot)s.") % {"robot": robot})


def _save(request: HttpRequest, robot: UnitRobot | None, form: RobotForm) -> bool:
    if not form.is_valid():
        return False
    fields = {name: form.cleaned_data[name] for name in RobotForm.Meta.fields}
    if robot is None:
        saved = robot_create(actor=request.user, **fields)
        messages.success(request, _("Group robot %(robot)s added.") % {"robot": saved})
    else:
        saved = robot_update(robot=robot, actor=request.user, **fields)
        messages.success(request, _("Group robot %(robot)s saved.") % {"robot": saved})
    return True


@hr_page
def robot_list(request: HttpRequest) -> HttpResponse:
    editing = (
        get_object_or_404(UnitRobot, pk=request.GET["edit"]) if "edit" in request.GET else None
    )
    form = RobotForm(instance=editing)
    if request.method == "POST" and can_change(request.user):
        action = request.POST.get("action", "save")
        robot = (
            get_object_or_404(UnitRobot, pk=request.POST["robot"])
            if request.POST.get("robot")
            else None
        )
        form = RobotForm(request.POST, instance=robot)
        try:
            if robot is not None and action == "test":
                _test(request, robot)
                return redirect("hr:robot_list")
            if robot is not None and action in {"on", "off"}:
                _switch(request, robot, action == "on")
                return redirect("hr:robot_list")
            if _save(request, robot, form):
                return redirect("hr:robot_list")
        except ServiceError as error:
            refused(request, error)
        editing = robot
    robots = listing(request, _robots(), search=("unit__name", "name"), sorts=ROBOT_SORTS)
    context: dict[str, Any] = {
        "listing": robots,
        "rows": [(robot, masked_url(robot.url)) for robot in robots.rows],
        "form": form,
        "editing": editing,
        "can_change": can_change(request.user),
    }
    return render(request, "hr/robot_list.html", context)
