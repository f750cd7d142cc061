"""Passwords: hashed with Argon2 (older hashes still work and are upgraded at login), and a
policy — at least 10 characters, not common, not all digits, not like the username — on
every form that sets one: "Đổi mật khẩu" and the administration's new-account form."""

import pytest
from django.contrib.auth.hashers import make_password

from accounts.models import User, UserRole
from config import settings as project_settings
from tests.accounts.helpers import password_login
from tests.conftest import PASSWORD, make_user

NEW = "Sông-Hồng-2026-mới"


@pytest.fixture
def real_hashers(settings):
    """The project's hashers (the suite's autouse fixture swaps in a fast one)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_argon2_comes_first():
    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_new_password_is_hashed_with_argon2(tree, real_hashers):
    user = User.objects.create_user("moi", password=PASSWORD, unit=tree.hanoi)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_an_old_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(client, tree, real_hashers):
    User.objects.filter(pk=tree.hanoi_officer.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    assert password_login(client, "hanoi").status_code == 302
    assert client.get("/people/").status_code == 200
    tree.hanoi_officer.refresh_from_db()
    assert tree.hanoi_officer.password.startswith("argon2$")


def test_a_wrong_password_does_not_log_in_with_an_old_hash(client, tree, real_hashers):
    User.objects.filter(pk=tree.hanoi_officer.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    response = password_login(client, "hanoi", "not-the-password")
    assert (
        response.status_code == 200
        and "Sai tên đăng nhập hoặc mật khẩu." in response.content.decode()
    )
    tree.hanoi_officer.refresh_from_db()
    assert tree.hanoi_officer.password.startswith("pbkdf2_sha256$")


def change(client, new, old=PASSWORD, again=None):
    return client.post(
        "/account/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


@pytest.mark.parametrize(
    "weak, message",
    [
        ("Ngan-26", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("20262026202", "Mật khẩu này hoàn toàn là số."),
        ("nguyenvanan1", "Mật khẩu quá giống với Tên đăng nhập."),
    ],
)
def test_a_weak_new_password_is_refused_in_vietnamese(client, tree, weak, message):
    user = make_user("nguyenvanan", tree.hanoi)
    client.force_login(user)
    response = change(client, weak)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_nine_characters_are_too_few_and_ten_are_enough(client, tree):
    client.force_login(tree.hanoi_officer)
    assert "cần ít nhất 10 ký tự" in change(client, "Qx7#mLp2v").content.decode()
    assert change(client, "Qx7#mLp2vZ").status_code == 302


def test_the_old_password_must_be_right(client, tree):
    client.force_login(tree.hanoi_officer)
    response = change(client, NEW, old="not-the-password")
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    tree.hanoi_officer.refresh_from_db()
    assert tree.hanoi_officer.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(client, tree):
    client.force_login(tree.hanoi_officer)
    response = change(client, NEW, again=NEW + "x")
    assert "Hai trường mật khẩu không giống nhau." in response.content.decode()


def test_a_strong_password_is_changed_and_the_session_stays(client, tree):
    client.force_login(tree.hanoi_officer)
    page = client.get("/account/password/").content.decode()
    assert "Đổi mật khẩu" in page and "Ít nhất 10 ký tự." in page  # the rules are shown
    response = change(client, NEW)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "Đã đổi mật khẩu." in client.get("/account/").content.decode()
    assert client.get("/people/").status_code == 200  # still logged in
    client.logout()
    assert password_login(client, "hanoi").status_code == 200  # the old one is refused
    assert password_login(client, "hanoi", NEW).status_code == 302


def test_the_password_page_needs_a_login(client, tree):
    response = client.get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def add_account(client, password, again=None):
    return client.post(
        "/admin/accounts/user/add/",
        {
            "username": "canbo_moi",
            "usable_password": "true",
            "password1": password,
            "password2": again or password,
        },
    )


def superuser(tree):
    return make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)


def test_the_administration_refuses_a_weak_password_for_a_new_account(client, tree):
    client.force_login(superuser(tree))
    response = add_account(client, "12345678")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in body
    assert "Mật khẩu này hoàn toàn là số." in body
    assert not User.objects.filter(username="canbo_moi").exists()


def test_the_administration_creates_an_account_with_a_strong_password(client, tree):
    client.force_login(superuser(tree))
    response = add_account(client, NEW)
    assert response.status_code == 302
    assert User.objects.get(username="canbo_moi").check_password(NEW)


def test_the_demo_password_still_logs_in(client, tree):
    """Demo@2026 (9 characters) is set by load_demo, not through a form: it keeps working."""
    tree.hanoi_officer.set_password("Demo@2026")
    tree.hanoi_officer.save()
    assert password_login(client, "hanoi", "Demo@2026").status_code == 302
