"""A course exported as SCORM 1.2 (issue 25 §2) plays in Chromium under a SCORM 1.2 LMS: the
package is unpacked and served over HTTP beside a test-only LMS page that defines
`window.API` (the SCORM 1.2 run-time API, recording every call) and opens a lesson page in a
frame, as Moodle's player does. The lesson pages find the API up the frames, and report:
a text lesson "completed" as it opens, a video once 90% of it has played, a quiz its score
and passed / failed against the course's passing score; each page ends with LMSFinish."""

import functools
import http.server
import io
import json
import subprocess
import threading
import time
import zipfile

import imageio_ffmpeg
import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from elearning import scorm_export, services
from elearning.models import Choice, Question
from tests.browser.conftest import wait_until
from training.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LMS = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>LMS</title>
<script>
window.calls = [];
window.cmi = {"cmi.core.lesson_status": "not attempted", "cmi.core.lesson_location": ""};
function record(name) {
  return function () {
    var args = Array.prototype.slice.call(arguments);
    window.calls.push([name].concat(args));
    if (name === "LMSSetValue") { window.cmi[args[0]] = String(args[1]); }
    if (name === "LMSGetValue") { return window.cmi[args[0]] || ""; }
    return name.indexOf("Error") > 0 || name === "LMSGetDiagnostic" ? "0" : "true";
  };
}
window.API = {};
["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit",
 "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"].forEach(function (name) {
  window.API[name] = record(name);
});
</script></head>
<body><iframe id="sco" style="width:100%;height:90vh" src="{src}"></iframe></body></html>"""


def make_video(path) -> bytes:
    """4 s of a 160×90 test pattern (WebM): small, and really playable."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x90:rate=10",
            "-t",
            "4",
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-b:v",
            "200k",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


