"""The main pages under the Content-Security-Policy in a real browser: no violation reported
(console or `securitypolicyviolation` event) and htmx still works — searching people, the
dashboard's figures loaded after the page, the unit tree's date form."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import logged_in, wait_until
from tests.elearning.test_learn import make_learn_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded before any script of the page runs (injected by the browser, not by the page).
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" +
                    e.lineNumber);
});
"""


def watched(page) -> list[str]:
    reports: list[str] = []
    page.on(
        "console",
        lambda m: (
            reports.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.context.add_init_script(RECORD)
    return reports


def visit(page, url: str, reports: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    reports += page.evaluate("window.__csp")


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_learn_world(tree)


@pytest.fixture
def signed_in(browser, live_server):
    """Pages logged in as a user; their contexts are closed before the database is flushed
    (a page left open would go on polling and reporting progress during the teardown)."""
    pages = []

    def open_as(username: str):
        pages.append(logged_in(browser, live_server.url, username))
        return pages[-1]

    yield open_as
    for page in pages:
        page.context.close()


def test_main_pages_report_no_violation_and_htmx_works(live_server, world, signed_in):
    tree = world.tree
    base = live_server.url
    page = signed_in("hanoi")
    reports = watched(page)
    for url in (
        f"{base}/targets/",
        f"{base}/units/",
        f"{base}/units/{tree.school.pk}/",
        f"{base}/people/",
        f"{base}/people/{tree.nguyen.pk}/",
        f"{base}/training/classes/",
        f"{base}/training/classes/{tree.ml_class.pk}/",
        f"{base}/elearning/courses/{world.other.pk}/",
        f"{base}/account/",
        f"{base}/account/two-factor/",
    ):
        visit(page, url, reports)

    # htmx: a person's obligations arrive after the page; a search updates the list.
    visit(page, f"{base}/people/{tree.nguyen.pk}/", reports)
    expect(page.locator("main")).not_to_contain_text("Đang tải nghĩa vụ đào tạo")
    visit(page, f"{base}/people/", reports)
    page.get_by_label("Tìm kiếm").fill("tran")
    expect(page.locator("#results")).to_contain_text("Trần Thị Bình")
    expect(page.locator("#results")).not_to_contain_text("Nguyễn Văn An")
    visit(page, f"{base}/units/", reports)
    page.locator("#id_on").fill("01/01/2024")
    page.locator("#id_on").press("Enter")
    expect(page).to_have_url(re.compile(r"on=01%2F01%2F2024"))
    expect(page.locator("#children")).to_contain_text("Mê Linh")
    reports += page.evaluate("window.__csp")
    assert not reports, reports
    # The watch does see a violation: an inline script added to the page is refused.
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.inlineRan = true";
                             document.body.appendChild(s); }""")
    expect(page.locator("body")).to_be_visible()
    wait_until(page, "window.__csp.length > 0")
    assert page.evaluate("window.inlineRan") is None
    assert "script-src" in page.evaluate("window.__csp")[0]
    assert any("Content Security Policy" in r for r in reports)


def test_lesson_pages_report_no_violation(live_server, world, signed_in):
    base = live_server.url
    page = signed_in("cadre")
    reports = watched(page)
    visit(page, f"{base}{reverse('elearning:learn_course', args=[world.course.pk])}", reports)
    page.get_by_role("button", name="Đăng ký học").click()
    expect(page.locator("main")).to_contain_text("Bài 1")
    for lesson in (world.text, world.pdf, world.video, world.embed):
        visit(page, f"{base}{reverse('elearning:learn_lesson', args=[lesson.pk])}", reports)
    # The text lesson's script (a static file) reported the reading: the page says done.
    visit(page, f"{base}{reverse('elearning:learn_lesson', args=[world.text.pk])}", reports)
    expect(page.locator("#lesson-status .tag")).to_be_visible()
    reports += page.evaluate("window.__csp")
    assert not reports, reports
