"""One appraisal cycle from opening to the answer of an appeal, in a real browser,
each person in their own browser context and in Chinese (domain.md §3):

HR opens the cycle → the manager sets and signs the targets → the employee
acknowledges them → the data owner enters the month's figures → the employee
self-assesses → the manager records a fact and rates → HR calibrates one grade
with a reason and publishes → the employee reads the result with its traces and
appeals → HR accepts and answers → the employee reads the answer.

After each step the test checks what was stored (states, values, audit events),
not only what the page shows. At each main page it saves a full-page screenshot
to `out/journey/`; with JIXIAO_SCREENSHOTS=1 also to `docs/guide/img/journey-*.png`
for `docs/user-guide.md` (`make screenshots`).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Appraisal, Cycle, Event, Fact, Rating, Result
from jixiao.appraisals.workflow import AppealState, AppraisalState, CycleState
from jixiao.core.models import AuditEvent
from jixiao.hr.models import CalibrationChange
from jixiao.schemes.services import scheme_assign, scheme_save
from tests.apps.factories import PASSWORD, EmployeeFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out" / "journey"
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"

A, C = AppraisalState, CycleState

# The finance department's monthly form: two figures from the finance department
# (one scored against the target and challenge value the manager sets), a deduction
# for what the manager records, and two items rated by the appraisee (自评, 20%)
# and the supervisor (复评, 80%).
SCHEME = """\
code: FIN-M
name: 财务部月度考核表
period: month
sections:
  - name: 财务指标
    weight: 50
    items:
      - name: 预算执行偏差率
        weight: 25
        source: 财务部
        measure: "1 - abs(actual - budget) / budget"
        rule:
          bands: [[">= 98%", 100], [">= 95%", 80], [">= 90%", 60], [else, 20]]
      - name: 应收账款回收额
        weight: 25
        source: 财务部
        unit: 万元
        measure: "collected"
        rule:
          interpolate: [[0, 0], ["target", 80], ["challenge", 100]]
  - name: 运营指标
    weight: 50
    items:
      - name: 部门管理
        weight: 20
        rule: {deduct: {per: {违规: {each: 10}, 迟报: {each: 5}}}}
      - name: 内部控制管理
        weight: 15
        rule: {levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}
      - name: 团队协作
        weight: 15
        rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}}
raters: {weights: {self: 20%, supervisor: 80%}}
grades: [[">= 90", 优秀], [">= 80", 良好], [">= 60", 合格], [else, 差]]
ranking: {within: department}
"""
ITEMS = ["预算执行偏差率", "应收账款回收额", "部门管理", "内部控制管理", "团队协作"]
RATED = ["内部控制管理", "团队协作"]

# The figures of the people the journey does not follow, entered through the services:
# (budget, actual, collected, target, challenge, 内部控制管理, 团队协作) by employee number.
SEPTEMBER = {
    "1001": (1000000, 1000000, 610, 600, 700, 5, "优"),
    "1002": (1000000, 1060000, 500, 500, 600, 4, "良"),
    "1003": (1000000, 995000, 520, 500, 600, 4, "良"),
}
OCTOBER_COLLEAGUES = {
    "1001": (1000000, 1010000, 620, 600, 700, 5, "优"),  # 张敏, the manager
    "1003": (1000000, 990000, 480, 500, 600, 4, "良"),  # 王芳, the other accountant
}

SELF_ASSESSMENT = [
    ("内部控制管理", "5", "按期完成内控自查，无整改遗留"),
    ("团队协作", "优", "协助出纳完成月末对账"),
]
REVIEW = [
    ("内部控制管理", "4", "自查完成，但10月12日付款未经审批"),
    ("团队协作", "良", "配合良好"),
]
CALIBRATION_REASON = "季度结账攻坚贡献突出，考评委员会议定"
APPEAL_REASON = "10月12日的付款事前已经总经理口头同意，不应按违规扣分。"
APPEAL_ANSWER = "审批系统中没有该笔付款的事前审批记录，口头同意不能代替审批，扣分维持。"


def shot(page: Any, number: int, name: str) -> None:
    """A full-page screenshot to out/journey/ (git-ignored; CI may keep it), and to the
    user guide's images with JIXIAO_SCREENSHOTS=1."""
    filename = f"{number:02d}-{name}.png"
    OUT.mkdir(parents=True, exist_ok=True)
    image = page.screenshot(path=str(OUT / filename), full_page=True)
    if os.environ.get("JIXIAO_SCREENSHOTS") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        (GUIDE_IMAGES / f"journey-{filename}").write_bytes(image)


