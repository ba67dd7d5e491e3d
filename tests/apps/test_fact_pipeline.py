"""One pipeline for every write of a fact (issue 10, finding 1): the same bad facts
sent through the browser forms, the Excel import and the API bulk upload get the
same refusal, in the same words; the same good facts are stored the same way.

The case that started it: a manager typed 「优」 for 工作任务, an item scored
`direct: {min: 0, max: 10}`, on the ratings page; it was saved and the result
became an error. The Excel import refused the same value.
"""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import translation

from jixiao.api.services import token_create
from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Event, Fact, Rating
from jixiao.appraisals.services.pipeline import (
    EventCommand,
    FactsRefused,
    RatingCommand,
    ValueCommand,
    facts_apply,
    facts_check,
)
from jixiao.appraisals.services.sheets import Cell, said
from jixiao.appraisals.workflow import AppraisalState, CycleState
from jixiao.core.models import AuditEvent
from jixiao.schemes.services import scheme_assign, scheme_save
from jixiao.spreadsheets.services import import_facts
from tests.apps.conftest import appraisal_of
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.portal_world import client_for
from tests.apps.spreadsheets.helpers import long_file, marked_cells
from tests.apps.test_uploads import SVG_WITH_SCRIPT, pdf_bytes

pytestmark = pytest.mark.django_db

SCHEME = """\
code: T-POST
name: 岗位考核表
period: month
items:
  - name: 工作任务
    weight: 40
    source: 财务部
    rule: {direct: {min: 0, max: 10}}
  - name: 内部控制管理
    weight: 30
    rule: {levels: {优: 100, 良: 80, 中: 60, 差: 40}}
  - name: 部门管理
    weight: 30
    rule: {deduct: {per: {violation: {each: 10}}}}
raters: {final: [supervisor]}
"""


@pytest.fixture
def world(hr: Any, company: SimpleNamespace) -> SimpleNamespace:
    """李强's appraisal under T-POST, at the supervisor's review (复评)."""
    version = scheme_save(actor=hr, text=SCHEME)
    scheme_assign(actor=hr, scheme=version.scheme, unit=company.finance)
    cycle = services.cycle_create(
        actor=hr, code="2026-10", name="2026年10月考核", period_kind="month", period="2026-10"
    )
    services.cycle_add_scheme(cycle=cycle, scheme=version.scheme, actor=hr)
    services.population_rule_add(cycle=cycle, actor=hr, kind="unit", unit=company.finance)
    owner = EmployeeFactory(
        number="1009",
        unit=company.finance,
        is_data_owner=True,
        user=UserFactory(username="owner"),
    )
    cycle = services.cycle_open(cycle=cycle, actor=hr)
    appraisal = appraisal_of(cycle, company.clerks[0])
    for state in (AppraisalState.COLLECTING, AppraisalState.SUPERVISOR_REVIEW):
        services.appraisal_transition(appraisal=appraisal, actor=hr, to=state)
    return SimpleNamespace(
        cycle=cycle,
        appraisal=appraisal,
        hr=hr,
        manager=company.manager.user,
        owner=owner.user,
    )


@dataclass(frozen=True)
class Fact_:
    """One fact as each channel takes it."""

    kind: str  # rating | event
    item: str
    key: str  # the rater role, or the event's name
    value: Any
    who: str = "manager"  # manager | hr | owner


# -- the three channels ----------------------------------------------------------------
def through_browser(world: SimpleNamespace, fact: Fact_) -> list[str] | int:
    """The messages the page shows after the post; a refusal of one's rights is the
    same 404 as a missing page (the access design), so its status is returned."""
    client = client_for(getattr(world, fact.who))
    pk = world.appraisal.pk
    if fact.kind == "rating":  # one form of the ratings the person gives now (r0, r1 …)
        offered = [("工作任务", "supervisor"), ("内部控制管理", "supervisor")]
        if (fact.item, fact.key) not in offered:
            return NOT_OFFERED  # the form has no box for an item or role the scheme lacks
        n = offered.index((fact.item, fact.key))
        page = client.post(
            f"/appraisals/{pk}/ratings/", {"action": "save", f"r{n}-value": fact.value}
        )
        if page.status_code != 200:  # saved: redirected back to the page
            return []
        return [html.unescape(t) for t in re.findall(r"errorlist[^>]*><li>([^<]*)", page.text)]
    else:
        url = f"/appraisals/{pk}/events/"
        data = {
            "item": fact.item,
            "name": fact.key,
            "occurred_on": "2026-10-08",
            "description": "未按流程审批付款",
            "count": fact.value,
        }
    response = client.post(url, data, follow=True)
    if response.status_code != 200:
        return int(response.status_code)
    return [str(message) for message in response.context["messages"] if message.level >= 40]


