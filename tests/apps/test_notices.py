"""Reminders: in-app notices of what waits (not repeated) and an e-mail per person
through Django's mail settings; `manage.py send_reminders`."""

from __future__ import annotations

import datetime
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from jixiao.appraisals import services
from jixiao.appraisals.models import Cycle
from jixiao.notices.models import Notice
from jixiao.notices.services import notice_mark_read, reminders_send
from jixiao.notices.waiting import waiting_for
from tests.apps.conftest import appraisal_of
from tests.apps.portal_world import client_for

pytestmark = pytest.mark.django_db


def test_waiting_work_follows_the_stage(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    services.cycle_set_deadline(
        cycle=open_cycle, actor=hr, stage="targets", due=datetime.date(2026, 10, 5)
    )
    groups = {group.kind: group for group in waiting_for(company.manager.user)}
    assert groups["targets_to_set"].count == 2
    assert groups["targets_to_set"].next_due == datetime.date(2026, 10, 5)
    assert waiting_for(company.clerks[0].user) == []
    services.targets_sign(appraisal=appraisal_of(open_cycle, company.clerks[0]), actor=hr)
    kinds = [group.kind for group in waiting_for(company.clerks[0].user)]
    assert kinds == ["targets_to_acknowledge"]


def test_reminders_make_notices_once_and_send_one_email(
    hr: Any, company: SimpleNamespace, open_cycle: Cycle
) -> None:
    user = company.manager.user
    user.email = "zhangmin@example.com"
    user.save()
    run = reminders_send(users=[user])
    assert (run.notices, run.emails) == (2, 1)
    assert len(mail.outbox) == 1
    assert "李强" in mail.outbox[0].body and mail.outbox[0].to == ["zhangmin@example.com"]
    again = reminders_send(users=[user])
    assert (again.notices, again.emails) == (0, 0)
    notice = Notice.objects.filter(recipient=user).first()
    assert notice is not None and notice.emailed_at is not None
    assert "李强" in client_for(user).get("/notices/").content.decode()
    other = client_for(company.clerks[0].user)
    assert other.post(f"/notices/{notice.pk}/read/").status_code == 404
    notice_mark_read(notice=notice, actor=user)
    assert Notice.objects.get(pk=notice.pk).read_at is not None


def test_the_command_reports_what_it_did(company: SimpleNamespace, open_cycle: Cycle) -> None:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "new notices" in out.getvalue()
    assert Notice.objects.filter(recipient=company.manager.user).count() == 2
