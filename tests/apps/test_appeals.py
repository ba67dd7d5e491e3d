"""Appeals: filed by the appraisee in the window, decided within 3 working days and
answered within 10 (Chinese calendar), overdue flagged, an upheld appeal corrects
facts through the audit trail and recomputes the published result."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.appraisals import services
from jixiao.appraisals.models import Appeal, Cycle, Result
from jixiao.appraisals.workflow import AppealState, AppraisalState
from jixiao.core.errors import InvalidTransition, NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for, publish

pytestmark = pytest.mark.django_db
SEPT_30 = datetime.date(2026, 9, 30)


@pytest.fixture
def published(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Any:
    return publish(open_cycle, hr, company)


def _file_on(day: datetime.date, appraisal: Any, actor: Any, **kwargs: Any) -> Appeal:
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        appraisal.cycle.appeal_deadline = None
        return services.appeal_file(appraisal=appraisal, actor=actor, **kwargs)


def test_deadlines_follow_the_chinese_calendar(published: Any, company: SimpleNamespace) -> None:
    Cycle.objects.filter(pk=published.cycle_id).update(appeal_deadline=None)
    appeal = _file_on(
        SEPT_30,
        published,
        company.clerks[0].user,
        item="内部控制管理",
        reason="上级评分与事实不符",
        evidence=SimpleUploadedFile("邮件.txt", b"mail"),
    )
    assert appeal.decide_by == datetime.date(2026, 10, 10)  # the adjusted working Saturday
    assert appeal.answer_by == datetime.date(2026, 10, 20)
    assert appeal.evidence.name
    published.refresh_from_db()
    assert published.state == AppraisalState.APPEALED
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 10, 10)):
        assert not appeal.overdue
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 10, 12)):
        assert appeal.overdue


def test_only_the_appraisee_appeals_within_the_window(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    with pytest.raises(NotAllowed):
        services.appeal_file(appraisal=published, actor=company.manager.user, reason="x")
    with pytest.raises(ServiceError, match="reason"):
        services.appeal_file(appraisal=published, actor=company.clerks[0].user, reason=" ")
    late = published.cycle.appeal_deadline + datetime.timedelta(days=1)
    with (
        mock.patch("django.utils.timezone.localdate", return_value=late),
        pytest.raises(ServiceError, match="window"),
    ):
        services.appeal_file(appraisal=published, actor=company.clerks[0].user, reason="迟了")


def test_a_rejection_needs_a_reason_and_the_result_stands(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    appeal = services.appeal_file(appraisal=published, actor=company.clerks[0].user, reason="不服")
    with pytest.raises(ServiceError):
        services.appeal_reject(appeal=appeal, actor=hr, reason="")
    with pytest.raises(NotAllowed):
        services.appeal_accept(appeal=appeal, actor=company.manager.user)
    services.appeal_reject(appeal=appeal, actor=hr, reason="无事实依据")
    appeal.refresh_from_db()
    published.refresh_from_db()
    assert appeal.state == AppealState.REJECTED
    assert published.state == AppraisalState.PUBLISHED
    with pytest.raises(InvalidTransition):
        services.appeal_answer(appeal=appeal, actor=hr, upheld=True, answer="x")


def test_an_upheld_appeal_corrects_the_facts_and_recomputes_the_published_result(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    result = Result.objects.get(appraisal=published)
    total_before = result.total
    frozen_at = result.frozen_at
    appeal = services.appeal_file(
        appraisal=published,
        actor=company.clerks[0].user,
        item="预算执行偏差率",
        reason="实际支出按已冲销金额计算有误",
    )
    services.appeal_accept(appeal=appeal, actor=hr)
    services.appeal_correct_fact(appeal=appeal, actor=hr, kind="input", key="actual", value=1000000)
    assert Result.objects.get(appraisal=published).total == total_before  # not yet
    services.appeal_answer(appeal=appeal, actor=hr, upheld=True, answer="经核实,评分调整")
    result.refresh_from_db()
    assert result.total > total_before
    assert result.frozen_at == frozen_at  # still published
    corrected = AuditEvent.objects.get(action="result.corrected", target_id=str(result.pk))
    assert corrected.before["total"] == total_before
    assert f"#{appeal.pk}" in corrected.reason
    assert corrected.context == {"appeal": appeal.pk}  # found by id, not by its words
    assert AuditEvent.objects.filter(action="fact.changed", reason__contains="冲销")
    published.refresh_from_db()
    assert published.state == AppraisalState.PUBLISHED


def test_the_committee_decides_appeals_of_its_cycle(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    member = company.boss.user
    services.cycle_set_committee(cycle=published.cycle, actor=hr, members=[member])
    appeal = services.appeal_file(appraisal=published, actor=company.clerks[0].user, reason="x")
    services.appeal_accept(appeal=appeal, actor=member)
    with pytest.raises(NotAllowed):  # correcting facts is HR's
        services.appeal_correct_fact(appeal=appeal, actor=member, kind="score", value=1)
    services.appeal_answer(appeal=appeal, actor=member, upheld=False, answer="维持原结果")
    assert Appeal.objects.get(pk=appeal.pk).upheld is False


def test_hr_pages_list_overdue_appeals_and_answer_them(
    hr: Any, published: Any, company: SimpleNamespace
) -> None:
    appeal = _file_on(SEPT_30, published, company.clerks[0].user, reason="考勤有误")
    client = client_for(hr)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 10, 13)):
        page = client.get("/appeals/")
    assert page.status_code == 200
    assert "overdue" in page.content.decode() or "逾期" in page.content.decode()
    partial = client.post(
        f"/appeals/{appeal.pk}/", {"action": "accept", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200
    assert b'id="appeal"' in partial.content and b"<html" not in partial.content
    client.post(f"/appeals/{appeal.pk}/", {"action": "answer", "upheld": "0", "answer": "维持"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ANSWERED and appeal.upheld is False


@pytest.mark.django_db(transaction=True)  # the evidence file is written on commit
def test_the_employee_files_from_the_result_page(
    published: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    client = client_for(company.clerks[0].user)
    page = client.get(f"/appraisals/{published.pk}/result/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "内部控制管理" in content and "history-data" in content and "section-data" in content
    response = client.post(
        f"/appraisals/{published.pk}/appeal/",
        {
            "item": "部门管理",
            "reason": "违纪记录有误",
            "evidence": SimpleUploadedFile("a.txt", b"x"),
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.item == "部门管理"
    assert client.get(f"/appeals/{appeal.pk}/evidence/").status_code == 200
    colleague = client_for(company.clerks[1].user)
    assert colleague.get(f"/appeals/{appeal.pk}/evidence/").status_code == 404
    assert appraisal_of(open_cycle, company.clerks[0]).state == AppraisalState.APPEALED


def test_an_upheld_appeal_keeps_the_calibrations_of_the_others(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    """李强's corrected figure moves 王芳 down a rank; the committee's grade for her
    stays in force, with its flag; 李强's own calibration stays too, for HR to review
    against the corrected values."""
    from jixiao.hr.services import cycle_publish_calibrated, result_calibrate
    from tests.apps.hr_setup import to_calibration

    cycle = to_calibration(hr, company, open_cycle)
    appellant = appraisal_of(cycle, company.clerks[0])
    colleague = Result.objects.get(appraisal=appraisal_of(cycle, company.clerks[1]))
    assert (colleague.total, colleague.grade, colleague.rank) == (80, "良好", 2)
    result_calibrate(result=colleague, actor=hr, grade="优秀", reason="跨部门项目贡献突出")
    own = Result.objects.get(appraisal=appellant)
    result_calibrate(result=own, actor=hr, total=82, reason="委员会议定")
    cycle_publish_calibrated(cycle=cycle, actor=hr)

    appeal = services.appeal_file(
        appraisal=appellant, actor=company.clerks[0].user, item="预算执行偏差率", reason="口径有误"
    )
    services.appeal_accept(appeal=appeal, actor=hr)
    services.appeal_correct_fact(appeal=appeal, actor=hr, kind="input", key="actual", value=1000000)
    services.appeal_answer(appeal=appeal, actor=hr, upheld=True, answer="经核实,评分调整")

    colleague.refresh_from_db()
    assert colleague.rank == 3 and colleague.data["rank"] == 3  # the engine's new rank
    assert colleague.grade == "优秀" and "calibrated" in colleague.flags  # still calibrated
    assert colleague.total == 80
    own.refresh_from_db()  # the appellant's own calibration awaits HR's review (ADR 0003)
    assert (own.total, own.data["total"], own.needs_review) == (82, 90, True)
    corrected = AuditEvent.objects.get(action="result.corrected", target_id=str(own.pk))
    assert (corrected.before["computed"]["total"], corrected.after["computed"]["total"]) == (80, 90)
