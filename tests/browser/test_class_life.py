"""The whole life of a class in a browser: a district officer creates it, two grassroots
unions nominate their people, the officer accepts, records results and prints a certificate
whose public verification page shows only what it may."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.access import SYSTEM
from lib.dates import today
from people.services import person_create
from tests.conftest import PASSWORD, make_unit, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def nominate(page, base, class_url, search, name):
    page.goto(base + class_url)
    page.get_by_role("searchbox").fill(search)
    candidate = page.locator(".candidate", has_text=name)
    candidate.get_by_role("button").click()
    expect(page.locator("#enrolments")).to_contain_text(name)


def test_the_life_of_a_class(live_server, tree, page, browser):
    base = live_server.url
    school2 = make_unit(
        "HN-ML-02", "Công đoàn Trường THCS Tiền Phong", "grassroots", tree.melinh, sector="state"
    )
    person_create(
        user=SYSTEM,
        unit=school2,
        family_name="Phạm",
        middle_name="Thu",
        given_name="Hằng",
        gender="female",
    )
    make_user("chair1", tree.school)
    make_user("chair2", school2)

    log_in(page, base, "melinh")
    page.goto(f"{base}/training/classes/new/")
    page.fill("#id_code", "ML-2026-07")
    page.fill("#id_name", "Bồi dưỡng chủ tịch công đoàn cơ sở")
    page.locator("input[name=topics]").first.check()
    # A class that began two days ago and ends today: it may run, and its certificates may
    # be numbered (from its last day).
    start, end = today() - dt.timedelta(days=2), today()
    page.fill("#id_start_date", f"{start:%d/%m/%Y}")
    page.fill("#id_end_date", f"{end:%d/%m/%Y}")
    page.fill("#id_hours", "24")
    page.fill("#id_capacity", "30")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Bồi dưỡng chủ tịch công đoàn cơ sở")
    class_url = re.sub(r"^https?://[^/]+", "", page.url)
    page.click("button[name=status][value=open]")

    log_in(page, base, "chair1")
    nominate(page, base, class_url, "nguyen", "Nguyễn Văn An")
    log_in(page, base, "chair2")
    nominate(page, base, class_url, "pham thu", "Phạm Thu Hằng")
    expect(page.locator("#enrolments")).not_to_contain_text("Nguyễn Văn An")  # not theirs

    log_in(page, base, "melinh")
    page.goto(base + class_url)
    for _ in range(2):
        page.locator("#enrolments form[action$='/accept/'] button").first.click()
    expect(page.locator("#enrolments form[action$='/accept/']")).to_have_count(0)
    page.click("button[name=status][value=running]")
    for name in ("Nguyễn Văn An", "Phạm Thu Hằng"):
        row = page.locator("#enrolments tr", has_text=name)
        row.locator("input[name=attendance_percent]").fill("100")
        row.locator("input[name=score]").fill("8.5")
        row.locator("select[name=passed]").select_option("1")
        row.locator("form.results button").click()
    row = page.locator("#enrolments tr", has_text="Nguyễn Văn An")
    row.locator("a[href*='/certificate/']").click()
    page.click("main button[type=submit]")  # issue with the next free number
    # The year as written, never "2.026" (issue 23 §3).
    expect(page.locator("#certificate-number")).to_have_text(f"00001/{end.year}")
    expect(page.locator(".qr svg")).to_be_visible()
    verify_url = page.locator(".qr small").inner_text()

    anonymous = browser.new_context(locale="vi-VN").new_page()
    anonymous.goto(verify_url.replace("http://testserver", base))
    card = anonymous.locator("#verification")
    expect(card).to_contain_text("Nguyễn Văn An")
    expect(card).to_contain_text("Bồi dưỡng chủ tịch công đoàn cơ sở")
    expect(card).to_contain_text("Mê Linh")
    expect(card).to_contain_text(f"{end:%d/%m/%Y}")
    expect(card.locator("#certificate-number")).to_have_text(f"00001/{end.year}")
    expect(anonymous.locator("body")).not_to_contain_text(tree.nguyen.citizen_id)
    expect(anonymous.locator("body")).not_to_contain_text("01/05/1980")
    anonymous.context.close()
