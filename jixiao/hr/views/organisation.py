"""The organisation: the tree of units, positions and employees (list, create,
edit), through the organisation services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jixiao.core.errors import ServiceError
from jixiao.core.listing import Sort, listing
from jixiao.hr.access import can_change
from jixiao.hr.forms import EmployeeForm, PositionForm, UnitForm
from jixiao.hr.views.base import hr_page, refused
from jixiao.organization import services as org
from jixiao.organization.models import Employee, Position, Unit
from jixiao.organization.selectors import employee_list as employees_of
from jixiao.organization.selectors import unit_list


def _tree(units: list[Unit]) -> list[tuple[int, Unit]]:
    """Depth-first, each unit with its depth, for an indented tree."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {unit.pk for unit in units}
    out: list[tuple[int, Unit]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            out.append((depth, unit))
            walk(unit.pk, depth + 1)

    for root in [u for u in units if u.parent_id is None or u.parent_id not in known]:
        out.append((0, root))
        walk(root.pk, 1)
    return out


@hr_page
def organisation(request: HttpRequest) -> HttpResponse:
    units = list(unit_list(visible_to=request.user).select_related("parent"))
    counts = dict(
        Employee.objects.filter(leave_date__isnull=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("unit_id", "n")
    )
    tree = listing(
        request,
        [(depth, unit, counts.get(unit.pk, 0)) for depth, unit in _tree(units)],
        matches=lambda row, text: all(
            word in row[1].name or word.lower() in row[1].code.lower() for word in text.split()
        ),
    )
    context = {"listing": tree, "rows": tree.rows, "can_change": can_change(request.user)}
    return render(request, "hr/organisation.html", context)


def _changes(form: ModelForm[Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields the form changed. The service is given a fresh copy of the object:
    validating a model form has already written the new values on its instance."""
    return {name: form.cleaned_data[name] for name in fields if name in form.changed_data}


def _edit(
    request: HttpRequest,
    form: ModelForm[Any],
    *,
    title: str,
    back: str,
    save: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ServiceError as error:
            refused(request, error)
        else:
            messages.success(request, _("saved"))
            return redirect(back)
    return render(request, "hr/object_form.html", {"form": form, "title": title, "back": back})


@hr_page
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if unit is not None:
        form.fields["code"].disabled = True

    def save(form: UnitForm) -> None:
        data = form.cleaned_data
        if unit is None:
            org.unit_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                contract_start=data.get("contract_start"),
            )
        else:
            org.unit_update(
                unit=Unit.objects.get(pk=unit.pk),
                actor=request.user,
                **_changes(form, org.UNIT_FIELDS),
            )

    title = str(unit) if unit else _("New unit")
    return _edit(request, form, title=title, back="/hr/organisation/", save=save)


POSITION_SORTS = (
    Sort("code", _l("code"), ("code",)),
    Sort("title", _l("title"), ("title", "code")),
    Sort("unit", _l("unit"), ("unit__code", "code")),
)


@hr_page
def position_list(request: HttpRequest) -> HttpResponse:
    positions = listing(
        request,
        Position.objects.select_related("unit", "default_scheme").order_by("code"),
        search=("code", "title", "unit__name"),
        sorts=POSITION_SORTS,
    )
    context = {
        "listing": positions,
        "positions": positions.rows,
        "can_change": can_change(request.user),
    }
    return render(request, "hr/position_list.html", context)


@hr_page
def position_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk) if pk else None
    form = PositionForm(request.POST or None, instance=position)
    if position is not None:
        form.fields["code"].disabled = True

    def save(form: PositionForm) -> None:
        if position is None:
            data = dict(form.cleaned_data)
            org.position_create(
                actor=request.user,
                code=data.pop("code"),
                title=data.pop("title"),
                unit=data.pop("unit"),
                **data,
            )
        else:
            changes = _changes(form, org.POSITION_FIELDS)
            org.position_update(
                position=Position.objects.get(pk=position.pk), actor=request.user, **changes
            )

    title = str(position) if position else _("New position")
    return _edit(request, form, title=title, back="/hr/positions/", save=save)


EMPLOYEE_SORTS = (
    Sort("number", _l("employee number"), ("number",)),
    Sort("name", _l("name"), ("name",)),
    Sort("unit", _l("unit"), ("unit__code", "number")),
    Sort("hired", _l("hire date"), ("hire_date", "number")),
)


@hr_page
def employee_list(request: HttpRequest) -> HttpResponse:
    unit = None
    if request.GET.get("unit"):
        unit = Unit.objects.filter(pk=request.GET["unit"]).first()
    people = listing(
        request,
        employees_of(visible_to=request.user, unit=unit),
        search=("name", "number", "unit__name", "position__title"),
        sorts=EMPLOYEE_SORTS,
    )
    context = {
        "listing": people,
        "employees": people.rows,
        "unit": unit,
        "query": people.query,
        "can_change": can_change(request.user),
    }
    return render(request, "hr/employee_list.html", context)


@hr_page
def employee_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    employee = get_object_or_404(Employee, pk=pk) if pk else None
    form = EmployeeForm(request.POST or None, instance=employee)

    def save(form: EmployeeForm) -> None:
        if employee is None:
            data = {key: value for key, value in form.cleaned_data.items() if value is not None}
            org.employee_create(
                actor=request.user,
                number=data.pop("number"),
                name=data.pop("name"),
                unit=data.pop("unit"),
                hire_date=data.pop("hire_date"),
                **data,
            )
        else:
            changes = _changes(form, org.EMPLOYEE_FIELDS)
            org.employee_update(
                employee=Employee.objects.get(pk=employee.pk), actor=request.user, **changes
            )

    title = str(employee) if employee else _("New employee")
    return _edit(request, form, title=title, back="/hr/employees/", save=save)
