"""factory_boy factories for the database tests. Objects whose creation is a
business action with rules (schemes, cycles, facts) are made through the
services instead, in `conftest.py`."""

from __future__ import annotations

import datetime

import factory

from jixiao.accounts.models import User
from jixiao.organization.models import (
    Employee,
    EmployeeStatus,
    JobFamily,
    Position,
    Tier,
    Unit,
    UnitKind,
)

PASSWORD = "jixiao-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class HrFactory(UserFactory):
    username = factory.Sequence(lambda n: f"hr{n}")
    is_hr = True
    is_staff = True


class AuditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"auditor{n}")
    is_auditor = True
    is_staff = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = UnitKind.DEPARTMENT
    parent = None


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"P{n:03d}")
    title = factory.Sequence(lambda n: f"岗位{n}")
    unit = factory.SubFactory(UnitFactory)
    tier = Tier.STAFF
    family = JobFamily.PROFESSIONAL


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    number = factory.Sequence(lambda n: f"E{n:04d}")
    name = factory.Sequence(lambda n: f"员工{n}")
    unit = factory.SubFactory(UnitFactory)
    position = None
    supervisor = None
    hire_date = datetime.date(2020, 1, 1)
    status = EmployeeStatus.ACTIVE
