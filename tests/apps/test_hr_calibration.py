"""Calibration, publication with it, the outcomes export and the audit log."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Cycle, Result
from jixiao.appraisals.services import cycle_set_committee, fact_record
from jixiao.appraisals.workflow import CycleState
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from jixiao.hr.models import CalibrationChange
from jixiao.hr.selectors import calibration_groups, group_members, group_results
from jixiao.hr.services import cycle_publish_calibrated, result_calibrate, result_review_confirm
from tests.apps.conftest import appraisal_of
from tests.apps.hr_setup import to_calibration
from tests.apps.test_hr_pages import signed_in
from tests.apps.test_jobs_exports import exported_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def calibrating(hr: Any, company: SimpleNamespace, open_cycle: Cycle) -> Cycle:
    return to_calibration(hr, company, open_cycle)


def result_of(cycle: Cycle, employee: Any) -> Result:
    return Result.objects.get(appraisal=appraisal_of(cycle, employee))


def test_a_grade_change_keeps_before_after_and_reason(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[0])
    before = result.grade
    result_calibrate(result=result, actor=hr, grade="优秀", reason="季度攻坚贡献突出")
    result.refresh_from_db()
    assert result.grade == "优秀" and "calibrated" in result.flags
    change = CalibrationChange.objects.get(result=result)
    assert (change.field, change.before, change.after) == ("grade", before, "优秀")
    event = AuditEvent.objects.get(action="result.calibrated")
    assert event.before == {"grade": before} and event.reason == "季度攻坚贡献突出"


def test_a_calibration_needs_a_reason_and_the_right_person(
    hr: Any, auditor: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[0])
    with pytest.raises(ServiceError, match="reason"):
        result_calibrate(result=result, actor=hr, grade="优秀", reason=" ")
    with pytest.raises(NotAllowed):
        result_calibrate(result=result, actor=auditor, grade="优秀", reason="x")
    with pytest.raises(NotAllowed):
        result_calibrate(result=result, actor=company.manager.user, grade="优秀", reason="x")
    boss = company.boss.user
    cycle_set_committee(cycle=calibrating, actor=hr, members=[boss])
    result_calibrate(result=result, actor=boss, total=95.0, reason="委员会决定")
    assert result_of(calibrating, company.clerks[0]).total == 95.0


def test_calibration_only_in_the_calibration_stage(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    from tests.apps.conftest import record_full_facts

    record_full_facts(open_cycle, company.clerks[0], hr, actual=1000000, rating=4)
    result = result_of(open_cycle, company.clerks[0])
    with pytest.raises(ServiceError, match="calibration"):
        result_calibrate(result=result, actor=hr, grade="优秀", reason="x")


def test_publication_keeps_the_calibrated_values_even_after_a_recompute(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    """The recompute never replaces the calibration; publication waits for the
    committee's review of it (every order: tests/apps/test_calibration_review.py)."""
    result = result_of(calibrating, company.clerks[1])
    result_calibrate(result=result, actor=hr, total=88.0, grade="良好", reason="复核数据")
    appraisal = appraisal_of(calibrating, company.clerks[1])
    fact_record(  # a late correction recomputes the group
        appraisal=appraisal,
        actor=hr,
        kind="input",
        item="预算执行偏差率",
        key="actual",
        value=910000,
        reason="财务部更正",
    )
    result.refresh_from_db()
    assert (result.total, result.grade, result.needs_review) == (88.0, "良好", True)
    with pytest.raises(ServiceError, match="await the committee's review"):
        cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result_review_confirm(result=result, actor=hr, reason="更正不影响委员会结论")
    cycle_publish_calibrated(cycle=calibrating, actor=hr)
    result.refresh_from_db()
    assert (result.total, result.grade) == (88.0, "良好")
    assert result.frozen


def test_the_calibration_page_shows_groups_chart_and_changes(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[0])
    client = signed_in(hr)
    page = client.post(
        f"/hr/cycles/{calibrating.pk}/calibration/{result.pk}/",
        {"grade": "优秀", "reason": "季度攻坚贡献突出", "total": ""},
    )
    assert page.status_code == 302
    text = client.get(f"/hr/cycles/{calibrating.pk}/calibration/").content.decode()
    assert "chart.umd.min.js" in text and 'id="chart-0-data"' in text
    assert "季度攻坚贡献突出" in text and "<strong>优秀</strong>" in text
    assert 'data-flag="moved">grade differs from its band' in text


