"""A target edited in the system, not in the Django admin (issue 23 §6), on the demo, by the
officer who does it: Hà Nội's training officer renews the yearly refresher of Hà Nội's 2018
plan (T-004-1c) — in force from now on, at 92,5% — looks at whom it would count before saving,
saves it, and finds the same figure on the Targets page."""

import pytest
from playwright.sync_api import expect

from targets.models import Target
from tests.browser.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_previews_and_saves_a_target_of_their_province(live_server, browser, demo_data):

    page = signed_in(browser, live_server.url, "hanoi")
    page.goto(f"{live_server.url}/targets/")
    page.locator("#edit-targets").click()
    listed = page.locator("#target-list")
    expect(listed).to_contain_text("T-004-1c")
    expect(listed).not_to_contain_text("T-001")  # Ninh Thuận's resolution
    expect(listed).not_to_contain_text("T-003-2")  # the confederation's: adopted, not edited
    listed.get_by_role("link", name="T-004-1c").click()
    expect(page.locator("h1")).to_contain_text("T-004-1c")
    expect(page.locator("#reading")).to_contain_text("Cách hệ thống hiểu")
    for title in ("Đối tượng", "Được tính là đạt", "Thời hạn"):
        expect(page.locator("#target-form h2", has_text=title)).to_be_visible()

    page.locator("#id_valid_to").fill("")  # in force from now on, not only in 2018
    page.locator("#id_threshold").fill("92,5")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Liên đoàn Lao động thành phố Hà Nội")
    eligible = preview.locator("[data-count=eligible]").inner_text()
    met = preview.locator("[data-count=met]").inner_text()
    assert int(eligible.replace(".", "")) > 0
    expect(page.locator("#preview-people tbody tr").first).to_be_visible()
    expect(page.locator("#id_threshold")).to_have_value("92,5")  # the form as typed
    assert Target.objects.get(code="T-004-1c").threshold == 100  # nothing saved yet

    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu chỉ tiêu")
    saved = Target.objects.get(code="T-004-1c")
    assert (saved.threshold, saved.valid_to) == (92.5, None)

    page.goto(f"{live_server.url}/targets/")
    row = page.locator('#targets tr[data-code="T-004-1c"]')
    expect(row).to_contain_text("92,5")  # the threshold typed
    expect(row).to_contain_text(f"{met}/{eligible}")  # the preview's figure, now the page's
