"""HR's main journeys in a real browser (issue 5)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle, Eligibility
from jixiao.appraisals.workflow import CycleState
from jixiao.hr.models import CalibrationChange
from jixiao.schemes.models import SchemeVersion
from tests.apps.conftest import SCHEME
from tests.apps.hr_setup import to_calibration
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_LINE = "        rulle: {deduct: {per: {violation: {each: 10}, late_day: {each: 5}}}}"


def test_hr_breaks_a_scheme_sees_the_error_at_its_line_and_fixes_it(
    page: Any, hr: Any, scheme: SchemeVersion
) -> None:
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/")
    assert page.locator("table.familiar").is_visible()
    page.click("a[href='/hr/schemes/T-FIN/edit/']")
    editor = page.locator("#id_text")
    broken = SCHEME.replace("        rule: {deduct:", "        rulle: {deduct:")
    line = broken.splitlines().index(BROKEN_LINE) + 1
    editor.fill(broken)
    problem = page.locator(f".problem.error[data-line='{line}']")
    problem.wait_for()
    assert "rule" in problem.inner_text()
    assert "has-error" in (page.locator(f"#line-{line}").get_attribute("class") or "")
    fixed = SCHEME.replace("[else, 20]]", "[else, 10]]")
    editor.fill(fixed)
    page.locator(".check-summary[data-errors='0']").wait_for()
    assert page.locator(".problem.error").count() == 0
    page.click("form.editor button[type=submit]")
    page.wait_for_url("**/hr/schemes/T-FIN/")
    assert SchemeVersion.objects.filter(scheme__code="T-FIN").count() == 2
    assert "v2" in page.locator("h1").inner_text()


def test_the_trial_calculation_follows_the_typing(
    page: Any, hr: Any, scheme: SchemeVersion
) -> None:
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/schemes/T-FIN/trial/")
    total = page.locator("#trial-total")
    assert total.inner_text() == "—"
    page.fill("[data-field='in|预算执行偏差率|budget']", "1000000")
    page.fill("[data-field='in|预算执行偏差率|actual']", "990000")
    page.select_option("[data-field='r|内部控制管理|supervisor']", "4")
    page.wait_for_function("document.querySelector('#trial-total').textContent.trim() === '95'")
    page.fill("[data-field='ev|部门管理|violation']", "1")
    page.wait_for_function("document.querySelector('#trial-total').textContent.trim() === '92.5'")
    trace = page.locator("tr[data-item='部门管理'] .trace").inner_text()
    assert "100 − 10 = 90" in trace


def test_hr_creates_and_opens_a_cycle_overriding_an_eligibility(
    page: Any, hr: Any, company: SimpleNamespace, scheme: SchemeVersion
) -> None:
    from jixiao.schemes.services import scheme_assign

    scheme_assign(actor=hr, scheme=scheme.scheme, unit=company.finance)
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/cycles/new/")
    page.fill("#id_code", "2026-10")
    page.fill("#id_name", "2026年10月考核")
    page.select_option("#id_period_kind", "month")
    page.fill("#id_period", "2026-10")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/hr/cycles/\d+/$"))
    cycle = Cycle.objects.get(code="2026-10")
    page.select_option("select[name=scheme]", label=str(scheme.scheme))
    page.click("form[action$='/schemes/'] button[type=submit]")
    page.select_option("#population-form select[name=kind]", "unit")
    page.select_option("#population-form select[name=unit]", label="财务部")
    page.click("#population-form button[type=submit]")
    page.locator("text=财务部").first.wait_for()
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/eligibility/")
    page.click("form.toolbar button[type=submit]")  # check the population
    clerk = company.clerks[0]
    row = page.locator(f"tr[data-candidate='{clerk.number}']")
    row.locator("select[name=decision]").select_option("exclude")
    row.locator("input[name=reason]").fill("借调至集团审计部")
    row.locator("button[type=submit]").click()
    page.locator(f"tr[data-candidate='{clerk.number}'] >> text=借调至集团审计部").wait_for()
    entry = Eligibility.objects.get(cycle=cycle, employee=clerk)
    assert entry.decision == "exclude"
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/")
    page.click("button[data-move='targets']")
    page.locator("#progress").wait_for()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.TARGETS
    assert cycle.appraisals.count() == 2


def test_calibration_chart_a_grade_change_with_reason_then_publish(
    page: Any, hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    cycle = to_calibration(hr, company, open_cycle)
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/calibration/")
    page.wait_for_function(
        "document.querySelector('#chart-0') && document.querySelector('#chart-0').chart"
    )
    bars = page.evaluate("document.querySelector('#chart-0').chart.data.datasets[0].data")
    assert sum(bars) == 3
    clerk = company.clerks[0]
    row = page.locator(f"tr[data-appraisee='{clerk.number}']")
    before = row.locator("td").nth(3).inner_text()
    row.locator("summary").click()
    row.locator("select[name=grade]").select_option("优秀")
    row.locator("textarea[name=reason]").fill("季度攻坚贡献突出")
    row.locator("button[type=submit]").click()
    change = page.locator(f"tr[data-appraisee='{clerk.number}'] .change")
    change.wait_for()
    assert before in change.inner_text() and "优秀" in change.inner_text()
    assert "季度攻坚贡献突出" in change.inner_text()
    assert CalibrationChange.objects.filter(after="优秀").exists()
    page.goto(f"{page.base_url}/hr/cycles/{cycle.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-move='published']")
    page.locator("a[href$='/export/']").wait_for()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED


def test_the_audit_log_filter(page: Any, hr: Any, open_cycle: Cycle) -> None:
    log_in(page, hr.username)
    page.goto(f"{page.base_url}/hr/audit/")
    rows = page.locator("#audit-table tbody tr")
    assert page.locator("#audit-table tbody", has_text="保存考核表新版本").count() == 1
    page.select_option("#id_action", "cycle.opened")  # the picker lists actions in words
    page.wait_for_function(
        "[...document.querySelectorAll('#audit-table tbody tr')].every("
        "r => r.children[2].textContent === '开启考核周期')"
    )
    assert rows.count() == 1
    assert "action=cycle.opened" in page.url


def test_a_phone_screen_gets_the_pages_without_sideways_scrolling(
    page: Any, hr: Any, scheme: SchemeVersion
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, hr.username)
    for url in ("/hr/", "/hr/schemes/T-FIN/", "/hr/schemes/T-FIN/trial/", "/hr/audit/"):
        page.goto(f"{page.base_url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, url
    page.click("label.nav-toggle-label")
    assert page.locator(".site-nav a[href='/hr/cycles/']").is_visible()


def test_the_language_switch(page: Any, hr: Any) -> None:
    log_in(page, hr.username)
    assert "考核周期" in page.locator(".site-nav").inner_text()
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state()
    page.locator(".site-nav >> text=Cycles").wait_for()
