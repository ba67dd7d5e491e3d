"""Appeals through the API: the appraisee files, HR (or the committee) decides;
everyone else is refused or told the appeal does not exist."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jixiao.appraisals.models import Appeal, Cycle
from tests.apps.api.conftest import assert_error
from tests.apps.conftest import appraisal_of

pytestmark = pytest.mark.django_db


def test_the_appraisee_files_and_hr_answers(
    apis: SimpleNamespace,
    published: Cycle,
    company: SimpleNamespace,
) -> None:
    mine = appraisal_of(published, company.clerks[0]).pk
    filed = apis.clerk.post(
        "/appeals", {"appraisal": mine, "item": "内部控制管理", "reason": "评级有误"}
    )
    assert filed.status_code == 201, filed.content
    appeal = filed.json()
    assert (appeal["state"], appeal["appraisee"]) == ("received", "1002")
    assert [a["id"] for a in apis.clerk.get("/appeals").json()["items"]] == [appeal["id"]]
    assert apis.hr.get("/appeals", state="received").json()["count"] == 1
    assert apis.committee.get(f"/appeals/{appeal['id']}").status_code == 200
    accepted = apis.hr.post(f"/appeals/{appeal['id']}/decision", {"decision": "accept"})
    assert accepted.json()["state"] == "accepted"
    answered = apis.hr.post(
        f"/appeals/{appeal['id']}/decision",
        {"decision": "answer", "upheld": False, "answer": "评级有据可查"},
    )
    assert answered.status_code == 200, answered.content
    assert (answered.json()["state"], answered.json()["upheld"]) == ("answered", False)


def test_appeals_refuse_whoever_may_not(
    apis: SimpleNamespace,
    published: Cycle,
    company: SimpleNamespace,
) -> None:
    mine = appraisal_of(published, company.clerks[0]).pk
    body = {"appraisal": mine, "reason": "不服"}
    assert_error(apis.other_clerk.post("/appeals", body), 404, "not_found")  # not theirs
    assert_error(apis.manager.post("/appeals", body), 403, "forbidden")  # sees it, not theirs
    assert_error(apis.finance_system.post("/appeals", body), 403, "forbidden")
    assert_error(apis.clerk.post("/appeals", {**body, "reason": " "}), 422, "refused")
    appeal = apis.clerk.post("/appeals", body).json()["id"]
    assert_error(apis.clerk.post("/appeals", body), 422, "refused")  # one open appeal per item
    assert_error(apis.manager.get(f"/appeals/{appeal}"), 404, "not_found")
    assert_error(apis.other_clerk.get(f"/appeals/{appeal}"), 404, "not_found")
    assert apis.finance_system.get("/appeals").json()["count"] == 0
    assert_error(
        apis.clerk.post(f"/appeals/{appeal}/decision", {"decision": "accept"}), 403, "forbidden"
    )
    assert_error(
        apis.hr.post(f"/appeals/{appeal}/decision", {"decision": "reject"}), 422, "refused"
    )
    assert_error(apis.hr.post(f"/appeals/{appeal}/decision", {"decision": "x"}), 422, "refused")
    assert_error(
        apis.hr.post(f"/appeals/{appeal}/decision", {"decision": "answer", "answer": "x"}),
        422,
        "refused",
    )
    rejected = apis.committee.post(
        f"/appeals/{appeal}/decision", {"decision": "reject", "reason": "无事实依据"}
    )
    assert rejected.json()["state"] == "rejected"
    assert Appeal.objects.get().decision_reason == "无事实依据"


def test_no_appeal_before_publication(
    apis: SimpleNamespace, open_cycle: Cycle, company: SimpleNamespace
) -> None:
    mine = appraisal_of(open_cycle, company.clerks[0]).pk
    assert_error(apis.clerk.post("/appeals", {"appraisal": mine, "reason": "x"}), 422, "refused")
    assert_error(apis.hr.get("/appeals/999"), 404, "not_found")
