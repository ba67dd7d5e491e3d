"""Organisation models (domain.md §2): a tree of units, positions, employees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.models import TimestampedModel


class UnitKind(models.TextChoices):
    GROUP = "group", _("group")
    COMPANY = "company", _("company")
    SYSTEM = "system", _("system")
    DEPARTMENT = "department", _("department")
    SECTION = "section", _("section")
    WORKSHOP = "workshop", _("workshop")
    TEAM = "team", _("team")
    PROVIDER = "provider", _("external service provider")


class Unit(TimestampedModel):
    """A node of the organisation tree (集团 → 公司 → 系统/部门 → 科室/车间/班组),
    or an external service provider, a unit of its own kind."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    contract_start = models.DateField(
        _("contract start"),
        null=True,
        blank=True,
        help_text=_(
            "an external provider's contract start: the contract's adaptation period"
            " (适应期) and its triggers are counted from it"
        ),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="organization_unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == UnitKind.PROVIDER


class Tier(models.TextChoices):
    SENIOR = "senior", _("senior management")
    MIDDLE = "middle", _("middle management")
    JUNIOR = "junior", _("junior management")
    STAFF = "staff", _("staff")


class JobFamily(models.TextChoices):
    MANAGEMENT = "management", _("management family")
    PROFESSIONAL = "professional", _("professional family")
    SALES = "sales", _("sales family")
    TECHNICAL = "technical", _("technical family")
    OPERATIONS = "operations", _("operations family")


class Position(TimestampedModel):
    """A position (岗位) with its duties, authorities, work standards and default scheme."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    family = models.CharField(_("job family"), max_length=20, choices=JobFamily.choices)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    authorities = models.TextField(_("authorities"), blank=True)
    work_standards = models.TextField(_("work standards"), blank=True)
    salary_grade_min = models.PositiveSmallIntegerField(
        _("lowest salary grade"), null=True, blank=True
    )
    salary_grade_max = models.PositiveSmallIntegerField(
        _("highest salary grade"), null=True, blank=True
    )
    default_scheme = models.ForeignKey(
        "schemes.Scheme",
        verbose_name=_("default scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="default_for_positions",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_grade_min__isnull=True)
                | Q(salary_grade_max__isnull=True)
                | Q(salary_grade_min__lte=F("salary_grade_max")),
                name="organization_position_salary_grades_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EmployeeStatus(models.TextChoices):
    PROBATION = "probation", _("on probation")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("on long leave")
    LEFT = "left", _("left")


class Employee(TimestampedModel):
    number = models.CharField(_("employee number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    hire_date = models.DateField(_("hire date"))
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EmployeeStatus.choices, default=EmployeeStatus.ACTIVE
    )
    is_data_owner = models.BooleanField(
        _("enters their department's data"),
        default=False,
        help_text=_(
            "records the facts of the items whose data source is this employee's department,"
            " for everyone"
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employee",
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("pk")), name="organization_employee_not_own_supervisor"
            ),
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=F("hire_date")),
                name="organization_employee_leaves_after_hire",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class AbsenceKind(models.TextChoices):
    PERSONAL = "personal", _("personal leave")
    SICK = "sick", _("sick leave")
    INJURY = "injury", _("injury (not at work)")
    WORK_INJURY = "work_injury", _("work injury")
    ANNUAL = "annual", _("annual leave")
    MATERNITY = "maternity", _("maternity leave")
    OTHER = "other", _("other")


class Absence(TimestampedModel):
    """A leave or absence record, from `start` to `end` inclusive."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="absences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["employee", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="organization_absence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.name} {self.get_kind_display()} {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
