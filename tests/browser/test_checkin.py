"""Check-in by QR on a phone (issue 24 §4, on the demo): "a browser test checks in by QR on a
phone-sized page, and an expired or reused code is refused." The officer shows the session's
code in the room; the grassroots chair `chutich`, with only a phone and not signed in, scans
it, logs in, and is back on a page that says they are checked in."""

import datetime as dt
import io
import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.access import SYSTEM
from demo.generator import PASSWORD
from lib.dates import today
from tests.browser.conftest import signed_in
from training import sessions
from training.models import ClassSession, SessionAttendance, Topic
from training.services import (
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def session_now(demo_data):
    """A Hà Nội class of today with the demo chair accepted, and a session on now (from an
    hour ago, or midnight, to the day's end)."""
    from accounts.models import User

    officer = User.objects.get(username="hanoi")
    chair = User.objects.get(username="chutich")
    c = class_create(
        user=officer,
        organiser=officer.unit,
        topics=[Topic.objects.first()],
        code="HN-DIEMDANH-01",
        name="Bồi dưỡng chủ tịch công đoàn cơ sở",
        start_date=today(),
        end_date=today(),
        venue="Hội trường tầng 3, LĐLĐ thành phố Hà Nội",
        hours=8,
        capacity=30,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    enrolment, _warnings = enrolment_nominate(user=officer, training_class=c, person=chair.person)
    enrolment_accept(user=SYSTEM, enrolment=enrolment)
    class_set_status(user=SYSTEM, training_class=c, status="running")
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).time() if now.hour else dt.time(0)
    session = sessions.session_save(
        user=officer,
        training_class=c,
        date=now.date(),
        starts_at=start.replace(second=0, microsecond=0),
        ends_at=dt.time(23, 59, 59),
        venue="Phòng 305",
    )
    return officer, chair, c, session


def decode_qr(png: bytes) -> str:
    found = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert len(found) == 1, "one QR code on the screen"
    return found[0].text


def test_a_chair_checks_in_by_qr_on_a_phone(live_server, browser, session_now):
    officer, chair, c, session = session_now

    # The officer opens the class, finds the session and shows its code.
    screen = signed_in(browser, live_server.url, officer.username)
    # The screen's timers run on a clock the test moves (Playwright's fake clock), so that
    # the count's next refresh, up to 15 s away, comes when the test asks for it.
    screen.clock.install()
    screen.goto(f"{live_server.url}/training/classes/{c.pk}/")
    sessions_list = screen.locator("#session-list")
    expect(sessions_list).to_contain_text("Phòng 305")
    sessions_list.get_by_role("link", name="Hiện mã QR").click()
    qr = screen.locator("#checkin-qr")
    expect(qr).to_be_visible()
    url = decode_qr(qr.screenshot())
    assert url == qr.get_attribute("data-url")
    assert re.fullmatch(
        rf"{live_server.url}/training/checkin/{session.pk}/\d+-[0-9a-f]{{20}}/", url
    )
    # The countdown runs (static/js/checkin-qr.js: the page asks for each new code itself).
    shown = screen.locator("[data-countdown]").inner_text()
    screen.clock.run_for(1500)
    assert screen.locator("[data-countdown]").inner_text() != shown

    # A code of two minutes ago — a photo sent to a friend — is refused.
    phone = browser.new_context(locale="vi-VN", **PHONE).new_page()
    stale = sessions.checkin_code(session.pk, sessions.minute_of(dt.datetime.now(dt.UTC)) - 2)
    phone.goto(f"{live_server.url}/training/checkin/{session.pk}/{stale}/")
    result = phone.locator("#checkin-result")
    expect(result).to_contain_text("Chưa điểm danh được")
    expect(result).to_contain_text("Mã đã hết hạn")

    # The chair scans the code on the screen, not signed in: the login page, then back.
    phone.goto(url)
    expect(phone).to_have_url(re.compile(r"/login/\?next="))
    phone.get_by_label("Tên đăng nhập").fill(chair.username)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    expect(result).to_contain_text("Đã điểm danh")
    expect(result).to_contain_text("Bồi dưỡng chủ tịch công đoàn cơ sở")
    expect(result).to_contain_text("Bạn đã có mặt 1 trên 1 buổi của lớp.")
    # A phone-sized page: nothing wider than the screen, the result large and at the top.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    box = result.bounding_box()
    assert box["width"] >= 300 and box["y"] < 740
    mark = SessionAttendance.objects.get(session=session)
    assert (mark.present, mark.how, mark.enrolment.person_id) == (True, "qr", chair.person_id)

    # The same code again: already done, and when.
    phone.goto(url)
    expect(result).to_contain_text("Đã điểm danh từ trước")
    expect(result).to_contain_text(
        f"Bạn đã điểm danh buổi này lúc {timezone.localtime(mark.at):%H:%M %d/%m/%Y}."
    )
    assert SessionAttendance.objects.filter(session=session).count() == 1

    # The officer's screen counts the check-in at its next refresh (at most 15 s on), and the
    # grid says how.
    screen.clock.fast_forward(15_500)
    expect(screen.locator("#qr-count")).to_contain_text("Có mặt: 1 / 1 (quét mã: 1)")
    screen.goto(f"{live_server.url}/training/classes/{c.pk}/sessions/{session.pk}/attendance/")
    expect(screen.get_by_label(f"Có mặt — {chair.person.full_name}")).to_be_checked()
    expect(screen.locator("#attendance-grid")).to_contain_text("Đã quét mã QR lúc")


def test_the_chairs_phone_lists_the_sessions_to_come(live_server, browser, session_now):
    _officer, chair, c, session = session_now
    phone = signed_in(browser, live_server.url, chair.username, **PHONE)
    phone.goto(f"{live_server.url}/me/")
    upcoming = phone.locator("#upcoming-sessions")
    expect(upcoming).to_contain_text("Lịch học sắp tới")
    expect(upcoming).to_contain_text("Hôm nay")
    expect(upcoming).to_contain_text(c.name)
    expect(upcoming).to_contain_text("Phòng 305")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert ClassSession.objects.filter(pk=session.pk).exists()
