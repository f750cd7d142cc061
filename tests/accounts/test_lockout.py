"""Lock-out after repeated failed logins (django-axes): a username that failed 5 times from one
address within 30 minutes is refused there — even with the right password — until 30 minutes
after its last attempt, or until an administrator unlocks it. Other users and other
addresses are not affected; the API's token endpoint counts and obeys the same lock."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.helpers import password_login
from tests.api import ApiClient
from tests.conftest import PASSWORD

LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "Sai tên đăng nhập hoặc mật khẩu."
N = 5


def fail(client, username="hanoi", times=1, ip="127.0.0.1"):
    return [password_login(client, username, "not-the-password", ip=ip) for _ in range(times)]


def logged_in(client) -> bool:
    return client.get("/people/").status_code == 200


def test_the_limit_and_the_wait_are_five_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == N
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=30)


def test_four_failures_then_the_right_password_logs_in(client, tree):
    for response in fail(client, times=N - 1):
        assert response.status_code == 200 and WRONG in response.content.decode()
    assert password_login(client, "hanoi").status_code == 302
    assert logged_in(client)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client, tree):
    *before, fifth = fail(client, times=N)
    assert all(r.status_code == 200 for r in before)
    assert fifth.status_code == 429  # exactly N: this attempt already gets the lock-out page
    response = password_login(client, "hanoi")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body and "trong 30 phút" in body and "quản trị hệ thống" in body
    assert 'id="id_username"' in body and 'value="hanoi"' in body  # still the login page
    assert not logged_in(client)


def test_another_user_and_another_address_are_not_locked(client, tree):
    fail(client, times=N)
    assert password_login(client, "melinh").status_code == 302
    client.logout()
    assert password_login(client, "hanoi", ip="10.1.2.3").status_code == 302
    client.logout()
    assert password_login(client, "hanoi").status_code == 429


def test_behind_a_proxy_the_lock_holds_the_clients_address_not_the_proxys(client, tree, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1  # nginx appends the address it was reached from
    for _ in range(N):
        client.post(
            "/login/",
            {"username": "hanoi", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # Another client through the same proxy is not locked; the locked one still is.
    assert (
        client.post(
            "/login/",
            {"username": "hanoi", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.10",
        ).status_code
        == 302
    )
    client.logout()
    assert (
        client.post(
            "/login/",
            {"username": "hanoi", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        ).status_code
        == 429
    )


def age_attempts(minutes: int) -> None:
    """As if the attempts had been made `minutes` ago (no sleeping in tests)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=minutes))


def test_after_thirty_minutes_the_right_password_works_again(client, tree):
    fail(client, times=N)
    age_attempts(29)
    assert password_login(client, "hanoi").status_code == 429
    age_attempts(31)
    assert password_login(client, "hanoi").status_code == 302
    assert logged_in(client)


def test_a_success_clears_the_failures(client, tree):
    fail(client, times=N - 1)
    assert password_login(client, "hanoi").status_code == 302
    client.logout()
    fail(client, times=N - 1)
    assert password_login(client, "hanoi").status_code == 302


def test_an_administrator_unlocks_a_username(client, tree):
    fail(client, times=N)
    assert password_login(client, "hanoi").status_code == 429
    call_command("axes_reset_username", "hanoi")
    assert password_login(client, "hanoi").status_code == 302


def test_unknown_usernames_are_locked_too(client, tree):
    """Guessing names costs the same: no difference between a real and an unknown user."""
    *_, fifth = fail(client, "nobody", times=N)
    assert fifth.status_code == 429


@pytest.mark.parametrize("locked_by", ["page", "api"])
def test_the_token_endpoint_counts_failures_and_obeys_the_lock(tree, client, locked_by):
    api = ApiClient()
    if locked_by == "page":
        fail(client, times=N)
    else:
        for _ in range(N - 1):
            assert (
                api.post("/auth/token", {"username": "hanoi", "password": "x"}).status_code == 401
            )
        assert api.post("/auth/token", {"username": "hanoi", "password": "x"}).status_code == 429
    response = api.post("/auth/token", {"username": "hanoi", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"].startswith(LOCKED)
    assert not tree.hanoi_officer.api_tokens.exists()