@pytest.fixture
def package(tree, settings, tmp_path):
    """A course of a text, a video and a quiz (two questions drawn from three, pass at 50%),
    exported and unpacked into a folder served over HTTP; yields (base URL, folder)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    user = tree.hanoi_officer
    course = services.course_save(
        user=user,
        organiser=tree.hanoi,
        code="HN-OL-SCORM",
        title="Kỹ năng công đoàn cơ sở",
        hours=4,
        topics=[Topic.objects.get(code="union_general")],
    )
    module = services.module_save(user=user, course=course, title="Phần 1", rank=1)
    lessons = (
        {"title": "Bài 1: Công đoàn là gì", "kind": "text", "body": "<p>Công đoàn Việt Nam</p>"},
        {
            "title": "Bài 2: Bài giảng",
            "kind": "video",
            "file": ContentFile(make_video(tmp_path / "v.webm"), name="bai-giang.webm"),
        },
        {"title": "Bài kiểm tra", "kind": "quiz", "question_count": 2, "pass_percent": 50},
    )
    for rank, fields in enumerate(lessons, 1):
        services.lesson_save(user=user, module=module, rank=rank, **fields)
    for text, multiple, choices in (
        ("Câu 1: Đủ bao nhiêu đoàn viên?", False, [("5", True), ("50", False)]),
        ("Câu 2: Nhiệm vụ?", True, [("Đại diện", True), ("Chăm lo", True), ("Quản lý", False)]),
        ("Câu 3: Nhiệm kỳ?", False, [("5 năm", True), ("3 năm", False)]),
    ):
        question = Question.objects.create(course=course, text=text, multiple=multiple)
        for choice, correct in choices:
            Choice.objects.create(question=question, text=choice, correct=correct)
    folder = tmp_path / "package"
    zipfile.ZipFile(io.BytesIO(scorm_export.course_scorm12(course))).extractall(folder)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", folder
    server.shutdown()
    server.server_close()


def open_in_lms(page, package, slug: str):
    base, folder = package
    (lesson,) = [p.name for p in (folder / "lessons").glob(f"*{slug}.html")]
    (folder / "lms.html").write_text(LMS.replace("{src}", f"lessons/{lesson}"), encoding="utf-8")
    page.goto(f"{base}/lms.html")
    return page.frame_locator("#sco")


def names(page) -> list[str]:
    return [call[0] for call in page.evaluate("window.calls")]


def test_a_text_lesson_reports_completed_and_finishes(page, package):
    sco = open_in_lms(page, package, "bai-1-cong-doan-la-gi")
    sco.get_by_text("Công đoàn Việt Nam").wait_for()
    wait_until(page, "window.cmi['cmi.core.lesson_status'] === 'completed'")
    assert names(page)[0] == "LMSInitialize"
    assert "LMSCommit" in names(page)
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    wait_until(page, "window.calls.some(function (c) { return c[0] === 'LMSFinish'; })")
    assert page.evaluate("window.cmi['cmi.core.session_time']").startswith("0000:00:")


def test_a_video_lesson_is_completed_at_90_percent_not_before(page, package):
    sco = open_in_lms(page, package, "bai-2-bai-giang")
    frame = page.frame(url=lambda url: "bai-2-bai-giang" in url)
    sco.locator("#lesson-video").wait_for()
    wait_until(page, "window.cmi['cmi.core.lesson_status'] === 'incomplete'")
    frame.evaluate(
        "new Promise(function (done) { var v = document.getElementById('lesson-video');"
        " if (v.readyState >= 1) { done(); }"
        " else { v.addEventListener('loadedmetadata', done); } })"
    )
    frame.evaluate(
        "var v = document.getElementById('lesson-video'); v.muted = true;"
        " v.currentTime = v.duration * 0.5;"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.cmi['cmi.core.lesson_status']") == "incomplete"
    frame.evaluate(
        "var v = document.getElementById('lesson-video'); v.currentTime = v.duration * 0.92;"
        " v.play();"
    )
    wait_until(page, "window.cmi['cmi.core.lesson_status'] === 'completed'")


def answer(frame, right: bool) -> None:
    """Tick, for each question drawn, its right answers (or only its wrong ones)."""
    bank = json.loads(frame.locator("#quiz-data").text_content())["questions"]
    for box in frame.locator("fieldset.question").all():
        legend = box.locator("legend").text_content()
        question = next(q for q in bank if legend.endswith(q["text"]))
        for index, choice in enumerate(question["choices"]):
            if choice["correct"] == right:
                box.locator(f'input[value="{index}"]').check()
                if not question["multiple"]:
                    break


def test_a_quiz_reports_its_score_and_passed(page, package):
    sco = open_in_lms(page, package, "bai-kiem-tra")
    assert sco.locator("fieldset.question").count() == 2  # two drawn of the three
    answer(sco, right=True)
    sco.get_by_role("button", name="Nộp bài").click()
    wait_until(page, "window.cmi['cmi.core.lesson_status'] === 'passed'")
    assert page.evaluate("window.cmi['cmi.core.score.raw']") == "100"
    assert page.evaluate("window.cmi['cmi.core.score.max']") == "100"
    assert "Đạt" in sco.locator("#quiz-result").text_content()


def test_a_quiz_answered_wrong_reports_failed_with_its_score(page, package):
    sco = open_in_lms(page, package, "bai-kiem-tra")
    answer(sco, right=False)
    sco.get_by_role("button", name="Nộp bài").click()
    wait_until(page, "window.cmi['cmi.core.lesson_status'] === 'failed'")
    assert page.evaluate("window.cmi['cmi.core.score.raw']") == "0"
    assert "Không đạt" in sco.locator("#quiz-result").text_content()


@pytest.mark.django_db(transaction=True)
def test_exported_packages_play_in_the_systems_own_runtime(
    live_server, tree, browser, settings, tmp_path
):
    """Issue 25's acceptance: the course "plays in the system's own runtime". Two courses of
    Hà Nội — a text lesson, a quiz — are exported as SCORM 1.2 and imported as the two SCORM
    lessons of a Mê Linh course; the learner opens them in the system's SCORM player (the
    content origin's launch page, scorm-again's window.API): the text reports completed, the
    quiz its score and passed, the server keeps both and the course is complete."""
    from elearning.models import CourseEnrolment, ScormAttempt
    from tests.browser.conftest import signed_in

    settings.MEDIA_ROOT = tmp_path / "media"
    user = tree.hanoi_officer
    general = [Topic.objects.get(code="union_general")]
    sources = []
    for code, fields in (
        (
            "HN-VB",
            {"kind": "text", "body": "<p>Công đoàn Việt Nam là tổ chức chính trị - xã hội</p>"},
        ),
        ("HN-KT", {"kind": "quiz", "question_count": 1, "pass_percent": 100}),
    ):
        source = services.course_save(
            user=user, organiser=tree.hanoi, code=code, title=code, hours=1, topics=general
        )
        module = services.module_save(user=user, course=source, title="Phần 1")
        services.lesson_save(user=user, module=module, title=f"Bài {code}", **fields)
        sources.append(source)
    question = Question.objects.create(course=sources[1], text="Đủ bao nhiêu đoàn viên?")
    Choice.objects.create(question=question, text="5 đoàn viên", correct=True)
    Choice.objects.create(question=question, text="50 đoàn viên", correct=False)

    course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-SCORM-XUAT",
        title="Khoá học nhập từ gói SCORM xuất ra",
        hours=2,
        topics=general,
    )
    module = services.module_save(user=tree.melinh_officer, course=course, title="Phần 1")
    lessons = [
        services.lesson_save(
            user=tree.melinh_officer,
            module=module,
            title=f"Gói {source.code}",
            rank=rank,
            kind="scorm",
            file=ContentFile(scorm_export.course_scorm12(source), name=f"{source.code}.zip"),
        )
        for rank, source in enumerate(sources, 1)
    ]
    services.course_publish(user=tree.melinh_officer, course=course)
    services.enrol(user=tree.cadre, course=course)

    base = live_server.url
    page = signed_in(browser, base, tree.cadre.username)
    page.goto(f"{base}/elearning/learn/lessons/{lessons[0].pk}/")
    sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
    sco.get_by_text("Công đoàn Việt Nam là tổ chức").wait_for()
    deadline = time.monotonic() + 20
    while ScormAttempt.objects.filter(lesson=lessons[0], status="completed").count() == 0:
        assert time.monotonic() < deadline, "the text lesson never reported completed"
        page.wait_for_timeout(200)

    page.goto(f"{base}/elearning/learn/lessons/{lessons[1].pk}/")
    sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
    sco.get_by_label("5 đoàn viên").check()
    sco.get_by_role("button", name="Nộp bài").click()
    expect(sco.locator("#quiz-result")).to_contain_text("100% — Đạt")
    deadline = time.monotonic() + 20
    while not ScormAttempt.objects.filter(lesson=lessons[1], status="passed").exists():
        assert time.monotonic() < deadline, "the quiz never reported passed"
        page.wait_for_timeout(200)
    attempt = ScormAttempt.objects.get(lesson=lessons[1])
    assert attempt.score_raw == 100 and (attempt.score_min, attempt.score_max) == (0, 100)
    enrolment = CourseEnrolment.objects.get(course=course, person=tree.cadre.person)
    assert enrolment.completed_at is not None
    page.context.close()


def test_a_page_opened_without_an_lms_says_its_progress_is_not_recorded(page, package):
    base, folder = package
    (lesson,) = [p.name for p in (folder / "lessons").glob("*bai-1-cong-doan-la-gi.html")]
    page.goto(f"{base}/lessons/{lesson}")
    assert page.locator("#scorm-status").is_visible()
    assert "không được ghi lại" in page.locator("#scorm-status").text_content()
