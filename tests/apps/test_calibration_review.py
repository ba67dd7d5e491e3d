"""A calibration is a decision on top of the computed result (domain.md §2, ADR 0003):
every order of events between a calibration and the facts, each through the real
services. The finance group of `hr_setup.to_calibration`: 张敏 95 优秀 (1st),
李强 80 良好 and 王芳 80 良好 (2nd, tied)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.services import facts
from jixiao.appraisals.workflow import CycleState
from jixiao.core.errors import ServiceError
from jixiao.core.models import AuditEvent
from jixiao.hr import services as calibration
from jixiao.hr.models import CalibrationChange
from tests.apps.conftest import appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.apps.test_hr_pages import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def calibrating(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    return to_calibration(hr, company, open_cycle)


def result_of(cycle: Cycle, employee: Any) -> Result:
    return Result.objects.get(appraisal=appraisal_of(cycle, employee))


def violation(cycle: Cycle, employee: Any, actor: Any, day: int = 5) -> None:
    """The data owner records an event: 部门管理 loses 10 of its 25 % (−2.5 in all)."""
    facts.event_record(
        appraisal=appraisal_of(cycle, employee),
        actor=actor,
        item="部门管理",
        name="violation",
        occurred_on=datetime.date(2026, 10, day),
        description="未按流程审批付款",
        reason="内控检查发现",
    )


def test_calibrate_then_a_fact_keeps_the_calibration_and_publication_waits_for_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    calibration.result_calibrate(
        result=result_of(calibrating, wang), actor=hr, total=99, grade="优秀", reason="攻坚贡献"
    )
    violation(calibrating, wang, hr)

    result = result_of(calibrating, wang)
    assert (result.total, result.grade) == (99, "优秀")  # the committee's decision stays
    assert (result.data["total"], result.data["grade"], result.rank) == (77.5, "合格", 3)
    assert result.needs_review and "calibrated" in result.flags
    review = result.review()
    assert review is not None
    assert review.moved == [("total", 80, 77.5), ("grade", "良好", "合格"), ("rank", 2, 3)]
    assert review.facts == ["部门管理"]
    event = AuditEvent.objects.get(action="result.review_needed", target_id=str(result.pk))
    assert event.before == {"total": 80, "grade": "良好", "rank": 2}
    assert event.after["total"] == 77.5 and event.after["calibrated"] == {
        "total": 99,
        "grade": "优秀",
    }
    assert event.after["facts_changed"] == ["部门管理"] and event.reason == "内控检查发现"

    with pytest.raises(ServiceError, match="1 calibrated results await") as refused:
        calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    assert refused.value.details == ["王芳"]
    calibrating.refresh_from_db()
    assert calibrating.state == CycleState.CALIBRATION
    assert result_of(calibrating, wang).needs_review  # still marked after the refusal

    with pytest.raises(ServiceError, match="reason"):
        calibration.result_review_confirm(result=result, actor=hr, reason="  ")
    calibration.result_review_confirm(result=result, actor=hr, reason="违纪已另行处理,维持")
    confirmed = AuditEvent.objects.get(action="result.review_confirmed")
    assert confirmed.before["computed_then"] == {"total": 80, "grade": "良好", "rank": 2}
    assert confirmed.after["computed_then"] == {"total": 77.5, "grade": "合格", "rank": 3}
    assert confirmed.after["calibrated"] == {"total": 99, "grade": "优秀"}
    assert confirmed.before["needs_review"] and not confirmed.after["needs_review"]
    rows = CalibrationChange.objects.filter(result=result, kind="confirmed")
    assert {(row.field, row.after, row.computed) for row in rows} == {
        ("total", "99", "77.5"),
        ("grade", "优秀", "合格"),
    }

    calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result.refresh_from_db()
    assert (result.total, result.grade, result.frozen) == (99, "优秀", True)
    assert result.data["total"] == 77.5  # the trace still explains the computed number


def test_a_change_on_review_is_a_new_calibration_and_publishes_as_decided(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    result = result_of(calibrating, wang)
    calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="攻坚贡献")
    violation(calibrating, wang, hr)
    result.refresh_from_db()
    assert result.grade == "优秀" and result.total == 77.5 and result.needs_review
    with pytest.raises(ServiceError, match="confirm"):  # the same value: that is a confirmation
        calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="同上")
    calibration.result_calibrate(result=result, actor=hr, grade="良好", reason="违纪降一档")
    result.refresh_from_db()
    assert (result.grade, result.needs_review) == ("良好", False)
    changed = AuditEvent.objects.get(action="result.review_changed")
    assert changed.before["calibrated"] == {"grade": "优秀"}
    assert changed.after["calibrated"] == {"grade": "良好"}
    assert changed.reason == "违纪降一档"
    calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result.refresh_from_db()
    assert (result.total, result.grade) == (77.5, "良好")


def test_a_fact_then_a_calibration_needs_no_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    violation(calibrating, wang, hr)
    result = result_of(calibrating, wang)
    assert (result.total, result.grade) == (77.5, "合格")
    calibration.result_calibrate(result=result, actor=hr, total=85, grade="良好", reason="复核")
    result.refresh_from_db()
    assert not result.needs_review
    assert result.calibrated == {"total": 85, "grade": "良好"}
    calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result.refresh_from_db()
    assert (result.total, result.grade, result.data["total"]) == (85, "良好", 77.5)
    assert not AuditEvent.objects.filter(action="result.review_needed").exists()


def test_another_persons_fact_that_moves_the_ranks_puts_the_calibration_up_for_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    li, wang = company.clerks
    result = result_of(calibrating, wang)
    calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="跨部门项目")
    violation(calibrating, company.manager, hr)  # 张敏 95 → 92.5: nobody's rank moves
    result.refresh_from_db()
    assert not result.needs_review and result.rank == 2

    facts.fact_record(  # 李强 80 → 90: 王芳 falls from 2nd to 3rd
        appraisal=appraisal_of(calibrating, li),
        actor=hr,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=1000000,
        reason="财务部更正",
    )
    result.refresh_from_db()
    assert (result.total, result.grade) == (80, "优秀")  # the calibrated grade stays
    assert result.rank == result.data["rank"] == 3  # the rank is the engine's
    assert result.needs_review
    review = result.review()
    assert review is not None and review.moved == [("rank", 2, 3)] and review.facts == []
    assert not result_of(calibrating, li).needs_review  # not calibrated: nothing to review
    with pytest.raises(ServiceError, match="await"):
        calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    calibration.result_review_confirm(result=result, actor=hr, reason="名次变化不影响等级")
    calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result.refresh_from_db()
    assert (result.grade, result.rank, result.frozen) == ("优秀", 3, True)


def test_an_upheld_appeal_puts_the_appellants_calibration_up_for_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    li, wang = company.clerks
    own = result_of(calibrating, li)
    calibration.result_calibrate(result=own, actor=hr, total=82, reason="委员会议定")
    colleague = result_of(calibrating, wang)
    calibration.result_calibrate(result=colleague, actor=hr, grade="优秀", reason="跨部门项目")
    calibration.cycle_publish_calibrated(cycle=calibrating, actor=hr)

    appraisal = appraisal_of(calibrating, li)
    appeal = services.appeal_file(
        appraisal=appraisal, actor=li.user, item="预算执行偏差率", reason="口径有误"
    )
    services.appeal_accept(appeal=appeal, actor=hr)
    services.appeal_correct_fact(appeal=appeal, actor=hr, kind="input", key="actual", value=1000000)
    services.appeal_answer(appeal=appeal, actor=hr, upheld=True, answer="经核实,评分调整")

    own.refresh_from_db()
    assert own.total == 82 and own.data["total"] == 90  # the decision stays until re-decided
    assert own.needs_review and own.review() is not None
    colleague.refresh_from_db()  # the others' calibrations stay, their reviews too
    assert (colleague.grade, colleague.rank, colleague.needs_review) == ("优秀", 3, True)
    corrected = AuditEvent.objects.get(action="result.corrected", target_id=str(own.pk))
    assert corrected.before["computed"]["total"] == 80
    assert corrected.after["computed"]["total"] == 90 and corrected.after["total"] == 82

    with pytest.raises(ServiceError, match="2 calibrated results await"):
        services.cycle_close(cycle=calibrating, actor=hr)
    with pytest.raises(ServiceError, match="does not await"):
        calibration.result_review_confirm(
            result=result_of(calibrating, company.manager), actor=hr, reason="x"
        )
    with pytest.raises(ServiceError, match="frozen"):  # not under review: stays frozen
        calibration.result_calibrate(
            result=result_of(calibrating, company.manager), actor=hr, total=50, reason="x"
        )
    calibration.result_calibrate(result=own, actor=hr, total=90, reason="申诉成立,按更正后计")
    calibration.result_review_confirm(result=colleague, actor=hr, reason="等级维持")
    own.refresh_from_db()
    assert (own.total, own.needs_review, own.frozen) == (90, False, True)
    services.cycle_close(cycle=calibrating, actor=hr)


def test_the_calibration_and_progress_pages_show_what_awaits_review(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    result = result_of(calibrating, wang)
    client = signed_in(hr)
    client.post(
        f"/hr/cycles/{calibrating.pk}/calibration/{result.pk}/",
        {"total": "99", "grade": "优秀", "reason": "攻坚贡献"},
    )
    violation(calibrating, wang, hr)

    progress = client.get(f"/hr/cycles/{calibrating.pk}/").content.decode()
    assert 'id="awaiting-review"' in progress
    assert '<span class="badge warn">1</span> calibrated result awaits the committee' in progress
    page = client.get(f"/hr/cycles/{calibrating.pk}/calibration/").content.decode()
    assert 'id="awaiting-review"' in page and f'flag=review#result-{result.pk}">王芳' in page
    assert f'data-review="{result.pk}"' in page
    assert "<s>80</s> → <strong>77.5</strong>" in page  # the computed total, before → after
    assert "<s>2</s> → <strong>3</strong>" in page  # the computed rank
    assert "facts changed: 部门管理" in page
    assert f"/calibration/{result.pk}/confirm/" in page

    moved = client.post(f"/hr/cycles/{calibrating.pk}/move/", {"to": "published"})
    assert moved.status_code == 302
    calibrating.refresh_from_db()
    assert calibrating.state == CycleState.CALIBRATION  # refused: one awaits review
    refusal = client.get(f"/hr/cycles/{calibrating.pk}/").content.decode()
    assert "await the committee" in refusal and "王芳" in refusal

    assert (
        client.post(
            f"/hr/cycles/{calibrating.pk}/calibration/{result.pk}/confirm/", {"reason": ""}
        ).status_code
        == 302
    )
    result.refresh_from_db()
    assert result.needs_review  # no reason, no confirmation
    client.post(f"/hr/cycles/{calibrating.pk}/calibration/{result.pk}/confirm/", {"reason": "维持"})
    result.refresh_from_db()
    assert not result.needs_review
    page = client.get(f"/hr/cycles/{calibrating.pk}/calibration/").content.decode()
    assert 'id="awaiting-review"' not in page and "confirmed on review" in page
    client.post(f"/hr/cycles/{calibrating.pk}/move/", {"to": "published"})
    calibrating.refresh_from_db()
    assert calibrating.state == CycleState.PUBLISHED
    result.refresh_from_db()
    assert (result.total, result.grade) == (99, "优秀")


def test_a_committee_member_confirms_but_others_cannot(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    wang = company.clerks[1]
    result = result_of(calibrating, wang)
    calibration.result_calibrate(result=result, actor=hr, grade="优秀", reason="攻坚贡献")
    violation(calibrating, wang, hr)
    url = f"/hr/cycles/{calibrating.pk}/calibration/{result.pk}/confirm/"
    assert signed_in(company.manager.user).post(url, {"reason": "x"}).status_code == 404
    services.cycle_set_committee(cycle=calibrating, actor=hr, members=[company.boss.user])
    signed_in(company.boss.user).post(url, {"reason": "委员会维持"})
    result.refresh_from_db()
    assert not result.needs_review
    assert AuditEvent.objects.get(action="result.review_confirmed").actor == company.boss.user


def test_the_migration_carries_earlier_calibrations_onto_their_results(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    """Calibrations made before this change live only in `CalibrationChange`; one a
    recompute had overwritten (the defect) gets its value back and awaits review."""
    import importlib

    from django.apps import apps

    wang, li = company.clerks[1], company.clerks[0]
    calibration.result_calibrate(
        result=result_of(calibrating, wang), actor=hr, total=99, grade="优秀", reason="攻坚"
    )
    calibration.result_calibrate(
        result=result_of(calibrating, li), actor=hr, grade="优秀", reason="项目"
    )
    # as the old code left them: no decision on the result, 王芳's overwritten
    Result.objects.filter(appraisal__cycle=calibrating).update(
        calibrated={}, calibrated_on={}, needs_review=False
    )
    Result.objects.filter(appraisal=appraisal_of(calibrating, wang)).update(
        total=77.5, grade="合格"
    )
    migration = importlib.import_module("jixiao.hr.migrations.0003_calibrations_on_results")
    migration.forwards(apps, None)

    overwritten, kept = result_of(calibrating, wang), result_of(calibrating, li)
    assert overwritten.calibrated == {"total": 99.0, "grade": "优秀"}
    assert (overwritten.total, overwritten.grade, overwritten.needs_review) == (99, "优秀", True)
    assert kept.calibrated == {"grade": "优秀"} and not kept.needs_review
    assert kept.calibrated_on["facts_digest"] == kept.facts_digest
    assert not result_of(calibrating, company.manager).calibrated


def test_an_import_that_recomputes_once_marks_the_review_once(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    """Facts recorded in bulk (an import: `recompute_once`) take the same way."""
    from jixiao.appraisals.services.results import recompute_once

    li, wang = company.clerks
    result = result_of(calibrating, wang)
    calibration.result_calibrate(result=result, actor=hr, total=99, reason="攻坚贡献")
    with recompute_once(actor=hr, reason="导入 10 月数据"):
        violation(calibrating, wang, hr, day=5)
        violation(calibrating, wang, hr, day=6)
        violation(calibrating, li, hr, day=7)
    result.refresh_from_db()
    assert (result.total, result.data["total"], result.needs_review) == (99, 75, True)
    event = AuditEvent.objects.get(action="result.review_needed")
    assert event.reason == "导入 10 月数据" and event.after["facts_changed"] == ["部门管理"]


def test_the_api_shows_the_calibration_and_its_publication_waits(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    from tests.apps.api.conftest import assert_error, personal

    wang = company.clerks[1]
    result = result_of(calibrating, wang)
    calibration.result_calibrate(result=result, actor=hr, total=99, grade="优秀", reason="攻坚")
    violation(calibrating, wang, hr)
    api = personal(hr)
    shown = api.get(f"/appraisals/{result.appraisal_id}/result").json_body
    assert (shown["total"], shown["grade"], shown["data"]["total"]) == (99, "优秀", 77.5)
    error = assert_error(
        api.post(f"/cycles/{calibrating.code}/transition", {"to": "published"}), 422, "refused"
    )
    assert "await the committee's review" in error["message"] and error["details"] == ["王芳"]
