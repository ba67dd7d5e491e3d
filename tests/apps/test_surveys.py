"""360 surveys (issue 16): raters are assigned by HR or the manager — one by one or
by a rule — or proposed by the appraisee and approved; only assigned raters rate in
those roles; each is invited; the rater's phone form saves every item at once
through the fact pipeline; the manager follows progress without learning who of
the anonymous raters has answered."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import AssignmentState, Cycle, RaterAssignment, Rating, Result
from jixiao.appraisals.services.raters import (
    assignable_roles,
    rater_assign,
    rater_propose,
    raters_by_rule,
)
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.notices.models import Notice
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME, appraisal_of
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db

RATERS = "{weights: {self: 27, supervisor: 47, peer: 26, subordinate: 0}, trim: {peer: 1}}"


@pytest.fixture
def opened(hr: Any, draft_cycle: Cycle) -> Cycle:
    scheme_save(actor=hr, text=SCHEME.replace("{final: [supervisor]}", RATERS))
    return services.cycle_open(cycle=draft_cycle, actor=hr)


@pytest.fixture
def peers(company: SimpleNamespace) -> list[Any]:
    """Three more accountants in finance, with logins."""
    return [
        EmployeeFactory(number=f"10{n}", name=f"同事{n}", unit=company.finance,
                        supervisor=company.manager, user=UserFactory(username=f"peer{n}"))
        for n in (11, 12, 13)
    ]  # fmt: skip


def test_the_roles_to_assign_come_from_the_form(company: SimpleNamespace, opened: Cycle) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    assert assignable_roles(appraisal) == ["peer", "subordinate"]


def test_only_assigned_peers_rate_and_they_are_invited(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    first = peers[0].user
    record = dict(appraisal=appraisal, actor=first, item="内部控制管理", role="peer", value=4)
    with pytest.raises(NotAllowed):  # a colleague, but not assigned
        services.rating_record(**record)
    rater_assign(appraisal=appraisal, actor=company.manager.user, raters=[first], role="peer")
    notice = Notice.objects.get(recipient=first, kind="survey")
    assert notice.url == f"/surveys/{RaterAssignment.objects.get(rater=first).pk}/"
    assert services.rating_record(**record).rater == first
    with pytest.raises(NotAllowed):  # a clerk does not assign
        rater_assign(appraisal=appraisal, actor=company.clerks[1].user, raters=[first], role="peer")
    with pytest.raises(ServiceError):  # a role the form does not have
        rater_assign(appraisal=appraisal, actor=hr, raters=[first], role="customer")
    with pytest.raises(ServiceError):  # not oneself
        rater_assign(appraisal=appraisal, actor=hr, raters=[company.clerks[0].user], role="peer")


def test_rules_same_unit_random_and_subordinates(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    clerk = appraisal_of(opened, company.clerks[0])
    made = raters_by_rule(appraisals=[clerk], actor=hr, rule="same_unit")
    expected = {company.manager.user.pk, company.clerks[1].user.pk, *(p.user.pk for p in peers)}
    assert made == 5
    assert (
        set(RaterAssignment.objects.filter(appraisal=clerk).values_list("rater", flat=True))
        == expected
    )
    other = appraisal_of(opened, company.clerks[1])
    raters_by_rule(appraisals=[other], actor=hr, rule="random", count=2, seed=7)
    chosen = set(RaterAssignment.objects.filter(appraisal=other).values_list("rater", flat=True))
    RaterAssignment.objects.filter(appraisal=other).delete()
    raters_by_rule(appraisals=[other], actor=hr, rule="random", count=2, seed=7)
    again = set(RaterAssignment.objects.filter(appraisal=other).values_list("rater", flat=True))
    assert len(chosen) == 2 and chosen == again  # the same seed, the same choice
    manager = appraisal_of(opened, company.manager)
    raters_by_rule(appraisals=[manager], actor=hr, rule="subordinates")
    subordinates = RaterAssignment.objects.filter(appraisal=manager, role="subordinate")
    assert {a.rater_id for a in subordinates} == {
        company.clerks[0].user.pk, company.clerks[1].user.pk, *(p.user.pk for p in peers)
    }  # fmt: skip
    with pytest.raises(ServiceError):
        raters_by_rule(appraisals=[manager], actor=hr, rule="everyone")


def test_proposals_wait_for_the_manager(
    company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    (proposal,) = rater_propose(
        appraisal=appraisal, actor=company.clerks[0].user, raters=[peers[1].user]
    )
    assert proposal.state == AssignmentState.PROPOSED
    assert Notice.objects.filter(recipient=company.manager.user, kind="survey").exists()
    with pytest.raises(NotAllowed):  # a proposal does not let them rate yet
        services.rating_record(
            appraisal=appraisal, actor=peers[1].user, item="内部控制管理", role="peer", value=3
        )
    with pytest.raises(NotAllowed):
        rater_propose(appraisal=appraisal, actor=company.clerks[1].user, raters=[peers[1].user])
    rater_assign(
        appraisal=appraisal, actor=company.manager.user, raters=[peers[1].user], role="peer"
    )
    proposal.refresh_from_db()
    assert proposal.state == AssignmentState.ASSIGNED


def test_the_phone_form_saves_every_item_at_once_and_the_engine_trims(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers], role="peer")
    for peer, level in zip(peers, ("5", "3", "1"), strict=True):
        assignment = RaterAssignment.objects.get(appraisal=appraisal, rater=peer.user)
        client = client_for(peer.user)
        page = client.get(f"/surveys/{assignment.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert "内部控制管理" in text and "匿名" in text
        assert "预算执行偏差率" not in text  # only the items the role rates
        sent = client.post(f"/surveys/{assignment.pk}/", {"item-内部控制管理": level})
        assert sent.status_code == 302
    peer_ratings = Rating.objects.filter(appraisal=appraisal, role="peer")
    assert sorted(r.value for r in peer_ratings) == ["1", "3", "5"] or sorted(
        r.value for r in peer_ratings
    ) == [1, 3, 5]
    result = Result.objects.get(appraisal=appraisal)
    ratings = result.facts["appraisee"]["facts"]["内部控制管理"]["ratings"]
    assert sorted(ratings["peer"]) == [1, 3, 5]


def test_an_incomplete_form_saves_nothing(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[peers[0].user], role="peer")
    assignment = RaterAssignment.objects.get(appraisal=appraisal)
    client_for(peers[0].user).post(f"/surveys/{assignment.pk}/", {"item-内部控制管理": ""})
    assert not Rating.objects.filter(appraisal=appraisal, role="peer").exists()
    client_for(peers[0].user).post(f"/surveys/{assignment.pk}/", {"item-内部控制管理": "9"})
    assert not Rating.objects.filter(appraisal=appraisal, role="peer").exists()  # off the scale


def test_the_manager_sees_counts_hr_sees_who(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers], role="peer")
    services.rating_record(
        appraisal=appraisal, actor=peers[0].user, item="内部控制管理", role="peer", value=4
    )
    url = f"/surveys/appraisals/{appraisal.pk}/"
    managers = client_for(company.manager.user).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = managers.content.decode()
    assert "3 人中 1 人已回答" in text
    assert "已回答</" not in text.replace("3 人中 1 人已回答", "")  # no per-person status
    hrs = client_for(hr).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert hrs.count('<span class="muted">尚未回答</span>') == 2
    assert client_for(peers[0].user).get(url).status_code == 404


def test_no_page_or_api_tells_the_manager_or_appraisee_a_peers_answer(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    """The leak test: a peer's rating is never shown with the peer's name to the
    appraisee or the manager — not on the ratings page, not through the API — and
    the combined figure appears only from three raters."""
    from jixiao.api.services.tokens import token_create

    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers[:2]], role="peer")
    for peer, level in zip(peers[:2], (5, 2), strict=True):
        services.rating_record(
            appraisal=appraisal, actor=peer.user, item="内部控制管理", role="peer", value=level
        )
    for reader in (company.manager.user, company.clerks[0].user):
        page = client_for(reader).get(
            f"/appraisals/{appraisal.pk}/ratings/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        text = page.content.decode()
        for peer in peers[:2]:
            assert peer.name not in text and peer.user.username not in text
        _token, secret = token_create(actor=reader, name="t", read_only=True)
        api = client_for(reader).get(
            f"/api/v1/appraisals/{appraisal.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert api.status_code == 200, api.content
        assert all(r["role"] != "peer" for r in api.json()["ratings"])
    # the manager reads the combined figure only from three raters
    page = (
        client_for(company.manager.user)
        .get(f"/appraisals/{appraisal.pk}/ratings/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "回答太少" in page and "3.5" not in page
    rater_assign(appraisal=appraisal, actor=hr, raters=[peers[2].user], role="peer")
    services.rating_record(
        appraisal=appraisal, actor=peers[2].user, item="内部控制管理", role="peer", value=2
    )
    page = (
        client_for(company.manager.user)
        .get(f"/appraisals/{appraisal.pk}/ratings/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "3.0" in page  # (5 + 2 + 2) / 3
    # the rater sees their own; HR sees every rating with the rater's name where the
    # company's policy allows it (test_anonymity.py)
    mine = client_for(peers[0].user).get(f"/appraisals/{appraisal.pk}/ratings/")
    assert mine.status_code in (200, 404)
    from jixiao.appraisals.services.anonymity import anonymity_policy_set

    anonymity_policy_set(actor=hr, least_raters=3, hr_sees_names=True)
    hrs = client_for(hr).get(f"/appraisals/{appraisal.pk}/ratings/").content.decode()
    assert peers[0].name in hrs or str(peers[0].user) in hrs


SATISFACTION = """\
code: T-SAT
name: 部门经理满意度
period: month
sections:
  - name: 满意度
    weight: 100
    items:
      - name: 部门满意度
        weight: 100
        rule: {direct: {min: 0, max: 100}}
