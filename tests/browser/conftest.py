import os
import re
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


_running: dict = {}  # the session's one Chromium, whichever name the fixture goes by


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once for the session. Other directories take this fixture
    under another name (tests/calendars: `chromium = browsers.browser`): Playwright's sync API
    refuses a second instance in the same thread, so every name gets the one running."""
    from playwright.sync_api import sync_playwright

    if "browser" in _running:
        yield _running["browser"]  # torn down before its owner (session fixtures: LIFO)
        return
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's Chromium is missing: apt-get install -y chromium (make test installs it)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        _running["browser"] = browser
        try:
            yield browser
        finally:
            del _running["browser"]
            browser.close()


def logged_in(browser, base: str, username: str, **options):
    """A page in a fresh browser context (its own cookies), logged in as `username`;
    `options` go to the context (viewport, is_mobile, ...)."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    context = browser.new_context(
        **{"locale": "vi-VN", "viewport": {"width": 1280, "height": 900}, **options}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return page


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function would
    evaluate it with eval inside the page, which the Content-Security-Policy refuses;
    page.evaluate goes through the browser's debugging protocol instead."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _quiet_live_server_before_the_flush(request):
    """A browser test ends with its database emptied (a transactional test's flush). Pages
    left open keep asking the live server (a progress bar polls every second, a video reads
    ranges), and a request in flight holds a lock the flush's TRUNCATE waits for while the
    request waits for the flush: PostgreSQL reports a deadlock and the next test starts on a
    database that was not emptied. Close every page this test opened, then end what the live
    server still runs against this test database (its own, named for the run), before the
    flush. Set up after the live server, so torn down before its flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def signed_in(browser, base: str, username: str, **options):
    """A page in a fresh browser context signed in as `username` by a session the test
    client makes (force_login: no login form, and the administrator's second factor is the
    suite's); `options` go to the context (viewport, is_mobile, …)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(
        **{"locale": "vi-VN", "viewport": {"width": 1366, "height": 900}, **options}
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(30000)
    return page
