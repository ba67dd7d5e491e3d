"""Login throttling (issue 10, finding 5): repeated failed log-ins for one account
from one address lock that pair for a while, with the reason on the login page in
the reader's language; HR lifts the lock, audited; the lock itself is audited."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from jixiao.accounts.models import User
from jixiao.accounts.selectors import login_lockouts
from jixiao.accounts.services import login_lockout_clear
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.core.models import AuditEvent
from tests.apps.factories import AuditorFactory, HrFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "s3cret-pass"
ATTACKER = "203.0.113.9"
OTHER_ADDRESS = "198.51.100.7"


def attempt(client: Client, password: str, *, username: str = "wangfang", address: str = ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def wangfang() -> User:
    return User.objects.create_user(username="wangfang", password=PASSWORD)


def test_a_hundred_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client: Client, wangfang: User
) -> None:
    answers = [attempt(client, f"guess-{n}").status_code for n in range(100)]
    assert answers[:4] == [200] * 4  # "did not match", the form again
    assert set(answers[4:]) == {429}  # the fifth failure locks
    refused = attempt(client, PASSWORD)
    assert refused.status_code == 429
    assert not client.session.get("_auth_user_id")
    assert b"locked for 15 minutes" in refused.content
    assert b"ask HR" in refused.content
    assert b'name="password"' in refused.content  # the login page, not a bare error
    assert AuditEvent.objects.filter(action="login.locked_out").count() == 1  # once, as it began
    event = AuditEvent.objects.get(action="login.locked_out")
    assert event.target_type == "accounts.user" and event.target_id == str(wangfang.pk)
    assert event.after == {
        "username": "wangfang",
        "ip_address": ATTACKER,
        "failures": 5,
        "minutes": 15,
    }


def test_the_lock_message_is_in_chinese_for_chinese_readers(client: Client, wangfang: User) -> None:
    client.cookies["django_language"] = "zh-hans"
    for n in range(5):
        attempt(client, f"guess-{n}")
    page = attempt(client, PASSWORD)
    assert page.status_code == 429
    text = page.content.decode()
    assert "登录失败次数过多" in text
    assert "锁定 15 分钟" in text
    assert "人力资源" in text


def test_hr_lifts_the_lock_audited_and_the_right_password_works(
    client: Client, wangfang: User
) -> None:
    for n in range(6):
        attempt(client, f"guess-{n}")
    assert attempt(client, PASSWORD).status_code == 429
    hr = HrFactory()
    staff = Client()
    staff.force_login(hr)
    page = staff.get("/hr/lockouts/")
    assert page.status_code == 200
    assert b"wangfang" in page.content and ATTACKER.encode() in page.content
    lifted = staff.post(
        "/hr/lockouts/", {"username": "wangfang", "ip_address": ATTACKER}, follow=True
    )
    assert b"is lifted" in lifted.content
    assert login_lockouts(visible_to=hr) == []
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.actor == hr
    assert event.target_id == str(wangfang.pk)
    assert event.before == {"username": "wangfang", "addresses": {ATTACKER: 7}}
    done = attempt(client, PASSWORD)
    assert done.status_code == 302
    assert client.session.get("_auth_user_id") == str(wangfang.pk)


def test_only_hr_lifts_a_lock(client: Client, wangfang: User) -> None:
    for n in range(5):
        attempt(client, f"guess-{n}")
    with pytest.raises(NotAllowed):
        login_lockout_clear(username="wangfang", actor=AuditorFactory())
    with pytest.raises(NotAllowed):
        login_lockout_clear(username="wangfang", actor=UserFactory())
    with pytest.raises(ServiceError):
        login_lockout_clear(username="nobody", actor=HrFactory())
    auditor = Client()
    auditor.force_login(AuditorFactory())
    assert b"wangfang" in auditor.get("/hr/lockouts/").content  # reads
    assert auditor.post("/hr/lockouts/", {"username": "wangfang"}).status_code == 404
    plain = Client()
    plain.force_login(UserFactory())
    assert plain.get("/hr/lockouts/").status_code == 404
    assert AccessAttempt.objects.filter(username="wangfang").exists()
    assert not AuditEvent.objects.filter(action="login.unlocked").exists()


def test_the_lock_holds_one_account_from_one_address(client: Client, wangfang: User) -> None:
    User.objects.create_user(username="lilei", password=PASSWORD)
    for n in range(5):
        attempt(client, f"guess-{n}")
    assert attempt(client, PASSWORD).status_code == 429
    elsewhere = Client()
    assert attempt(elsewhere, PASSWORD, address=OTHER_ADDRESS).status_code == 302
    colleague = Client()
    assert attempt(colleague, PASSWORD, username="lilei").status_code == 302


def test_a_successful_log_in_resets_the_count(client: Client, wangfang: User) -> None:
    for n in range(4):
        attempt(client, f"guess-{n}")
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for n in range(4):
        assert attempt(client, f"again-{n}").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_an_unknown_user_name_is_locked_too_and_audited(client: Client) -> None:
    for n in range(5):
        attempt(client, f"guess-{n}", username="ghost")
    assert attempt(client, "x", username="ghost").status_code == 429
    event = AuditEvent.objects.get(action="login.locked_out")
    assert event.target_type == "axes.accessattempt"
    login_lockout_clear(username="ghost", actor=HrFactory())
    assert AuditEvent.objects.get(action="login.unlocked").target_type == "axes.accessattempt"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(client: Client, wangfang: User) -> None:
    for n in range(3):
        attempt(client, f"guess-{n}")
    assert attempt(client, PASSWORD).status_code == 429


def test_the_admin_login_is_locked_too(client: Client) -> None:
    HrFactory(username="boss")
    for n in range(5):
        client.post(
            "/admin/login/", {"username": "boss", "password": f"g{n}"}, REMOTE_ADDR=ATTACKER
        )
    page = client.post("/admin/login/", {"username": "boss", "password": "x"}, REMOTE_ADDR=ATTACKER)
    assert page.status_code == 429


@override_settings(JIXIAO_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_a_proxy_the_address_is_the_last_one_it_added(wangfang: User) -> None:
    """All requests come from the proxy (REMOTE_ADDR); the client is the last
    address of X-Forwarded-For, whatever the client put before it."""
    client = Client()
    for n in range(5):
        client.post(
            LOGIN,
            {"username": "wangfang", "password": f"g{n}"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, {ATTACKER}",
        )
    locked = client.post(
        LOGIN,
        {"username": "wangfang", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert locked.status_code == 429
    colleague = Client().post(
        LOGIN,
        {"username": "wangfang", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=OTHER_ADDRESS,
    )
    assert colleague.status_code == 302
