"""The provider's portal in a real browser (issue 13), on the demo company: the
warehouse provider's contact (wuliu) reads its contract months as a chart and a
table, acknowledges the targets HR signed for November, and appeals September's
result — on a phone-sized screen."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from jixiao.accounts.models import User
from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Appraisal
from jixiao.appraisals.workflow import AppraisalState
from jixiao.demo import company as demo
from jixiao.organization.models import Unit
from jixiao.schemes.models import Scheme

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def november(settings: Any) -> Appraisal:
    """The demo company, and a November cycle for the provider whose targets HR signed."""
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("demo_company", stdout=StringIO())
    hr = User.objects.get(username="hr")
    provider = Unit.objects.get(code=demo.PROVIDER)
    cycle = services.cycle_create(
        actor=hr, code="TK-2026-11", name="2026年11月月度考核", period_kind="month",
        period="2026-11",
    )  # fmt: skip
    services.cycle_add_scheme(cycle=cycle, scheme=Scheme.objects.get(code="3PL-WH"), actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="provider", unit=provider)
    services.cycle_eligibility_compute(cycle=cycle, actor=hr)
    services.cycle_open(cycle=cycle, actor=hr)
    appraisal = Appraisal.objects.get(cycle=cycle, unit=provider)
    services.targets_sign(appraisal=appraisal, actor=hr)
    return appraisal


def test_the_provider_reads_its_months_acknowledges_targets_and_appeals(
    browser: Any, live_server: Any, november: Appraisal
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("#id_username", "wuliu")
    page.fill("#id_password", demo.PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/")

    months = page.locator("#contract-months")
    assert months.locator("svg rect").count() >= 2  # the chart: a bar a published month
    table = months.locator("table").inner_text()
    assert "服务费扣减" in table and "适应期" in table
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing overflows sideways on the phone

    step = page.locator("#next-step")
    assert "2026年11月月度考核" in step.inner_text()
    step.locator(f"a[href='/appraisals/{november.pk}/targets/']").click()
    page.wait_for_url(f"**/appraisals/{november.pk}/targets/")
    page.locator("button", has_text="确认").filter(has_text="目标").first.click()
    page.wait_for_function("!document.querySelector('form input[name=action][value=acknowledge]')")
    november.refresh_from_db()
    assert november.state == AppraisalState.COLLECTING

    september = Appraisal.objects.get(cycle__code="TK-2026-09", unit__code=demo.PROVIDER)
    page.goto(f"{base}/appraisals/{september.pk}/result/")
    assert "总分" in page.content()
    appeal_form = page.locator(f"form[action='/appraisals/{september.pk}/appeal/']")
    appeal_form.locator("textarea[name=reason]").fill("9月货损系承运商责任，非仓储原因")
    appeal_form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    appeal = Appeal.objects.get(appraisal=september)
    assert appeal.filed_by.username == "wuliu" and "承运商" in appeal.reason
    context.close()
