"""Loading the demo company through the services, as HR and the managers would
enter it: the organisation, the dictionary, the schemes, three monthly cycles
with their facts, scored — August 2026 (published and closed), September 2026
(published), October 2026 (waiting for calibration) — and the 2026 annual cycle
as a draft (`cycles`; the earlier months' facts are in `history`). Everything is
audited like any other change."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from jixiao.accounts.models import User
from jixiao.accounts.services import user_create
from jixiao.appraisals.models import Cycle
from jixiao.demo import company, cycles, history, strategy
from jixiao.demo.indicators import INDICATORS, PARENTS
from jixiao.demo.positions import POSITIONS
from jixiao.indicators.models import Indicator
from jixiao.indicators.services import indicator_save
from jixiao.organization import services as organization
from jixiao.organization.models import Employee, Position, Unit
from jixiao.schemes.models import AssignmentScope, Scheme
from jixiao.schemes.services import scheme_assign, scheme_save

SCHEMES = Path(__file__).resolve().parent / "schemes"
CYCLE_CODE = cycles.MONTHLY_CYCLE
ENTERED_FROM = {  # where HR took each form from (the version's comment)
    "staff-monthly": "根据员工月度考核表录入",
    "staff-360": "根据员工年度考核办法录入",
    "warehouse-3pl": "根据仓储服务商KPI协议录入",
    "prd-manager-points": "根据生产部经理工作考核评分标准（扣分制）录入",
}
Say = cycles.Say


def load(say: Say) -> Cycle:
    """Load the demo company unless it is there already; return its current cycle
    (October 2026)."""
    found = Cycle.objects.filter(code=CYCLE_CODE).first()
    if found is not None:
        say(
            f"The demo company is already loaded (cycle {found.code}: {found.get_state_display()})."
        )
        return found
    with transaction.atomic():
        hr = _accounts(say)
        _organisation(hr, say)
        _dictionary(hr, say)
        _schemes(hr, say)
        strategy.load(hr, say)
        for month in history.EARLIER:  # oldest first: August is closed when October opens
            earlier = cycles.monthly_cycle(hr, say, month)
            cycles.record_facts(earlier, hr, say, month)
            cycles.to_calibration(earlier, hr, say)
            cycles.publish(earlier, hr, say, month, close=month is history.AUGUST)
        cycle = cycles.monthly_cycle(hr, say)
        cycles.record_facts(cycle, hr, say)
        cycles.to_calibration(cycle, hr, say)
        cycles.annual_cycle(hr, say)
    return cycle


def _accounts(say: Say) -> User:
    """HR's account, then everyone else's. All of them have the same published demo
    password: it is hashed once, for HR, and the others get that hash (hashing it a
    dozen times over would take several seconds of the load)."""
    hr = user_create(
        actor=None, username="hr", password=company.PASSWORD, display_name="何雪", is_hr=True
    )
    contact = company.PROVIDER_CONTACT
    people = [(row[1], row[7]) for row in company.EMPLOYEES] + [(contact[1], contact[4])]
    accounts = [
        user_create(actor=hr, username="auditor", display_name="审计员", is_auditor=True),
        *(
            user_create(actor=hr, username=username, display_name=name)
            for name, username in people
            if username and username != "hr"
        ),
    ]
    User.objects.filter(pk__in=[user.pk for user in accounts]).update(password=hr.password)
    say(f"accounts: {User.objects.count()}")
    return hr


def _organisation(hr: User, say: Say) -> None:
    units: dict[str, Unit] = {}
    for code, name, kind, parent in company.UNITS:
        units[code] = organization.unit_create(
            actor=hr,
            code=code,
            name=name,
            kind=kind,
            parent=units.get(parent or ""),
            contract_start=company.CONTRACT_START if code == company.PROVIDER else None,
        )
    for (
        code,
        title,
        unit,
        tier,
        family,
        duties,
        authorities,
        standards,
        grades,
        _s,
    ) in POSITIONS:
        organization.position_create(
            actor=hr,
            code=code,
            title=title,
            unit=units[unit],
            tier=tier,
            family=family,
            responsibilities=duties,
            authorities=authorities,
            work_standards=standards,
            salary_grade_min=grades[0],
            salary_grade_max=grades[1],
        )
    people: dict[str, Employee] = {}
    for number, name, unit, position, boss, hired, left, username, owner in company.EMPLOYEES:
        employee = organization.employee_create(
            actor=hr,
            number=number,
            name=name,
            unit=units[unit],
            position=Position.objects.get(code=position),
            supervisor=people.get(boss or ""),
            hire_date=hired,
            is_data_owner=owner,
        )
        if left is not None:
            organization.employee_leave(employee=employee, actor=hr, leave_date=left, reason="辞职")
        if username:
            user = User.objects.get(username=username)
            organization.employee_link_user(employee=employee, user=user, actor=hr)
        people[number] = employee
    for number, kind, first, last, note in company.ABSENCES:
        organization.absence_record(
            actor=hr, employee=people[number], kind=kind, start=first, end=last, note=note
        )
    _provider_contact(units[company.PROVIDER], hr)
    positions = len(POSITIONS)
    say(f"organisation: {len(units)} units, {positions} positions, {len(people)} employees")


def _dictionary(hr: User, say: Say) -> None:
    ordered = sorted(INDICATORS, key=lambda entry: entry["code"] in PARENTS)  # parents first
    for entry in ordered:
        fields = dict(entry)
        code = fields.pop("code")
        if code in PARENTS:
            fields["parent"] = Indicator.objects.get(code=PARENTS[code])
        indicator_save(actor=hr, code=code, effective_from=datetime.date(2026, 1, 1), **fields)
    say(f"indicator dictionary: {len(INDICATORS)} entries")


def _schemes(hr: User, say: Say) -> None:
    for path in sorted(SCHEMES.glob("*.scheme.yaml")):
        name = path.name.removesuffix(".scheme.yaml")
        comment = ENTERED_FROM.get(name, "根据部门经理考核表录入")
        version = scheme_save(actor=hr, text=path.read_text(encoding="utf-8"), comment=comment)
        warned = f" ({len(version.warnings)} warning(s))" if version.warnings else ""
        say(f"scheme {version.scheme.code} v{version.number}{warned}")
    for code, *_rest, scheme in POSITIONS:
        if scheme:
            organization.position_update(
                position=Position.objects.get(code=code),
                actor=hr,
                default_scheme=Scheme.objects.get(code=scheme),
            )
    company_unit = Unit.objects.get(code="TK")
    for code in ("STAFF-M", "STAFF-360"):  # the staff's monthly form; everyone's annual 360
        scheme_assign(actor=hr, scheme=Scheme.objects.get(code=code), unit=company_unit)
    scheme_assign(
        actor=hr,
        scheme=Scheme.objects.get(code="3PL-WH"),
        unit=Unit.objects.get(code=company.PROVIDER),
        scope=AssignmentScope.UNIT,
    )


def _provider_contact(provider: Unit, hr: User) -> None:
    """The provider's contact, registered under the provider, with an account."""
    number, name, _unit, registered, username = company.PROVIDER_CONTACT
    contact = organization.employee_create(
        actor=hr, number=number, name=name, unit=provider, hire_date=registered
    )
    user = User.objects.get(username=username)
    organization.employee_link_user(employee=contact, user=user, actor=hr)
