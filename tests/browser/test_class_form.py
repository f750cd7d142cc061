"""A class form the way an officer fills it (issue 23 §4, on the demo): "45.000.000" typed in
Dự toán kinh phí is taken; a co-organiser is found by searching its name in the tree and
ticked, not typed as a code; a mistake is listed at the top of the form with a link to its
field, and nothing typed is lost."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import signed_in
from training.models import TrainingClass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_fills_a_class_form_as_they_type(live_server, browser, demo_data):
    page = signed_in(browser, live_server.url, "melinh", viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/training/classes/new/")
    page.fill("#id_code", "KV1-2027-01")
    page.fill("#id_name", "Bồi dưỡng nghiệp vụ công tác nữ công")
    page.locator("input[name=topics]").first.check()
    page.fill("#id_start_date", "10/03/2027")
    page.fill("#id_end_date", "08/03/2027")  # before it starts: a mistake
    page.fill("#id_hours", "24")
    page.fill("#id_capacity", "1.000")
    page.fill("#id_budget_planned", "45.000.000")

    # The co-organiser: searched by name anywhere in the tree, ticked.
    search = page.get_by_label("Đơn vị phối hợp tổ chức")
    search.fill("Đông Anh")
    search.press("Enter")  # searches; does not send the form
    match = page.locator(".unit-choices input[value=HN-KV2]")
    match.check()
    expect(page.locator(".chosen input[value=HN-KV2]")).to_be_checked()
    expect(page).to_have_url(re.compile(r"/training/classes/new/$"))

    page.get_by_role("button", name="Lưu").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < 400  # at the top, not 1,800 px down
    expect(summary).to_contain_text("Ngày kết thúc không được trước ngày bắt đầu.")
    # Nothing typed is lost: the amount as typed, the ticked co-organiser still ticked.
    expect(page.locator("#id_budget_planned")).to_have_value("45.000.000")
    expect(page.locator(".chosen input[value=HN-KV2]")).to_be_checked()

    page.fill("#id_end_date", "12/03/2027")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Bồi dưỡng nghiệp vụ công tác nữ công")
    c = TrainingClass.objects.get(code="KV1-2027-01")
    assert c.budget_planned == 45_000_000 and c.capacity == 1000
    assert [u.code for u in c.co_organisers.all()] == ["HN-KV2"]
    expect(page.locator("main")).to_contain_text("Công đoàn khu vực Đông Anh")