def test_committee_members_see_their_cycles_calibration_only(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    boss, manager = company.boss.user, company.manager.user
    url = f"/hr/cycles/{calibrating.pk}/calibration/"
    assert signed_in(boss).get(url).status_code == 404
    signed_in(hr).post(f"/hr/cycles/{calibrating.pk}/committee/", {"members": [boss.pk]})
    assert list(calibrating.committee.all()) == [boss]
    assert signed_in(boss).get(url).status_code == 200
    assert signed_in(boss).get(f"/hr/cycles/{calibrating.pk}/").status_code == 404
    assert signed_in(manager).get(url).status_code == 404
    assert signed_in(manager).get("/hr/cycles/999999/calibration/").status_code == 404


def test_outliers_ties_and_band_grades_are_flagged(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    result = result_of(calibrating, company.clerks[0])
    result_calibrate(result=result, actor=hr, grade="差", reason="违反制度")
    groups = calibration_groups(calibrating)
    assert len(groups) == 1
    members = group_members(groups[0], group_results(calibrating, groups[0]))
    flagged = {m.result.pk: m.outlier for m in members}
    assert flagged[result.pk] == ["moved"]  # 差 is a band grade: the difference means something
    assert sum(groups[0].counts) == 3
    moved = group_results(calibrating, groups[0], flag="moved")
    assert [r.pk for r in moved] == [result.pk]  # the filter agrees with the flag


def test_publish_through_the_page_then_export_outcomes(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    client = signed_in(hr)
    client.post(f"/hr/cycles/{calibrating.pk}/move/", {"to": "published"})
    calibrating.refresh_from_db()
    assert calibrating.state == CycleState.PUBLISHED
    client.post(f"/hr/cycles/{calibrating.pk}/move/", {"to": "closed"})
    calibrating.refresh_from_db()
    assert calibrating.state == CycleState.CLOSED
    rows = exported_csv(client, calibrating)  # a job; its file is text/csv
    assert len(rows) == 4
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {"1001", "1002", "1003"}


def test_the_export_neutralises_formulas() -> None:
    from jixiao.hr.exports import safe_cell

    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("王芳") == "王芳"
    assert safe_cell(-3) == -3


def test_the_audit_log_filters(hr: Any, company: SimpleNamespace, calibrating: Cycle) -> None:
    client = signed_in(hr)

    def rows(page: Any) -> str:
        text = page.content.decode()
        return text[text.index("<tbody>") : text.index("</tbody>")]

    everything = rows(client.get("/hr/audit/"))
    assert "cycle opened" in everything
    only = rows(client.get("/hr/audit/", {"action": "cycle.moved"}))
    assert "cycle moved on" in only and "cycle opened" not in only
    nobody = rows(client.get("/hr/audit/", {"actor": "no-such-person"}))
    assert "cycle opened" not in nobody
    partial = client.get(
        "/hr/audit/", {"target": "2026年10月考核", "action": "cycle.opened"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "cycle opened" in partial
    # an action that is not on the list is left out; the other filters still apply
    unknown = rows(client.get("/hr/audit/", {"action": "cycle", "actor": "no-such-person"}))
    assert "cycle opened" not in unknown
    dated = rows(client.get("/hr/audit/", {"since": "2000-01-01", "until": "2000-01-02"}))
    assert "cycle opened" not in dated


def test_the_appraisee_sees_the_calibrated_total_and_what_was_computed(
    hr: Any, company: SimpleNamespace, calibrating: Cycle
) -> None:
    clerk = company.clerks[1]
    result = result_of(calibrating, clerk)
    computed = result.data["total"]
    result_calibrate(result=result, actor=hr, total=88.0, grade="良好", reason="复核数据")
    cycle_publish_calibrated(cycle=calibrating, actor=hr)
    appraisal = appraisal_of(calibrating, clerk)
    page = signed_in(clerk.user).get(f"/appraisals/{appraisal.pk}/result/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<dd class="total">88 ' in text
    assert f"calibrated; computed {computed}" in text
