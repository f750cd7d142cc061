"""Issue 24 §3 on the demo, on a phone: "what a grassroots chair with only a phone would need
to never miss a class or a deadline" — the chair opens "Lịch của tôi" from their profile,
makes their link, and the page hands it to the phone's calendar (webcal://) or Google's; a
calendar app, with no session, reads the feed from it."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser import conftest as browsers
from tests.browser.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

chromium = browsers.browser  # the fixture `browser`, Debian's Chromium
WIDTH = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def test_a_grassroots_chair_adds_their_calendar_from_a_phone(live_server, demo_data, chromium):
    page = signed_in(
        chromium,
        live_server.url,
        "chutich",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page.goto(live_server.url + "/me/")
    page.locator("main").get_by_role("link", name="Lịch của tôi").click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    expect(page.get_by_text("Bạn chưa có liên kết lịch.")).to_be_visible()
    page.get_by_role("button", name="Tạo liên kết lịch").click()
    url = page.locator("#feed-url").input_value()
    assert re.fullmatch(r"http://[^/]+/calendar/feed/[A-Za-z0-9_-]{43}\.ics", url), url
    webcal = "webcal://" + url.split("://", 1)[1]
    expect(page.get_by_role("link", name="Thêm vào lịch của máy này")).to_have_attribute(
        "href", webcal
    )
    assert page.evaluate(WIDTH) <= 390  # the long link scrolls inside its box
    # A calendar app: no cookie, no session.
    app = chromium.new_context()
    response = app.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.body())
    assert str(calendar["X-WR-CALNAME"]) == "Lịch đào tạo công đoàn"
    # Shown once: back on the page, the link is gone, and a new one replaces it.
    page.goto(live_server.url + "/calendar/")
    expect(page.locator("#feed-url")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tạo liên kết mới").click()
    expect(page.locator("#feed-url")).not_to_have_value(url)
    assert app.request.get(url).status == 404
    app.close()
