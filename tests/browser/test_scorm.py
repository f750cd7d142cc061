"""Issue 25 §1's acceptance: "A real SCORM 1.2 package made by a common authoring tool …
imports, plays in Chromium under Playwright, reports completion and score, and moves the
person's targets."

A grassroots chair who owes T-003-4c opens Mê Linh's course, whose only lesson is a SCORM 1.2
package (tests/fixtures/scorm: the manifest and a SCO finding the API by walking
window.parent, as authoring tools' wrappers do). The lesson page frames the launch page on
the content origin (noidung.localhost, the same live server under another name), the SCO
runs in its frame with scorm-again's window.API, the learner submits, and the server holds
the attempt with score 85 and status passed; the course is complete and T-003-4c met."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.access import SYSTEM
from accounts.models import UserRole
from elearning import services
from elearning.models import CourseEnrolment, Lesson, ScormAttempt
from lib.dates import today
from people.models import Role
from people.services import person_create, position_create
from targets.engine import Status, person_obligations
from tests.browser.conftest import logged_in, wait_until
from tests.conftest import make_unit, make_user
from tests.fixtures.scorm.build import package, several_scos, several_scos_2004, upload
from training.models import Topic
from units.models import UnitFigures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def world(tree, content=None):
    """Mê Linh's course of one lesson, a SCORM package (the fixture's, changed by `content`,
    or a whole package's bytes), and Vũ Thị Lan, chair of a union under Mê Linh."""
    union = make_unit(
        "HN-ML-02", "Công đoàn Công ty May Mê Linh", "grassroots", tree.melinh, sector="non_state"
    )
    UnitFigures.objects.create(unit=union, effective_on=dt.date(2023, 1, 1), member_count=300)
    chair = person_create(
        user=SYSTEM,
        unit=union,
        family_name="Vũ",
        middle_name="Thị",
        given_name="Lan",
        gender="female",
        birth_date=dt.date(1988, 4, 4),
    )
    position_create(
        user=SYSTEM,
        person=chair,
        unit=union,
        role=Role.objects.get(code="chair"),
        start_date=dt.date(2023, 6, 1),
    )
    make_user("lan", union, UserRole.CADRE, person=chair)
    course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-SCORM-01",
        title="Thương lượng tập thể (gói SCORM)",
        hours=8,
        topics=[Topic.objects.get(code="union_general")],
    )
    module = services.module_save(user=tree.melinh_officer, course=course, title="Bài 1")
    services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Bài kiểm tra thương lượng tập thể",
        kind="scorm",
        file=upload(content if isinstance(content, bytes) else package(content)),
    )
    services.course_publish(user=tree.melinh_officer, course=course)
    return course, chair


def test_a_scorm_package_plays_reports_and_moves_the_target(
    live_server, tree, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    course, chair = world(tree)
    owed = {o.target.code: o.status for o in person_obligations(chair, today())}
    assert owed["T-003-4c"] == Status.DUE
    base = live_server.url
    page = logged_in(browser, base, "lan")
    failures, consoles = [], []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and consoles.append(m.text))
    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    page.get_by_role("button", name="Đăng ký học").first.click()
    page.get_by_role("link", name="Bắt đầu").click()
    expect(page).to_have_url(re.compile(r"/elearning/learn/lessons/\d+/"))

    frame = page.locator("#scorm-frame")
    assert re.match(r"http://noidung\.localhost:\d+/elearning/scorm/", frame.get_attribute("src"))
    sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
    # The SCO found window.API in its parent and LMSInitialize answered "true", with the
    # learner's name the runtime was loaded with.
    expect(sco.locator("body")).to_have_attribute("data-started", "yes")
    expect(sco.locator("#state")).to_contain_text("Vũ Thị Lan")
    sco.get_by_role("button", name="Nộp bài").click()
    expect(sco.locator("body")).to_have_attribute("data-finished", "yes")
    expect(sco.locator("#state")).to_contain_text("85 điểm")

    # The lesson page shows what the commit's answer said, without a reload.
    expect(page.locator("#lesson-status")).to_contain_text("Đã học xong")
    expect(page.locator("#course-complete")).to_be_visible()
    expect(page.locator("#certificate-link")).to_have_attribute(
        "href", re.compile(r"^/training/records/\d+/certificate/$")
    )

    attempt = ScormAttempt.objects.get(lesson__module__course=course)
    assert attempt.status == "passed" and attempt.score_raw == 85
    assert (attempt.score_min, attempt.score_max) == (0, 100)
    assert attempt.cmi["cmi.suspend_data"] == "cau1=dung;cau2=dung"
    assert attempt.commits >= 1
    enrolment = CourseEnrolment.objects.get(course=course, person=chair)
    assert enrolment.completed_at is not None and enrolment.record_id is not None
    met = {o.target.code: o for o in person_obligations(chair, today())}
    assert met["T-003-4c"].status == Status.MET and met["T-003-4c"].record == enrolment.record

    # The lesson page says so, and the course page offers the certificate.
    page.reload()
    expect(page.locator("#lesson-status")).to_contain_text("Đã học xong")
    expect(page.locator("#scorm-result")).to_contain_text("passed")
    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    expect(page.locator("#course-completed")).to_be_visible()
    # The site's cookies never went to the content origin, which set none of its own.
    content_cookies = [
        c for c in page.context.cookies() if c["domain"].endswith("noidung.localhost")
    ]
    assert not content_cookies, content_cookies
    assert not failures, failures
    assert not consoles, consoles

    # The reloaded lesson resumed the attempt: the runtime was loaded with what was saved.
    page.goto(f"{base}/elearning/learn/lessons/{attempt.lesson_id}/")
    launch = page.frame_locator("#scorm-frame").locator("body")
    expect(launch).to_be_attached()
    wait_until(page, "document.querySelector('#scorm-frame') !== null")
    page.context.close()


