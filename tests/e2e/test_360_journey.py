"""The 360 and talent review journey (issue 16), in Chromium: HR assigns three peers,
each answers on a phone-sized screen, the appraisee sees only the combined figure,
and a committee member places people in the 9-box. With JIXIAO_SCREENSHOTS=1 it
also retakes the guide's pictures of the survey and the 9-box."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Rating
from jixiao.schemes.services import scheme_save
from jixiao.talent.models import Placement
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.factories import PASSWORD, EmployeeFactory, UserFactory
from tests.apps.portal_world import publish
from tests.e2e.conftest import ARGS, CHROMIUM, log_in

pytestmark = pytest.mark.django_db(transaction=True)
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
RATERS = "{weights: {self: 27, supervisor: 47, peer: 26}, trim: {peer: 1}}"


def shot(page: Any, name: str) -> None:
    if os.environ.get("JIXIAO_SCREENSHOTS") == "1":
        page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)


def phone(browser: Any, base: str) -> Any:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = base
    return page


def test_peers_answer_on_a_phone_the_appraisee_sees_the_aggregate_the_committee_places(
    page: Any, browser: Any, hr: Any, company: SimpleNamespace, draft_cycle: Cycle
) -> None:
    assert CHROMIUM.exists() and ARGS
    scheme_save(actor=hr, text=SCHEME.replace("{final: [supervisor]}", RATERS))
    cycle = services.cycle_open(cycle=draft_cycle, actor=hr)
    services.cycle_set_committee(cycle=cycle, actor=hr, members=[company.boss.user])
    peers = [
        EmployeeFactory(number=f"10{n}", name=name, unit=company.finance,
                        supervisor=company.manager, user=UserFactory(username=f"peer{n}"))
        for n, name in ((11, "钱多多"), (12, "孙小美"), (13, "阿土伯"))
    ]  # fmt: skip
    appraisal = appraisal_of(cycle, company.clerks[0])

    # HR assigns the three peers on the raters page
    log_in(page, "hr", then=f"/surveys/appraisals/{appraisal.pk}/")
    page.select_option("select[name=role]", "peer")
    page.fill("form:has(input[value=assign]) input[name=raters]", "peer11 peer12 peer13")
    page.click("form:has(input[value=assign]) button[type=submit]")
    page.wait_for_selector("text=3 人中 0 人已回答")

    # each peer answers on a phone
    for peer, level in zip(peers, ("5", "4", "2"), strict=True):
        mobile = phone(browser, page.base_url)
        log_in(mobile, peer.user.username, then="/surveys/")
        mobile.click(f"text={company.clerks[0].name}")
        mobile.select_option("select[name='item-内部控制管理']", level)
        if peer is peers[0]:
            shot(mobile, "survey-phone")
        mobile.click("form.survey button[type=submit]")
        mobile.wait_for_selector("text=谢谢，你的评分已保存。")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing overflows the phone's width
        mobile.context.close()
    assert Rating.objects.filter(appraisal=appraisal, role="peer").count() == 3

    # published, the appraisee reads the peers only combined
    publish(cycle, hr, company)
    appraisee = phone(browser, page.base_url)
    log_in(appraisee, company.clerks[0].user.username, then=f"/appraisals/{appraisal.pk}/ratings/")
    table = appraisee.inner_text("#anonymous-ratings")
    assert "3.67" in table  # (5 + 4 + 2) / 3
    text = appraisee.inner_text("body")
    for peer in peers:
        assert peer.name not in text
    appraisee.context.close()

    # the committee places people in the 9-box
    from jixiao.talent.services import review_start

    review_start(cycle=cycle, actor=hr, low_below=70, high_from=90)
    member = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    committee = member.new_page()
    committee.base_url = page.base_url
    committee.goto(f"{page.base_url}/accounts/login/?next=/talent/cycles/{cycle.pk}/")
    committee.fill("#id_username", "boss")
    committee.fill("#id_password", PASSWORD)
    committee.click("form[action='/accounts/login/'] button[type=submit]")
    committee.wait_for_url(f"**/talent/cycles/{cycle.pk}/")
    for _ in range(3):  # rate the potential of everyone still unrated: 高
        committee.select_option("#people tbody tr:first-child form:first-of-type select", "3")
        committee.click("#people tbody tr:first-child form:first-of-type button")
        committee.wait_for_load_state()
    counts = committee.inner_text("#ninebox")
    assert "明星人才 1" in counts and "潜力之星 2" in counts  # 张敏 95; 李强, 王芳 80
    assert Placement.objects.filter(potential=3).count() == 3
    shot(committee, "ninebox")
    member.close()
