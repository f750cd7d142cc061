"""Security review finding: "API tokens never expire and survive a password change (sessions
do not)."

A token expires settings.API_TOKEN_DAYS after it is issued (shown on the account page), and
an expired one gets the same 401 as a revoked one. A new password — on the account's page,
in the administration, or set_password() anywhere — ends every token of its user; Django's
own re-hashing of the same password at login does not.
"""

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import ApiToken, User
from tests.accounts.helpers import password_login
from tests.api import ApiClient
from tests.conftest import PASSWORD, make_user

UNAUTHORISED = "Hãy gửi mã truy cập API hợp lệ: Authorization: Bearer <token>."
NEW = "Sông-Hồng-2026-mới"


def token_of(client: ApiClient) -> ApiToken:
    return ApiToken.objects.get(key_hash=ApiToken.hash(client.token))


def assert_refused(client: ApiClient) -> None:
    response = client.get("/units")
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORISED}
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_is_issued_for_ninety_days_and_says_so(tree):
    before = timezone.now()
    response = ApiClient().post("/auth/token", {"username": "hanoi", "password": PASSWORD})
    assert response.status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash(response.json()["token"]))
    assert (
        before + dt.timedelta(days=90) <= token.expires_at <= timezone.now() + dt.timedelta(days=90)
    )
    sent = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert abs(sent - token.expires_at) < dt.timedelta(milliseconds=1)  # JSON keeps ms


def test_the_lifetime_is_a_setting(tree, settings):
    settings.API_TOKEN_DAYS = 7
    token = token_of(ApiClient(tree.hanoi_officer))
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )


def test_an_expired_token_gets_the_same_401_as_a_revoked_one(tree):
    expired, revoked, live = (ApiClient(tree.hanoi_officer) for _ in range(3))
    ApiToken.objects.filter(pk=token_of(expired).pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert revoked.delete("/auth/token").status_code == 204
    assert_refused(expired)
    assert_refused(revoked)
    assert expired.post("/people", {}).status_code == 401
    assert live.get("/units").status_code == 200


def test_the_account_page_shows_when_each_token_expires(client, tree):
    live, expired = ApiClient(tree.hanoi_officer), ApiClient(tree.hanoi_officer)
    ApiToken.objects.filter(pk=token_of(live).pk).update(
        expires_at=dt.datetime(2031, 3, 4, 5, 6, tzinfo=dt.UTC)
    )
    ApiToken.objects.filter(pk=token_of(expired).pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(tree.hanoi_officer)
    body = client.get("/account/").content.decode()
    assert "Hết hạn" in body and "04/03/2031 12:06" in body  # Hà Nội time
    assert "Mỗi mã hết hạn sau 90 ngày kể từ ngày cấp" in body
    assert body.count("data-token=") == 1  # an expired token is not listed
    # nor revoked from the page: it is already gone
    assert (
        client.post("/account/tokens/revoke/", {"token": token_of(expired).pk}).status_code == 404
    )


def test_changing_the_password_on_the_account_page_ends_the_tokens(client, tree):
    api, theirs = ApiClient(tree.hanoi_officer), ApiClient(tree.nt_officer)
    client.force_login(tree.hanoi_officer)
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert_refused(api)
    assert token_of(api).revoked_at is not None
    assert theirs.get("/units").status_code == 200  # someone else's are left alone
    assert client.get("/people/").status_code == 200  # this session stays, as before
    fresh = ApiClient().post("/auth/token", {"username": "hanoi", "password": NEW})
    assert ApiClient(token=fresh.json()["token"]).get("/units").status_code == 200


def test_an_administrator_setting_the_password_ends_the_tokens(client, tree):
    api = ApiClient(tree.hanoi_officer)
    client.force_login(make_user("root", tree.vgcl, "system_admin", is_superuser=True))
    response = client.post(
        f"/admin/accounts/user/{tree.hanoi_officer.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_refused(api)


def test_set_password_anywhere_ends_the_tokens(tree):
    api = ApiClient(tree.hanoi_officer)
    user = User.objects.get(pk=tree.hanoi_officer.pk)
    user.set_password(NEW)
    user.save()
    assert_refused(api)


def test_removing_the_password_ends_the_tokens(tree):
    api = ApiClient(tree.hanoi_officer)
    user = User.objects.get(pk=tree.hanoi_officer.pk)
    user.set_unusable_password()
    user.save()
    assert_refused(api)


def test_saving_a_user_without_a_new_password_keeps_the_tokens(tree):
    api = ApiClient(tree.hanoi_officer)
    user = User.objects.get(pk=tree.hanoi_officer.pk)
    user.first_name = "Lan"
    user.save()
    assert api.get("/units").status_code == 200


def test_rehashing_the_same_password_at_login_keeps_the_tokens(client, tree, settings):
    """Django rewrites an old hash with the preferred hasher at login: same password."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    User.objects.filter(pk=tree.hanoi_officer.pk).update(
        password=make_password(PASSWORD, hasher="md5")
    )
    api = ApiClient(tree.hanoi_officer)
    assert password_login(client, "hanoi").status_code == 302
    assert User.objects.get(pk=tree.hanoi_officer.pk).password.startswith("argon2$")
    assert api.get("/units").status_code == 200


def test_a_deactivated_users_token_gets_401(tree):
    api = ApiClient(tree.hanoi_officer)
    User.objects.filter(pk=tree.hanoi_officer.pk).update(is_active=False)
    assert_refused(api)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_tokens_an_end():
    """Tokens issued before had none: API_TOKEN_DAYS after they were issued, but no sooner
    than 30 days after the upgrade (a program is not cut off without warning)."""
    before, after = [("accounts", "0002_initial")], [("accounts", "0003_apitoken_expires_at")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        user = old_apps.get_model("accounts", "User").objects.create(username="old")
        tokens = old_apps.get_model("accounts", "ApiToken").objects
        now = timezone.now()
        for key, age in (("old", 400), ("recent", 10)):
            token = tokens.create(user=user, key_hash=key)
            tokens.filter(pk=token.pk).update(created_at=now - dt.timedelta(days=age))
        MigrationExecutor(connection).migrate(after)
        old, recent = (ApiToken.objects.get(key_hash=key) for key in ("old", "recent"))
    finally:  # every later migration back (accounts' enrolment codes, and what follows)
        MigrationExecutor(connection).migrate(latest)
    assert old.expires_at - now == pytest.approx(dt.timedelta(days=30), abs=dt.timedelta(minutes=1))
    assert recent.expires_at == recent.created_at + dt.timedelta(days=90)
