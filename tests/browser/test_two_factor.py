"""A system administrator's first login in a real browser: the password, then the enrolment
page, which asks first for the one-time enrolment code the operator issued (the password
alone sets up nothing), then shows the QR code and key; a code computed from the key read
off the page as an authenticator app would, and the site; then logging out and in again with
the password and a code."""

import datetime as dt
import re
import time
from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import twofactor
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (RFC 6238, 30 s, 6 digits)."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page, base):
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill("national")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_administrators_first_login_enrols_a_phone_then_asks_for_its_code(
    live_server, tree, page
):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # The operator's `manage.py two_factor_enrolment_code national`, handed over by phone.
    code, _expires = twofactor.enrolment_code_issue(tree.admin)
    password_step(page, live_server.url)

    # Straight to the enrolment page: nothing else opens before it is done.
    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next="))
    expect(page.get_by_role("alert")).to_contain_text("Quản trị hệ thống bắt buộc")
    # The password alone shows no key: first the enrolment code; a wrong one is refused.
    expect(page.locator("#two-factor-qr")).to_have_count(0)
    page.get_by_label("Mã thiết lập").fill("ABCD-EFGH-JKMN")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".field .error")).to_contain_text("Mã thiết lập không đúng")
    expect(page.locator("#two-factor-qr")).to_have_count(0)
    page.get_by_label("Mã thiết lập").fill(code.lower())
    page.get_by_role("button", name="Tiếp tục").click()
    qr = page.locator("#two-factor-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert page.evaluate("document.getElementById('two-factor-qr').naturalWidth") > 0
    page.goto(f"{live_server.url}/people/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/"))
    secret = page.locator("#two-factor-secret").inner_text()

    # A wrong code is refused; the app's code turns it on and lands on the site.
    page.get_by_label("Mã").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Bật đăng nhập hai bước").click()
    expect(page.locator(".field .error")).to_contain_text("Mã không đúng")
    # django-otp makes the next try wait 1 s after a wrong code: as if that second had passed.
    TOTPDevice.objects.filter(user=tree.admin).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=2)
    )
    page.get_by_label("Mã").fill(app_code(secret))
    page.get_by_role("button", name="Bật đăng nhập hai bước").click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.locator("main")).to_contain_text("Nguyễn Văn An")
    page.locator("header nav summary", has_text="Hệ thống").click()
    page.locator("header nav").get_by_role("link", name="Quản trị").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()

    # Log out, log in again: the password, then the code page.
    page.goto(f"{live_server.url}/people/")
    page.locator("header .account summary").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    password_step(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    expect(page.get_by_role("heading", name="Mã đăng nhập")).to_be_visible()
    # The code just used cannot be used again: the app's next one is (30 s tolerance).
    page.get_by_label("Mã").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/targets/"))
    assert not violations, violations
