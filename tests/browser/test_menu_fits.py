"""Issue 23 §7, a menu that fits, on the demo: from 1280 px up each item of the top menu is
one line and the header one row, for the administrator (the longest menu) and a provincial
officer; on a 390 px phone the menu folds behind one button that opens it, and no main page
is wider than the screen (a wide table scrolls inside itself)."""

import re

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from tests.browser.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each item shown in the header's top row (the brand, the menu's groups and links, the
# account, the language) with how many lines of its own text it is high.
HEADER_ITEMS = """() => {
  const selector = ".brand, nav > a, nav > details > summary, .account > summary, .lang button";
  return [...document.querySelectorAll("header.top")[0].querySelectorAll(selector)]
    .filter(item => item.getBoundingClientRect().height > 0)
    .map(item => {
      const box = item.getBoundingClientRect();
      const style = getComputedStyle(item);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
      const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
        - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
      return {text: item.textContent.trim(), lines: inner / line, top: box.top,
              bottom: box.bottom, right: box.right};
    });
}"""

WIDTH = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def open_as(browser, live_server, username: str, width: int, height: int, phone=False):
    """A page signed in as a demo account at that screen size (a phone: touch and mobile)."""
    return signed_in(
        browser,
        live_server.url,
        username,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
    )


def assert_one_row(page, width: int) -> None:
    items = page.evaluate(HEADER_ITEMS)
    assert len(items) >= 4, items
    wrapped = [item["text"] for item in items if item["lines"] > 1.5]
    assert not wrapped, f"menu items on more than one line at {width} px: {wrapped}"
    # One row: every item shares a horizontal band with every other.
    assert max(i["top"] for i in items) < min(i["bottom"] for i in items), items
    assert max(i["right"] for i in items) <= width, items
    assert page.evaluate(WIDTH) <= width


def test_the_menu_is_one_row_of_one_line_items_from_1280_px_up(live_server, demo_data, browser):
    for username, (width, height) in [
        (username, size) for username in ["admin", "hanoi"] for size in [(1280, 800), (1366, 768)]
    ]:
        page = open_as(browser, live_server, username, width, height)
        for path in ["/targets/", "/people/"]:
            page.goto(live_server.url + path)
            assert_one_row(page, width)
        # Each group drops down inside the screen; its links open their pages.
        groups = page.locator("header.top nav > details.group > summary")
        assert 4 <= groups.count() <= 6
        for index in range(groups.count()):
            groups.nth(index).click()
            dropdown = page.locator("header.top details.group[open] .dropdown")
            expect(dropdown).to_have_count(1)  # opening one closes the others
            expect(dropdown).to_be_visible()
            box = dropdown.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.locator("header.top nav summary", has_text="Tổ chức & cán bộ").click()
        page.locator("header.top nav").get_by_role("link", name="Đơn vị").click()
        expect(page).to_have_url(re.compile(r"/units/$"))
        assert_one_row(page, width)
        page.context.close()


def test_on_a_phone_the_menu_folds_and_no_page_is_wider_than_the_screen(
    live_server, demo_data, browser
):
    from people.models import Person
    from training.models import TrainingClass
    from units.models import Unit

    hanoi = Unit.objects.get(code="HN").path
    person = (
        Person.objects.filter(positions__unit__path__startswith=hanoi)
        .annotate(n=Count("positions"))
        .order_by("-n", "pk")
        .first()
    )
    training_class = (
        TrainingClass.objects.filter(organiser__path__startswith=hanoi)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    page = open_as(browser, live_server, "hanoi", 390, 844, phone=True)
    pages = [
        "/targets/",
        "/targets/needs/",
        "/units/",
        "/people/",
        f"/people/{person.pk}/",
        "/training/classes/",
        f"/training/classes/{training_class.pk}/",
        "/planning/",
        "/reports/",
    ]
    widths = {}
    for path in pages:
        page.goto(live_server.url + path)
        widths[path] = page.evaluate(WIDTH)
    assert all(width <= 390 for width in widths.values()), widths
    # The profile's tables are wider than a phone: they scroll inside themselves.
    page.goto(f"{live_server.url}/people/{person.pk}/")
    assert page.evaluate(
        "[...document.querySelectorAll('main table')].some(t => t.scrollWidth > t.clientWidth)"
    )

    # The menu is one button; it opens the groups, whose links work.
    units = page.locator("header.top nav").get_by_role("link", name="Đơn vị")
    expect(units).to_be_hidden()
    expect(page.locator("header.top nav summary").first).to_be_hidden()
    page.locator("header.top .menu-toggle > summary").click()
    page.locator("header.top nav summary", has_text="Tổ chức & cán bộ").click()
    units.click()
    expect(page).to_have_url(re.compile(r"/units/$"))
    expect(page.locator("header.top nav summary").first).to_be_hidden()
    page.locator("header.top .menu-toggle > summary").click()
    page.locator("header.top nav summary", has_text="Đào tạo").click()
    page.locator("header.top nav").get_by_role("link", name="Lớp học").click()
    expect(page).to_have_url(re.compile(r"/training/classes/$"))
    assert page.evaluate(WIDTH) <= 390
    page.context.close()

    # A cadre's own profile (581 px wide before) fits too.
    cadre = open_as(browser, live_server, "chutich", 390, 844, phone=True)
    cadre.goto(f"{live_server.url}/me/")
    assert cadre.evaluate(WIDTH) <= 390
    cadre.locator("header.top nav").get_by_role("link", name="Học trực tuyến").click()
    cadre.wait_for_url(re.compile(r"/elearning/"))  # measured once the new page is there
    cadre.wait_for_load_state()
    assert cadre.evaluate(WIDTH) <= 390
