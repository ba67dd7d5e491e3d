"""The world of the anonymity tests (issue 16): the finance accountant 李强 rated on
内部控制管理 (0–100, direct) by three peers, three subordinates and three internal
customers — each with a distinctive value and comment — and by two external raters,
fewer than the policy's three; the raters sit in the production department, so
nothing else shows the appraisee or the manager their names. The cycle is published,
so the appraisee reads their result. No tests here: fixtures for test_anonymity*.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Rating
from jixiao.appraisals.services.raters import rater_assign
from jixiao.schemes.services import scheme_save
from tests.apps.conftest import SCHEME
from tests.apps.factories import EmployeeFactory, UserFactory
from tests.apps.portal_world import publish

ITEM = "内部控制管理"
RATERS = (
    "raters: {weights: {supervisor: 40, peer: 20, subordinate: 15, customer: 15, external: 10}}"
)
ANONYMOUS_SCHEME = SCHEME.replace(
    "rule: {levels: {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}}", "rule: {direct: {min: 0, max: 100}}"
).replace("raters: {final: [supervisor]}", RATERS)

# role: (name, value, comment) per rater — values and comments found nowhere else
GIVEN: dict[str, list[tuple[str, float, str]]] = {
    "peer": [
        ("钟离秋", 73.17, "沟通及时但文档潦草"),
        ("慕容雪", 61.29, "报销审核偶有拖延"),
        ("上官云", 88.43, "月结协作非常主动"),
    ],
    "subordinate": [
        ("欧阳澈", 52.71, "布置任务不够清楚"),
        ("司马青", 94.13, "耐心指导新人做账"),
        ("诸葛岚", 67.39, "周会时间常常超时"),
    ],
    "customer": [
        ("东方白", 81.57, "付款进度回复很快"),
        ("南宫月", 45.83, "对账差异解释含糊"),
        ("皇甫松", 58.91, "发票问题处理一般"),
    ],
    "external": [  # fewer than the policy's three: only "too few answers"
        ("令狐霜", 39.47, "外部审计沟通困难"),
        ("宇文峰", 76.61, "资料提供还算齐全"),
    ],
}
BELOW = "external"


@dataclass
class World:
    hr: Any
    auditor: Any
    company: SimpleNamespace
    cycle: Cycle
    appraisal: Appraisal
    raters: dict[str, list[Any]] = field(default_factory=dict)  # role: employees

    @property
    def appraisee(self) -> Any:
        return self.company.clerks[0].user

    @property
    def manager(self) -> Any:
        return self.company.manager.user

    def names(self) -> list[str]:
        """Every rater's name, login and display name."""
        found = []
        for employees in self.raters.values():
            for employee in employees:
                found += [employee.name, employee.user.username]
        return found

    def single_values(self) -> list[str]:
        """Each rater's value as a page would print it."""
        return [_printed(value) for given in GIVEN.values() for _name, value, _c in given]

    def below_minimum(self) -> list[str]:
        """What nobody but the raters (and HR with names) may read of the external
        raters: their values, their mean, their comments."""
        given = GIVEN[BELOW]
        mean = sum(value for _n, value, _c in given) / len(given)
        return [
            *(_printed(value) for _n, value, _c in given),
            _printed(round(mean, 2)),
            *(comment for _n, _v, comment in given),
        ]

    def rotate(self) -> None:
        """Each anonymous rater takes the next rater's value and comment (the same
        answers per role, given by other people)."""
        for role in GIVEN:
            ratings = list(
                Rating.objects.filter(appraisal=self.appraisal, role=role).order_by("pk")
            )
            answers = [(r.value, r.comment) for r in ratings]
            for rating, (value, comment) in zip(ratings, answers[1:] + answers[:1], strict=True):
                Rating.objects.filter(pk=rating.pk).update(value=value, comment=comment)


def _printed(value: float) -> str:
    return f"{value:g}"


@pytest.fixture
def world(hr: Any, auditor: Any, company: SimpleNamespace, draft_cycle: Cycle) -> World:
    scheme_save(actor=hr, text=ANONYMOUS_SCHEME)
    cycle = services.cycle_open(cycle=draft_cycle, actor=hr)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=company.clerks[0])
    found = World(hr, auditor, company, cycle, appraisal)
    number = 3000
    for role, given in GIVEN.items():
        found.raters[role] = []
        for name, value, comment in given:
            number += 1
            user = UserFactory(username=f"anon{number}", display_name=name)
            rater = EmployeeFactory(
                number=str(number), name=name, unit=company.production, user=user
            )
            found.raters[role].append(rater)
            rater_assign(appraisal=appraisal, actor=hr, raters=[user], role=role)
            services.rating_record(
                appraisal=appraisal,
                actor=user,
                item=ITEM,
                role=role,
                value=value,
                comment=comment,
            )
    publish(cycle, hr, company)
    found.cycle.refresh_from_db()
    return found