MANIFEST_2004 = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="vn.congdoan.test.quiz2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Thuong luong 2004</title>
    <item identifier="i" identifierref="r"><title>Bai 1</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormType="sco"
    href="shared/index.html"><file href="shared/index.html"/></resource></resources>
</manifest>"""
SCO_2004 = b"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>2004</title>
<script>
  function findAPI(win) {
    var tries = 0;
    while (!win.API_1484_11 && win.parent && win.parent !== win && tries++ < 500) win = win.parent;
    return win.API_1484_11 || null;
  }
  var api = null;
  window.addEventListener("load", function () {
    api = findAPI(window);
    var ok = api && api.Initialize("") === "true";
    document.body.setAttribute("data-started", ok ? "yes" : "no");
    document.getElementById("who").textContent = ok ? api.GetValue("cmi.learner_name") : "";
  });
  function finish() {
    api.SetValue("cmi.score.raw", "90");
    api.SetValue("cmi.score.min", "0");
    api.SetValue("cmi.score.max", "100");
    api.SetValue("cmi.completion_status", "completed");
    api.SetValue("cmi.success_status", "passed");
    api.SetValue("cmi.location", "p2");
    var ok = api.Commit("") === "true" && api.Terminate("") === "true";
    document.body.setAttribute("data-finished", ok ? "yes" : "no");
  }
</script></head><body><p id="who"></p>
<button type="button" onclick="finish()">Hoan thanh</button></body></html>"""


def test_a_scorm_2004_package_plays_in_the_same_runtime(
    live_server, tree, browser, settings, tmp_path
):
    """ "SCORM 2004 where the same runtime serves": window.API_1484_11, completion and
    success reported apart."""
    settings.MEDIA_ROOT = tmp_path
    course, chair = world(tree, {"imsmanifest.xml": MANIFEST_2004, "shared/index.html": SCO_2004})
    base = live_server.url
    page = logged_in(browser, base, "lan")
    failures = []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    page.get_by_role("button", name="Đăng ký học").first.click()
    page.get_by_role("link", name="Bắt đầu").click()
    sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
    expect(sco.locator("body")).to_have_attribute("data-started", "yes")
    expect(sco.locator("#who")).to_have_text("Vũ Thị Lan")
    sco.get_by_role("button", name="Hoan thanh").click()
    expect(sco.locator("body")).to_have_attribute("data-finished", "yes")
    expect(page.locator("#course-complete")).to_be_visible()
    attempt = ScormAttempt.objects.get(lesson__module__course=course)
    assert attempt.lesson.scorm_version == "2004"
    assert attempt.status == "passed" and attempt.score_raw == 90
    assert attempt.cmi["cmi.completion_status"] == "completed"
    assert attempt.cmi["cmi.location"] == "p2"
    assert CourseEnrolment.objects.get(course=course, person=chair).completed_at is not None
    assert not failures, failures
    page.context.close()


