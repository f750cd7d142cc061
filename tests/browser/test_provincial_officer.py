"""A provincial officer in a real browser: log in, browse the tree, search without accents,
and fail to open a person of another province."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provincial_officer_browses_searches_and_is_kept_in_their_province(
    live_server, tree, page
):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("hanoi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # Lands on the targets dashboard of Hà Nội, then opens the structure.
    expect(page).to_have_url(re.compile(r"/targets/"))
    expect(page.locator("h1")).to_contain_text("Hà Nội")
    page.locator("header nav summary", has_text="Tổ chức & cán bộ").click()
    page.locator("header nav").get_by_role("link", name="Đơn vị").click()
    expect(page).to_have_url(re.compile(r"/units/"))
    table = page.locator("#children")
    expect(table).to_contain_text("Liên đoàn Lao động huyện Mê Linh")
    expect(table).not_to_contain_text("Ninh Thuận")
    page.get_by_role("link", name="Liên đoàn Lao động huyện Mê Linh").click()
    expect(page.locator(".crumbs")).to_contain_text("Hà Nội")
    expect(page.locator("#children")).to_contain_text("Công đoàn Trường THPT Mê Linh")

    # Search without accents finds the accented name; results update in place (htmx).
    page.locator("header nav summary", has_text="Tổ chức & cán bộ").click()
    page.get_by_role("link", name="Cán bộ, đoàn viên").click()
    page.get_by_label("Tìm kiếm").fill("nguyen")
    expect(page.locator("#results")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#results")).not_to_contain_text("Trần Thị Bình")
    page.get_by_role("link", name="Nguyễn Văn An").click()
    expect(page.get_by_role("heading", name="Nguyễn Văn An")).to_be_visible()

    # A person of Ninh Thuận, typed into the address bar: not found.
    response = page.goto(f"{live_server.url}/people/{tree.le.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Lê Văn Cường")
