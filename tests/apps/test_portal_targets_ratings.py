"""Targets and ratings as people write them (issue 13): one form and one save per
appraisal, a target in numbers or in words with how it is measured, signing that
names the empty targets, moves that say what they did, and the manager's team
sheets — every value through the fact pipeline, all or nothing, each refusal beside
its cell naming the person and the item; the sheets cost the same queries for a
team of 5 as for one of 50."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Fact, Rating
from jixiao.appraisals.workflow import AppraisalState
from jixiao.organization.models import Employee
from tests.apps.conftest import appraisal_of
from tests.apps.factories import EmployeeFactory
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db
A = AppraisalState
HX = {"HTTP_HX_REQUEST": "true"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# T-FIN's items in the form's order: 预算执行偏差率 (t0), 部门管理 (t1), 内部控制管理 (t2)


def _targets(appraisal: Appraisal) -> dict[str, dict[str, Any]]:
    return services.current_targets(appraisal)


def test_one_form_saves_every_target_in_numbers_or_in_words(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    url = f"/appraisals/{appraisal.pk}/targets/"
    manager = client_for(company.manager.user)
    page = manager.get(url).content.decode()
    assert page.count('value="save"') == 1  # one save button for the whole form
    manager.post(
        url,
        {
            "action": "save",
            "t0-target": "1",
            "t0-challenge": "1.05",
            "t1-target": "完成11月月结",
            "t1-measure": "11月5日前提交月结报告",
        },
    )
    assert _targets(appraisal) == {
        "预算执行偏差率": {"target": 1, "challenge": 1.05},
        "部门管理": {"target": "完成11月月结", "target_measure": "11月5日前提交月结报告"},
    }
    # before the appraisee acknowledges, the targets are a draft: changed without a reason
    manager.post(url, {"action": "save", "t0-target": "0.98"})
    assert _targets(appraisal)["预算执行偏差率"]["target"] == 0.98
    shown = manager.get(url).content.decode()
    assert 'value="完成11月月结"' in shown and 'value="11月5日前提交月结报告"' in shown


def test_a_refused_target_saves_nothing_and_is_said_beside_its_box(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    page = client_for(company.manager.user).post(
        f"/appraisals/{appraisal.pk}/targets/",
        {"action": "save", "t0-target": "1", "t1-target": "完成" * 101},
        **HX,
        **ZH,
    )
    text = page.content.decode()
    assert Fact.objects.filter(appraisal=appraisal).count() == 0  # nothing half-written
    row = text.split("部门管理", 1)[1].split("</tr>", 1)[0]
    assert "李强 · 部门管理" in row and "200" in row  # beside the box, in Chinese
    assert "没有保存" in text


def test_signing_with_empty_targets_names_them_and_asks_first(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    url = f"/appraisals/{appraisal.pk}/targets/"
    manager = client_for(company.manager.user)
    manager.post(url, {"action": "save", "t0-target": "1"})
    asked = manager.post(url, {"action": "save_sign", "t0-target": "1"}, **HX, **ZH)
    text = asked.content.decode()
    warning = text.split('id="sign-missing"', 1)[1].split("</div>", 1)[0]
    assert "部门管理" in warning and "内部控制管理" in warning
    assert "预算执行偏差率" not in warning
    appraisal.refresh_from_db()
    assert appraisal.targets_set_at is None  # not signed until confirmed
    manager.post(url, {"action": "sign", "confirm": "1"})
    appraisal.refresh_from_db()
    assert appraisal.targets_set_at is not None


def test_after_acknowledging_the_state_no_longer_says_targets_to_sign(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    services.targets_sign(appraisal=appraisal, actor=company.manager.user)
    url = f"/appraisals/{appraisal.pk}/targets/"
    employee = client_for(company.clerks[0].user)
    assert "待签订目标" in employee.get(url, **ZH).content.decode()
    partial = employee.post(url, {"action": "acknowledge"}, **HX, **ZH).content.decode()
    head = partial.split("</header>", 1)[0]  # the part HTMX swaps holds the head too
    assert "待签订目标" not in head and "收集" in head
    assert "目标已确认" in partial


def _previous_cycle(hr: Any, company: SimpleNamespace, scheme_of: Appraisal) -> Cycle:
    cycle = services.cycle_create(
        actor=hr, code="2026-09", name="2026年9月考核", period_kind="month", period="2026-09"
    )
    services.cycle_add_scheme(cycle=cycle, scheme=scheme_of.scheme_version.scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=company.finance)
    return services.cycle_open(cycle=cycle, actor=hr)


def test_the_team_sheet_sets_many_targets_at_once_and_copies_last_cycles(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    first, second = (appraisal_of(open_cycle, clerk) for clerk in company.clerks)
    september = _previous_cycle(hr, company, first)
    services.targets_save(
        entries=[
            services.TargetEntry(
                appraisal=appraisal_of(september, company.clerks[0]),
                item="部门管理",
                item_name="部门管理",
                target="完成9月月结",
                measure="按期提交",
            )
        ],
        actor=hr,
    )
    manager = client_for(company.manager.user)
    query = f"?cycle={open_cycle.pk}&form={first.scheme_version_id}"
    copied = manager.get(f"/team/targets/{query}&copy=1", **ZH).content.decode()
    assert 'value="完成9月月结"' in copied and "上一周期" in copied
    assert Fact.objects.filter(appraisal=first).count() == 0  # copied into the form only
    manager.post(
        f"/team/targets/{query}",
        {
            "appraisal": [first.pk, second.pk],
            f"a{first.pk}-0-target": "1",
            f"a{first.pk}-1-target": "完成10月月结",
            f"a{second.pk}-0-target": "0.99",
            f"a{second.pk}-2-target": "内控检查零问题",
        },
    )
    assert _targets(first) == {
        "预算执行偏差率": {"target": 1},
        "部门管理": {"target": "完成10月月结"},
    }
    assert _targets(second) == {
        "预算执行偏差率": {"target": 0.99},
        "内部控制管理": {"target": "内控检查零问题"},
    }


def test_a_refusal_in_the_team_sheet_saves_nothing_and_names_the_person(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    first, second = (appraisal_of(open_cycle, clerk) for clerk in company.clerks)
    page = client_for(company.manager.user).post(
        f"/team/targets/?cycle={open_cycle.pk}&form={first.scheme_version_id}",
        {
            "appraisal": [first.pk, second.pk],
            f"a{first.pk}-0-target": "1",
            f"a{second.pk}-1-target": "完成" * 101,
        },
        **ZH,
    )
    assert page.status_code == 200
    assert Fact.objects.filter(appraisal__in=[first, second]).count() == 0
    row = page.content.decode().split(f'value="{second.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "王芳 · 部门管理" in row


def _to_supervisor_review(hr: Any, *appraisals: Appraisal) -> None:
    for appraisal in appraisals:
        for state in (A.COLLECTING, A.SUPERVISOR_REVIEW):
            services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)


def test_ratings_in_one_form_a_draft_then_submitted_saying_what_happened(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    services.appraisal_transition(appraisal=appraisal, actor=hr, to=A.COLLECTING)
    url = f"/appraisals/{appraisal.pk}/ratings/"
    manager = client_for(company.manager.user)
    started = manager.post(url, {"action": "submit"}, **HX, **ZH).content.decode()
    assert "已提交。" not in started
    assert "李强的复评已开始" in started
    refused = manager.post(url, {"action": "submit"}, **HX, **ZH).content.decode()
    assert "内部控制管理" in refused and "未提交" in refused  # nothing rated yet
    manager.post(url, {"action": "save", "r0-value": "4", "r0-comment": "稳定"})
    manager.post(url, {"action": "save", "r0-value": "5"})  # a draft changes freely
    assert Rating.objects.get(appraisal=appraisal).value == 5
    appraisal.refresh_from_db()
    assert appraisal.state == A.SUPERVISOR_REVIEW  # saved, not submitted
    done = manager.post(url, {"action": "submit", "r0-value": "5"}, **HX, **ZH).content.decode()
    assert "李强的复评已提交" in done
    appraisal.refresh_from_db()
    assert appraisal.state == A.CALIBRATION


def test_a_refused_rating_is_said_beside_it_and_nothing_is_written(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    _to_supervisor_review(hr, appraisal)
    page = client_for(company.manager.user).post(
        f"/appraisals/{appraisal.pk}/ratings/", {"action": "save", "r0-value": "9"}, **ZH
    )
    text = page.content.decode()
    assert Rating.objects.count() == 0
    row = text.split("内部控制管理", 1)[1].split("</tr>", 1)[0]
    assert "李强 · 内部控制管理" in row and "errorlist" in row


def test_the_team_rating_sheet_rates_and_submits_everyone_all_or_nothing(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    first, second = (appraisal_of(open_cycle, clerk) for clerk in company.clerks)
    _to_supervisor_review(hr, first, second)
    manager = client_for(company.manager.user)
    url = f"/team/ratings/?cycle={open_cycle.pk}&form={first.scheme_version_id}"
    sheet = manager.get(url, **ZH).content.decode()
    assert 'class="sheet ratings-sheet"' in sheet and "portal/sheet.js" in sheet
    assert f'name="a{first.pk}-0-value"' in sheet  # 内部控制管理, the one rated item
    refused = manager.post(
        url,
        {
            "appraisal": [first.pk, second.pk],
            f"a{first.pk}-0-value": "4",
            f"a{second.pk}-0-value": "9",
        },
        **ZH,
    ).content.decode()
    assert Rating.objects.count() == 0  # all or nothing
    row = refused.split(f'value="{second.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "王芳 · 内部控制管理" in row
    manager.post(
        url,
        {
            "action": "submit",
            "appraisal": [first.pk, second.pk],
            f"a{first.pk}-0-value": "4",
            f"a{second.pk}-0-value": "3",
        },
    )
    given = dict(Rating.objects.values_list("appraisal_id", "value"))
    assert given == {first.pk: 4, second.pk: 3}
    assert set(
        Appraisal.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {A.CALIBRATION}


# -- the sheets do not grow with the team ----------------------------------------------
def _team_of(size: int, company: SimpleNamespace, cycle: Cycle, state: str) -> None:
    """The finance manager's reports grown to `size`, each appraised like 李强."""
    model = appraisal_of(cycle, company.clerks[0])
    now = Employee.objects.filter(supervisor=company.manager).count()
    people = [
        EmployeeFactory(
            number=f"T{n:04d}",
            name=f"会计{n}",
            unit=company.finance,
            position=company.clerk_position,
            supervisor=company.manager,
        )
        for n in range(now, size)
    ]
    Appraisal.objects.bulk_create(
        Appraisal(
            cycle=cycle,
            employee=person,
            scheme_version=model.scheme_version,
            state=state,
            attributes=model.attributes,
        )
        for person in people
    )
    Appraisal.objects.filter(cycle=cycle, employee__supervisor=company.manager).update(state=state)


