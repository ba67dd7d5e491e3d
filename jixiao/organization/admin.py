"""The organisation in the admin; every save goes through the organisation services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from jixiao.core.admin import ReadOnlyInline, ServiceAdmin, VisibleToAdmin
from jixiao.organization import services
from jixiao.organization.access import employees_visible_to
from jixiao.organization.models import Absence, Employee, Position, Unit


class UnitChildrenInline(ReadOnlyInline):
    model = Unit
    fk_name = "parent"
    fields = ("code", "name", "kind", "is_active")


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    fields = ("code", "name", "kind", "parent", "is_active", "reason")
    inlines = [UnitChildrenInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Unit:
        data.pop("is_active", None)
        return services.unit_create(actor=request.user, **data)

    def update(self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str) -> Unit:
        return services.unit_update(unit=obj, actor=request.user, reason=reason, **changes)


@admin.register(Position)
class PositionAdmin(ServiceAdmin):
    list_display = ("code", "title", "unit", "tier", "family", "default_scheme", "is_active")
    list_filter = ("tier", "family", "is_active")
    search_fields = ("code", "title", "responsibilities")
    autocomplete_fields = ("unit",)
    fields = (
        "code",
        "title",
        "unit",
        "tier",
        "family",
        "responsibilities",
        "authorities",
        "work_standards",
        "salary_grade_min",
        "salary_grade_max",
        "default_scheme",
        "is_active",
        "reason",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Position:
        return services.position_create(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> Position:
        return services.position_update(position=obj, actor=request.user, reason=reason, **changes)


class AbsenceInline(ReadOnlyInline):
    model = Absence
    fields = ("kind", "start", "end", "note")


@admin.register(Employee)
class EmployeeAdmin(VisibleToAdmin, ServiceAdmin):
    list_display = ("number", "name", "unit", "position", "supervisor", "status", "user")
    list_filter = ("status", "unit", "is_data_owner")
    search_fields = ("number", "name")
    autocomplete_fields = ("unit", "position", "supervisor", "user")
    fields = (
        "number",
        "name",
        "unit",
        "position",
        "supervisor",
        "hire_date",
        "leave_date",
        "status",
        "is_data_owner",
        "user",
        "reason",
    )
    inlines = [AbsenceInline]

    def visible_to(self, user: Any) -> QuerySet[Employee]:
        return employees_visible_to(user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("number",) if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Employee:
        user = data.pop("user", None)
        employee = services.employee_create(actor=request.user, **data)
        if user is not None:
            services.employee_link_user(employee=employee, user=user, actor=request.user)
        return employee

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> Employee:
        if "user" in changes:
            services.employee_link_user(employee=obj, user=changes.pop("user"), actor=request.user)
        return services.employee_update(employee=obj, actor=request.user, reason=reason, **changes)


@admin.register(Absence)
class AbsenceAdmin(ServiceAdmin):
    list_display = ("employee", "kind", "start", "end", "note")
    list_filter = ("kind",)
    search_fields = ("employee__number", "employee__name")
    autocomplete_fields = ("employee",)
    date_hierarchy = "start"
    fields = ("employee", "kind", "start", "end", "note", "reason")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("employee",) if obj else ()

    def create(self, request: HttpRequest, data: dict[str, Any]) -> Absence:
        return services.absence_record(actor=request.user, **data)

    def update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any], reason: str
    ) -> Absence:
        return services.absence_update(absence=obj, actor=request.user, reason=reason, **changes)
