"""Units, positions and employees: read by everyone as the web shows them; written by HR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from jixiao.api.access import employees_in_scope
from jixiao.api.v1.auth import principal
from jixiao.api.v1.common import ERRORS, PagingQuery, page, require_person
from jixiao.api.v1.schemas import (
    EmployeeIn,
    EmployeeOut,
    EmployeePatch,
    Page,
    PositionIn,
    PositionOut,
    PositionPatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from jixiao.core.errors import NotFound
from jixiao.organization import services
from jixiao.organization.access import positions_visible_to
from jixiao.organization.models import Employee, Position, Unit
from jixiao.organization.selectors import unit_descendant_ids, unit_list

router = Router(tags=["organisation"])
T = TypeVar("T")


# -- lookups by code, among what the caller may see ----------------------------------
def _unit(request: HttpRequest, code: str) -> Unit:
    found = unit_list(visible_to=principal(request).user).filter(code=code).first()
    if found is None:
        raise NotFound("unit")
    return found


def _position(request: HttpRequest, code: str) -> Position:
    found = positions_visible_to(principal(request).user).filter(code=code).first()
    if found is None:
        raise NotFound("position")
    return found


def _employees(request: HttpRequest) -> QuerySet[Employee]:
    return employees_in_scope(principal(request)).select_related("unit", "position", "supervisor")


def _employee(request: HttpRequest, number: str) -> Employee:
    found = _employees(request).filter(number=number).first()
    if found is None:
        raise NotFound("employee")
    return found


def _optional(
    lookup: Callable[[HttpRequest, str], T], request: HttpRequest, key: str | None
) -> T | None:
    return None if key is None else lookup(request, key)


def _changes(body: Any, resolve: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The fields a PATCH body sets (references resolved), and its reason."""
    data = body.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    for name, lookup in resolve.items():
        if name in data:
            data[name] = lookup(data[name])
    return data, reason


# -- serialisation ---------------------------------------------------------------
def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None,
        "is_active": unit.is_active,
    }


def position_out(position: Position) -> dict[str, Any]:
    return {
        "code": position.code,
        "title": position.title,
        "unit": position.unit.code,
        "tier": position.tier,
        "family": position.family,
        "responsibilities": position.responsibilities,
        "authorities": position.authorities,
        "work_standards": position.work_standards,
        "salary_grade_min": position.salary_grade_min,
        "salary_grade_max": position.salary_grade_max,
        "default_scheme": position.default_scheme.code if position.default_scheme else None,
        "is_active": position.is_active,
    }


def employee_out(employee: Employee) -> dict[str, Any]:
    return {
        "number": employee.number,
        "name": employee.name,
        "unit": employee.unit.code,
        "position": employee.position.code if employee.position else None,
        "supervisor": employee.supervisor.number if employee.supervisor else None,
        "hire_date": employee.hire_date,
        "leave_date": employee.leave_date,
        "status": employee.status,
        "is_data_owner": employee.is_data_owner,
    }


# -- units -----------------------------------------------------------------------------
@router.get("/units", response={200: Page[UnitOut], **ERRORS}, summary="List units")
def units_list(
    request: HttpRequest, paging: PagingQuery, kind: str | None = None, parent: str | None = None
) -> dict[str, Any]:
    units = unit_list(visible_to=principal(request).user).select_related("parent")
    if kind is not None:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent=_unit(request, parent))
    return page(units, paging, unit_out)


@router.get("/units/{code}", response={200: UnitOut, **ERRORS}, summary="One unit")
def units_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return unit_out(_unit(request, code))


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="Add a unit (HR)")
def units_create(request: HttpRequest, body: UnitIn) -> Status[dict[str, Any]]:
    require_person(principal(request))
    unit = services.unit_create(
        actor=principal(request).user,
        code=body.code,
        name=body.name,
        kind=body.kind,
        parent=_optional(_unit, request, body.parent),
    )
    return Status(201, unit_out(unit))