def through_excel(world: SimpleNamespace, fact: Fact_) -> list[str]:
    actor = world.owner if fact.who == "owner" else world.hr  # HR enters the paper forms
    row = ("1002", fact.item, fact.kind, fact.key, fact.value)
    outcome = import_facts(file=long_file([row]), actor=actor, cycle=world.cycle, name="f.xlsx")
    return list(marked_cells(outcome.annotated).values()) if outcome.annotated else []


def through_api(world: SimpleNamespace, fact: Fact_) -> list[str]:
    _token, secret = token_create(actor=getattr(world, fact.who), name="script")
    row: dict[str, Any] = {
        "idempotency_key": f"{fact.kind}/{fact.item}/{fact.key}",
        "appraisal": world.appraisal.pk,
        "kind": fact.kind,
        "item": fact.item,
        "key": fact.key,
        "value": fact.value,
    }
    if fact.kind == "event":
        row.update(occurred_on="2026-10-08", description="未按流程审批付款")
    response = Client().post(
        "/api/v1/facts/bulk",
        data=json.dumps({"rows": [row]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    if response.status_code == 202:
        return []
    assert response.status_code == 422, response.content  # answered at once
    return [detail["message"] for detail in response.json()["error"]["details"]]


CHANNELS = {"browser": through_browser, "excel": through_excel, "api": through_api}
NOT_OFFERED = ["the browser offers no box for it"]


def in_browser(fact: Fact_, refusal: str) -> str:
    """A rating refused in the browser's one form is said beside its box, naming the
    person and the item first (the same sentence otherwise)."""
    if fact.kind != "rating":
        return refusal
    return said(Cell((0, fact.item, fact.key), "李强", fact.item), refusal)


BAD = {
    "a level name for a direct item (「优」 for 工作任务)": (
        Fact_("rating", "工作任务", "supervisor", "优"),
        "工作任务 takes a number from 0 to 10: 优 is not a number",
    ),
    "a number outside the direct range": (
        Fact_("rating", "工作任务", "supervisor", 12),
        "工作任务 takes a number from 0 to 10: 12 is outside it",
    ),
    "an unknown level": (
        Fact_("rating", "内部控制管理", "supervisor", "好"),
        "内部控制管理 takes one of the levels 优, 良, 中, 差: 好 is not one of them",
    ),
    "a rater role the scheme does not have": (
        Fact_("rating", "工作任务", "direct", 8),
        "工作任务 is rated by supervisor: there is no direct rating",
    ),
    "an item the scheme does not have": (
        Fact_("rating", "销售额", "supervisor", 8),
        "the scheme 岗位考核表 has no item 销售额",
    ),
    "a negative count": (
        Fact_("event", "部门管理", "violation", -2),
        "the count of events is a whole number, 1 or more: -2 is not",
    ),
    "an event the item does not have": (
        Fact_("event", "部门管理", "overtime", 1),
        "部门管理 has no event overtime (its events: violation)",
    ),
    "after publication without a reason": (
        Fact_("event", "部门管理", "violation", 1, who="hr"),
        "a change after publication needs a reason",
    ),
    "no right (a data owner, an item they are not the source of)": (
        Fact_("event", "部门管理", "violation", 1, who="owner"),
        "you may not record facts of 部门管理",
    ),
}


def stored(appraisal: Appraisal) -> tuple[int, int, int]:
    return (
        Fact.objects.filter(appraisal=appraisal).count(),
        Event.objects.filter(appraisal=appraisal).count(),
        Rating.objects.filter(appraisal=appraisal).count(),
    )


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("case", list(BAD))
def test_the_same_bad_fact_gets_the_same_refusal_in_every_channel(
    world: SimpleNamespace, case: str, channel: str
) -> None:
    fact, refusal = BAD[case]
    if "publication" in case:
        Cycle.objects.filter(pk=world.cycle.pk).update(state=CycleState.PUBLISHED)
    before, audit = stored(world.appraisal), AuditEvent.objects.count()

    answer = CHANNELS[channel](world, fact)

    if channel == "browser" and case.startswith("no right"):
        assert answer == 404  # rights refused in the browser: the one 404 of the access design
    elif channel == "browser" and answer == NOT_OFFERED:
        assert "does not have" in case  # an item or a role the scheme lacks has no box
    elif channel == "browser":
        assert answer == [in_browser(fact, refusal)]
    else:
        assert answer == [refusal]
    assert stored(world.appraisal) == before  # nothing written
    assert not AuditEvent.objects.filter(pk__gt=audit, action__endswith=".recorded").exists()


def test_the_manager_s_word_for_a_direct_item_is_refused_on_the_ratings_page(
    world: SimpleNamespace,
) -> None:
    """Issue 10, finding 1, as it happened: 「优」 for 工作任务 saved "评分已保存"; now the
    page says what 工作任务 takes, in the reader's language, and stores nothing."""
    client = client_for(world.manager)
    data = {"action": "save", "r0-value": "优"}  # r0: 工作任务
    page = client.post(
        f"/appraisals/{world.appraisal.pk}/ratings/",
        data,
        headers={"Accept-Language": "zh-hans"},
        follow=True,
    )
    with translation.override("zh-hans"):
        top = [str(message) for message in page.context["messages"]]
    assert top == ["没有保存：有 1 处需要更正。"]
    assert "李强 · 工作任务：应填 0 到 10 之间的数：「优」不是数" in page.content.decode()
    assert not Rating.objects.exists()


def test_the_refusal_is_shown_next_to_the_rating_field(world: SimpleNamespace) -> None:
    """With HTMX the ratings part comes back with the typed value kept and the refusal
    under its field; on the events page, under the count."""
    client = client_for(world.manager)
    pk = world.appraisal.pk
    data = {"action": "save", "r0-value": "优"}  # r0: 工作任务
    content = client.post(f"/appraisals/{pk}/ratings/", data, HTTP_HX_REQUEST="true").content
    page = content.decode()
    field = page[page.index('name="r0-value"') :]
    assert 'value="优"' in field[: field.index(">")]  # what was typed stays
    error = field[field.index("errorlist") :][:200]
    assert "李强 · 工作任务: takes a number from 0 to 10: 优 is not a number" in error

    event = {
        "item": "部门管理",
        "name": "violation",
        "occurred_on": "2026-10-08",
        "description": "未按流程审批付款",
        "count": "-2",
    }
    page = client.post(f"/appraisals/{pk}/events/", event, HTTP_HX_REQUEST="true")
    content = page.content.decode()
    before_count = content[: content.index('name="count"')]  # as_p: errors, then the field
    error = before_count[before_count.rindex("errorlist") :]
    assert "the count of events is a whole number, 1 or more: -2 is not" in error
    assert not Event.objects.exists() and not Rating.objects.exists()


GOOD = [
    Fact_("rating", "工作任务", "supervisor", 8),
    Fact_("rating", "内部控制管理", "supervisor", "良"),
    Fact_("event", "部门管理", "violation", 2),
]


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_the_same_good_facts_are_stored_the_same_way_in_every_channel(
    world: SimpleNamespace, channel: str
) -> None:
    for fact in GOOD:
        assert CHANNELS[channel](world, fact) == [], fact
    ratings = {
        (r.item, r.role, r.value, r.rater.username)
        for r in Rating.objects.filter(appraisal=world.appraisal).select_related("rater")
    }
    assert ratings == {
        ("工作任务", "supervisor", 8, "zhangmin"),  # HR's import enters it for the manager
        ("内部控制管理", "supervisor", "良", "zhangmin"),
    }
    events = list(Event.objects.filter(appraisal=world.appraisal).values_list("item", "name"))
    counts = sum(Event.objects.filter(appraisal=world.appraisal).values_list("count", flat=True))
    assert (events, counts) == ([("部门管理", "violation")], 2)
    result = world.appraisal.result
    result.refresh_from_db()
    # 8 given directly, 良 = 80, two violations = 80: weighted 40 / 30 / 30
    assert result.errors == [] and result.total == pytest.approx(8 * 0.4 + 80 * 0.3 + 80 * 0.3)


# -- the pipeline itself ---------------------------------------------------------------------
def test_one_check_names_every_problem_of_a_batch_and_writes_nothing(
    world: SimpleNamespace,
) -> None:
    appraisal = world.appraisal
    commands = [
        RatingCommand(appraisal=appraisal, item="工作任务", role="supervisor", value="优"),
        ValueCommand(appraisal=appraisal, item="内部控制管理", value="良"),
        EventCommand(
            appraisal=appraisal,
            item="部门管理",
            name="violation",
            occurred_on=datetime.date(2026, 10, 8),
            description="",
            count=0,
        ),
    ]
    problems = facts_check(commands=commands, actor=world.manager)
    assert [(p.index, p.field, p.code) for p in problems] == [
        (0, "value", "not_a_number"),
        (2, "value", "invalid"),
        (2, "description", "required"),
    ]
    with pytest.raises(FactsRefused) as refused:
        facts_apply(commands=commands, actor=world.manager)
    assert refused.value.problems == problems
    assert stored(appraisal) == (0, 0, 0)


def test_a_later_command_of_a_batch_changes_an_earlier_one_only_with_a_reason(
    world: SimpleNamespace,
) -> None:
    appraisal = world.appraisal
    first = ValueCommand(appraisal=appraisal, item="内部控制管理", value="良")
    second = ValueCommand(appraisal=appraisal, item="内部控制管理", value="优")
    [problem] = facts_check(commands=[first, second], actor=world.hr)
    assert (problem.index, problem.code) == (1, "reason_required")
    written = facts_apply(commands=[first, second], actor=world.hr, reason="更正")
    assert [w.outcome for w in written] == ["recorded", "changed"]
    assert Fact.objects.get(appraisal=appraisal).value == "优"
    change = AuditEvent.objects.get(action="fact.changed")
    assert (change.before["value"], change.after["value"], change.reason) == ("良", "优", "更正")


# -- evidence: checked with the event, written only when the write commits --------------------
def media_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def evidence_event(appraisal: Appraisal, description: str, name: str, body: bytes) -> EventCommand:
    return EventCommand(
        appraisal=appraisal,
        item="部门管理",
        name="violation",
        occurred_on=datetime.date(2026, 10, 9),
        description=description,
        evidence=SimpleUploadedFile(name, body),
    )


def test_an_event_s_evidence_is_stored_only_when_the_write_commits(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    on_commit = django_capture_on_commit_callbacks
    appraisal, before = world.appraisal, media_files()

    # refused by the check (no description): no event, no file
    with pytest.raises(FactsRefused), on_commit(execute=True):
        facts_apply(commands=[evidence_event(appraisal, " ", "a.pdf", pdf_bytes())], actor=world.hr)
    # refused by the file check: the same words as the form's
    with pytest.raises(FactsRefused) as refused, on_commit(execute=True):
        bad = evidence_event(appraisal, "未按流程审批付款", "x.svg", SVG_WITH_SCRIPT)
        facts_apply(commands=[bad], actor=world.hr)
    assert [p.field for p in refused.value.problems] == ["evidence"]
    assert "x.svg" in refused.value.problems[0].message

    # accepted, then the transaction around it rolls back: the file goes with it
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), on_commit(execute=True), transaction.atomic():
        good = evidence_event(appraisal, "未按流程审批付款", "b.pdf", pdf_bytes())
        facts_apply(commands=[good], actor=world.hr)
        assert media_files() == before  # not before the commit
        raise Abandoned
    assert media_files() == before and not Event.objects.exists()

    # accepted and committed: the row names the file, and the file is there
    with on_commit(execute=True):
        good = evidence_event(appraisal, "未按流程审批付款", "c.pdf", pdf_bytes())
        [written] = facts_apply(commands=[good], actor=world.hr)
    event = Event.objects.get()
    assert event == written.record and event.evidence.name.endswith("c.pdf")
    with event.evidence.open("rb") as stored_file:
        assert stored_file.read() == pdf_bytes()
    assert len(media_files()) == len(before) + 1
