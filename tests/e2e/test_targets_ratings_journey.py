"""Targets and ratings in one go (issue 13), in a real browser and in Chinese: the
finance manager sets the whole team's targets in one sheet (one of them in words,
with how it is measured) moving between boxes with the keyboard; signs 李强's
targets after being told which items are still empty; 李强 acknowledges and the
status moves on; the manager then rates the team in one sheet, is told beside the
cell which rating is wrong (nothing saved), corrects it and submits everyone.

Screenshots go to `out/targets-ratings/`; with JIXIAO_SCREENSHOTS=1 also to
`docs/guide/img/` for the manager's guide."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Fact, Rating
from jixiao.appraisals.workflow import AppraisalState
from tests.apps.conftest import appraisal_of
from tests.e2e.conftest import log_in

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out" / "targets-ratings"
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"
A = AppraisalState


def shot(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image = page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    if os.environ.get("JIXIAO_SCREENSHOTS") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        (GUIDE_IMAGES / f"{name}.png").write_bytes(image)


def new_page(browser: Any, live_server: Any, username: str, then: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    log_in(page, username, then="/")
    page.goto(f"{live_server.url}{then}")
    return page


def test_team_targets_signing_with_a_warning_and_the_team_rating_sheet(
    browser: Any, live_server: Any, hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    li, wang = company.clerks
    first, second = appraisal_of(open_cycle, li), appraisal_of(open_cycle, wang)
    sheet_url = f"/team/targets/?cycle={open_cycle.pk}&form={first.scheme_version_id}"

    # 1. The manager sets the team's targets in one sheet -------------------------------
    manager = new_page(browser, live_server, company.manager.user.username, sheet_url)
    sheet = manager.locator("#team-targets")
    sheet.get_by_label("李强 · 预算执行偏差率 · 目标值").fill("1")
    manager.keyboard.press("ArrowDown")  # the same box of the next person
    expect(sheet.get_by_label("王芳 · 预算执行偏差率 · 目标值")).to_be_focused()
    manager.keyboard.type("0.98")
    sheet.get_by_label("李强 · 部门管理 · 目标值").fill("完成11月月结")
    sheet.get_by_label("李强 · 部门管理 · 衡量方式").fill("11月5日前提交月结报告")
    sheet.get_by_label("王芳 · 部门管理 · 目标值").fill("无违规")
    shot(manager, "team-targets")
    sheet.get_by_role("button", name="保存本页目标").click()
    expect(manager.locator(".messages li.success")).to_contain_text(
        "已保存 2 人的目标：5 个值有变动。"
    )
    assert services.current_targets(first) == {
        "预算执行偏差率": {"target": 1},
        "部门管理": {"target": "完成11月月结", "target_measure": "11月5日前提交月结报告"},
    }
    assert services.current_targets(second)["预算执行偏差率"] == {"target": 0.98}

    # 2. Signing 李强's targets names the empty one and asks ------------------------------
    manager.goto(f"{manager.base_url}/appraisals/{first.pk}/targets/")
    manager.locator("#targets").get_by_role("button", name="保存并签署").click()
    warning = manager.locator("#sign-missing")
    expect(warning).to_contain_text("内部控制管理")
    expect(warning).not_to_contain_text("预算执行偏差率")
    first.refresh_from_db()
    assert first.targets_set_at is None  # nothing signed before the answer
    shot(manager, "targets-sign-warning")
    warning.get_by_role("button", name="仍然签署").click()
    expect(manager.locator("#targets .messages li.success")).to_have_text(
        "目标已签署：李强现在可以确认。"
    )

    # 3. 李强 reads the target in words and acknowledges: the status moves on -------------
    employee = new_page(browser, live_server, li.user.username, f"/appraisals/{first.pk}/targets/")
    row = employee.locator("#targets tr", has_text="部门管理")
    expect(row).to_contain_text("完成11月月结")
    expect(row).to_contain_text("11月5日前提交月结报告")
    expect(employee.locator(".appraisal-head")).to_contain_text("待签订目标")
    employee.get_by_role("button", name="我确认这些目标").click()
    expect(employee.locator("#targets .messages li.success")).to_have_text(
        "目标已确认：进入数据收集阶段。"
    )
    expect(employee.locator(".appraisal-head")).not_to_contain_text("待签订目标")
    first.refresh_from_db()
    assert first.state == A.COLLECTING

    # 4. The manager rates the team in one sheet ----------------------------------------
    for state in (A.COLLECTING, A.SUPERVISOR_REVIEW):
        if second.state != state:
            services.appraisal_transition(appraisal=second, actor=hr, to=state)
            second.refresh_from_db()
    services.appraisal_transition(appraisal=first, actor=hr, to=A.SUPERVISOR_REVIEW)
    manager.goto(
        f"{manager.base_url}/team/ratings/?cycle={open_cycle.pk}&form={first.scheme_version_id}"
    )
    ratings = manager.locator("#team-ratings")
    ratings.get_by_label("李强 · 内部控制管理 · 评分").fill("4")
    manager.keyboard.press("Enter")  # down to the next person
    expect(ratings.get_by_label("王芳 · 内部控制管理 · 评分")).to_be_focused()
    manager.keyboard.type("9")  # not a level of the scale
    ratings.get_by_role("button", name="保存草稿").click()
    cell = manager.locator("#team-ratings tr", has_text="王芳").locator("td.cell")
    expect(cell.locator(".errorlist")).to_contain_text("王芳 · 内部控制管理")
    assert Rating.objects.count() == 0  # all or nothing
    shot(manager, "team-ratings-refused")
    manager.locator("#team-ratings").get_by_label("王芳 · 内部控制管理 · 评分").fill("3")
    manager.locator("#team-ratings").get_by_role("button", name="保存并提交已评完的人").click()
    expect(manager.locator(".messages li.success").last).to_contain_text("已提交 2 人")
    assert dict(Rating.objects.values_list("appraisal_id", "value")) == {first.pk: 4, second.pk: 3}
    for appraisal in (first, second):
        appraisal.refresh_from_db()
        assert appraisal.state == A.CALIBRATION
    assert Fact.objects.filter(appraisal=first, key="target_measure").exists()
    for page in (manager, employee):
        page.context.close()
