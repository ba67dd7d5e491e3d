"""The data the API is fuzzed against: the company, scheme and cycle of the app
tests, an HR user, and one personal token whose secret is known."""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from jixiao.api.models import Token
from jixiao.appraisals import services as appraisal_services
from jixiao.organization.models import Tier, UnitKind
from jixiao.schemes.services import scheme_assign, scheme_save
from tests.apps.conftest import SCHEME, record_full_facts
from tests.apps.factories import EmployeeFactory, HrFactory, PositionFactory, UnitFactory

SECRET = "jxp_fuzzing-token-for-the-schemathesis-run-0000"


def seed() -> None:
    hr = HrFactory(username="fuzz-hr")
    root = UnitFactory(code="C", name="公司", kind=UnitKind.COMPANY)
    finance = UnitFactory(code="FIN", name="财务部", parent=root)
    position = PositionFactory(code="FIN-ACC", title="会计", unit=finance, tier=Tier.STAFF)
    manager = EmployeeFactory(number="1001", name="张敏", unit=finance)
    clerks = [
        EmployeeFactory(number=f"100{n}", unit=finance, position=position, supervisor=manager)
        for n in (2, 3)
    ]
    version = scheme_save(actor=hr, text=SCHEME)
    scheme_assign(actor=hr, scheme=version.scheme, unit=finance)
    cycle = appraisal_services.cycle_create(
        actor=hr, code="2026-10", name="10月", period_kind="month", period="2026-10"
    )
    appraisal_services.cycle_add_scheme(cycle=cycle, scheme=version.scheme, actor=hr)
    appraisal_services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=finance)
    appraisal_services.cycle_open(cycle=cycle, actor=hr)
    manager.user = HrFactory(username="fuzz-manager", is_hr=False, is_staff=False)
    manager.save()
    for clerk in clerks:
        record_full_facts(cycle, clerk, hr, actual=990000, rating=4)
    Token.objects.create(
        kind="personal",
        name="fuzz",
        user=hr,
        prefix=SECRET[:12],
        digest=hashlib.sha256(SECRET.encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
