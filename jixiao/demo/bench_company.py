"""A company of any size for measuring jixiao (`manage.py bench_company`): the
organisation, the people and their logins, the dictionary and the schemes.

The shape, at 10,000 employees: the company → eight 中心 (systems) → about forty
部门 → about 370 科室/班组, plus one large workshop (总装车间) whose ~600 operators
report straight to its department manager, and one external warehouse provider
with a contact person: about 420 units. Every employee has a login with the demo
password (hashed once, the hash copied: 10,000 PBKDF2 calls would take minutes).

Everything is decided by the seed: the same seed gives the same people, units,
facts and results. The schemes are the demo's twelve real forms and a thirteenth,
the operators' monthly form (a copy of the staff form under its own code).

Units, positions, employees and accounts are written with `bulk_create` (through
the services they would take many minutes); the dictionary and the schemes go
through the services, as HR would enter them. Nothing here imports test code."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.accounts.models import User
from jixiao.accounts.services import user_create
from jixiao.core.audit import audit_record
from jixiao.demo import company as demo_company
from jixiao.demo.indicators import INDICATORS, PARENTS
from jixiao.indicators.models import Indicator
from jixiao.indicators.services import indicator_save
from jixiao.organization.models import Employee, EmployeeStatus, Position, Unit, UnitKind
from jixiao.schemes.models import AssignmentScope, Scheme
from jixiao.schemes.services import scheme_assign, scheme_save

Say = Callable[[str], None]
SCHEMES = Path(__file__).resolve().parent / "schemes"
PASSWORD = demo_company.PASSWORD
COMPANY = "BC"
PROVIDER = "BC-3PL"
OPERATOR_SCHEME = "STAFF-OP"

# The logins the benchmark measures as (the rest are u000123 …).
HR_LOGIN = "hr"
COMMITTEE_LOGIN = "gm"  # the general manager, on every cycle's committee
BIG_MANAGER_LOGIN = "chejian"  # the workshop manager with ≥ 500 direct reports
EMPLOYEE_LOGIN = "staff"  # an operator of that workshop
DATA_OWNER_LOGIN = "owner"  # enters the finance figures
PROVIDER_LOGIN = "provider"  # the warehouse provider's contact


@dataclass(frozen=True)
class Family:
    """One 中心 and its kind of work: its departments, its positions, its manager form."""

    key: str  # FIN … the manager scheme is f"{key}-MGR"
    centre: str
    departments: tuple[str, ...]
    team: str  # what a team is called: 科 or 班组
    staff_title: str
    weight: int  # its share of the departments


FAMILIES = (
    Family("FIN", "财务中心", ("财务部", "资金管理部", "税务部", "成本管理部"),
           "科", "会计", 1),
    Family("ADM", "行政中心", ("综合办公室", "后勤保障部", "安全保卫部"), "科", "行政专员", 1),
    Family("HR", "人力资源中心", ("招聘配置部", "培训发展部", "薪酬绩效部"), "科", "人事专员", 1),
    Family("MKT", "营销中心", ("华东销售部", "华南销售部", "华北销售部", "市场部", "客户服务部"),
           "组", "销售代表", 3),
    Family("ENG", "技术中心", ("工艺技术部", "产品研发部", "设备动力部"), "组", "工程师", 2),
    Family("QA", "质量中心", ("质量检验部", "质量体系部"), "组", "质检员", 2),
    Family("PRD", "制造中心", ("冲压车间", "焊装车间", "涂装车间", "机加车间", "装配车间"),
           "班组", "操作工", 8),
    Family("PUR", "供应链中心", ("采购部", "原料仓储部", "物流部"), "组", "采购员", 2),
)  # fmt: skip

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣怡佳琳雪梅海波宁健龙飞俊峰婷倩颖晓东亮成林"  # noqa: E501
ORDINALS = "一二三四五六七八九十"


@dataclass
class Built:
    """What the organisation step made, for the cycles step and the report."""

    hr: User
    committee: User
    company: Unit
    provider: Unit
    centres: list[Unit] = field(default_factory=list)
    units: int = 0
    positions: int = 0
    employees: int = 0
    accounts: int = 0
    big_manager: Employee | None = None
    big_reports: int = 0


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _ordinal(n: int) -> str:
    """一 … 十, 十一 … 九十九 (n from 1)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else ORDINALS[tens - 1]
    return head + "十" + (ORDINALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Shape:
    """How many of each: the company's size decides the rest."""

    employees: int
    teams: int
    departments: int
    big_team: int  # the workshop whose operators report to its manager

    @classmethod
    def of(cls, employees: int) -> Shape:
        teams = max(len(FAMILIES), employees // 27)
        departments = max(len(FAMILIES), teams // 9)
        return cls(employees, teams, departments, max(10, employees * 6 // 100))

    @property
    def managers(self) -> int:
        return 1 + len(FAMILIES) + self.departments + self.teams  # GM, directors, heads, leads


def _departments_per_family(shape: Shape) -> list[int]:
    total = sum(family.weight for family in FAMILIES)
    counts = [max(1, shape.departments * family.weight // total) for family in FAMILIES]
    counts[FAMILIES.index(_family("PRD"))] += shape.departments - sum(counts)
    return counts


def _family(key: str) -> Family:
    return next(family for family in FAMILIES if family.key == key)


# -- accounts, dictionary, schemes ----------------------------------------------------
def hr_account() -> User:
    return user_create(
        actor=None, username=HR_LOGIN, password=PASSWORD, display_name="HR", is_hr=True
    )


def dictionary(hr: User) -> int:
    """The demo's KPI dictionary, through the service (parents first)."""
    for entry in sorted(INDICATORS, key=lambda entry: entry["code"] in PARENTS):
        fields = dict(entry)
        code = fields.pop("code")
        if code in PARENTS:
            fields["parent"] = Indicator.objects.get(code=PARENTS[code])
        indicator_save(actor=hr, code=code, effective_from=datetime.date(2026, 1, 1), **fields)
    return len(INDICATORS)


def schemes(hr: User) -> list[Scheme]:
    """The demo's eleven forms and the operators' copy of the staff form: twelve."""
    for path in sorted(SCHEMES.glob("*.scheme.yaml")):
        scheme_save(actor=hr, text=path.read_text(encoding="utf-8"), comment="bench_company")
    staff = (SCHEMES / "staff-monthly.scheme.yaml").read_text(encoding="utf-8")
    operators = staff.replace("code: STAFF-M\n", f"code: {OPERATOR_SCHEME}\n", 1).replace(
        "name: 员工月度考核表\n", "name: 生产操作工月度考核表\n", 1
    )
    scheme_save(actor=hr, text=operators, comment="bench_company: 操作工")
    return list(Scheme.objects.order_by("code"))


# -- the organisation -------------------------------------------------------------
def organisation(hr: User, *, employees: int, seed: int, say: Say) -> Built:
    """Units, positions, people and their accounts, in bulk; the schemes assigned."""
    rng = random.Random(f"bench-company-{seed}")
    shape = Shape.of(employees)
    company = Unit.objects.create(code=COMPANY, name="博诚制造股份有限公司", kind=UnitKind.COMPANY)
    provider = Unit.objects.create(
        code=PROVIDER,
        name="华东仓储物流有限公司",
        kind=UnitKind.PROVIDER,
        contract_start=datetime.date(2026, 8, 1),
    )
    centres = Unit.objects.bulk_create(
        Unit(code=f"BC-{f.key}", name=f.centre, kind=UnitKind.SYSTEM, parent=company)
        for f in FAMILIES
    )
    per_family = _departments_per_family(shape)
    department_rows: list[tuple[Family, Unit]] = []
    for family, centre, count in zip(FAMILIES, centres, per_family, strict=True):
        for n in range(count):
            base = family.departments[n % len(family.departments)]
            name = (
                base
                if n < len(family.departments)
                else f"{base}{_ordinal(n // len(family.departments) + 1)}"
            )
            department_rows.append(
                (family, Unit(code=f"BC-{family.key}-{n + 1:02d}", name=name,
                              kind=UnitKind.DEPARTMENT, parent=centre))
            )  # fmt: skip
    departments = Unit.objects.bulk_create(unit for _f, unit in department_rows)
    team_rows: list[tuple[Family, Unit]] = []
    for index in range(shape.teams):
        family, department = (
            department_rows[index % len(department_rows)][0],
            departments[index % len(departments)],
        )
        n = index // len(departments) + 1
        kind = UnitKind.TEAM if family.key == "PRD" else UnitKind.SECTION
        team_rows.append(
            (family, Unit(code=f"{department.code}-{n:02d}",
                          name=f"{department.name}{_ordinal(n)}{family.team}",
                          kind=kind, parent=department))
        )  # fmt: skip
    teams = Unit.objects.bulk_create(unit for _f, unit in team_rows)
    assembly = next(
        d for (f, _u), d in zip(department_rows, departments, strict=True) if f.key == "PRD"
    )
    workshop = Unit.objects.create(
        code="BC-PRD-ZZ", name="总装车间", kind=UnitKind.WORKSHOP, parent=assembly
    )
    positions = _positions(company, centres, hr)
    people = _People(rng, positions)
    gm = people.add("总经理", company, "GM", None, login=COMMITTEE_LOGIN)
    directors = [
        people.add(f"{f.centre}总监", centre, f"{f.key}-DIR", gm)
        for f, centre in zip(FAMILIES, centres, strict=True)
    ]
    director_of: dict[int | None, Employee] = {
        centre.pk: director for centre, director in zip(centres, directors, strict=True)
    }
    heads: dict[int | None, Employee] = {}
    for family, department in zip((f for f, _u in department_rows), departments, strict=True):
        login = BIG_MANAGER_LOGIN if department.pk == assembly.pk else None
        heads[department.pk] = people.add(
            "部门经理",
            department,
            f"{family.key}-MGR",
            director_of[department.parent_id],
            login=login,
        )
    leads: dict[int | None, Employee] = {}
    for family, team in zip((f for f, _u in team_rows), teams, strict=True):
        leads[team.pk] = people.add("组长", team, f"{family.key}-LEAD", heads[team.parent_id])
    big_manager = heads[assembly.pk]
    for n in range(shape.big_team):
        people.add("", workshop, "PRD-STAFF", big_manager, login=EMPLOYEE_LOGIN if n == 0 else None)
    rest = employees - shape.managers - shape.big_team
    for index in range(max(0, rest)):
        family, team = team_rows[index % len(teams)][0], teams[index % len(teams)]
        owner = family.key == "FIN" and DATA_OWNER_LOGIN not in people.logins
        people.add("", team, f"{family.key}-STAFF", leads[team.pk],
                   login=DATA_OWNER_LOGIN if owner else None, owner=owner)  # fmt: skip
    people.add("", provider, None, None, login=PROVIDER_LOGIN, contact=True)
    people.save(hr.password)
    _assign_schemes(hr, company, provider, positions)
    hr_employee = Employee.objects.filter(position__code="HR-STAFF").order_by("number").first()
    if hr_employee is not None:  # HR is one of the HR centre's people
        hr_employee.user = hr
        hr_employee.save(update_fields=["user"])
    built = Built(
        hr=hr,
        committee=User.objects.get(username=COMMITTEE_LOGIN),
        company=company,
        provider=provider,
        centres=list(centres),
        units=Unit.objects.count(),
        positions=len(positions),
        employees=Employee.objects.count(),
        accounts=User.objects.count(),
        big_manager=big_manager,
        big_reports=Employee.objects.filter(supervisor=big_manager).count(),
    )
    audit_record(
        actor=hr,
        action="company.generated",
        target=company,
        after={"employees": built.employees, "units": built.units, "seed": seed},
        reason="bench_company",
    )
    say(
        f"organisation: {built.units} units, {built.positions} positions,"
        f" {built.employees} employees, {built.accounts} accounts;"
        f" {big_manager.name} ({BIG_MANAGER_LOGIN}) has {built.big_reports} direct reports"
    )
    return built


def _positions(company: Unit, centres: list[Unit], hr: User) -> dict[str, Position]:
    rows = [Position(code="GM", title="总经理", unit=company, tier="senior", family="management")]
    for family, centre in zip(FAMILIES, centres, strict=True):
        scheme = Scheme.objects.get(code=f"{family.key}-MGR")
        job = "operations" if family.key in ("PRD", "PUR") else "professional"
        rows += [
            Position(code=f"{family.key}-DIR", title=f"{family.centre}总监", unit=centre,
                     tier="middle", family="management", default_scheme=scheme),
            Position(code=f"{family.key}-MGR", title="部门经理", unit=centre, tier="middle",
                     family="management", default_scheme=scheme),
            Position(code=f"{family.key}-LEAD", title=f"{family.team}长", unit=centre,
                     tier="junior", family="management"),
            Position(code=f"{family.key}-STAFF", title=family.staff_title, unit=centre,
                     tier="staff", family=job),
        ]  # fmt: skip
    return {p.code: p for p in Position.objects.bulk_create(rows)}


def _assign_schemes(
    hr: User, company: Unit, provider: Unit, positions: dict[str, Position]
) -> None:
    """Managers by their positions' default form; the operators their own form; the
    rest of the people the staff form (through the company); the provider its KPIs."""
    scheme_assign(
        actor=hr, scheme=Scheme.objects.get(code=OPERATOR_SCHEME), position=positions["PRD-STAFF"]
    )
    for code in ("STAFF-M", "STAFF-360"):
        scheme_assign(actor=hr, scheme=Scheme.objects.get(code=code), unit=company)
    scheme_assign(
        actor=hr,
        scheme=Scheme.objects.get(code="3PL-WH"),
        unit=provider,
        scope=AssignmentScope.UNIT,
    )


class _People:
    """The people, numbered in the order they are added; saved in bulk with accounts."""

    def __init__(self, rng: random.Random, positions: dict[str, Position]) -> None:
        self.rng = rng
        self.positions = positions
        self.rows: list[tuple[Employee, str]] = []
        self.logins: set[str] = set()

    def add(
        self,
        role: str,
        unit: Unit,
        position: str | None,
        supervisor: Employee | None,
        *,
        login: str | None = None,
        owner: bool = False,
        contact: bool = False,
    ) -> Employee:
        n = len(self.rows) + 1
        rng = self.rng
        hired = datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randrange(6_700))
        left = None
        if not login and n % 149 == 37:  # joined during October: not appraised in it
            hired = datetime.date(2026, 10, 1 + n % 28)
        elif not login and n % 251 == 41:  # left in October
            left = datetime.date(2026, 10, 1 + n % 20)
        if contact:
            hired = datetime.date(2026, 7, 15)
        employee = Employee(
            number=f"P{n:06d}" if contact else f"B{n:06d}",
            name=_name(rng),
            unit=unit,
            position=self.positions[position] if position else None,
            supervisor=supervisor,
            hire_date=hired,
            leave_date=left,
            status=EmployeeStatus.LEFT if left else EmployeeStatus.ACTIVE,
            is_data_owner=owner,
        )
        if login:
            self.logins.add(login)
        self.rows.append((employee, login or f"u{n:06d}"))
        return employee

    def save(self, password: str) -> None:
        """Accounts first (one hash for all), then the people, a level at a time
        (a supervisor is saved before the people who report to them); every
        account gets HR's password hash (the demo password, hashed once)."""
        users = User.objects.bulk_create(
            (User(username=login, display_name=employee.name, password=password)
             for employee, login in self.rows),
            batch_size=2_000,
        )  # fmt: skip
        for (employee, _login), user in zip(self.rows, users, strict=True):
            employee.user = user
        pending = [employee for employee, _login in self.rows]
        while pending:
            ready = [e for e in pending if e.supervisor is None or e.supervisor.pk is not None]
            Employee.objects.bulk_create(ready, batch_size=2_000)
            done = {id(e) for e in ready}
            pending = [e for e in pending if id(e) not in done]
