"""Issue 23 §8 in a real browser, as Hà Nội's officer: "The unit tree's heading says “147
đơn vị trực thuộc” above a table of 5 rows (say what each number counts); the age filter
shows “u30”; “Tại ngày” vs the README's “Tính đến ngày” (one wording); a warning shown in
green as a success"."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import logged_in, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_the_officers_pages_say_what_they_count_and_warn_in_amber(live_server, tree, browser):
    page = logged_in(browser, live_server.url, "hanoi")
    page.goto(f"{live_server.url}/units/?unit={tree.hanoi.pk}")
    rows = page.locator("#children tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#tree-totals")).to_contain_text(
        "trong đó 2 đơn vị trực thuộc trực tiếp (các dòng dưới đây)"
    )
    expect(page.get_by_label("Tính đến ngày")).to_be_visible()

    page.goto(f"{live_server.url}/people/")
    age = page.get_by_label("Tuổi", exact=False).first
    expect(age.locator("option[value=u30]")).to_have_text("Dưới 30 tuổi")

    page.goto(f"{live_server.url}/units/?on=31/02/2025")  # no such day: a warning
    warning = page.locator("p.msg.warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    amber = background(warning)
    # A success, for comparison: a saved member count.
    page.goto(f"{live_server.url}/units/{tree.school.pk}/figures/")
    page.get_by_label(re.compile("Số đoàn viên")).fill("2.500")
    page.get_by_label(re.compile("Ngày hiệu lực")).first.fill("01/01/2025")
    page.get_by_role("button", name=re.compile("Lưu")).click()
    success = page.locator("p.msg.success")
    expect(success).to_be_visible()
    success_green = background(success)
    assert amber != success_green, (amber, success_green)
    page.context.close()


def test_on_the_demo_pages_say_what_they_count_and_continue_where_it_matters(
    live_server, demo_data, browser
):
    """Issue 23 §8 on the demo, as Hà Nội's officer and as the demo chair: the unit tree
    counts its own rows, "Tính đến ngày", the age bands in words, a warning that is not a
    success; "“Học tiếp” sends the learner to the optional PDF first; lessons show “Trang
    sau” wrongly" — the chair stopped in the optional handout, and "continue" opens the
    required lesson not yet done, whose buttons name lessons, not pages."""
    from elearning.models import Course, Lesson

    page = signed_in(browser, live_server.url, "hanoi")
    page.goto(f"{live_server.url}/units/")
    rows = page.locator("#children tbody tr").count()
    assert rows > 0
    expect(page.locator("#tree-totals")).to_contain_text(
        f"trong đó {rows} đơn vị trực thuộc trực tiếp (các dòng dưới đây)"
    )
    expect(page.get_by_label("Tính đến ngày")).to_be_visible()
    assert "Tại ngày" not in page.content()
    page.goto(f"{live_server.url}/people/")
    age = page.get_by_label("Tuổi", exact=False).first
    expect(age.locator("option[value=u30]")).to_have_text("Dưới 30 tuổi")
    page.goto(f"{live_server.url}/units/?on=31/02/2025")
    warning = page.locator("p.msg.warning")
    expect(warning).to_have_attribute("role", "alert")
    assert "success" not in (warning.get_attribute("class") or "")
    page.context.close()

    course = Course.objects.get(code="HN-ONL-2026-01")
    first = Lesson.objects.get(module__course=course, rank=1)
    handout = Lesson.objects.get(module__course=course, kind="pdf")
    page = signed_in(browser, live_server.url, "chutich")
    page.goto(f"{live_server.url}/elearning/learn/courses/{course.pk}/")
    button = page.locator("a.button", has_text=re.compile("Tiếp tục|Học tiếp"))
    expect(button).to_have_attribute("href", f"/elearning/learn/lessons/{first.pk}/")
    assert f"/elearning/learn/lessons/{handout.pk}/" != button.get_attribute("href")
    button.click()
    expect(page.locator('a[rel="next"]')).to_contain_text("Bài tiếp theo")
    assert "Trang sau" not in page.content()
    page.context.close()
