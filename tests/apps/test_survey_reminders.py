"""360 survey deadlines, reminders and item scopes (issue 16): HR sets the last day
of a cycle's survey (for every rater type or one), shown on the invitation and the
phone form; after it late answers are refused in words unless HR reopens them; the
daily reminder job reminds the raters who have not answered, once a day, before the
deadline and the day after it; HR and managers remind everyone now from the
progress pages (counts, never who); a rater assigned to some items rates only those,
on the form and through the fact pipeline."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, RaterAssignment, Rating, SurveyDeadline
from jixiao.appraisals.services.raters import (
    rater_assign,
    rater_reopen,
    survey_deadline_set,
    survey_reminders_send,
)
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.notices.delivery import notices_deliver
from jixiao.notices.models import Notice
from jixiao.notices.services import preference_set
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# the T-FIN form with a service satisfaction item that peers and customers also rate
WITH_SERVICE = SCHEME.replace(
    "      - name: 部门管理\n        weight: 25\n", "      - name: 部门管理\n        weight: 15\n"
).replace(
    "raters: {final: [supervisor]}",
    "      - name: 服务满意度\n        weight: 10\n        rule: {direct: {min: 0, max: 100}}\n"
    "raters: {weights: {self: 20, supervisor: 40, peer: 20, customer: 20}}",
)


@pytest.fixture(autouse=True)
def _chinese_notices(settings: Any) -> None:
    """Notices are written in the company's language (the settings'): Chinese here."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def opened(hr: Any, draft_cycle: Cycle) -> Cycle:
    scheme_save(actor=hr, text=WITH_SERVICE)
    return services.cycle_open(cycle=draft_cycle, actor=hr)


@pytest.fixture
def peers(company: SimpleNamespace) -> list[Any]:
    """Three more accountants in finance, with logins and e-mail addresses."""
    return [
        EmployeeFactory(number=f"10{n}", name=f"同事{n}", unit=company.finance,
                        supervisor=company.manager,
                        user=UserFactory(username=f"peer{n}", email=f"peer{n}@example.com"))
        for n in (11, 12, 13)
    ]  # fmt: skip


@pytest.fixture
def customer(company: SimpleNamespace) -> Any:
    """Someone of production, who uses finance's service."""
    return EmployeeFactory(
        number="9901", name="客户甲", unit=company.production, user=UserFactory(username="cust")
    ).user


def _today() -> datetime.date:
    return timezone.localdate()


def _reminders(user: Any) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, kind="survey", text__contains="提醒"))


# -- deadlines -------------------------------------------------------------------------


def test_hr_sets_the_deadline_and_the_invitation_and_form_show_it(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    due = _today() + datetime.timedelta(days=5)
    page = client_for(hr).post(
        f"/surveys/cycles/{opened.pk}/", {"do": "deadline", "role": "", "due": due.isoformat()}
    )
    assert page.status_code == 302
    assert SurveyDeadline.objects.get(cycle=opened, role="").due == due
    with pytest.raises(NotAllowed):  # a manager does not set it
        survey_deadline_set(cycle=opened, actor=company.manager.user, due=due)
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[peers[0].user], role="peer")
    invitation = Notice.objects.get(recipient=peers[0].user, kind="survey")
    assert due.isoformat() in invitation.text
    assignment = RaterAssignment.objects.get(rater=peers[0].user)
    form = client_for(peers[0].user).get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert f"请在 {due.isoformat()} 前回答" in form
    listing = client_for(peers[0].user).get("/surveys/", **ZH).content.decode()
    assert due.isoformat() in listing
    # a rater type's own deadline wins over the survey's
    earlier = _today() + datetime.timedelta(days=2)
    survey_deadline_set(cycle=opened, actor=hr, due=earlier, role="peer")
    form = client_for(peers[0].user).get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert earlier.isoformat() in form and due.isoformat() not in form
    hrs = client_for(hr).get(f"/surveys/cycles/{opened.pk}/", **ZH).content.decode()
    assert "同事的截止日" in hrs and "客户的截止日" in hrs  # the form's rater types
    with translation.override("zh-hans"), pytest.raises(ServiceError, match="没有"):
        survey_deadline_set(cycle=opened, actor=hr, due=due, role="external")
    # a bad day is refused in words, nothing changed
    client = client_for(hr)
    answer = client.post(
        f"/surveys/cycles/{opened.pk}/",
        {"do": "deadline", "role": "", "due": "下周五"},
        follow=True,
    )
    assert "不是日期" in answer.content.decode()
    assert SurveyDeadline.objects.get(cycle=opened, role="").due == due