@router.patch("/units/{code}", response={200: UnitOut, **ERRORS}, summary="Change a unit (HR)")
def units_update(request: HttpRequest, code: str, body: UnitPatch) -> dict[str, Any]:
    require_person(principal(request))
    unit = _unit(request, code)
    changes, reason = _changes(body, {"parent": lambda c: _optional(_unit, request, c)})
    unit = services.unit_update(unit=unit, actor=principal(request).user, reason=reason, **changes)
    return unit_out(unit)


# -- positions ---------------------------------------------------------------------------
@router.get("/positions", response={200: Page[PositionOut], **ERRORS}, summary="List positions")
def positions_list(
    request: HttpRequest, paging: PagingQuery, unit: str | None = None
) -> dict[str, Any]:
    positions = positions_visible_to(principal(request).user).select_related(
        "unit", "default_scheme"
    )
    if unit is not None:
        found = _unit(request, unit)
        positions = positions.filter(unit_id__in=unit_descendant_ids(found))
    return page(positions.order_by("code"), paging, position_out)


@router.get("/positions/{code}", response={200: PositionOut, **ERRORS}, summary="One position")
def positions_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return position_out(_position(request, code))


@router.post("/positions", response={201: PositionOut, **ERRORS}, summary="Add a position (HR)")
def positions_create(request: HttpRequest, body: PositionIn) -> Status[dict[str, Any]]:
    require_person(principal(request))
    fields = body.dict()
    code, title = fields.pop("code"), fields.pop("title")
    unit = _unit(request, fields.pop("unit"))
    position = services.position_create(
        actor=principal(request).user, code=code, title=title, unit=unit, **fields
    )
    return Status(201, position_out(position))


@router.patch(
    "/positions/{code}", response={200: PositionOut, **ERRORS}, summary="Change a position (HR)"
)
def positions_update(request: HttpRequest, code: str, body: PositionPatch) -> dict[str, Any]:
    require_person(principal(request))
    position = _position(request, code)
    changes, reason = _changes(body, {"unit": lambda c: _optional(_unit, request, c)})
    position = services.position_update(
        position=position, actor=principal(request).user, reason=reason, **changes
    )
    return position_out(position)


# -- employees ---------------------------------------------------------------------------
@router.get(
    "/employees",
    response={200: Page[EmployeeOut], **ERRORS},
    summary="List the employees the caller may see",
)
def employees_list(
    request: HttpRequest,
    paging: PagingQuery,
    unit: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    employees = _employees(request)
    if unit is not None:
        found = _unit(request, unit)
        employees = employees.filter(unit_id__in=unit_descendant_ids(found))
    if status is not None:
        employees = employees.filter(status=status)
    return page(employees.order_by("number"), paging, employee_out)


@router.get("/employees/{number}", response={200: EmployeeOut, **ERRORS}, summary="One employee")
def employees_get(request: HttpRequest, number: str) -> dict[str, Any]:
    return employee_out(_employee(request, number))


@router.post("/employees", response={201: EmployeeOut, **ERRORS}, summary="Add an employee (HR)")
def employees_create(request: HttpRequest, body: EmployeeIn) -> Status[dict[str, Any]]:
    require_person(principal(request))
    employee = services.employee_create(
        actor=principal(request).user,
        number=body.number,
        name=body.name,
        unit=_unit(request, body.unit),
        hire_date=body.hire_date,
        position=_optional(_position, request, body.position),
        supervisor=_optional(_employee, request, body.supervisor),
        status=body.status,
        is_data_owner=body.is_data_owner,
    )
    return Status(201, employee_out(employee))


@router.patch(
    "/employees/{number}",
    response={200: EmployeeOut, **ERRORS},
    summary="Change an employee (HR)",
)
def employees_update(request: HttpRequest, number: str, body: EmployeePatch) -> dict[str, Any]:
    require_person(principal(request))
    employee = _employee(request, number)
    changes, reason = _changes(
        body,
        {
            "unit": lambda c: _optional(_unit, request, c),
            "position": lambda c: _optional(_position, request, c),
            "supervisor": lambda n: _optional(_employee, request, n),
        },
    )
    employee = services.employee_update(
        employee=employee, actor=principal(request).user, reason=reason, **changes
    )
    return employee_out(employee)
