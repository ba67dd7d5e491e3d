"""The screenshots of docs/guide/hr.md (and every role's home page in
docs/guide/employees-and-managers.md), taken with the same browser set-up as the
journeys. Run on purpose:

    JIXIAO_SCREENSHOTS=1 .venv/bin/pytest tests/e2e/test_guide_screenshots.py
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle, Eligibility
from jixiao.appraisals.services import (
    cycle_eligibility_compute,
    cycle_set_deadline,
    eligibility_override,
)
from jixiao.hr.services import result_calibrate
from jixiao.indicators.services import indicator_save
from jixiao.schemes.models import SchemeVersion
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.e2e.conftest import log_in

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("JIXIAO_SCREENSHOTS") != "1",
        reason="writes docs/guide/img; run with JIXIAO_SCREENSHOTS=1",
    ),
]


def shot(page: Any, name: str, full: bool = True) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=full)


def test_guide_screenshots(
    page: Any, hr: Any, company: SimpleNamespace, scheme: SchemeVersion, draft_cycle: Cycle
) -> None:
    indicator_save(
        actor=hr,
        code="X-F-01",
        effective_from=datetime.date(2026, 1, 1),
        name="预算执行偏差率",
        definition="实际支出与预算的偏差",
        data_source="财务部",
        formula="1 - |实际 - 预算| / 预算",
        unit="%",
    )
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/organisation/")
    shot(page, "organisation")
    page.goto(f"{page.base_url}/hr/indicators/")
    shot(page, "dictionary")
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/")
    shot(page, "scheme-form")
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/edit/")
    page.fill("#id_text", SCHEME.replace("        rule: {deduct:", "        rulle: {deduct:"))
    page.locator(".problem.error").first.wait_for()
    page.locator(".problem.error").first.scroll_into_view_if_needed()
    shot(page, "scheme-editor-error", full=False)
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/trial/")
    page.fill("[data-field='in|预算执行偏差率|budget']", "1000000")
    page.fill("[data-field='in|预算执行偏差率|actual']", "990000")
    page.fill("[data-field='ev|部门管理|violation']", "1")
    page.select_option("[data-field='r|内部控制管理|supervisor']", "4")
    page.wait_for_function("document.querySelector('#trial-total').textContent.trim() === '92.5'")
    shot(page, "trial")
    cycle_eligibility_compute(cycle=draft_cycle, actor=hr)
    entry = Eligibility.objects.get(cycle=draft_cycle, employee=company.clerks[1])
    eligibility_override(
        eligibility=entry, actor=hr, decision="include", reason="试用期转正，照常考核"
    )
    page.goto(f"{page.base_url}/hr/cycles/{draft_cycle.pk}/eligibility/")
    shot(page, "eligibility")
    from jixiao.appraisals.services import cycle_open

    cycle_open(cycle=draft_cycle, actor=hr)
    cycle_set_deadline(cycle=draft_cycle, actor=hr, stage="targets", due=datetime.date(2026, 10, 8))
    page.goto(f"{page.base_url}/hr/cycles/{draft_cycle.pk}/")
    shot(page, "cycle-progress")
    cycle = to_calibration(hr, company, draft_cycle)
    result = appraisal_of(cycle, company.clerks[0]).result
    result_calibrate(result=result, actor=hr, grade="优秀", reason="季度攻坚贡献突出，委员会议定")
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/calibration/")
    page.wait_for_function("document.querySelector('#chart-0').chart")
    shot(page, "calibration")
    page.goto(f"{page.base_url}/hr/audit/?action=result")
    shot(page, "audit")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/trial/")
    shot(page, "phone-trial", full=False)


def test_demo_company_screenshots(page: Any, settings: Any) -> None:
    """The pages that need a whole company and its history: the departments compared
    over the demo company's monthly cycles, and an employee's result with the
    history chart."""
    from io import StringIO

    from django.core.management import call_command

    from jixiao.appraisals.models import Appraisal
    from jixiao.demo import company as company_data
    from jixiao.demo.loader import CYCLE_CODE

    settings.LANGUAGE_CODE = "zh-hans"  # as `make demo`: the notices written in Chinese
    call_command("demo_company", stdout=StringIO())
    cycle = Cycle.objects.get(code=CYCLE_CODE)

    def demo_log_in(username: str, then: str) -> None:  # the demo's published password
        page.goto(f"{page.base_url}/accounts/login/?next={then}")
        page.fill("#id_username", username)
        page.fill("#id_password", company_data.PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_url(f"**{then}")

    demo_log_in("hr", "/hr/")
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/analysis/")
    page.wait_for_function("document.querySelector('#trend-chart').chart")
    shot(page, "analysis")
    published = (
        Appraisal.objects.filter(employee__number="T1002", result__frozen_at__isnull=False)
        .order_by("-cycle__start")
        .first()
    )
    if published is not None:  # an earlier cycle of the demo, published
        page.context.clear_cookies()
        demo_log_in("liqiang", "/")
        page.goto(f"{page.base_url}/appraisals/{published.pk}/result/")
        shot(page, "demo-result-history")
    _role_homes(page, demo_log_in)


def _role_homes(page: Any, demo_log_in: Any) -> None:
    """Every role's home page on the demo company (issue 13): HR's overview and the
    committee member's while October waits for calibration; then October published
    and November opened, the others' — the manager signing 李强's targets first."""
    from jixiao.accounts.models import User
    from jixiao.appraisals import services
    from jixiao.appraisals.models import Appraisal
    from jixiao.appraisals.workflow import CycleState
    from jixiao.demo import cycles, facts

    def home(username: str, name: str, then: str = "/") -> None:
        page.context.clear_cookies()
        demo_log_in(username, then)
        shot(page, name)

    home("hr", "hr-home", "/hr/")
    home("zongjingli", "portal-committee-home")
    hr = User.objects.get(username="hr")
    october = Cycle.objects.get(code=facts.OCTOBER.code)
    services.cycle_transition(cycle=october, actor=hr, to=CycleState.PUBLISHED)
    november = facts.Month(
        period="2026-11",
        code="TK-2026-11",
        name="2026年11月月度考核",
        managers={},
        staff_level={},
        staff_loss={},
        provider={},
    )
    cycle = cycles.monthly_cycle(hr, lambda _text: None, november)
    liqiang = Appraisal.objects.get(cycle=cycle, employee__number="T1002")
    services.targets_sign(appraisal=liqiang, actor=User.objects.get(username="zhangmin"))
    provider = Appraisal.objects.get(cycle=cycle, unit__isnull=False)
    services.targets_sign(appraisal=provider, actor=hr)
    home("liqiang", "portal-employee-home")
    home("zhangmin", "portal-manager-home")
    home("wuliu", "portal-provider-home")
    page.set_viewport_size({"width": 390, "height": 844})
    home("liqiang", "portal-phone-home")
    page.set_viewport_size({"width": 1280, "height": 900})
