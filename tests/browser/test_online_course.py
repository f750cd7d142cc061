"""Online learning on a phone (390×844): a grassroots chair who still owes T-003-4c finds the
course that meets it, reads the lesson, fails the quiz once, passes it, gets the certificate;
Mê Linh's dashboard percentage for the target moves from 0 to 100."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.access import SYSTEM
from accounts.models import UserRole
from elearning import quizzes, services
from people.models import Role
from people.services import person_create, position_create
from tests.browser.conftest import logged_in
from tests.conftest import make_unit, make_user
from training.models import Topic
from units.models import UnitFigures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUESTIONS = {
    "Công đoàn cơ sở do ai thành lập?": ("Người lao động", "Người sử dụng lao động"),
    "Nhiệm kỳ đại hội công đoàn cơ sở là mấy năm?": ("5 năm", "2 năm"),
}


def world(tree):
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
    # Mê Linh's own course: the chair of a union under 1,000 members is its duty (003 §III).
    course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-ONL-01",
        title="Nghiệp vụ công tác công đoàn cho chủ tịch CĐCS (trực tuyến)",
        hours=16,
        topics=[Topic.objects.get(code="union_general")],
    )
    module = services.module_save(user=tree.melinh_officer, course=course, title="Bài 1")
    services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Tổ chức công đoàn",
        kind="text",
        rank=1,
        body="<p>Công đoàn cơ sở do người lao động thành lập.</p>",
    )
    services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Kiểm tra cuối khóa",
        kind="quiz",
        rank=2,
        question_count=2,
        pass_percent=100,
        max_attempts=3,
    )
    for text, (right, wrong) in QUESTIONS.items():
        quizzes.question_save(
            user=tree.melinh_officer,
            course=course,
            text=text,
            multiple=False,
            choices=[(right, True), (wrong, False)],
        )
    services.course_publish(user=tree.melinh_officer, course=course)
    return course


def answer(page, right: bool):
    for card in page.locator("fieldset[data-question]").all():
        question = next(q for q in QUESTIONS if q in card.inner_text())
        card.get_by_label(QUESTIONS[question][0 if right else 1], exact=True).check()
    page.locator("#quiz-submit").click()


def test_a_chair_learns_on_a_phone_and_the_target_moves(live_server, tree, browser):
    course = world(tree)
    base = live_server.url
    officer = logged_in(browser, base, "melinh")
    officer.goto(f"{base}/targets/?unit={tree.melinh.pk}")
    target = officer.locator("#targets tr[data-code='T-003-4c'] td.percent")
    expect(target).to_have_text("0,0% · 0/1")

    page = logged_in(
        browser, base, "lan", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    failures = []
    page.on("response", lambda r: r.status >= 500 and failures.append(r.url))
    page.locator("header nav").get_by_role("link", name="Học trực tuyến").click()
    owed = page.locator("#learn-obligations")
    expect(owed).to_contain_text("T-003-4c")
    expect(owed).to_contain_text(course.title)
    owed.get_by_role("button", name="Đăng ký học").first.click()
    page.get_by_role("link", name="Bắt đầu").click()

    # The lesson fits the screen: read to its end at once, then on to the quiz.
    expect(page.locator("#lesson-body")).to_contain_text("người lao động thành lập")
    expect(page.locator("#lesson-status")).to_contain_text("Đã học xong")
    page.locator("a[rel=next]").click()
    page.get_by_role("button", name="Làm bài kiểm tra").click()
    answer(page, right=False)
    expect(page.locator("#quiz-score")).to_have_attribute("data-passed", "false")
    page.locator("#quiz-retry").click()
    answer(page, right=True)
    expect(page.locator("#quiz-score")).to_have_attribute("data-passed", "true")
    # No horizontal scroll on the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{base}/elearning/learn/courses/{course.pk}/")
    expect(page.locator("#course-completed")).to_be_visible()
    page.locator("#certificate-link").click()
    expect(page.locator("body")).to_contain_text(course.title)
    expect(page.locator("body")).to_contain_text("Vũ Thị Lan")
    assert not failures, failures

    officer.reload()
    expect(target).to_have_text("100,0% · 1/1")
    page.context.close()
    officer.context.close()
