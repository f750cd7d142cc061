"""The yearly review of a succession pool in a real browser: Mê Linh's officer adds a
trained young woman, removes a retired cadre, publishes the lists; the woman logs in and
finds it on her profile."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pool_review_is_published_and_the_candidate_sees_it(live_server, pool_world, browser):
    officer = logged_in(browser, live_server.url, "melinh")
    officer.locator("header nav summary", has_text="Tổ chức & cán bộ").click()
    officer.locator("header nav").get_by_role("link", name="Công tác cán bộ").click()
    officer.locator("#pools").get_by_role("link", name="Phó Chủ tịch").click()
    candidates = officer.locator("#candidates")
    expect(candidates).to_contain_text("Đỗ Văn Hưu")

    officer.get_by_text("Rà soát quy hoạch hằng năm").click()
    officer.get_by_label("Năm").fill("2025")
    officer.get_by_label("Ngày tiến hành").fill("01/12/2025")
    officer.get_by_role("button", name="Bắt đầu rà soát").click()
    expect(officer.locator("h1")).to_contain_text("Rà soát năm 2025")

    # Add the young woman found by a search without accents.
    officer.get_by_label("Tìm kiếm").fill("pham thu ha")
    officer.get_by_role("button", name="Tìm kiếm").click()
    found = officer.locator("form[data-person='Phạm Thu Hà']")
    found.get_by_label("Lý do").fill("Cán bộ nữ trẻ, đã qua bồi dưỡng nghiệp vụ")
    found.get_by_role("button", name="Đưa vào quy hoạch").click()
    expect(officer.locator("#entered")).to_contain_text("Phạm Thu Hà")

    # Remove the retired cadre with a reason.
    row = officer.locator("#candidates tr[data-person='Đỗ Văn Hưu']")
    row.get_by_text("Đưa ra khỏi quy hoạch").click()
    row.get_by_label("Lý do").fill("Đã nghỉ hưu")
    row.get_by_role("button", name="Xác nhận đưa ra").click()
    expect(officer.locator("#removed")).to_contain_text("Đỗ Văn Hưu")
    expect(officer.locator("#candidates")).not_to_contain_text("Đỗ Văn Hưu")

    officer.get_by_role("button", name="Công bố danh sách và thông báo cho người liên quan").click()
    expect(officer.locator("#review-status")).to_contain_text("Đã công bố")
    officer.context.close()

    # The candidate logs in and reads it on her profile.
    candidate = logged_in(browser, live_server.url, "thuha")
    expect(candidate).to_have_url(re.compile(r"/me/"))
    panel = candidate.locator("#cadre-work")
    expect(panel).to_contain_text("Đồng chí được đưa vào quy hoạch chức danh Phó Chủ tịch")
    expect(panel.locator("#person-pools")).to_contain_text("Liên đoàn Lao động huyện Mê Linh")
    candidate.context.close()
