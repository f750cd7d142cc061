"""A real video of several MB (WebM made by ffmpeg from imageio-ffmpeg) plays and seeks in
Chromium: the lesson file is served with range requests (206), and after a seek the video
plays on from the new position."""

import subprocess

import imageio_ffmpeg
import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from elearning import services
from tests.browser.conftest import logged_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_video(path) -> bytes:
    """12 s of 640×360 test pattern with noise at 4 Mbit/s: about 6 MB, seekable (cues)."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25",
            "-f",
            "lavfi",
            "-i",
            "nullsrc=size=640x360:rate=25,geq=random(1)*255:128:128",
            "-filter_complex",
            "[0][1]blend=all_mode=addition:all_opacity=0.3",
            "-t",
            "12",
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-b:v",
            "4M",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


def test_a_video_of_several_mb_plays_and_seeks(live_server, tree, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    video = make_video(tmp_path / "bai-giang.webm")
    assert len(video) > 3_000_000
    course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-VIDEO",
        title="Bài giảng video",
        hours=4,
        topics=[tree.topic],
    )
    module = services.module_save(user=tree.melinh_officer, course=course, title="Video")
    lesson = services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Bài giảng",
        kind="video",
        file=ContentFile(video, name="bai-giang.webm"),
    )
    services.course_publish(user=tree.melinh_officer, course=course)
    services.enrol(user=tree.cadre, course=course)

    page = logged_in(browser, live_server.url, "cadre")
    statuses = []
    page.on(
        "response",
        lambda r: (
            "/file/" in r.url and statuses.append((r.status, r.headers.get("content-range", "")))
        ),
    )
    page.goto(f"{live_server.url}/elearning/learn/lessons/{lesson.pk}/")
    player = page.locator("#lesson-video")
    expect(player).to_be_visible()
    wait_until(page, "document.getElementById('lesson-video').readyState >= 1")
    duration = page.evaluate("document.getElementById('lesson-video').duration")
    assert 11.5 < duration < 12.5

    # It plays: time advances.
    page.evaluate("v => { v.muted = true; return v.play(); }", player.element_handle())
    wait_until(page, "document.getElementById('lesson-video').currentTime > 0.5")
    # It seeks near the end and plays on from there.
    page.evaluate("v => { v.currentTime = 9; }", player.element_handle())
    wait_until(page, "document.getElementById('lesson-video').currentTime > 9.3")
    assert not page.evaluate("document.getElementById('lesson-video').error")
    # The file came in ranges: 206 Partial Content with its Content-Range.
    assert statuses and all(status == 206 for status, _range in statuses), statuses
    assert all(f"/{len(video)}" in content_range for _status, content_range in statuses)
    # The browser asked for parts further in (its index, the seek), not only from byte 0.
    assert any(not content_range.startswith("bytes 0-") for _s, content_range in statuses)
    # Stop the page's progress reports (it also reports when it is left) before the test's
    # database goes away, so no request reaches the server during the teardown.
    page.route("**/progress/", lambda route: route.abort())
    page.evaluate("v => v.pause()", player.element_handle())
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.wait_for_timeout(300)
    page.context.close()