def _queries(client: Any, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured.captured_queries), page.content.decode()


@pytest.mark.parametrize(
    ("path", "state"), [("/team/targets/", A.TARGETS), ("/team/ratings/", A.SUPERVISOR_REVIEW)]
)
def test_a_team_sheet_costs_the_same_queries_for_5_and_50_people(
    company: SimpleNamespace, open_cycle: Cycle, path: str, state: str
) -> None:
    manager = client_for(company.manager.user)
    _team_of(5, company, open_cycle, state)
    small, small_page = _queries(manager, path)
    _team_of(50, company, open_cycle, state)
    large, large_page = _queries(manager, path)
    assert large <= small, (small, large)
    assert small_page.count('name="appraisal"') == 5
    assert large_page.count('name="appraisal"') == 20  # a page of 20, the rest paged
    assert 'rel="next"' in large_page


def test_a_target_in_words_is_changed_by_a_request_like_a_number(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    appraisal = appraisal_of(open_cycle, company.clerks[0])
    services.targets_sign(appraisal=appraisal, actor=company.manager.user)
    services.targets_acknowledge(appraisal=appraisal, actor=company.clerks[0].user)
    url = f"/appraisals/{appraisal.pk}/targets/"
    client_for(company.manager.user).post(
        url,
        {
            "action": "request",
            "item": "部门管理",
            "target": "完成12月月结",
            "measure": "12月5日前提交",
            "reason": "11月月结已提前完成",
        },
    )
    change = appraisal.target_change_requests.get()
    assert (change.new_target, change.target_measure) == ("完成12月月结", "12月5日前提交")
    boss = client_for(company.boss.user)
    assert "完成12月月结" in boss.get(url).content.decode()
    boss.post(url, {"action": "approve", "request": change.pk, "answer": ""})
    assert _targets(appraisal)["部门管理"] == {
        "target": "完成12月月结",
        "target_measure": "12月5日前提交",
    }


COMPUTED = """\
code: T-AR
name: 应收考核表
period: month
sections:
  - name: 财务指标
    weight: 100
    items:
      - name: 应收账款回收额
        weight: 60
        measure: "collected"
        rule:
          interpolate: [[0, 0], ["target", 80], ["challenge", 100]]
      - name: 月结
        weight: 40
        rule: {levels: {优: 100, 良: 80, 中: 60}}
"""


def test_an_item_computed_from_its_target_takes_a_number_only(hr: Any, company: Any) -> None:
    from jixiao.schemes.services import scheme_assign, scheme_save

    version = scheme_save(actor=hr, text=COMPUTED)
    scheme_assign(actor=hr, scheme=version.scheme, unit=company.finance)
    cycle = services.cycle_create(
        actor=hr, code="2026-11", name="2026年11月考核", period_kind="month", period="2026-11"
    )
    services.cycle_add_scheme(cycle=cycle, scheme=version.scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=company.finance)
    services.cycle_open(cycle=cycle, actor=hr)
    appraisal = appraisal_of(cycle, company.clerks[0])
    url = f"/appraisals/{appraisal.pk}/targets/"
    manager = client_for(company.manager.user)
    form = manager.get(url, **ZH).content.decode()
    assert 'name="t0-target"' in form and 'type="number"' in form
    assert 'name="t0-measure"' not in form and 'name="t1-measure"' in form
    refused = manager.post(
        url, {"action": "save", "t0-target": "回收600万", "t1-target": "完成11月月结"}, **ZH
    ).content.decode()
    assert Fact.objects.filter(appraisal=appraisal).count() == 0
    row = refused.split("应收账款回收额", 1)[1].split("</tr>", 1)[0]
    assert "李强 · 应收账款回收额：" in row and "「回收600万」不是数" in row
    manager.post(url, {"action": "save", "t0-target": "600", "t1-target": "完成11月月结"})
    assert _targets(appraisal) == {
        "应收账款回收额": {"target": 600},
        "月结": {"target": "完成11月月结"},
    }


def _save_targets(client: Any, people: list[Appraisal]) -> int:
    data: dict[str, Any] = {"action": "save", "appraisal": [a.pk for a in people]}
    for appraisal in people:
        data[f"a{appraisal.pk}-1-target"] = "完成11月月结"
        data[f"a{appraisal.pk}-1-measure"] = "按时提交月结报表"
    with CaptureQueriesContext(connection) as captured:
        saved = client.post("/team/targets/", data)
    assert saved.status_code == 302
    return len(captured.captured_queries)


def test_saving_a_team_sheet_costs_about_the_same_for_5_and_20_people(
    company: SimpleNamespace, open_cycle: Cycle
) -> None:
    """New targets are inserted and audited in bulk, and the team's results are
    recomputed once: the queries of a save do not grow person by person."""
    manager = client_for(company.manager.user)
    _team_of(5, company, open_cycle, A.TARGETS)
    team = Appraisal.objects.filter(cycle=open_cycle, employee__supervisor=company.manager)
    small = _save_targets(manager, list(team.order_by("employee__number")))
    _team_of(20, company, open_cycle, A.TARGETS)
    larger = [a for a in team.order_by("employee__number") if not a.facts.exists()]
    large = _save_targets(manager, larger[:15] + list(team.order_by("employee__number")[:5]))
    assert large <= small + 10, (small, large)
    assert Fact.objects.filter(appraisal__in=team, key="target", item="部门管理").count() == 20
