"""Issue 25 §3: "lessons (text, PDF, video at a phone's bitrate) can be saved for offline
reading".

On the demo, the chair `chutich` on a phone (390×844) opens a video lesson that has its phone
version (elearning.video): the player takes the phone version, "Save for offline reading"
keeps it (not the original, several times larger), and with the connection cut the saved
lesson's video loads from the phone and seeks (its byte ranges answered by the service
worker)."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from playwright.sync_api import expect

from accounts.access import SYSTEM
from accounts.models import User
from elearning import services
from elearning.models import CourseEnrolment, PhoneVideo
from elearning.video import phone_video_make
from tests.browser.conftest import signed_in, wait_until
from tests.elearning.test_phone_video import make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SAVED_SIZE = """() => caches.keys()
  .then(names => caches.open(names.find(n => n.startsWith("lessons-u"))))
  .then(cache => cache.match(location.pathname + "file/"))
  .then(r => r.blob()).then(b => b.size)"""
SEEK = """() => new Promise(resolve => {
  const v = document.getElementById("lesson-video");
  const go = () => {
    v.addEventListener("seeked", () => resolve([v.duration, v.currentTime]), {once: true});
    v.currentTime = 3;
  };
  v.readyState >= 1 ? go() : v.addEventListener("loadedmetadata", go, {once: true});
})"""


def test_a_saved_video_lesson_keeps_and_plays_the_phone_version_offline(
    live_server, browser, demo_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_source(tmp_path / "nguon.mp4", seconds=4)
    chair = User.objects.get(username="chutich").person
    enrolment = CourseEnrolment.objects.select_related("course").get(person=chair)
    module = enrolment.course.modules.get()
    with transaction.atomic():
        lesson = services.lesson_save(
            user=SYSTEM,
            module=module,
            title="Bài giảng video",
            kind="video",
            rank=99,
            required=False,
            file=ContentFile((tmp_path / "nguon.mp4").read_bytes(), name="bai-giang.mp4"),
        )
    lesson = phone_video_make(lesson.pk)  # what the worker runs once the save commits
    assert lesson.phone_status == PhoneVideo.READY
    assert lesson.phone_file.size < lesson.file.size / 5

    base = live_server.url
    page = signed_in(browser, base, "chutich", service_workers="allow", **PHONE)
    page.goto(f"{base}/me/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.goto(f"{base}/elearning/learn/lessons/{lesson.pk}/")
    choice = page.get_by_label("Chất lượng thấp (tiết kiệm dữ liệu)")
    expect(choice).to_be_checked()  # a phone's screen
    wait_until(page, "document.getElementById('lesson-video').currentSrc.endsWith('?phone=1')")

    page.get_by_role("button", name="Lưu để đọc ngoại tuyến").click()
    expect(page.locator("#offline-save-status")).to_contain_text("Đã lưu trên điện thoại này")
    assert page.evaluate(SAVED_SIZE) == lesson.phone_file.size

    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".offline-banner")).to_be_visible()
    duration, position = page.evaluate(SEEK)
    assert duration == pytest.approx(4, abs=0.2) and position == pytest.approx(3, abs=0.1)
