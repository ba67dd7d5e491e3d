"""KPI design from strategy, in Chromium (issue 15): HR builds a map with two
objectives in two perspectives, adds a key success factor with a fishbone, turns two
candidates into indicators, cascades them to a department and a position, links a
duty, runs an AHP with three experts (one extreme, trimmed) and applies the weights,
and sees the coverage report turn green. JIXIAO_SCREENSHOTS=1 retakes the guide's
pictures."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import yaml

from jixiao.indicators.models import Indicator
from jixiao.schemes.models import Scheme
from jixiao.schemes.services import scheme_assign, scheme_save
from jixiao.strategy.models import AhpSession
from tests.apps.conftest import SCHEME
from tests.apps.factories import PASSWORD, UserFactory
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"


def shot(page: Any, name: str) -> None:
    if os.environ.get("JIXIAO_SCREENSHOTS") == "1":
        page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def submit(page: Any, form: str) -> None:
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def test_from_the_map_to_a_green_coverage(
    page: Any, browser: Any, hr: Any, company: SimpleNamespace, tmp_path: Path
) -> None:
    experts = [UserFactory(username=f"expert{n}") for n in (1, 2, 3)]
    log_in(page, "hr", then="/strategy/")
    # two objectives in two perspectives, and the link between them
    for code, name, perspective in (
        ("F1", "利润增长", "financial"),
        ("C1", "客户满意", "customer"),
    ):
        page.fill("input[name=code]", code)
        page.fill("input[name=name]", name)
        page.select_option("select[name=perspective]", perspective)
        submit(page, "form:has(input[name=code])")
    page.select_option("select[name=cause]", label="客户满意")
    page.select_option("select[name=effect]", label="利润增长")
    submit(page, "form:has(input[value=link])")
    assert page.locator("#strategy-map line").count() == 1
    shot(page, "strategy-map")

    # a key success factor with a fishbone of two causes, both made indicators
    page.click("#strategy-map >> text=利润增长")
    page.fill("form:has(input[value=factor]) input[name=name]", "成本控制")
    submit(page, "form:has(input[value=factor])")
    for bone, cause, candidate in (
        ("method", "预算执行不严", "预算执行偏差率"),
        ("material", "原材料价格波动", "采购成本控制率"),
    ):
        page.select_option("form:has(input[value=cause]) select[name=bone]", bone)
        page.fill("form:has(input[value=cause]) input[name=text]", cause)
        page.fill("form:has(input[value=cause]) input[name=candidate]", candidate)
        submit(page, "form:has(input[value=cause])")
    for code in ("X-F-01", "X-F-02"):
        form = page.locator("form:has(input[value=indicator])").first
        form.locator("input[name=code]").fill(code)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert set(Indicator.objects.values_list("code", flat=True)) == {"X-F-01", "X-F-02"}
    shot(page, "fishbone")
    # the customer objective is measured by the first indicator too
    page.goto(f"{page.base_url}/strategy/")
    page.click("#strategy-map >> text=客户满意")
    page.fill("form:has(input[value=link]) input[name=code]", "X-F-01")
    submit(page, "form:has(input[value=link])")

    # the cascade on its page: each company indicator carried by the finance department
    # (new entries under them), then the finance manager's form linked to those by Excel
    page.goto(f"{page.base_url}/strategy/cascade/")
    for code in ("X-F-01", "X-F-02"):
        page.fill("#cascade-place input[name=code]", f"{code}-FIN")
        page.fill("#cascade-place input[name=name]", f"财务部·{code}")
        page.fill("#cascade-place input[name=parent]", code)
        submit(page, "#cascade-place")
    assert {
        i.code: i.versions.get().parent.code  # type: ignore[union-attr]
        for i in Indicator.objects.filter(code__endswith="-FIN")
    } == {"X-F-01-FIN": "X-F-01", "X-F-02-FIN": "X-F-02"}
    version = scheme_save(actor=hr, text=SCHEME)
    scheme_assign(actor=hr, scheme=version.scheme, position=company.manager_position)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "岗位考核项目"
    for row in (
        ("考核表编码", "项目编码", "指标编码"),
        ("T-FIN", "预算执行偏差率", "X-F-01-FIN"),
        ("T-FIN", "部门管理", "X-F-02-FIN"),
        ("T-FIN", "内部控制管理", "X-F-02-FIN"),
    ):
        sheet.append(row)
    upload = tmp_path / "cascade.xlsx"
    workbook.save(upload)
    page.set_input_files("form[action$='/cascade/'] input[type=file]", str(upload))
    submit(page, "form[action$='/cascade/']")
    page.wait_for_selector("text=3 个考核项目已关联指标")
    assert "财务部经理" in page.inner_text("#cascade")
    shot(page, "cascade")

    # a duty of the finance manager, read from pasted text and linked to an indicator
    page.goto(f"{page.base_url}/strategy/positions/{company.manager_position.pk}/duties/")
    page.fill("textarea[name=text]", "1、负责公司预算的编制与执行监控；工作标准：偏差率≤5%")
    submit(page, "form:has(textarea[name=text])")
    for code in ("X-F-01-FIN", "X-F-02-FIN"):  # the budget and its internal control
        page.fill("form:has(input[value=link]) input[name=code]", code)
        submit(page, "form:has(input[value=link])")

    # AHP with three experts, one extreme and trimmed, applied to the form
    page.goto(f"{page.base_url}/strategy/ahp/?scheme=T-FIN")
    page.select_option("select[name=section]", "运营指标")
    page.fill("input[name=experts]", "expert1 expert2 expert3")
    page.fill("input[name=trim]", "1")
    submit(page, "form:has(input[name=experts])")
    session = AhpSession.objects.get()
    for expert, value in zip(experts, ("3", "2", "9"), strict=True):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        phone = context.new_page()
        phone.goto(f"{page.base_url}/accounts/login/?next=/strategy/ahp/{session.pk}/answer/")
        phone.fill("#id_username", expert.username)
        phone.fill("#id_password", PASSWORD)
        phone.click("form[action='/accounts/login/'] button[type=submit]")
        phone.wait_for_url(f"**/strategy/ahp/{session.pk}/answer/")
        phone.select_option("select[name='pair-0-1']", value)
        if value == "9":
            shot(phone, "ahp-phone")
        phone.click("form.ahp-form button[type=submit]")
        phone.wait_for_selector("text=谢谢，你的判断已保存。")
        context.close()
    page.goto(f"{page.base_url}/strategy/ahp/{session.pk}/")
    assert "75.00%" in page.inner_text("#weights")  # the median judgement 3: 3/4, 1/4
    shot(page, "ahp-weights")
    submit(page, "#weights form")
    current = Scheme.objects.get(code="T-FIN").current_version
    assert current is not None
    weights = [i["weight"] for i in yaml.safe_load(current.text)["sections"][1]["items"]]
    assert weights == [37.5, 12.5]

    # every list of the coverage report is empty
    page.goto(f"{page.base_url}/strategy/coverage/")
    assert page.locator("#coverage-green").count() == 1, page.inner_text("main")
    shot(page, "coverage")
