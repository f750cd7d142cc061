"""Issue 25 §4, lighter pages on phones: "The learner's pages load under 200 KB on first view
(fonts and scripts included) and work on a 3G-like connection (test with Chromium's network
throttling)." On the demo, signed in as the chair `chutich` on a phone: the bytes received
for each page's first view (cache disabled, every request it makes: the page, its CSS,
scripts, fragments, icons) and, under a 3G-like connection (400 kbit/s, 400 ms), the lesson
page ready within 10 s. The test server sends static files uncompressed: in production
WhiteNoise sends them compressed, so the figures there are lower (docs/benchmarks.md)."""

import time

import pytest

from accounts.models import User
from elearning.models import CourseEnrolment, LessonKind
from tests.browser.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 200 * 1024
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def first_view_bytes(page, cdp, url: str) -> tuple[int, list]:
    """Bytes received (encoded: as sent on the wire, headers included) for every request the
    page makes until the network is idle."""
    sizes: dict[str, int] = {}
    names: dict[str, str] = {}

    def sent(event):
        names[event["requestId"]] = event["request"]["url"]

    def finished(event):
        sizes[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    cdp.remove_listener("Network.requestWillBeSent", sent)
    cdp.remove_listener("Network.loadingFinished", finished)
    return sum(sizes.values()), sorted(
        ((size, names.get(rid, "?")) for rid, size in sizes.items()), reverse=True
    )


def test_learner_pages_weigh_under_200_kb_and_open_on_3g(live_server, browser, demo_data):
    chair = User.objects.get(username="chutich").person
    enrolment = CourseEnrolment.objects.select_related("course").get(person=chair)
    lessons = {lesson.kind: lesson for lesson in enrolment.course.modules.get().lessons.all()}
    text = lessons[LessonKind.TEXT]
    page = signed_in(browser, live_server.url, "chutich", service_workers="block", **PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    pages = {
        "/me/": "/me/",
        "my courses": "/elearning/learn/",
        "course": f"/elearning/learn/courses/{enrolment.course_id}/",
        "text lesson": f"/elearning/learn/lessons/{text.pk}/",
        "quiz lesson": f"/elearning/learn/lessons/{lessons[LessonKind.QUIZ].pk}/",
    }
    weights = {}
    for name, path in pages.items():
        total, biggest = first_view_bytes(page, cdp, live_server.url + path)
        weights[name] = total
        assert total < BUDGET, f"{name}: {total} bytes ≥ 200 KB; the largest: {biggest[:5]}"
    print("first-view bytes:", weights)

    # A 3G-like connection: 400 kbit/s each way, 400 ms of latency.
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 400 * 1000 / 8,
            "uploadThroughput": 400 * 1000 / 8,
        },
    )
    started = time.monotonic()
    page.goto(live_server.url + pages["text lesson"], wait_until="load", timeout=30000)
    seconds = time.monotonic() - started
    print(f"text lesson on 3G: {seconds:.1f} s")
    assert page.locator("#lesson-body").is_visible()
    assert seconds < 10, f"the lesson took {seconds:.1f} s on 3G"
