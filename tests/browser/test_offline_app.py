"""Issue 25 §3, acceptance: "A Playwright test installs the app, goes offline
(context.set_offline), opens the obligations and a saved lesson, reads progress made offline
into the server when back online, and the server refuses forged offline completions."

On the demo, the chair `chutich` on a phone (390×844) with the service worker allowed: the
app is installable (its manifest), the worker takes the page, /me/ and a text lesson are
opened and the lesson saved for offline reading; with the connection cut /me/ opens from the
phone with its obligations and the "offline — data updated at" banner, the saved lesson
opens and is read to its end; back online the progress reaches the server, and a quiz's
completion forged into the sync endpoint is refused."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from elearning.models import CourseEnrolment, LessonKind, LessonProgress
from tests.browser.conftest import signed_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
QUEUED = """() => new Promise(resolve => {
  const opening = indexedDB.open("offline-progress", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("events", {keyPath: "key"});
  opening.onsuccess = () => {
    const all = opening.result.transaction("events").objectStore("events").getAll();
    all.onsuccess = () => resolve(all.result.length);
  };
})"""
FORGE = """([lesson, at]) => fetch("/elearning/learn/sync/", {
  method: "POST", credentials: "same-origin",
  headers: {"Content-Type": "application/json",
            "X-CSRFToken": JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]},
  body: JSON.stringify({events: [
    {key: "forged-quiz-0001", lesson: lesson, percent: 100, position: 0, at: at},
    {key: "forged-time-0001", lesson: lesson, percent: 100, position: 0, at: "2099-01-01T00:00:00Z"}
  ]})
}).then(r => r.json())"""


def test_the_app_opens_offline_and_sends_progress_made_offline(live_server, browser, demo_data):
    user = User.objects.get(username="chutich")
    chair = user.person
    enrolment = CourseEnrolment.objects.select_related("course").get(person=chair)
    lessons = {lesson.kind: lesson for lesson in enrolment.course.modules.get().lessons.all()}
    text, quiz = lessons[LessonKind.TEXT], lessons[LessonKind.QUIZ]
    # A text longer than the phone's screen: read to its end only by scrolling, offline.
    text.body = "".join(
        f"<p>Đoạn {i}: công đoàn cơ sở đại diện người lao động.</p>" for i in range(150)
    )
    text.save(update_fields=["body"])
    base = live_server.url
    page = signed_in(browser, base, "chutich", service_workers="allow", **PHONE)
    context = page.context

    # Installable: the manifest is linked and names the app; the worker controls the page.
    page.goto(f"{base}/me/")
    manifest = page.locator('link[rel="manifest"]').get_attribute("href")
    assert page.request.get(base + manifest).json()["name"] == "Đào tạo cán bộ công đoàn"
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.reload()  # now through the worker: the page and its parts are kept
    expect(page.locator("main")).not_to_contain_text("Đang tải")
    obligations = page.locator("#obligations").inner_text()
    assert "Nghĩa vụ" in obligations or "T-" in obligations

    page.goto(f"{base}/elearning/learn/lessons/{text.pk}/")
    # Saved without scrolling: the button sits below the text, and scrolling to it puts the
    # text's end on screen, which reads the lesson to its end online (whether that reaches
    # the server before the next page depended on the machine's load).
    save = page.get_by_role("button", name="Lưu để đọc ngoại tuyến")
    expect(save).to_be_visible()
    save.dispatch_event("click")
    expect(page.locator("#offline-save-status")).to_contain_text("Đã lưu trên điện thoại này")
    page.goto(f"{base}/me/")
    expect(page.locator("#saved-lessons")).to_contain_text(text.title)
    assert not LessonProgress.objects.filter(lesson=text, done_at__isnull=False).exists()

    context.set_offline(True)
    page.reload()
    banner = page.locator(".offline-banner")
    expect(banner).to_contain_text(
        re.compile(r"Ngoại tuyến — dữ liệu cập nhật lúc \d\d:\d\d \d\d/\d\d/\d{4}")
    )
    expect(page.locator("main")).not_to_contain_text("Đang tải")
    expect(page.locator("main h1")).to_have_text(chair.full_name)
    assert page.locator("#obligations").inner_text() == obligations  # as last synced
    page.get_by_role("link", name=text.title).click()  # from the saved lessons
    expect(page.locator(".offline-banner")).to_be_visible()
    expect(page.locator("#lesson-body")).to_contain_text("Đoạn 149")
    page.locator("#lesson-end").scroll_into_view_if_needed()
    wait_until(
        page, "document.querySelector('#lesson-end').getBoundingClientRect().top < innerHeight"
    )
    page.mouse.wheel(0, 200)
    deadline = 0
    while page.evaluate(QUEUED) == 0:
        deadline += 1
        assert deadline < 100, "the progress made offline was not queued"
        page.wait_for_timeout(100)
    assert not LessonProgress.objects.filter(lesson=text, done_at__isnull=False).exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(150):
        if LessonProgress.objects.filter(
            enrolment=enrolment, lesson=text, done_at__isnull=False
        ).exists():
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the progress made offline did not reach the server")
    expect(page.locator("main")).to_contain_text("Đã gửi tiến độ học ngoại tuyến: 1")
    wait_until(page, "document.documentElement.dataset.synced === '1'")

    # Forged: a quiz "done" offline, and a time in the future — both refused, nothing counts.
    answer = page.evaluate(FORGE, [quiz.pk, "2026-12-01T08:00:00+07:00"])
    assert [(r["accepted"], r["reason"]) for r in answer["results"]] == [
        (False, "quiz"),
        (False, "quiz"),
    ]
    assert "chỉ làm trực tuyến" in answer["results"][0]["message"]
    answer = page.evaluate(FORGE.replace("forged-", "again-"), [text.pk, "2000-01-01T00:00:00Z"])
    assert [r["reason"] for r in answer["results"]] == ["before_enrolment", "future"]
    assert not LessonProgress.objects.filter(lesson=quiz).exists()
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # the quiz is still to pass, online

    # Logging out leaves nothing of the chair's on the phone (a shared phone).
    assert page.evaluate("caches.keys()").count(f"lessons-u{user.pk}") == 1
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action=\"/logout/\"]').requestSubmit()")
    page.goto(f"{base}/login/")
    wait_until(page, "caches.keys().then(k => !k.some(n => /^(pages|lessons)-u/.test(n)))")
    assert page.evaluate("localStorage.length") == 0
