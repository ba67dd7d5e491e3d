"""The AHP workbench (issue 15): HR invites three experts to weigh a section's
items, one expert's judgement is extreme and trimmed, the weights and the
consistency ratio are the engine's (scheme-language §16), the pairs furthest from
the weights are pointed out, and applying writes a new version of the form."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.notices.models import Notice
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.services import scheme_save
from jixiao.scoring.ahp import ahp
from jixiao.strategy.ahp import ahp_answer, ahp_apply, ahp_outcome, ahp_start, sections_of
from tests.apps.conftest import SCHEME
from tests.apps.factories import UserFactory
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(hr: Any) -> SchemeVersion:
    return scheme_save(actor=hr, text=SCHEME)


@pytest.fixture
def experts(db: Any) -> list[Any]:
    return [UserFactory(username=f"expert{n}") for n in (1, 2, 3)]


def test_sections_offered(form: SchemeVersion) -> None:
    assert sections_of(form.scheme) == ["", "财务指标", "运营指标"]


def test_three_experts_one_extreme_trimmed_and_applied(
    hr: Any, form: SchemeVersion, experts: list[Any]
) -> None:
    session = ahp_start(
        actor=hr, scheme=form.scheme, section="运营指标",
        experts=[e.username for e in experts], trim=1,
    )  # fmt: skip
    assert session.names == ["部门管理", "内部控制管理"]
    # the experts are told, with a link to their form
    assert Notice.objects.filter(recipient=experts[0], kind="ahp").count() == 1
    assert ahp_outcome(session) is None
    for expert, value in zip(experts, ("3", "2", "9"), strict=True):  # 9: the extreme one
        ahp_answer(session=session, actor=expert, judgements={"0-1": value})
    outcome = ahp_outcome(session)
    assert outcome is not None and outcome.answered == 3
    # trim 1 of 3 leaves the median judgement, 3: weights 3/4 and 1/4
    expected = ahp([[[1, 3], [1 / 3, 1]]], names=session.names)
    assert outcome.result.weights == pytest.approx(expected.weights)
    assert outcome.result.weights == pytest.approx((0.75, 0.25))
    assert outcome.result.cr == 0 and outcome.result.consistent
    version = ahp_apply(session=session, actor=hr)
    items = yaml.safe_load(version.text)["sections"][1]["items"]
    assert [item["weight"] for item in items] == [37.5, 12.5]  # the section's 50, shared
    assert "AHP" in version.comment or "层次" in version.comment
    with pytest.raises(ServiceError):  # closed once applied
        ahp_answer(session=session, actor=experts[0], judgements={"0-1": "5"})


def test_an_inconsistent_set_is_not_applied_and_its_worst_pairs_are_named(
    hr: Any, form: SchemeVersion, experts: list[Any]
) -> None:
    text = SCHEME.replace(
        "      - name: 内部控制管理\n",
        "      - name: 客户满意\n        weight: 25\n        rule: {direct: {min: 0, max: 100}}\n"
        "      - name: 内部控制管理\n",
    )
    scheme_save(actor=hr, text=text, scheme=form.scheme)
    session = ahp_start(actor=hr, scheme=form.scheme, section="运营指标", experts=["expert1"])
    # A ≫ B, B ≫ C, but C ≫ A: a circle of judgements
    ahp_answer(session=session, actor=experts[0], judgements={"0-1": "9", "1-2": "9", "0-2": "1/9"})
    outcome = ahp_outcome(session)
    assert outcome is not None and not outcome.result.consistent
    assert len(outcome.worst) == 3
    with pytest.raises(ServiceError, match="CR"):
        ahp_apply(session=session, actor=hr)


def test_refusals(hr: Any, form: SchemeVersion, experts: list[Any]) -> None:
    with pytest.raises(ServiceError, match="nobody9"):
        ahp_start(actor=hr, scheme=form.scheme, section="", experts=["expert1", "nobody9"])
    with pytest.raises(NotAllowed):
        ahp_start(actor=experts[0], scheme=form.scheme, section="", experts=["expert1"])
    session = ahp_start(actor=hr, scheme=form.scheme, section="", experts=["expert1"])
    with pytest.raises(ServiceError):  # a pair left out
        ahp_answer(session=session, actor=experts[0], judgements={})
    with pytest.raises(ServiceError):  # not on the scale
        ahp_answer(session=session, actor=experts[0], judgements={"0-1": "11"})
    with pytest.raises(NotAllowed):  # not invited
        ahp_answer(session=session, actor=experts[1], judgements={"0-1": "3"})


def test_the_experts_phone_form_and_hrs_page(
    hr: Any, form: SchemeVersion, experts: list[Any]
) -> None:
    session = ahp_start(actor=hr, scheme=form.scheme, section="", experts=["expert1"])
    expert = client_for(experts[0])
    page = expert.get(f"/strategy/ahp/{session.pk}/answer/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "财务指标" in text and "运营指标" in text and "同等重要" in text
    expert.post(f"/strategy/ahp/{session.pk}/answer/", {"pair-0-1": "1/3"})
    hr_page = client_for(hr).get(f"/strategy/ahp/{session.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    shown = hr_page.content.decode()
    assert "25.00%" in shown and "75.00%" in shown
    assert client_for(experts[1]).get(f"/strategy/ahp/{session.pk}/answer/").status_code == 404
    assert client_for(experts[0]).get(f"/strategy/ahp/{session.pk}/").status_code == 404
