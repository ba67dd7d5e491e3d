"""Anonymity of 360 ratings (issue 16): the company's policy (least raters, HR seeing
names — audited), the aggregates, and the one trace filter every page, export and
API answer goes through (`jixiao.appraisals.anonymity`). The crawl that tries every
page, export and endpoint is test_anonymity_leaks.py."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.appraisals.access import (
    anonymity_policy,
    anonymous_aggregates,
    ratings_visible_to,
    sees_rater_names,
)
from jixiao.appraisals.anonymity import anonymous_trace, result_shown_to
from jixiao.appraisals.models import Result
from jixiao.appraisals.services.anonymity import anonymity_policy_set
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.portal_world import client_for
from tests.apps.test_anonymity_world import GIVEN, ITEM, World, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_policy_defaults_to_three_raters_and_no_names(hr: Any) -> None:
    policy = anonymity_policy()
    assert (policy.least_raters, policy.hr_sees_names) == (3, False)
    assert not sees_rater_names(hr)


def test_hr_sets_the_policy_on_its_page_audited_and_never_below_two(hr: Any, auditor: Any) -> None:
    page = client_for(hr).get("/hr/anonymity/", **ZH).content.decode()
    assert "360 评价的匿名" in page and 'value="3"' in page
    refused = client_for(hr).post("/hr/anonymity/", {"least_raters": "1"}, **ZH)
    assert refused.status_code == 400
    assert "至少 2 位" in refused.content.decode()
    assert anonymity_policy().least_raters == 3 and not AuditEvent.objects.exists()
    garbled = client_for(hr).post("/hr/anonymity/", {"least_raters": "三"}, **ZH)
    assert "不是整数" in garbled.content.decode()
    saved = client_for(hr).post(
        "/hr/anonymity/", {"least_raters": "4", "hr_sees_names": "on", "reason": "审计要求"}, **ZH
    )
    assert saved.status_code == 302
    policy = anonymity_policy()
    assert (policy.least_raters, policy.hr_sees_names) == (4, True)
    event = AuditEvent.objects.get(action="anonymity_policy.changed")
    assert event.before == {"least_raters": 3, "hr_sees_names": False}
    assert event.after == {"least_raters": 4, "hr_sees_names": True}
    assert event.reason == "审计要求" and event.actor == hr
    anonymity_policy_set(actor=hr, least_raters=4, hr_sees_names=True)  # unchanged
    assert AuditEvent.objects.filter(action="anonymity_policy.changed").count() == 1
    with pytest.raises(NotAllowed):
        anonymity_policy_set(actor=auditor, least_raters=5, hr_sees_names=False)
    assert client_for(auditor).post("/hr/anonymity/", {"least_raters": "5"}).status_code == 404
    with pytest.raises(ServiceError):
        anonymity_policy_set(actor=hr, least_raters=51, hr_sees_names=False)


def test_aggregates_follow_the_policys_least_raters(world: World) -> None:
    rows = {row["role"]: row for row in anonymous_aggregates(world.manager, world.appraisal)}
    assert rows["peer"]["shown"] and rows["peer"]["mean"] == pytest.approx(74.30, abs=0.01)
    assert rows["peer"]["comments"] == sorted(c for _n, _v, c in GIVEN["peer"])
    assert "low" not in rows["peer"]  # the lowest and highest are single answers
    external = rows["external"]
    assert (external["count"], external["shown"], external["mean"], external["comments"]) == (
        2,
        False,
        None,
        [],
    )
    anonymity_policy_set(actor=world.hr, least_raters=4, hr_sees_names=False)
    rows = {row["role"]: row for row in anonymous_aggregates(world.manager, world.appraisal)}
    assert not rows["peer"]["shown"] and rows["peer"]["mean"] is None
    anonymity_policy_set(actor=world.hr, least_raters=2, hr_sees_names=False)
    rows = {row["role"]: row for row in anonymous_aggregates(world.manager, world.appraisal)}
    assert rows["external"]["shown"] and rows["external"]["mean"] == pytest.approx(58.04)


def test_the_trace_shows_counts_and_the_mean_used_never_the_values(world: World) -> None:
    result = Result.objects.get(appraisal=world.appraisal)
    full = result.shown("en")["items"]
    (item,) = [entry for entry in full if entry["code"] == ITEM]
    assert "73.17" in item["trace"]  # the engine's trace lists every value
    for reader in (world.appraisee, world.manager, world.hr, world.auditor):
        for code in ("en", "zh"):
            shown = result_shown_to(reader, result, code)
            (mine,) = [entry for entry in shown["items"] if entry["code"] == ITEM]
            for value in world.single_values():
                assert value not in mine["trace"], (reader, code, mine["trace"])
            assert mine["score"] == item["score"]  # the engine's score, from every answer
    en = next(e for e in result_shown_to(world.manager, result, "en")["items"] if e["code"] == ITEM)
    assert "peer 3 ratings → mean 74.2967" in en["trace"]
    assert "external too few answers (2), not shown" in en["trace"]
    assert "58.04" not in en["trace"]
    zh = next(e for e in result_shown_to(world.manager, result, "zh")["items"] if e["code"] == ITEM)
    assert "3 份评分" in zh["trace"] and "回答太少" in zh["trace"]
    anonymity_policy_set(actor=world.hr, least_raters=3, hr_sees_names=True)
    hr = next(e for e in result_shown_to(world.hr, result, "en")["items"] if e["code"] == ITEM)
    assert hr["trace"] == item["trace"]  # the full trace, where the policy allows


def test_a_trace_not_read_as_expected_is_withheld_whole() -> None:
    said = anonymous_trace("peer 4, 9 → mean 6.5 → 6.5", {"peer": [4, 2]}, 3, "en")
    assert said == "Combined from anonymous ratings; the details are not shown."
    kept = anonymous_trace(
        "self 90; peer 5, 3, 2 → trimmed 2, mean 3 → 0.5 × 90 + 0.5 × 3 = 46.5",
        {"peer": [5, 3, 2]},
        3,
        "en",
    )
    assert kept == "self 90; peer 3 ratings → trimmed 2, mean 3 → 0.5 × 90 + 0.5 × 3 = 46.5"
    hidden = anonymous_trace(
        "self 90; peer 5, 3 → mean 4 → 0.5 × 90 + 0.5 × 4 = 47", {"peer": [5, 3]}, 3, "en"
    )
    assert hidden == "self 90; peer too few answers (2), not shown → 0.5 × 90 + 0.5 × … = 47"


def test_hr_reads_names_only_where_the_policy_allows_and_each_reading_is_audited(
    world: World,
) -> None:
    url = f"/appraisals/{world.appraisal.pk}/ratings/"
    peer = world.raters["peer"][0]
    page = client_for(world.hr).get(url, **ZH).content.decode()
    assert peer.name not in page and "73.17" not in page
    assert "74.3" in page  # the combined figure, as the managers read it
    assert not ratings_visible_to(world.hr).filter(role="peer").exists()
    assert not AuditEvent.objects.filter(action="appraisal.rater_names_viewed").exists()
    anonymity_policy_set(actor=world.hr, least_raters=3, hr_sees_names=True)
    page = client_for(world.hr).get(url, **ZH).content.decode()
    assert peer.name in page and "73.17" in page
    event = AuditEvent.objects.get(action="appraisal.rater_names_viewed")
    assert (event.actor, event.target_id) == (world.hr, str(world.appraisal.pk))
    assert event.after == {"ratings": 11, "where": url}
    log = client_for(world.hr).get("/hr/audit/", **ZH).content.decode()
    assert "读取了匿名评价人的姓名" in log
    client_for(world.manager).get(url)  # a manager never reads names: nothing written
    assert AuditEvent.objects.filter(action="appraisal.rater_names_viewed").count() == 1


def test_the_audit_log_hides_anonymous_answers_without_names(world: World) -> None:
    peer = world.raters["peer"][0]
    url = f"/hr/audit/?action=rating.recorded&actor={peer.user.username}"
    log = client_for(world.hr).get(url, **ZH).content.decode()
    assert "73.17" not in log and "内部控制管理" not in log
    supervisor = f"/hr/audit/?action=rating.recorded&actor={world.hr.username}"  # on paper
    assert "内部控制管理" in client_for(world.hr).get(supervisor, **ZH).content.decode()
    anonymity_policy_set(actor=world.hr, least_raters=3, hr_sees_names=True)
    log = client_for(world.hr).get(url, **ZH).content.decode()
    assert "73.17" in log


def test_the_admin_never_lists_anonymous_ratings_one_by_one(world: World) -> None:
    """Where HR may read names, it reads them on the ratings page (audited), not in the
    admin, whose lists would show them unaudited."""
    anonymity_policy_set(actor=world.hr, least_raters=3, hr_sees_names=True)
    peer = world.raters["peer"][0]
    admin = client_for(world.hr)
    ratings = admin.get("/admin/appraisals/rating/", **ZH).content.decode()
    appraisal = admin.get(
        f"/admin/appraisals/appraisal/{world.appraisal.pk}/change/", **ZH
    ).content.decode()
    for page in (ratings, appraisal):
        assert peer.name not in page and "73.17" not in page
    assert not AuditEvent.objects.filter(action="appraisal.rater_names_viewed").exists()
