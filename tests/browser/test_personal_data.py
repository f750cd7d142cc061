"""Personal data in a real browser (htmx, the Content-Security-Policy): the officer sees a
person's citizen ID masked, shows it in full in place, and the view is in the access log; the
person downloads their own data."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from privacy.models import Action, PersonalDataAccess
from tests.browser.conftest import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_shows_a_citizen_id_in_full_and_it_is_logged(live_server, tree, browser):
    page = logged_in(browser, live_server.url, "melinh")
    page.goto(f"{live_server.url}/people/{tree.nguyen.pk}/")
    personal = page.locator("#personal-data")
    expect(personal).to_contain_text("001•••••••01")
    expect(personal).not_to_contain_text("001080000001")
    page.get_by_role("button", name="Hiện đầy đủ").click()
    expect(personal).to_contain_text("001080000001")
    expect(personal).to_contain_text("Lần xem này đã được ghi lại")
    expect(page.get_by_role("heading", name="Nguyễn Văn An")).to_be_visible()  # same page
    # The profile's htmx panels may still be loading: a request the live server is still
    # answering when the test's database is flushed deadlocks with the flush.
    page.wait_for_load_state("networkidle")
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.person, entry.action) == (
        tree.melinh_officer,
        tree.nguyen,
        Action.VIEW_FULL,
    )
    page.context.close()


def test_a_cadre_downloads_their_own_data(live_server, tree, browser):
    page = logged_in(browser, live_server.url, "cadre")
    page.get_by_role("link", name="Dữ liệu cá nhân của tôi").click()
    expect(page.locator("#profile")).to_contain_text("001080000001")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về toàn bộ").click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as archive:
        data = json.loads(archive.read("du-lieu-ca-nhan.json"))
    assert data["Họ và tên"] == "Nguyễn Văn An"
    assert PersonalDataAccess.objects.get().action == Action.OWN_EXPORT
    page.context.close()
