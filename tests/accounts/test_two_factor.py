"""Two-factor login (TOTP): optional for every user, required for system administrators.
The login is two steps — the password, then the 6-digit code of an authenticator app — and
a session that owes its code (or, for an administrator without a device, its enrolment)
reaches nothing else: no page, not the admin. An administrator's enrolment starts with a
one-time code issued out of band (tests/accounts/test_two_factor_enrolment.py)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import (
    code_for,
    device_for,
    give_enrolment_code,
    password_login,
    wrong_code,
)
from tests.api import ApiClient
from tests.conftest import PASSWORD

VERIFY = "/account/two-factor/verify/"
ENROL = "/account/two-factor/"
WRONG = "Mã không đúng: hãy nhập 6 chữ số ứng dụng xác thực đang hiển thị."


def unthrottle(device: TOTPDevice) -> None:
    """As if the last wrong code had been typed an hour ago (no sleeping in tests)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(hours=1)
    )


def test_an_officer_without_a_device_logs_in_with_the_password_only(client, tree):
    response = password_login(client, "hanoi")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/people/").status_code == 200


def test_an_administrator_without_a_device_must_enrol_before_anything_else(client, tree):
    assert password_login(client, "national").status_code == 302
    for path in (
        "/",
        "/people/",
        "/units/",
        "/admin/",
        "/admin/accounts/user/",
        "/account/",
        "/account/password/",
        VERIFY + "?next=/people/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL + "?next="), path
    page = client.get(ENROL)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Quản trị hệ thống bắt buộc đăng nhập hai bước" in body
    # The password alone shows no key: first the enrolment code given out of band.
    assert 'name="enrolment_code"' in body and "two-factor-qr" not in body
    assert not TOTPDevice.objects.filter(user=tree.admin).exists()
    response = give_enrolment_code(client, tree.admin)
    assert response.status_code == 302 and response["Location"] == ENROL
    body = client.get(ENROL).content.decode()
    assert re.search(r'<img id="two-factor-qr" src="data:image/svg\+xml', body)
    device = TOTPDevice.objects.get(user=tree.admin)
    assert not device.confirmed
    assert secret_on(body) == device.key_b32
    # POSTs are held back too, and logging out still works.
    assert client.post("/people/new/", {}).status_code == 302
    assert client.post("/logout/").status_code == 302
    assert client.get(ENROL).status_code == 302  # logged out: to the login page


def secret_on(body: str) -> str:
    return re.search(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>', body)[1].replace(" ", "")


TOTPDevice.key_b32 = property(lambda d: __import__("base64").b32encode(d.bin_key).decode())


def test_an_administrator_enrols_and_then_reaches_the_site_and_the_admin(client, tree):
    password_login(client, "national")
    give_enrolment_code(client, tree.admin)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=tree.admin)
    response = client.post(ENROL, {"code": wrong_code(device), "next": "/admin/"})
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/people/").status_code == 302
    unthrottle(device)
    response = client.post(ENROL, {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200
    assert client.get("/people/").status_code == 200
    assert "Đăng nhập hai bước</a>:\n    bật" in client.get("/account/").content.decode()


def test_reloading_the_enrolment_page_keeps_the_same_key(client, tree):
    password_login(client, "national")
    give_enrolment_code(client, tree.admin)
    first = secret_on(client.get(ENROL).content.decode())
    assert secret_on(client.get(ENROL).content.decode()) == first
    assert TOTPDevice.objects.filter(user=tree.admin).count() == 1


def test_an_administrator_with_a_device_gives_the_code_after_the_password(client, tree):
    device = device_for(tree.admin)
    response = password_login(client, "national", next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2F"
    assert client.get(response["Location"]).status_code == 200
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_user_with_a_device_is_asked_for_the_code_and_a_wrong_one_is_refused(client, tree):
    device = device_for(tree.hanoi_officer)
    password_login(client, "hanoi")
    assert client.get("/people/")["Location"] == VERIFY + "?next=%2Fpeople%2F"
    assert client.get("/api/v1/units").status_code == 401  # the API takes tokens, not sessions
    response = client.post(VERIFY, {"code": wrong_code(device), "next": "/people/"})
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert client.get("/people/").status_code == 302
    for garbage in ("", "12345", "abcdef", "1234567"):
        response = client.post(VERIFY, {"code": garbage})
        assert response.status_code == 200 and client.get("/people/").status_code == 302
    unthrottle(device)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/people/"})
    assert response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_code_is_accepted_once(client, tree):
    device = device_for(tree.hanoi_officer)
    code = code_for(device)
    password_login(client, "hanoi")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post("/logout/")
    password_login(client, "hanoi")
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200 and WRONG in response.content.decode()
    unthrottle(device)
    assert client.post(VERIFY, {"code": code_for(device, steps_ahead=1)}).status_code == 302


def test_wrong_codes_make_the_next_try_wait(client, tree):
    device = device_for(tree.hanoi_officer)
    password_login(client, "hanoi")
    for _ in range(3):
        client.post(VERIFY, {"code": wrong_code(device)})
        unthrottle(device)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code_for(device)})  # right, but too soon
    body = response.content.decode()
    assert response.status_code == 200 and "Nhập sai mã quá nhiều lần: hãy đợi" in body
    assert client.get("/people/").status_code == 302
    unthrottle(device)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302


def test_the_code_page_leads_only_to_this_site(client, tree):
    device = device_for(tree.hanoi_officer)
    password_login(client, "hanoi")
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/phish"})
    assert response["Location"] == "/"


def test_the_code_page_needs_the_password_first(client, tree):
    assert client.get(VERIFY)["Location"].startswith("/login/")
    assert client.get(ENROL)["Location"].startswith("/login/")


def test_an_officer_turns_two_factor_on_and_off(client, tree):
    client.force_login(tree.hanoi_officer)
    assert "Đăng nhập hai bước</a>:\n    tắt" in client.get("/account/").content.decode()
    body = client.get(ENROL).content.decode()
    assert "Quản trị hệ thống bắt buộc" not in body
    device = TOTPDevice.objects.get(user=tree.hanoi_officer)
    response = client.post(ENROL, {"code": code_for(device)})
    assert response["Location"] == "/account/"
    assert "Đã bật đăng nhập hai bước" in client.get("/account/").content.decode()
    client.post("/logout/")
    password_login(client, "hanoi")
    assert client.get("/people/").status_code == 302  # now the code is asked
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=tree.hanoi_officer).exists()
    client.post("/logout/")
    password_login(client, "hanoi")
    assert client.get("/people/").status_code == 200


def test_an_administrator_cannot_turn_it_off(client, tree):
    client.force_login(tree.admin)  # verified with a device (tests/conftest.py)
    body = client.get(ENROL).content.decode()
    assert "Tắt đăng nhập hai bước" not in body
    response = client.post("/account/two-factor/remove/", follow=True)
    assert "Quản trị hệ thống phải đăng nhập hai bước." in response.content.decode()
    assert TOTPDevice.objects.filter(user=tree.admin, confirmed=True).exists()


def test_removing_an_administrators_device_sends_them_back_to_enrolment(client, tree):
    client.force_login(tree.admin)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=tree.admin).delete()  # another admin removed it
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_a_superuser_without_the_role_must_use_it_too(client, tree):
    tree.hanoi_officer.is_superuser = True
    tree.hanoi_officer.save()
    password_login(client, "hanoi")
    assert client.get("/people/")["Location"].startswith(ENROL)


def test_the_admin_login_is_the_sites_login(client, tree):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    client.force_login(tree.hanoi_officer)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.parametrize("with_code", [False, True])
def test_a_token_for_a_user_with_two_factor_needs_the_code(tree, with_code):
    device = device_for(tree.hanoi_officer)
    credentials = {"username": "hanoi", "password": PASSWORD}
    if with_code:
        credentials["code"] = code_for(device)
    response = ApiClient().post("/auth/token", credentials)
    if with_code:
        assert response.status_code == 200
    else:
        assert response.status_code == 401 and response.json()["detail"] == WRONG
        assert not tree.hanoi_officer.api_tokens.exists()


def test_an_administrator_without_a_device_gets_no_token(tree):
    response = ApiClient().post("/auth/token", {"username": "national", "password": PASSWORD})
    assert response.status_code == 401
    assert "đăng nhập hai bước" in response.json()["detail"]
    assert not tree.admin.api_tokens.exists()