def test_late_answers_are_refused_unless_hr_reopens(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[peers[0].user], role="peer")
    yesterday = _today() - datetime.timedelta(days=1)
    survey_deadline_set(cycle=opened, actor=hr, due=yesterday)
    assignment = RaterAssignment.objects.get(rater=peers[0].user)
    client = client_for(peers[0].user)
    form = client.get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert f"问卷已于 {yesterday.isoformat()} 截止" in form and "提交我的评分" not in form
    sent = client.post(f"/surveys/{assignment.pk}/", {"item-内部控制管理": "4",
                                                      "item-服务满意度": "90"}, **ZH)  # fmt: skip
    assert sent.status_code == 200 and "截止" in sent.content.decode()
    assert not Rating.objects.filter(appraisal=appraisal, role="peer").exists()
    with translation.override("zh-hans"), pytest.raises(ServiceError) as refused:
        services.rating_record(
            appraisal=appraisal, actor=peers[0].user, item="内部控制管理", role="peer", value=4
        )
    assert f"问卷已于 {yesterday.isoformat()} 截止" in str(refused.value)
    # a manager may not reopen; HR reopens for this rater, who then answers
    with pytest.raises(NotAllowed):
        rater_reopen(assignment=assignment, actor=company.manager.user, until=_today())
    reopened = client_for(hr).post(
        f"/surveys/appraisals/{appraisal.pk}/",
        {"do": "reopen", "assignment": assignment.pk, "until": _today().isoformat()},
    )
    assert reopened.status_code == 302
    assert Notice.objects.filter(recipient=peers[0].user, text__contains="重新开放").exists()
    sent = client.post(f"/surveys/{assignment.pk}/", {"item-内部控制管理": "4",
                                                      "item-服务满意度": "90"})  # fmt: skip
    assert sent.status_code == 302
    assert Rating.objects.filter(appraisal=appraisal, role="peer").count() == 2


# -- reminders -------------------------------------------------------------------------


def test_the_daily_job_reminds_the_unanswered_only_once_a_day(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    from jixiao.notices.tasks import reminders_periodic_task

    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers], role="peer")
    services.rating_record(
        appraisal=appraisal, actor=peers[0].user, item="内部控制管理", role="peer", value=4
    )
    preference_set(user=peers[2].user, email=False, muted=[])  # in-app only
    reminders_periodic_task(timestamp=0)
    assert not any(_reminders(p.user) for p in peers)  # no deadline: nothing to count from
    today = _today()
    survey_deadline_set(cycle=opened, actor=hr, due=today + datetime.timedelta(days=3))
    notices_deliver()  # the invitations
    mail.outbox.clear()
    reminders_periodic_task(timestamp=0)  # what a worker runs at 08:00
    assert not _reminders(peers[0].user)  # answered
    for peer in peers[1:]:
        (notice,) = _reminders(peer.user)
        assert (today + datetime.timedelta(days=3)).isoformat() in notice.text
        assert notice.url == f"/surveys/{RaterAssignment.objects.get(rater=peer.user).pk}/"
    reminders_periodic_task(timestamp=0)  # again the same day: nothing more
    assert [len(_reminders(p.user)) for p in peers] == [0, 1, 1]
    notices_deliver()  # e-mails follow the preferences
    reminded = [m for m in mail.outbox if "提醒" in m.subject + m.body]
    assert {m.to[0] for m in reminded} == {"peer12@example.com"}
    # not on a day that is not a reminder day; on the last day's eve; the day after
    assert survey_reminders_send(today=today + datetime.timedelta(days=1)) == 0
    assert survey_reminders_send(today=today + datetime.timedelta(days=2)) == 2
    assert survey_reminders_send(today=today + datetime.timedelta(days=2)) == 0
    assert survey_reminders_send(today=today + datetime.timedelta(days=4)) == 2
    late = Notice.objects.filter(recipient=peers[1].user, text__contains="未回答").get()
    assert "可重新开放" in late.text
    assert survey_reminders_send(today=today + datetime.timedelta(days=5)) == 0
    # a muted kind is not told
    preference_set(user=peers[1].user, email=True, muted=["survey"])
    survey_deadline_set(cycle=opened, actor=hr, due=today + datetime.timedelta(days=11))
    assert survey_reminders_send(today=today + datetime.timedelta(days=10)) == 2
    assert len(_reminders(peers[1].user)) == 2 and len(_reminders(peers[2].user)) == 3