def test_a_package_of_several_scos_plays_each_and_completes_the_course(
    live_server, tree, browser, settings, tmp_path
):
    """A package of three SCOs (an authoring tool's course in parts) is three lessons: each
    plays in its own runtime with its own attempt, the quiz SCO's mastery score decides its
    passing, and the course completes — and T-003-4c is met — only when all three are done."""
    settings.MEDIA_ROOT = tmp_path
    course, chair = world(tree, several_scos())
    lessons = list(Lesson.objects.filter(module__course=course).order_by("rank", "id"))
    assert [lesson.title for lesson in lessons] == [
        "Bài 1: Công đoàn là gì",
        "Bài 2: Quy trình thương lượng",
        "Bài 3: Kiểm tra",
    ]
    base = live_server.url
    page = logged_in(browser, base, "lan")
    failures, consoles = [], []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and consoles.append(m.text))
    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    page.get_by_role("button", name="Đăng ký học").first.click()
    for number, lesson in enumerate(lessons, 1):
        page.goto(f"{base}/elearning/learn/lessons/{lesson.pk}/")
        sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
        expect(sco.locator("body")).to_have_attribute("data-started", "yes")
        expect(sco.locator("h1")).to_have_text(f"Bài {number}")
        expect(sco.locator("#state")).to_contain_text("Vũ Thị Lan")
        sco.get_by_role("button", name="Học xong").click()
        expect(sco.locator("body")).to_have_attribute("data-finished", "yes")
        expect(page.locator("#lesson-status")).to_contain_text("Đã học xong")
        enrolment = CourseEnrolment.objects.get(course=course, person=chair)
        if number < len(lessons):
            expect(page.locator("#course-complete")).to_be_hidden()
            assert enrolment.completed_at is None
    expect(page.locator("#course-complete")).to_be_visible()
    expect(sco.locator("#state")).to_contain_text("[]")  # the quiz has no launch data
    attempts = ScormAttempt.objects.filter(lesson__module__course=course).order_by("lesson__rank")
    assert [(a.lesson_id, a.status) for a in attempts] == [
        (lessons[0].pk, "completed"),
        (lessons[1].pk, "completed"),
        (lessons[2].pk, "passed"),  # 90 against the mastery score of 80
    ]
    assert attempts[2].score_raw == 90
    enrolment = CourseEnrolment.objects.get(course=course, person=chair)
    assert enrolment.completed_at is not None and enrolment.record_id is not None
    met = {o.target.code: o for o in person_obligations(chair, today())}
    assert met["T-003-4c"].status == Status.MET and met["T-003-4c"].record == enrolment.record
    assert not failures, failures
    assert not consoles, consoles
    page.context.close()


def test_a_scorm_2004_package_of_several_scos_plays_each_the_same_way(
    live_server, tree, browser, settings, tmp_path
):
    """SCORM 2004 with several SCOs: a lesson each, window.API_1484_11 in each, the second
    passed by its scaled score (0.9 against 0.7); the course completes when both are done."""
    settings.MEDIA_ROOT = tmp_path
    course, chair = world(tree, several_scos_2004())
    lessons = list(Lesson.objects.filter(module__course=course).order_by("rank", "id"))
    assert [lesson.title for lesson in lessons] == ["Phần A: Đọc", "Phần B: Kiểm tra"]
    base = live_server.url
    page = logged_in(browser, base, "lan")
    failures = []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    page.get_by_role("button", name="Đăng ký học").first.click()
    for lesson, title in zip(lessons, ("Phần A", "Phần B"), strict=True):
        page.goto(f"{base}/elearning/learn/lessons/{lesson.pk}/")
        sco = page.frame_locator("#scorm-frame").frame_locator("#sco")
        expect(sco.locator("body")).to_have_attribute("data-started", "yes")
        expect(sco.locator("h1")).to_have_text(title)
        expect(sco.locator("#who")).to_have_text("Vũ Thị Lan")
        sco.get_by_role("button", name="Hoàn thành").click()
        expect(sco.locator("body")).to_have_attribute("data-finished", "yes")
        expect(page.locator("#lesson-status")).to_contain_text("Đã học xong")
    expect(page.locator("#course-complete")).to_be_visible()
    attempts = ScormAttempt.objects.filter(lesson__module__course=course).order_by("lesson__rank")
    assert [a.status for a in attempts] == ["completed", "passed"]
    assert attempts[1].cmi["cmi.score.scaled"] == "0.90"
    enrolment = CourseEnrolment.objects.get(course=course, person=chair)
    assert enrolment.completed_at is not None and enrolment.record_id is not None
    assert not failures, failures
    page.context.close()
