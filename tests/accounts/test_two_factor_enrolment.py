"""Security review finding: "The administrator's first login with the password alone enrols
the second factor."

A system administrator without a device used to be sent, after the password, straight to the
page showing a new key: whoever had the password could enrol their own phone. Now that page
first asks for a one-time enrolment code issued out of band — by the server's operator
(`manage.py two_factor_enrolment_code <username>`) or by another, verified administrator in
the administration — valid for 24 hours, once, for that user only; the key is shown after it.
"""

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import EnrolmentCode, UserRole
from tests.accounts.helpers import code_for, device_for, give_enrolment_code, password_login
from tests.conftest import make_user

ENROL = "/account/two-factor/"
REFUSED = (
    "Mã thiết lập không đúng, đã dùng hoặc đã hết hạn: hãy xin một quản trị hệ thống "
    "khác (hoặc người vận hành máy chủ) cấp mã mới."
)
CODE = re.compile(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}")


def shows_a_key(body: str) -> bool:
    return "two-factor-secret" in body or "two-factor-qr" in body


def test_the_password_alone_does_not_enrol_a_phone(client, tree):
    """The finding: log in with the administrator's password, try to set up a phone."""
    assert password_login(client, "national").status_code == 302
    body = client.get(ENROL).content.decode()
    assert not shows_a_key(body) and 'name="enrolment_code"' in body
    for attempt in (
        {"code": "123456"},
        {},
        {"enrolment_code": "123456"},
        {"enrolment_code": "ABCD-EFGH-JKMN"},
    ):
        response = client.post(ENROL, attempt)
        body = response.content.decode()
        assert response.status_code == 200 and not shows_a_key(body)
        assert REFUSED in body or "enrolment_code" not in attempt
    assert not TOTPDevice.objects.filter(user=tree.admin).exists()
    assert client.get("/people/")["Location"].startswith(ENROL)


def test_a_wrong_code_is_refused_in_vietnamese(client, tree):
    password_login(client, "national")
    twofactor.enrolment_code_issue(tree.admin)
    response = client.post(ENROL, {"enrolment_code": "ABCD-EFGH-JKMN"})
    assert REFUSED in response.content.decode()