raters: {weights: {customer: 100}, trim: {customer: 1}}
"""


def test_the_department_satisfaction_survey_feeds_the_engine_as_jixiao_score_does(
    hr: Any, company: SimpleNamespace, tmp_path: Any, capsys: Any
) -> None:
    """部门满意度: the head of every other department rates the finance manager's
    satisfaction item; each answer is one rating; the form's trim drops the highest
    and the lowest once; the result equals `jixiao score` on the same ratings."""
    import json

    from jixiao.cli import main
    from jixiao.schemes.services import scheme_assign
    from tests.apps.factories import UnitFactory

    version = scheme_save(actor=hr, text=SATISFACTION)
    scheme_assign(actor=hr, scheme=version.scheme, position=company.manager_position)
    heads = []
    for n in range(4):
        unit = UnitFactory(code=f"D{n}", name=f"部门{n}", parent=company.root)
        heads.append(EmployeeFactory(number=f"90{n}", unit=unit, supervisor=company.boss,
                                     user=UserFactory(username=f"head{n}")))  # fmt: skip
    cycle = services.cycle_create(
        actor=hr, code="SAT-10", name="2026年10月满意度", period_kind="month", period="2026-10"
    )
    services.cycle_add_scheme(cycle=cycle, scheme=version.scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="employee", employee=company.manager)
    cycle = services.cycle_open(cycle=cycle, actor=hr)
    appraisal = appraisal_of(cycle, company.manager)
    made = raters_by_rule(appraisals=[appraisal], actor=hr, rule="other_departments")
    assigned = set(
        RaterAssignment.objects.filter(appraisal=appraisal).values_list("rater", flat=True)
    )
    assert {h.user.pk for h in heads} <= assigned and made == len(assigned)
    assert company.manager.user.pk not in assigned  # not one's own department
    values = [90, 80, 70, 20]
    for head, value in zip(heads, values, strict=True):
        assignment = RaterAssignment.objects.get(appraisal=appraisal, rater=head.user)
        client_for(head.user).post(f"/surveys/{assignment.pk}/", {"item-部门满意度": str(value)})
    result = Result.objects.get(appraisal=appraisal)
    # the same ratings through the command line
    (tmp_path / "s.yaml").write_text(SATISFACTION, encoding="utf-8")
    facts = {"period": "2026-10", "appraisees": [
        {"id": "M", "facts": {"部门满意度": {"ratings": {"customer": values}}}}]}  # fmt: skip
    (tmp_path / "f.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    assert (
        main(["score", str(tmp_path / "s.yaml"), str(tmp_path / "f.json"), "--format", "json"]) == 0
    )
    scored = json.loads(capsys.readouterr().out)
    expected = scored["results"][0]["total"] if "results" in scored else scored[0]["total"]
    assert result.total == pytest.approx(expected) == pytest.approx(75)  # (80 + 70) / 2


def test_anonymous_ratings_reach_the_engine_highest_first_not_in_the_order_given(
    hr: Any, company: SimpleNamespace, opened: Cycle, peers: list[Any]
) -> None:
    appraisal = appraisal_of(opened, company.clerks[0])
    rater_assign(appraisal=appraisal, actor=hr, raters=[p.user for p in peers], role="peer")
    for peer, value in zip(peers, (2, 5, 3), strict=True):
        services.rating_record(
            appraisal=appraisal, actor=peer.user, item="内部控制管理", role="peer", value=value
        )
    result = Result.objects.get(appraisal=appraisal)
    assert result.facts["appraisee"]["facts"]["内部控制管理"]["ratings"]["peer"] == [5, 3, 2]