def audited(action: str, target: Any, actor: Any) -> bool:
    return AuditEvent.objects.filter(
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        actor=actor,
    ).exists()


def success(section: Any, text: str) -> None:
    """Wait for the HTMX swap that brings the section's success message."""
    expect(section.locator(".messages li.success")).to_have_text(text)


@pytest.fixture
def open_as(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """A page of a new browser context (zh-CN, 1280×900) signed in as `user`."""
    contexts: list[Any] = []

    def open_page(user: Any, then: str = "/") -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.goto(f"{live_server.url}/accounts/login/?next={then}")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        expect(page.locator("form.logout .who")).to_be_visible()
        return page

    yield open_page
    for context in contexts:
        context.close()


def go(page: Any, path: str) -> None:
    page.goto(f"{page.base_url}{path}")


# -- what happened before the journey (services) ----------------------------------------
def prepare_cycle(hr: Any, company: SimpleNamespace, scheme: Any, period: str) -> Cycle:
    """A draft cycle of the finance department's two positions (the data owner, who
    holds no position, is not appraised), as HR prepared it."""
    year, month = period.split("-")
    cycle = services.cycle_create(
        actor=hr,
        code=period,
        name=f"{year}年{int(month)}月考核",
        period_kind="month",
        period=period,
    )
    services.cycle_add_scheme(cycle=cycle, scheme=scheme, actor=hr)
    for position in (company.manager_position, company.clerk_position):
        services.population_rule_add(cycle=cycle, actor=hr, kind="position", position=position)
    return cycle


def score(cycle: Cycle, hr: Any, employee: Any, figures: tuple[Any, ...]) -> Appraisal:
    """Everything the form needs for one appraisee, entered by HR, then on to calibration."""
    budget, actual, collected, target, challenge, control, teamwork = figures
    appraisal = Appraisal.objects.get(cycle=cycle, employee=employee)
    services.target_set(
        appraisal=appraisal, actor=hr, item="应收账款回收额", target=target, challenge=challenge
    )
    for item, key, value in (
        ("预算执行偏差率", "budget", budget),
        ("预算执行偏差率", "actual", actual),
        ("应收账款回收额", "collected", collected),
    ):
        services.fact_record(
            appraisal=appraisal, actor=hr, kind="input", item=item, key=key, value=value
        )
    for item, value in (("内部控制管理", control), ("团队协作", teamwork)):
        services.rating_record(
            appraisal=appraisal,
            actor=hr,
            item=item,
            role="supervisor",
            value=value,
            rater=employee.supervisor.user,
        )
    for state in (A.COLLECTING, A.SUPERVISOR_REVIEW, A.CALIBRATION):
        services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    return appraisal


def name_the_users(hr: Any, company: SimpleNamespace) -> None:
    """People's names where the pages show a user (the factories number them)."""
    people = [company.boss, company.manager, *company.clerks, company.worker]
    for user, name in [(hr, "周婷"), *((p.user, p.name) for p in people)]:
        user.display_name = name
        user.save(update_fields=["display_name"])


def september_published(hr: Any, company: SimpleNamespace, scheme: Any) -> Cycle:
    """Last month's cycle, published: the employee's history chart has two points."""
    cycle = prepare_cycle(hr, company, scheme, "2026-09")
    services.cycle_open(cycle=cycle, actor=hr)
    people = [company.manager, *company.clerks]
    for employee in people:
        score(cycle, hr, employee, SEPTEMBER[employee.number])
    for state in (C.COLLECTING, C.REVIEW, C.CALIBRATION, C.PUBLISHED):
        services.cycle_transition(cycle=cycle, actor=hr, to=state)
    return cycle


# -- the journey ---------------------------------------------------------------------
def test_one_cycle_from_opening_to_the_answer_of_an_appeal(
    open_as: Callable[..., Any], hr: Any, company: SimpleNamespace, tmp_path: Path
) -> None:
    manager, employee, colleague = company.manager, company.clerks[0], company.clerks[1]
    name_the_users(hr, company)
    scheme = scheme_save(actor=hr, text=SCHEME).scheme
    scheme_assign(actor=hr, scheme=scheme, unit=company.finance)
    september = september_published(hr, company, scheme)
    cycle = prepare_cycle(hr, company, scheme, "2026-10")
    owner = EmployeeFactory(
        number="1009",
        name="陈静",
        unit=company.finance,
        is_data_owner=True,
        user=UserFactory(username="owner", display_name="陈静"),
    )

    # 1. HR opens the cycle (开启周期) on its page: appraisals are created ------------------
    hr_page = open_as(hr, then="/hr/")
    go(hr_page, f"/hr/cycles/{cycle.pk}/")
    expect(hr_page.locator("#cycle-state")).to_have_text("草稿")
    hr_page.click("button[data-move='targets']")  # opening asks for no confirmation
    expect(hr_page.locator("#cycle-state")).to_have_text("签订目标")
    expect(hr_page.locator(".messages li.success")).to_have_text("周期当前为：签订目标")
    expect(hr_page.locator("#progress tbody tr")).to_have_count(1)
    cycle.refresh_from_db()
    assert cycle.state == C.TARGETS and cycle.opened_at is not None
    appraisals = {a.employee.number: a for a in cycle.appraisals.select_related("employee")}
    assert sorted(appraisals) == ["1001", "1002", "1003"]  # not the data owner
    assert {a.state for a in appraisals.values()} == {A.TARGETS}
    assert audited("cycle.opened", cycle, hr)
    shot(hr_page, 1, "hr-open-cycle")
    appraisal = appraisals[employee.number]
    # The journey follows 李强; his manager and his colleague go through the services.
    for number, figures in OCTOBER_COLLEAGUES.items():
        score(cycle, hr, appraisals[number].employee, figures)

    # 2. The manager sets the target and challenge value (目标值 / 挑战值) and signs ---------
    manager_page = open_as(manager.user)
    go(manager_page, f"/appraisals/{appraisal.pk}/targets/")
    targets = manager_page.locator("#targets")
    row = targets.locator("tr", has_text="应收账款回收额")
    row.get_by_label("李强 · 应收账款回收额 · 目标值").fill("500")
    row.get_by_label("李强 · 应收账款回收额 · 挑战值").fill("600")
    targets.get_by_role("button", name="保存目标").click()  # one save for the whole form
    success(manager_page.locator("#targets"), "目标已保存：2 个值有变动。")
    assert services.current_targets(appraisal)["应收账款回收额"] == {
        "target": 500,
        "challenge": 600,
    }
    targets = manager_page.locator("#targets")
    expect(
        targets.locator("tr", has_text="应收账款回收额").get_by_label(
            "李强 · 应收账款回收额 · 目标值"
        )
    ).to_have_value("500")
    shot(manager_page, 2, "manager-targets")
    targets.get_by_role("button", name="保存并签署").click()
    # four items have no target: the manager is told which, and signs anyway
    expect(manager_page.locator("#sign-missing")).to_contain_text("预算执行偏差率")
    manager_page.locator("#sign-missing").get_by_role("button", name="仍然签署").click()
    targets = manager_page.locator("#targets")
    success(targets, "目标已签署：李强现在可以确认。")
    expect(targets.locator("p.status")).to_contain_text("签署")
    appraisal.refresh_from_db()
    assert appraisal.targets_set_by == manager.user and appraisal.targets_set_at is not None
    assert appraisal.state == A.TARGETS and appraisal.targets_signed_at is None
    assert audited("targets.signed", appraisal, manager.user)

    # 3. The employee acknowledges the targets (我确认这些目标): collecting starts ----------
    employee_page = open_as(employee.user)
    go(employee_page, f"/appraisals/{appraisal.pk}/targets/")
    mine = employee_page.locator("#targets")
    expect(mine.locator("tr", has_text="应收账款回收额")).to_contain_text("500")
    expect(mine.locator("tr", has_text="应收账款回收额")).to_contain_text("600")
    shot(employee_page, 3, "employee-acknowledge")
    mine.get_by_role("button", name="我确认这些目标").click()
    mine = employee_page.locator("#targets")
    success(mine, "目标已确认：进入数据收集阶段。")
    expect(mine.locator("p.status")).to_contain_text("被考核人已于")
    expect(employee_page.locator(".appraisal-head")).not_to_contain_text("待签订目标")
    appraisal.refresh_from_db()
    assert appraisal.state == A.COLLECTING
    assert appraisal.targets_signed_by == employee.user
    assert audited("targets.acknowledged", appraisal, employee.user)

    # HR moves the cycle on to collecting (数据收集)
    go(hr_page, f"/hr/cycles/{cycle.pk}/")
    hr_page.click("button[data-move='collecting']")
    expect(hr_page.locator("#cycle-state")).to_have_text("数据收集")
    cycle.refresh_from_db()
    assert cycle.state == C.COLLECTING

    # 4. The data owner (财务部) enters the month's figures (数据录入) ------------------------
    owner_page = open_as(owner.user)
    tables = owner_page.locator("#data-tables")
    for item, key, value in (
        ("预算执行偏差率", "budget", "1000000"),
        ("预算执行偏差率", "actual", "1040000"),
        ("应收账款回收额", "collected", "560"),
    ):
        go(owner_page, f"/data/?item={appraisal.scheme_version_id}-{item}")  # one item a page
        table = tables.locator("h2", has_text=item).locator("xpath=following-sibling::table[1]")
        cell = table.locator("tr", has_text=employee.name).locator(
            "form", has=owner_page.locator(f"input[aria-label='{key}']")
        )
        cell.locator("input[name=value]").fill(value)
        cell.get_by_role("button", name="保存").click()
        expect(cell.locator("input[name=reason]")).to_be_visible()  # shown once a value exists
        assert Fact.objects.get(appraisal=appraisal, item=item, key=key).value == int(value)
    shot(owner_page, 4, "data-owner")
    assert audited(
        "fact.recorded",
        Fact.objects.get(appraisal=appraisal, item="应收账款回收额", key="collected"),
        owner.user,
    )

    # 5. The manager starts the self-assessment (开始自评) ----------------------------------
    go(manager_page, f"/appraisals/{appraisal.pk}/ratings/")
    ratings = manager_page.locator("#ratings")
    ratings.get_by_role("button", name="开始自评").click()
    success(manager_page.locator("#ratings"), "李强的自评已开始：本人现在可以填写自评。")
    appraisal.refresh_from_db()
    assert appraisal.state == A.SELF_REVIEW

    # 6. The employee rates themself (自评) and submits (提交) ------------------------------
    go(employee_page, f"/appraisals/{appraisal.pk}/ratings/")
    mine = employee_page.locator("#ratings")
    expect(mine.locator("h2")).to_have_text("自评")
    for item, value, comment in SELF_ASSESSMENT:  # one form: every rating, then one save
        mine.get_by_label(f"李强 · {item} · 评分").fill(value)
        mine.get_by_label(f"李强 · {item} · 评语").fill(comment)
    mine.get_by_role("button", name="保存草稿").click()
    success(employee_page.locator("#ratings"), "草稿已保存：2 项评分有变动。")
    shot(employee_page, 5, "employee-self-assessment")
    employee_page.locator("#ratings").get_by_role("button", name="保存并提交").click()
    success(employee_page.locator("#ratings"), "李强的自评已提交：下一步是上级复评。")
    self_ratings = Rating.objects.filter(appraisal=appraisal, role="self")
    assert {r.item: (r.value, r.comment) for r in self_ratings} == {
        "内部控制管理": (5, SELF_ASSESSMENT[0][2]),
        "团队协作": ("优", SELF_ASSESSMENT[1][2]),
    }
    assert all(r.rater == employee.user for r in self_ratings)
    appraisal.refresh_from_db()
    assert appraisal.state == A.SUPERVISOR_REVIEW

    # 7. The manager records a fact (事实记录) with its evidence ----------------------------
    evidence = tmp_path / "付款审批单.txt"
    evidence.write_text("付款申请单 FK-2026-1012：付款日 10月12日，审批日 10月14日。\n")
    go(manager_page, f"/appraisals/{appraisal.pk}/events/")
    events = manager_page.locator("#events")
    events.locator("#id_item").select_option("部门管理")
    events.locator("#id_name").fill("违规")
    events.locator("#id_occurred_on").fill("2026-10-12")
    events.locator("#id_description").fill("未经审批先行付款（供应商货款 3.2 万元）")
    events.locator("#id_evidence").set_input_files(str(evidence))
    events.get_by_role("button", name="记录").click()
    success(events, "事实已记录。")
    expect(events.locator("ul.events li")).to_contain_text("2026-10-12 · 部门管理 · 违规")
    recorded = Event.objects.get(appraisal=appraisal)  # exactly one: recorded once
    assert (recorded.item, recorded.name, recorded.count) == ("部门管理", "违规", 1)
    assert recorded.occurred_on == datetime.date(2026, 10, 12)
    assert recorded.recorded_by == manager.user
    with recorded.evidence.open("rb") as stored:
        assert stored.read() == evidence.read_bytes()
    assert audited("event.recorded", recorded, manager.user)
    shot(manager_page, 6, "manager-fact")

    # 8. The manager rates (复评) and submits: the appraisal reaches calibration -------------
    manager_page.locator("nav.tabs").get_by_role("link", name="评分").click()
    ratings = manager_page.locator("#ratings")
    expect(ratings.locator("h2")).to_have_text("复评")
    for item, value, comment in REVIEW:
        ratings.get_by_label(f"李强 · {item} · 评分").fill(value)
        ratings.get_by_label(f"李强 · {item} · 评语").fill(comment)
    shot(manager_page, 7, "manager-review")
    ratings.get_by_role("button", name="保存并提交").click()
    success(manager_page.locator("#ratings"), "李强的复评已提交：等待校准。")
    supervisor = Rating.objects.filter(appraisal=appraisal, role="supervisor")
    assert {r.item: (r.value, r.comment, r.rater) for r in supervisor} == {
        "内部控制管理": (4, REVIEW[0][2], manager.user),
        "团队协作": ("良", REVIEW[1][2], manager.user),
    }
    appraisal.refresh_from_db()
    assert appraisal.state == A.CALIBRATION
    result = Result.objects.get(appraisal=appraisal)
    # 80 × 25% + 92 × 25% + 90 × 20% + 84 × 15% + 84 × 15% (see the traces below)
    assert (result.total, result.grade, result.errors) == (86.2, "良好", [])

    # 9. HR moves the cycle to review (评估) and calibration (校准) --------------------------
    go(hr_page, f"/hr/cycles/{cycle.pk}/")
    hr_page.click("button[data-move='review']")
    expect(hr_page.locator("#cycle-state")).to_have_text("评估")
    hr_page.click("button[data-move='calibration']")
    expect(hr_page.locator("#cycle-state")).to_have_text("校准")
    cycle.refresh_from_db()
    assert cycle.state == C.CALIBRATION

    # 10. HR changes one grade with a reason; an empty reason is refused -----------------
    hr_page.click(f"a[href='/hr/cycles/{cycle.pk}/calibration/']")
    hr_page.wait_for_function("document.querySelector('#chart-0')?.chart")
    row = hr_page.locator(f"tr[data-appraisee='{employee.number}']")
    expect(row.locator("td").nth(3)).to_have_text("良好")
    row.locator("summary").click()
    row.locator("select[name=grade]").select_option("优秀")
    reason = row.locator("textarea[name=reason]")
    reason.evaluate("field => field.addEventListener('invalid', () => field.dataset.refused = 1)")
    row.get_by_role("button", name="保存调整").click()
    # the browser does not send the form: it tells, at the field, that it must be filled in
    expect(reason).to_have_attribute("data-refused", "1")
    assert reason.evaluate("field => field.validity.valueMissing && field.validationMessage")
    expect(row.locator("select[name=grade]")).to_have_value("优秀")  # still the same page
    assert not CalibrationChange.objects.exists()
    reason.fill("   ")  # only spaces: the server refuses it, with a message
    row.get_by_role("button", name="保存调整").click()
    expect(hr_page.locator(".messages li.error")).to_have_text("校准须写明理由")
    assert not CalibrationChange.objects.exists()
    row = hr_page.locator(f"tr[data-appraisee='{employee.number}']")
    row.locator("summary").click()
    row.locator("select[name=grade]").select_option("优秀")
    row.locator("textarea[name=reason]").fill(CALIBRATION_REASON)
    row.get_by_role("button", name="保存调整").click()
    expect(hr_page.locator(".messages li.success")).to_have_text(f"已校准 {employee.name}")
    change = hr_page.locator(f"tr[data-appraisee='{employee.number}'] .change")
    expect(change).to_contain_text("良好")  # before
    expect(change.locator("strong")).to_have_text("优秀")  # after
    expect(change).to_contain_text(CALIBRATION_REASON)
    calibration = CalibrationChange.objects.get()
    assert (calibration.field, calibration.before, calibration.after) == ("grade", "良好", "优秀")
    assert calibration.result == result and calibration.actor == hr
    result.refresh_from_db()
    assert (result.total, result.grade, result.data["grade"]) == (86.2, "优秀", "良好")
    assert audited("result.calibrated", result, hr)
    assert Result.objects.get(appraisal=appraisals[colleague.number]).grade == "良好"
    shot(hr_page, 8, "hr-calibration")

    # 11. HR publishes (公示, confirmed) -------------------------------------------------
    hr_page.click(f".breadcrumbs a[href='/hr/cycles/{cycle.pk}/']")
    hr_page.once("dialog", lambda dialog: dialog.accept())
    hr_page.click("button[data-move='published']")
    expect(hr_page.locator("#cycle-state")).to_have_text("已公示")
    cycle.refresh_from_db()
    assert cycle.state == C.PUBLISHED and cycle.appeal_deadline is not None
    assert set(cycle.appraisals.values_list("state", flat=True)) == {A.PUBLISHED}
    result.refresh_from_db()
    assert result.frozen and result.grade == "优秀"  # the calibration stands
    assert audited("cycle.published", cycle, hr)
    shot(hr_page, 9, "hr-published")

    # 12. The employee reads the result: every item's trace, the total, the history ------
    go(employee_page, f"/appraisals/{appraisal.pk}/result/")
    page = employee_page
    traces = page.locator("td.trace code")
    expect(traces).to_have_count(len(ITEMS))
    # in the page's language: the engine's words in Chinese, its numbers
    expect(traces).to_have_text([item["trace"] for item in result.shown("zh-hans")["items"]])
    expect(traces.first).to_contain_text("0.96 符合 ≥ 95% → 80")
    expect(page.locator("table.items tbody tr td:first-child")).to_have_text(ITEMS)
    shown_total = page.locator("dd.total").inner_text().split()[0]
    assert shown_total == "86.2" and float(shown_total) == result.total
    expect(page.locator("dd.grade")).to_have_text("优秀")
    expect(page.locator("dd.total small")).to_contain_text("良好")  # computed, before calibration
    history = page.evaluate("JSON.parse(document.getElementById('history-data').textContent)")
    assert [row["cycle"] for row in history] == [september.name, cycle.name]
    assert history[-1]["total"] == result.total
    page.wait_for_function("['history-chart', 'section-chart'].every(id => Chart.getChart(id))")
    page.evaluate(  # the charts' last frame, not one of their animation
        "['history-chart', 'section-chart'].forEach(id => {"
        " const chart = Chart.getChart(id); chart.stop(); chart.update('none'); })"
    )
    shot(page, 10, "employee-result")

    # 13. The employee appeals one item (申诉), with a reason and evidence ----------------
    appeal_form = page.locator("form[action$='/appeal/']")
    appeal_form.locator("#id_item").select_option("部门管理")
    appeal_form.locator("#id_reason").fill(APPEAL_REASON)
    approval = tmp_path / "总经理同意付款的说明.txt"
    approval.write_text("10月11日总经理电话同意先行付款，见微信记录截图。\n")
    appeal_form.locator("#id_evidence").set_input_files(str(approval))
    shot(page, 11, "employee-appeal")
    appeal_form.get_by_role("button", name="提交申诉").click()
    page.wait_for_url("**/appeals/")
    expect(page.locator(".messages li.success")).to_have_text("您的申诉已收到。")
    appeal = Appeal.objects.get(appraisal=appraisal)
    assert (appeal.item, appeal.reason, appeal.state) == ("部门管理", APPEAL_REASON, "received")
    assert appeal.filed_by == employee.user
    with appeal.evidence.open("rb") as stored:
        assert stored.read() == approval.read_bytes()
    assert appeal.decide_by <= appeal.answer_by
    appraisal.refresh_from_db()
    assert appraisal.state == A.APPEALED
    assert audited("appeal.filed", appeal, employee.user)

    # 14. HR accepts the appeal (受理), then answers it (发送答复): not upheld ---------------
    go(hr_page, "/appeals/")
    hr_page.locator("table.appeals").first.get_by_role("link", name=employee.name).click()
    hr_page.wait_for_url(re.compile(rf".*/appeals/{appeal.pk}/$"))
    decision = hr_page.locator("#appeal")
    decision.locator("textarea[name=reason]").fill("有付款记录可查，予以受理。")
    decision.get_by_role("button", name="受理").click()
    success(decision, "申诉已受理。")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED and appeal.decided_by == hr
    assert audited("appeal.accepted", appeal, hr)
    answer = decision.locator("form", has=hr_page.locator("input[value=answer]"))
    answer.locator("select[name=upheld]").select_option("0")
    answer.locator("textarea[name=answer]").fill(APPEAL_ANSWER)
    shot(hr_page, 12, "hr-appeal-answer")
    answer.get_by_role("button", name="发送答复").click()
    success(decision, "申诉已答复。")
    expect(decision.locator("dd.state")).to_have_text("已答复")
    appeal.refresh_from_db()
    assert (appeal.state, appeal.upheld, appeal.answer) == ("answered", False, APPEAL_ANSWER)
    assert appeal.answered_by == hr and audited("appeal.answered", appeal, hr)
    appraisal.refresh_from_db()
    assert appraisal.state == A.PUBLISHED  # no appeal open any more
    before = (result.total, result.grade)
    result.refresh_from_db()
    assert (result.total, result.grade) == before  # not upheld: the result stands

    # 15. The employee reads the answer ------------------------------------------------
    go(employee_page, f"/appraisals/{appraisal.pk}/result/")
    link = employee_page.locator(f"a[href='/appeals/{appeal.pk}/']")
    expect(link.locator("xpath=..")).to_contain_text(f"部门管理 — 已答复: {APPEAL_ANSWER}")
    link.click()
    employee_page.wait_for_url(re.compile(rf".*/appeals/{appeal.pk}/$"))
    answered = employee_page.locator("#appeal")
    expect(answered.locator("dd.state")).to_have_text("已答复")
    expect(answered).to_contain_text(f"申诉不成立: {APPEAL_ANSWER}")
    expect(answered.locator("button")).to_have_count(0)  # nothing for the employee to decide
    shot(employee_page, 13, "employee-appeal-answer")