def test_remind_now_from_the_progress_pages_names_no_anonymous_rater(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    first = appraisal_of(opened, company.clerks[0])
    second = appraisal_of(opened, company.clerks[1])
    rater_assign(appraisal=first, actor=hr, raters=[p.user for p in peers], role="peer")
    rater_assign(appraisal=second, actor=hr, raters=[peers[0].user], role="peer")
    services.rating_record(
        appraisal=first, actor=peers[1].user, item="内部控制管理", role="peer", value=4
    )
    manager = client_for(company.manager.user)
    page = manager.get(f"/surveys/cycles/{opened.pk}/", **ZH).content.decode()
    assert "4 人中 1 人已回答" in page and "3 人中 1 人已回答" in page
    for peer in peers:
        assert peer.name not in page and peer.user.username not in page
    assert "每类评价人" not in page  # the deadline form is HR's
    sent = manager.post(f"/surveys/cycles/{opened.pk}/", {"do": "remind"}, follow=True, **ZH)
    assert "已提醒 3 位评价人" in sent.content.decode()
    assert [len(_reminders(p.user)) for p in peers] == [1, 0, 1]
    (both,) = _reminders(peers[0].user)  # one notice for their two surveys
    assert "2 人" in both.text and both.url == "/surveys/"
    again = manager.post(f"/surveys/cycles/{opened.pk}/", {"do": "remind"}, follow=True, **ZH)
    assert "已提醒 0 位评价人" in again.content.decode()  # once a day
    # on one appraisal's raters page too; a clerk may not
    survey_deadline_set(cycle=opened, actor=hr, due=_today())
    assert (
        client_for(company.clerks[1].user).get(f"/surveys/cycles/{opened.pk}/").status_code == 404
    )
    answer = client_for(company.clerks[1].user).post(
        f"/surveys/appraisals/{first.pk}/", {"do": "remind"}
    )
    assert answer.status_code == 404
    hr_page = client_for(hr).get(f"/surveys/cycles/{opened.pk}/", **ZH).content.decode()
    assert "每类评价人" in hr_page and "同事" in hr_page  # the rater type, not a person


def test_the_progress_page_does_not_grow_with_the_cycle(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[peers[0].user], role="peer")
    client = client_for(hr)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/surveys/cycles/{opened.pk}/")
    for other in (company.clerks[1], company.manager):
        rater_assign(appraisal=appraisal_of(opened, other), actor=hr,
                     raters=[p.user for p in peers], role="peer")  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        client.get(f"/surveys/cycles/{opened.pk}/")
    assert len(large.captured_queries) == len(small.captured_queries)


# -- items per rater -------------------------------------------------------------------


def test_a_customer_rates_only_the_items_assigned(
    hr: Any, company: SimpleNamespace, opened: Cycle, customer: Any
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    url = f"/surveys/appraisals/{appraisal.pk}/"
    answer = client_for(company.manager.user).post(
        url, {"do": "assign", "role": "customer", "raters": "cust", "items": ["服务满意度"]}
    )
    assert answer.status_code == 302
    assignment = RaterAssignment.objects.get(appraisal=appraisal, rater=customer)
    assert assignment.items == ["服务满意度"]
    raters = client_for(company.manager.user).get(url, **ZH).content.decode()
    assert "只评 服务满意度" in raters
    client = client_for(customer)
    form = client.get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert "服务满意度" in form and "内部控制管理" not in form
    with translation.override("zh-hans"), pytest.raises(ServiceError) as refused:
        services.rating_record(
            appraisal=appraisal, actor=customer, item="内部控制管理", role="customer", value=4
        )
    assert "内部控制管理 不在这位评价人受邀评价的项目中" in str(refused.value)
    assert client.post(f"/surveys/{assignment.pk}/", {"item-服务满意度": "85"}).status_code == 302
    assert Rating.objects.get(appraisal=appraisal, role="customer").item == "服务满意度"
    # the manager widens the scope on the raters page: every item the type rates
    client_for(company.manager.user).post(
        url, {"do": "scope", "assignment": assignment.pk,
              "items": ["服务满意度", "内部控制管理"]},
    )  # fmt: skip
    assignment.refresh_from_db()
    assert assignment.items == []
    form = client.get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert "服务满意度" in form and "内部控制管理" in form
    # an item the type does not rate is refused in words, nothing changed
    sent = client_for(hr).post(
        url, {"do": "scope", "assignment": assignment.pk, "items": ["预算执行偏差率"]},
        follow=True, **ZH,
    )  # fmt: skip
    assert "预算执行偏差率" in sent.content.decode() and "不评" in sent.content.decode()
    assignment.refresh_from_db()
    assert assignment.items == []


def test_by_default_a_rater_rates_every_item_of_their_type(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    (assignment,) = rater_assign(appraisal=appraisal, actor=hr, raters=[peers[0].user], role="peer")
    assert assignment.items == []
    form = client_for(peers[0].user).get(f"/surveys/{assignment.pk}/", **ZH).content.decode()
    assert "服务满意度" in form and "内部控制管理" in form and "预算执行偏差率" not in form
    with pytest.raises(ServiceError):
        rater_assign(appraisal=appraisal, actor=hr, raters=[peers[1].user], role="peer",
                     items=["预算执行偏差率"])  # fmt: skip


def test_a_units_group_robot_hears_a_count_of_three_or_more_never_a_name(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    from jixiao.notices.models import RobotMessage, UnitRobot

    UnitRobot.objects.create(unit=company.finance, platform="wecom", url="https://example.com/w")
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers], role="peer")
    survey_deadline_set(cycle=opened, actor=hr, due=_today() + datetime.timedelta(days=1))
    assert survey_reminders_send() == 3
    (message,) = RobotMessage.objects.all()
    assert "3 人尚未回答" in message.text
    assert not any(p.name in message.text for p in peers)
    services.rating_record(
        appraisal=appraisal, actor=peers[0].user, item="内部控制管理", role="peer", value=4
    )
    survey_deadline_set(cycle=opened, actor=hr, due=_today() + datetime.timedelta(days=3))
    RaterAssignment.objects.update(reminded_on=None)
    assert survey_reminders_send() == 2
    assert RobotMessage.objects.count() == 1  # two could be pointed at: the group is not told


def test_a_rule_assigns_raters_for_some_items_only(
    hr: Any, company: SimpleNamespace, opened: Cycle, customer: Any
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    answer = client_for(hr).post(
        f"/surveys/appraisals/{appraisal.pk}/",
        {"do": "rule", "rule": "other_departments", "items": ["服务满意度"]},
    )
    assert answer.status_code == 302
    made = RaterAssignment.objects.filter(appraisal=appraisal, role="customer")
    assert customer.pk in {a.rater_id for a in made}
    assert all(a.items == ["服务满意度"] for a in made)
    # the same rule with an item customers do not rate: refused, nothing assigned
    other = appraisal_of(opened, company.clerks[1])
    sent = client_for(hr).post(
        f"/surveys/appraisals/{other.pk}/",
        {"do": "rule", "rule": "other_departments", "items": ["预算执行偏差率"]},
        follow=True,
        **ZH,
    )
    assert "客户评价人不评 预算执行偏差率" in sent.content.decode()
    assert not RaterAssignment.objects.filter(appraisal=other).exists()