def test_the_code_opens_the_set_up_once(client, tree):
    code, expires_at = twofactor.enrolment_code_issue(tree.admin)
    assert CODE.fullmatch(code)
    assert expires_at - timezone.now() == pytest.approx(
        dt.timedelta(hours=24), abs=dt.timedelta(minutes=1)
    )
    password_login(client, "national")
    # Typed as people type it: lower case, spaces instead of dashes.
    response = client.post(
        ENROL, {"enrolment_code": code.lower().replace("-", " "), "next": "/admin/"}
    )
    assert response["Location"] == ENROL + "?next=%2Fadmin%2F"
    assert shows_a_key(client.get(ENROL).content.decode())
    device = TOTPDevice.objects.get(user=tree.admin, confirmed=False)
    response = client.post(ENROL, {"code": code_for(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Spent: another session (someone else with the password) cannot use it again.
    TOTPDevice.objects.filter(user=tree.admin).delete()
    other = type(client)()
    password_login(other, "national")
    response = other.post(ENROL, {"enrolment_code": code})
    assert REFUSED in response.content.decode()
    assert not shows_a_key(other.get(ENROL).content.decode())


def test_an_expired_code_is_refused(client, tree):
    code, _expires = twofactor.enrolment_code_issue(tree.admin)
    EnrolmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    password_login(client, "national")
    assert REFUSED in client.post(ENROL, {"enrolment_code": code}).content.decode()


def test_a_code_is_for_its_user_only(client, tree):
    other_admin = make_user("root2", tree.vgcl, UserRole.SYSTEM_ADMIN)
    code, _expires = twofactor.enrolment_code_issue(other_admin)
    password_login(client, "national")
    assert REFUSED in client.post(ENROL, {"enrolment_code": code}).content.decode()


def test_a_new_code_voids_the_one_before(client, tree):
    first, _expires = twofactor.enrolment_code_issue(tree.admin)
    twofactor.enrolment_code_issue(tree.admin)
    password_login(client, "national")
    assert REFUSED in client.post(ENROL, {"enrolment_code": first}).content.decode()


def test_only_the_codes_hash_is_stored(tree):
    code, _expires = twofactor.enrolment_code_issue(tree.admin)
    stored = EnrolmentCode.objects.get(user=tree.admin)
    assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash


def test_a_key_shown_before_the_code_is_not_the_one_set_up(client, tree):
    """A device half set up before (its key may have been seen) is dropped by the code."""
    seen = device_for(tree.admin, confirmed=False)
    password_login(client, "national")
    give_enrolment_code(client, tree.admin)
    client.get(ENROL)
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()
    assert TOTPDevice.objects.get(user=tree.admin).key != seen.key


def test_an_officer_still_turns_it_on_without_a_code(client, tree):
    password_login(client, "hanoi")
    assert shows_a_key(client.get(ENROL).content.decode())


def test_the_operator_issues_a_code_from_the_command_line(client, tree, capsys):
    call_command("two_factor_enrolment_code", "national")
    out = capsys.readouterr().out
    code = CODE.search(out)[0]
    assert "Dùng một lần" in out
    password_login(client, "national")
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302
    assert shows_a_key(client.get(ENROL).content.decode())


def test_the_command_refuses_what_needs_no_code(tree):
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("two_factor_enrolment_code", "nobody")
    with pytest.raises(CommandError, match="không bắt buộc"):
        call_command("two_factor_enrolment_code", "hanoi")
    device_for(tree.admin)
    with pytest.raises(CommandError, match="--reset"):
        call_command("two_factor_enrolment_code", "national")
    assert not EnrolmentCode.objects.exists()


def test_the_command_resets_a_lost_phone(tree, capsys):
    device_for(tree.admin)
    call_command("two_factor_enrolment_code", "national", "--reset")
    assert CODE.search(capsys.readouterr().out)
    assert not TOTPDevice.objects.filter(user=tree.admin).exists()


def superuser(tree):
    """The one who changes accounts in the administration (the demo's `admin` is one)."""
    return make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)


def test_another_administrator_issues_a_code_in_the_administration(client, tree):
    newcomer = make_user("root2", tree.vgcl, UserRole.SYSTEM_ADMIN)
    issuer = superuser(tree)
    client.force_login(issuer)  # verified with a device (tests/conftest.py)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [newcomer.pk]},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "root2" in body
    code = re.search(r'<code class="enrolment-code">([^<]+)</code>', body)[1]
    assert EnrolmentCode.objects.get(user=newcomer).issued_by == issuer
    client.post("/logout/")
    password_login(client, "root2")
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302
    assert shows_a_key(client.get(ENROL).content.decode())


def test_the_administration_issues_no_code_to_who_needs_none(client, tree):
    device_for(tree.admin)
    client.force_login(superuser(tree))
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "issue_enrolment_code",
            "_selected_action": [tree.hanoi_officer.pk, tree.admin.pk],
        },
        follow=True,
    )
    body = response.content.decode()
    assert "hanoi" in body and "national" in body and "enrolment-code" not in body
    assert not EnrolmentCode.objects.exists()


def test_only_a_verified_administrator_reaches_the_action(client, tree):
    """The action is in the administration, which waits for the second factor."""
    newcomer = make_user("root2", tree.vgcl, UserRole.SYSTEM_ADMIN)
    password_login(client, "root2")
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [newcomer.pk]},
    )
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert not EnrolmentCode.objects.exists()


def test_the_demo_hands_its_administrator_a_code(client, db, capsys, settings):
    call_command("load_demo")
    out = capsys.readouterr().out
    code = CODE.search(out)[0]
    assert "Đăng nhập hai bước của admin" in out
    password_login(client, "admin", "Demo@2026")
    assert client.post(ENROL, {"enrolment_code": code}).status_code == 302
    settings.PRODUCTION = True
    call_command("load_demo", "--if-empty")
    assert not CODE.search(capsys.readouterr().out)
