"""The organisers' pages of e-learning: courses of the subtree (list, Excel, create, edit,
publish), modules and lessons (kinds, uploads within the size limit, quiz settings, order),
assignments, the learners' progress per person and per unit below (in a bounded number of
queries), and reminders to learners who have not started or have stalled."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from accounts.access import SYSTEM
from elearning import reminders, services
from elearning.forms import too_large_message
from elearning.models import (
    Assignment,
    Choice,
    Course,
    CourseEnrolment,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
    Reminder,
)
from people.services import person_create
from tests.elearning.test_learn import video_bytes
from training.models import Programme, Topic

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, user):
    client.force_login(user)
    return client


def build_course(tree, *, code="HN-OL-01", organiser=None, user=None) -> Course:
    """A Hà Nội course with two modules — a text, a PDF, a video and an embedded video; a
    timed quiz — a question bank of three questions (one with several right answers), two
    topics, a framework programme and a target group."""
    user = user or tree.hanoi_officer
    organiser = organiser or tree.hanoi
    topics = [Topic.objects.get(code="union_general"), Topic.objects.get(code="labour_law")]
    course = services.course_save(
        user=user,
        organiser=organiser,
        code=code,
        title="Kỹ năng công đoàn cơ sở (trực tuyến)",
        description="<p>Khoá học <strong>trực tuyến</strong> cho cán bộ công đoàn cơ sở.</p>",
        hours=12,
        topics=topics,
        programme=Programme.objects.order_by("id").first(),
        open_to_subtree=False,
        audience_roles=[tree.chair_role, tree.member_role],
    )
    m1 = services.module_save(user=user, course=course, title="Phần 1: Kiến thức chung", rank=1)
    m2 = services.module_save(user=user, course=course, title="Phần 2: Kiểm tra", rank=2)
    services.lesson_save(
        user=user,
        module=m1,
        title="Bài 1: Công đoàn là gì",
        rank=1,
        kind="text",
        body="<p>Công đoàn Việt Nam …</p><ul><li>Một</li></ul>",
    )
    services.lesson_save(
        user=user,
        module=m1,
        title="Bài 2: Điều lệ",
        rank=2,
        kind="pdf",
        file=SimpleUploadedFile("dieu-le-cong-doan.pdf", PDF),
    )
    services.lesson_save(
        user=user,
        module=m1,
        title="Bài 3: Bài giảng",
        rank=3,
        kind="video",
        file=SimpleUploadedFile("bai-giang.mp4", video_bytes(300_000)),
    )
    services.lesson_save(
        user=user,
        module=m1,
        title="Bài 4: Tư liệu",
        rank=4,
        kind="embed",
        required=False,
        embed_url="https://video.example.vn/xem/123",
    )
    services.lesson_save(
        user=user,
        module=m2,
        title="Bài kiểm tra cuối khoá",
        rank=1,
        kind="quiz",
        question_count=2,
        pass_percent=60,
        max_attempts=2,
        time_limit_minutes=15,
        body="<p>Hai câu hỏi.</p>",
    )
    for text, multiple, choices in (
        (
            "Công đoàn cơ sở được thành lập khi nào?",
            False,
            [("Đủ 5 đoàn viên", True), ("Đủ 50 đoàn viên", False)],
        ),
        (
            "Nhiệm vụ của công đoàn?",
            True,
            [
                ("Đại diện người lao động", True),
                ("Chăm lo đời sống", True),
                ("Quản lý doanh nghiệp", False),
            ],
        ),
        (
            "Nhiệm kỳ đại hội công đoàn cơ sở?",
            False,
            [("5 năm", True), ("3 năm", False), ("10 năm", False)],
        ),
    ):
        question = Question.objects.create(course=course, text=text, multiple=multiple)
        for choice_text, correct in choices:
            Choice.objects.create(question=question, text=choice_text, correct=correct)
    return course


def add_person(unit, given, family="Phạm", email=""):
    return person_create(
        user=SYSTEM,
        unit=unit,
        family_name=family,
        middle_name="Văn",
        given_name=given,
        gender="male",
        birth_date=dt.date(1985, 1, 1),
        email=email,
    )


def enrol(course, person, **fields) -> CourseEnrolment:
    return CourseEnrolment.objects.create(course=course, person=person, **fields)


def set_activity(enrolment, moment) -> None:
    """The learner's last activity `moment`: the enrolment's and its progress rows'."""
    CourseEnrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=moment)
    LessonProgress.objects.filter(enrolment=enrolment).update(updated_at=moment)


@pytest.fixture
def world(tree):
    """The Hà Nội course, published, with learners: Nguyễn Văn An (Mê Linh school) completed
    it with a quiz best of 100 after a failed 50; Trần Thị Bình (Đông Anh factory) read the
    text and the PDF; Phạm Văn Dũng (Mê Linh school) enrolled and never started; Phạm Văn
    Hùng (Mê Linh) is assigned and not enrolled. A Mê Linh course and a Ninh Thuận course
    stand beside it."""
    w = SimpleNamespace(tree=tree)
    w.course = build_course(tree)
    services.course_publish(user=tree.hanoi_officer, course=w.course)
    w.ml_course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-OL-01",
        title="An toàn vệ sinh lao động",
        hours=4,
        topics=[tree.topic],
    )
    w.nt_course = services.course_save(
        user=tree.nt_officer,
        organiser=tree.ninhthuan,
        code="NT-OL-01",
        title="Khoá học Ninh Thuận",
        hours=4,
        topics=[tree.topic],
    )
    lessons = {lesson.kind: lesson for lesson in Lesson.objects.filter(module__course=w.course)}
    w.lessons = lessons
    now = timezone.now()
    w.done = enrol(
        w.course,
        tree.nguyen,
        completed_at=now - dt.timedelta(days=2),
        last_activity_at=now - dt.timedelta(days=2),
    )
    for kind in ("text", "pdf", "video"):
        LessonProgress.objects.create(
            enrolment=w.done, lesson=lessons[kind], percent=100, done_at=now - dt.timedelta(days=3)
        )
    for score, passed in ((50, False), (100, True)):
        QuizAttempt.objects.create(
            enrolment=w.done,
            lesson=lessons["quiz"],
            passed=passed,
            score_percent=score,
            submitted_at=now - dt.timedelta(days=2),
        )
    set_activity(w.done, now - dt.timedelta(days=2))
    w.started = enrol(w.course, tree.tran)
    for kind in ("text", "pdf"):
        LessonProgress.objects.create(
            enrolment=w.started,
            lesson=lessons[kind],
            percent=100,
            done_at=now - dt.timedelta(days=1),
        )
    set_activity(w.started, now - dt.timedelta(days=1))
    w.started.refresh_from_db()
    w.idle_person = add_person(tree.school, "Dũng", email="dung@example.vn")
    w.idle = enrol(w.course, w.idle_person)
    w.assigned = add_person(tree.melinh, "Hùng", email="hung@example.vn")
    Assignment.objects.create(course=w.course, person=w.assigned)
    return w


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


# --- courses ------------------------------------------------------------------------------


def test_course_list_is_scoped_by_organiser_and_filtered_by_unit(client, world):
    tree = world.tree
    page = login(client, tree.hanoi_officer).get("/elearning/courses/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-course="HN-OL-01"' in body and 'data-course="ML-OL-01"' in body
    assert "NT-OL-01" not in body and "Khoá học Ninh Thuận" not in body
    body = client.get(f"/elearning/courses/?unit={tree.melinh.pk}").content.decode()
    assert 'data-course="ML-OL-01"' in body and 'data-course="HN-OL-01"' not in body
    assert client.get(f"/elearning/courses/?unit={tree.ninhthuan.pk}").status_code == 404
    rows = sheet_rows(client.get("/elearning/courses/?format=xlsx"))
    codes = [r[0] for r in rows]
    assert "HN-OL-01" in codes and "ML-OL-01" in codes and "NT-OL-01" not in codes
    row = next(r for r in rows if r[0] == "HN-OL-01")
    assert row[6:9] == [5.0, 3.0, 1.0]  # lessons, enrolled, completed

    body = login(client, tree.melinh_officer).get("/elearning/courses/").content.decode()
    assert 'data-course="ML-OL-01"' in body and "HN-OL-01" not in body


def test_an_officer_of_another_province_gets_404_everywhere(client, world):
    course, tree = world.course, world.tree
    module = course.modules.first()
    lesson = Lesson.objects.filter(module__course=course).first()
    assignment = Assignment.objects.get(course=course)
    login(client, tree.nt_officer)
    for url in (
        f"/elearning/courses/{course.pk}/",
        f"/elearning/courses/{course.pk}/edit/",
        f"/elearning/courses/{course.pk}/progress/",
        f"/elearning/courses/{course.pk}/progress/?format=xlsx",
        f"/elearning/courses/{course.pk}/export/",
        f"/elearning/courses/{course.pk}/modules/new/",
        f"/elearning/modules/{module.pk}/edit/",
        f"/elearning/modules/{module.pk}/lessons/new/",
        f"/elearning/lessons/{lesson.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/elearning/courses/{course.pk}/publish/", {"published": "0"}),
        (f"/elearning/courses/{course.pk}/remind/", {}),
        (f"/elearning/courses/{course.pk}/assign/", {"person": tree.le.pk}),
        (f"/elearning/modules/{module.pk}/move/", {"direction": "down"}),
        (f"/elearning/lessons/{lesson.pk}/move/", {"direction": "down"}),
        (f"/elearning/assignments/{assignment.pk}/remove/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    course.refresh_from_db()
    assert course.status == "published" and Assignment.objects.filter(course=course).exists()
    assert not Reminder.objects.exists()
    # A district officer does not see the province's course either.
    login(client, tree.melinh_officer)
    assert client.get(f"/elearning/courses/{course.pk}/").status_code == 404


def test_read_only_accounts_browse_but_do_not_write(client, world):
    tree = world.tree
    login(client, tree.inspector)
    assert client.get(f"/elearning/courses/{world.course.pk}/").status_code == 200
    assert client.get("/elearning/courses/new/").status_code == 403
    assert (
        client.post(
            f"/elearning/courses/{world.course.pk}/publish/", {"published": "0"}
        ).status_code
        == 403
    )
    login(client, tree.cadre)
    assert client.get("/elearning/courses/").status_code == 403


def test_create_and_edit_a_course_through_the_pages(client, tree):
    login(client, tree.hanoi_officer)
    assert client.get("/elearning/courses/new/").status_code == 200
    general, law = Topic.objects.get(code="union_general"), Topic.objects.get(code="labour_law")
    data = {
        "organiser": "HN-ML",
        "code": "ML-OL-09",
        "title": "Pháp luật lao động",
        "description": '<p onclick="x()">Mô tả</p><script>alert(1)</script>',
        "topics": [general.pk, law.pk],
        "hours": "6",
        "open_to_subtree": "on",
        "audience_roles": [tree.chair_role.pk],
    }
    response = client.post("/elearning/courses/new/", data)
    course = Course.objects.get(code="ML-OL-09")
    assert response.status_code == 302 and response.url == f"/elearning/courses/{course.pk}/"
    assert course.organiser == tree.melinh and course.status == "draft"
    assert course.description == "<p>Mô tả</p>"  # sanitised by the service
    assert set(course.topics.all()) == {general, law}
    assert list(course.audience_roles.all()) == [tree.chair_role]
    detail = client.get(f"/elearning/courses/{course.pk}/").content.decode()
    assert "Pháp luật lao động" in detail and "<script>" not in detail
    assert reverse("elearning:quiz_bank", args=[course.pk]) in detail

    # An organiser outside the scope, a taken code, no topic: refused, nothing changed.
    login(client, tree.melinh_officer)
    response = client.post(
        f"/elearning/courses/{course.pk}/edit/", {**data, "organiser": "HN", "topics": []}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"organiser", "topics"}
    response = client.post("/elearning/courses/new/", {**data, "title": "Khác"})
    assert "code" in response.context["form"].errors
    response = client.post(
        f"/elearning/courses/{course.pk}/edit/",
        {**data, "title": "Pháp luật lao động (2025)", "hours": "8"},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.hours) == ("Pháp luật lao động (2025)", 8)
    assert Course.objects.count() == 1


def test_modules_lessons_order_and_publication(client, tree):
    course = services.course_save(
        user=tree.hanoi_officer,
        organiser=tree.hanoi,
        code="HN-OL-02",
        title="Khoá học mới",
        hours=4,
        topics=[tree.topic],
    )
    login(client, tree.hanoi_officer)
    client.post(f"/elearning/courses/{course.pk}/publish/", {"published": "1"})
    course.refresh_from_db()
    assert course.status == "draft"  # no lesson yet: refused with the service's message
    assert client.get(f"/elearning/courses/{course.pk}/modules/new/").status_code == 200
    for title in ("Phần A", "Phần B"):
        assert (
            client.post(
                f"/elearning/courses/{course.pk}/modules/new/", {"title": title, "rank": ""}
            ).status_code
            == 200
        )  # rank required
        assert (
            client.post(
                f"/elearning/courses/{course.pk}/modules/new/",
                {"title": title, "rank": str(course.modules.count() + 1)},
            ).status_code
            == 302
        )
    first, second = course.modules.order_by("rank")
    base = {"required": "on", "question_count": "1", "pass_percent": "70", "max_attempts": "3"}
    url = f"/elearning/modules/{first.pk}/lessons/new/"
    assert client.get(url).status_code == 200
    posts = [
        {"title": "Đọc", "rank": "1", "kind": "text", "body": "<p>Nội dung</p>"},
        {
            "title": "Tài liệu",
            "rank": "2",
            "kind": "pdf",
            "file": SimpleUploadedFile("tai-lieu.pdf", PDF),
        },
        {
            "title": "Video",
            "rank": "3",
            "kind": "video",
            "file": SimpleUploadedFile("bai-giang.webm", video_bytes(50_000)),
        },
        {
            "title": "Liên kết",
            "rank": "4",
            "kind": "embed",
            "embed_url": "https://video.example.vn/1",
        },
        {
            "title": "Kiểm tra",
            "rank": "5",
            "kind": "quiz",
            "question_count": "2",
            "pass_percent": "80",
            "max_attempts": "2",
            "time_limit_minutes": "10",
        },
    ]
    for post in posts:
        response = client.post(url, {**base, **post})
        assert response.status_code == 302, response.context["form"].errors
    lessons = {x.kind: x for x in Lesson.objects.filter(module=first)}
    assert lessons["pdf"].file.read() == PDF
    assert lessons["video"].file.name.endswith(".webm")
    quiz = lessons["quiz"]
    assert (quiz.question_count, quiz.pass_percent, quiz.max_attempts, quiz.time_limit_minutes) == (
        2,
        80,
        2,
        10,
    )
    # A PDF lesson without its file, a video that is not a video: refused.
    response = client.post(url, {**base, "title": "Thiếu", "rank": "6", "kind": "pdf"})
    assert "file" in response.context["form"].errors
    response = client.post(
        url,
        {
            **base,
            "title": "Sai",
            "rank": "6",
            "kind": "video",
            "file": SimpleUploadedFile("x.exe", b"MZ"),
        },
    )
    assert "file" in response.context["form"].errors
    # Editing keeps the file when none is uploaded.
    response = client.post(
        f"/elearning/lessons/{lessons['pdf'].pk}/edit/",
        {**base, "title": "Tài liệu (sửa)", "rank": "2", "kind": "pdf"},
    )
    assert response.status_code == 302
    lessons["pdf"].refresh_from_db()
    assert lessons["pdf"].title == "Tài liệu (sửa)" and lessons["pdf"].file.read() == PDF

    # Reorder: the quiz moves up one place; the second module moves above the first.
    client.post(f"/elearning/lessons/{quiz.pk}/move/", {"direction": "up"})
    order = list(
        Lesson.objects.filter(module=first).order_by("rank").values_list("title", flat=True)
    )
    assert order == ["Đọc", "Tài liệu (sửa)", "Video", "Kiểm tra", "Liên kết"]
    client.post(f"/elearning/modules/{second.pk}/move/", {"direction": "up"})
    assert list(course.modules.order_by("rank").values_list("title", flat=True)) == [
        "Phần B",
        "Phần A",
    ]

    # The quiz draws 2 questions: publishing needs them in the bank.
    client.post(f"/elearning/courses/{course.pk}/publish/", {"published": "1"})
    course.refresh_from_db()
    assert course.status == "draft"
    for n in range(2):
        q = Question.objects.create(course=course, text=f"Câu {n}")
        Choice.objects.create(question=q, text="Đúng", correct=True)
        Choice.objects.create(question=q, text="Sai")
    client.post(f"/elearning/courses/{course.pk}/publish/", {"published": "1"})
    course.refresh_from_db()
    assert course.status == "published"
    page = client.get(f"/elearning/courses/{course.pk}/").content.decode()
    assert 'id="unpublish"' in page and 'id="send-reminders"' in page
    client.post(f"/elearning/courses/{course.pk}/publish/", {"published": "0"})
    course.refresh_from_db()
    assert course.status == "draft"


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(client, tree, settings):
    settings.ELEARNING_MAX_UPLOAD_MB = 1
    course = services.course_save(
        user=tree.hanoi_officer,
        organiser=tree.hanoi,
        code="HN-OL-03",
        title="Video lớn",
        hours=2,
        topics=[tree.topic],
    )
    module = services.module_save(user=tree.hanoi_officer, course=course, title="P1", rank=1)
    login(client, tree.hanoi_officer)
    url = f"/elearning/modules/{module.pk}/lessons/new/"
    data = {
        "title": "Video",
        "rank": "1",
        "kind": "video",
        "required": "on",
        "question_count": "1",
        "pass_percent": "70",
        "max_attempts": "3",
    }
    # Just over the limit: the form says so on the file field, naming the limit.
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("lon.mp4", video_bytes(MB + 1000))}
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert message == too_large_message() and "1 MB" in message
    # Far over it: refused before the body is read (413), with the same message.
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("rat-lon.mp4", video_bytes(3 * MB))}
    )
    assert response.status_code == 413
    assert message in response.content.decode()
    assert not Lesson.objects.exists()
    assert not list(settings.MEDIA_ROOT.glob("**/*.mp4"))
    # Within the limit: accepted.
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("nho.mp4", video_bytes(MB - 1000))}
    )
    assert response.status_code == 302 and Lesson.objects.count() == 1


def test_the_size_limit_message_names_the_limit_in_english_too(settings):
    from django.utils import translation

    settings.ELEARNING_MAX_UPLOAD_MB = 200
    with translation.override("en"):
        assert too_large_message() == (
            "The file is larger than the limit of 200 MB. Compress "
            "it or split it into several lessons."
        )


def test_assignments_by_search_within_the_organisers_subtree(client, world):
    tree, course = world.tree, world.course
    login(client, tree.hanoi_officer)
    page = client.get(f"/elearning/courses/{course.pk}/?q=tran thi")
    found = page.context["found"]
    assert [p.pk for p in found] == [tree.tran.pk]
    assert not client.get(f"/elearning/courses/{course.pk}/?q=le van cuong").context["found"]
    client.post(f"/elearning/courses/{course.pk}/assign/", {"person": tree.tran.pk, "q": "tran"})
    assert Assignment.objects.filter(course=course, person=tree.tran).exists()
    # Someone of another province: not found (404), nothing assigned.
    assert (
        client.post(f"/elearning/courses/{course.pk}/assign/", {"person": tree.le.pk}).status_code
        == 404
    )
    # A Mê Linh course cannot be assigned to a Đông Anh person (outside its organiser).
    client.post(f"/elearning/courses/{world.ml_course.pk}/assign/", {"person": tree.tran.pk})
    assert not Assignment.objects.filter(course=world.ml_course).exists()
    assignment = Assignment.objects.get(course=course, person=tree.tran)
    client.post(f"/elearning/assignments/{assignment.pk}/remove/")
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


# --- progress -----------------------------------------------------------------------------


def test_progress_per_learner_and_per_unit(client, world):
    tree, course = world.tree, world.course
    login(client, tree.hanoi_officer)
    page = client.get(f"/elearning/courses/{course.pk}/progress/")
    assert page.status_code == 200
    assert page.context["required"] == 4  # text, PDF, video, quiz (the link is optional)
    rows = {r.person.pk: r for r in page.context["rows"]}
    done, started, idle = rows[tree.nguyen.pk], rows[tree.tran.pk], rows[world.idle_person.pk]
    assert (done.percent, done.best_score, done.status) == (100, 100, "completed")
    assert (started.percent, started.best_score, started.status) == (50, None, "started")
    assert (idle.percent, idle.last_activity, idle.status) == (0, None, "not_started")
    assert started.last_activity == world.started.last_activity_at
    units = {r.unit.code: (r.enrolled, r.started, r.completed) for r in page.context["units"]}
    assert units == {"HN-ML": (2, 1, 1), "HN-DA": (1, 1, 0)}
    total = page.context["total"]
    assert (total.enrolled, total.started, total.completed) == (3, 2, 1)

    # Down to Mê Linh: its learners only, its grassroots unit below.
    page = client.get(f"/elearning/courses/{course.pk}/progress/?unit={tree.melinh.pk}")
    assert {r.person.pk for r in page.context["rows"]} == {tree.nguyen.pk, world.idle_person.pk}
    assert [(r.unit.code, r.enrolled, r.started, r.completed) for r in page.context["units"]] == [
        ("HN-ML-01", 2, 1, 1)
    ]
    # A unit outside the organiser's subtree: 404.
    assert (
        client.get(f"/elearning/courses/{course.pk}/progress/?unit={tree.ninhthuan.pk}").status_code
        == 404
    )

    rows = sheet_rows(client.get(f"/elearning/courses/{course.pk}/progress/?format=xlsx"))
    flat = [[c for c in r if c != ""] for r in rows]
    assert ["HN-ML", tree.melinh.name, 2.0, 1.0, 1.0, 50.0] in flat
    learner = next(r for r in flat if r and r[0] == tree.tran.full_name)
    assert learner[1] == "HN-DA-01" and 50.0 in learner


def test_the_progress_page_costs_the_same_queries_for_2_or_20_learners(client, tree):
    course = build_course(tree)
    lessons = list(Lesson.objects.filter(module__course=course))
    login(client, tree.hanoi_officer)
    url = f"/elearning/courses/{course.pk}/progress/"
    counts = []
    for total in (2, 20):
        while CourseEnrolment.objects.filter(course=course).count() < total:
            n = CourseEnrolment.objects.count()
            unit = (tree.school, tree.factory, tree.melinh)[n % 3]
            enrolment = enrol(course, add_person(unit, f"Học{n}"), last_activity_at=timezone.now())
            LessonProgress.objects.create(
                enrolment=enrolment, lesson=lessons[n % 3], percent=100, done_at=timezone.now()
            )
            QuizAttempt.objects.create(
                enrolment=enrolment,
                lesson=lessons[-1],
                passed=False,
                score_percent=n,
                submitted_at=timezone.now(),
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url + "?format=xlsx").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[0] <= 15, counts


# --- reminders ----------------------------------------------------------------------------


def test_reminders_to_those_not_started_and_stalled_with_emails(world, mailoutbox):
    course, tree = world.course, world.tree
    tree.tran.email = "binh@example.vn"
    tree.tran.save()
    now = timezone.now()
    # Bình's last activity: 13 days ago — not stalled yet.
    set_activity(world.started, now - dt.timedelta(days=13, hours=23))
    made = reminders.send_reminders(user=tree.hanoi_officer, course=course, now=now)
    assert {(r.person_id, r.enrolment_id) for r in made} == {(world.idle_person.pk, world.idle.pk)}
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["dung@example.vn"]
    assert course.title in mailoutbox[0].subject and course.title in mailoutbox[0].body
    reminder = Reminder.objects.get()
    assert reminder.emailed and reminder.course == course and reminder.sent_at == now
    assert list(reminders.unread_reminders(world.idle_person)) == [reminder]

    # Exactly 14 days without activity: stalled. Dũng was reminded an hour ago: not again.
    later = now + dt.timedelta(hours=1)
    set_activity(world.started, later - dt.timedelta(days=14))
    made = reminders.send_reminders(user=SYSTEM, course=course, now=later)
    assert [r.person_id for r in made] == [tree.tran.pk]
    assert mailoutbox[-1].to == ["binh@example.vn"] and len(mailoutbox) == 2
    # Nobody twice within the window, whoever asks.
    assert (
        reminders.send_reminders(
            user=tree.hanoi_officer, course=course, now=later + dt.timedelta(days=13)
        )
        == []
    )
    # After the window: both again (still idle); the one who completed, never.
    again = reminders.send_reminders(
        user=SYSTEM, course=course, now=later + dt.timedelta(days=14, hours=1)
    )
    assert {r.person_id for r in again} == {tree.tran.pk, world.idle_person.pk}
    assert not Reminder.objects.filter(person=tree.nguyen).exists()
    assert len(mailoutbox) == 4


def test_reminders_to_people_assigned_but_not_enrolled_and_without_email(world, mailoutbox):
    course = world.course
    Reminder.objects.all().delete()
    made = reminders.send_reminders(user=SYSTEM, course=course, include_assigned=True)
    by_person = {r.person_id: r for r in made}
    assert set(by_person) == {world.idle_person.pk, world.assigned.pk}
    assert by_person[world.assigned.pk].enrolment is None
    assert {m.to[0] for m in mailoutbox} == {"dung@example.vn", "hung@example.vn"}
    # No email address: in the app only (Bình has none; Dũng's was removed).
    world.idle_person.email = ""
    world.idle_person.save()
    later = timezone.now() + dt.timedelta(days=15)
    made = reminders.send_reminders(user=SYSTEM, course=course, now=later)
    assert {(r.person_id, r.emailed) for r in made} == {
        (world.idle_person.pk, False),
        (world.tree.tran.pk, False),
    }
    assert len(mailoutbox) == 2


def test_reminders_need_a_published_course_and_its_organisers_scope(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reminders.send_reminders(user=SYSTEM, course=world.ml_course)  # a draft
    with pytest.raises(ValidationError):
        reminders.send_reminders(user=world.tree.nt_officer, course=world.course)
    assert not Reminder.objects.exists()


def test_the_reminder_button_and_the_nightly_command(client, world, mailoutbox):
    course, tree = world.course, world.tree
    login(client, tree.hanoi_officer)
    response = client.post(
        f"/elearning/courses/{course.pk}/remind/",
        {"days": "14", "include_assigned": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert Reminder.objects.filter(course=course).count() == 2
    assert len(mailoutbox) == 2
    text = response.content.decode()
    assert "2" in text
    # Again at once: nobody.
    client.post(f"/elearning/courses/{course.pk}/remind/", {"days": "14"})
    assert Reminder.objects.count() == 2
    # The command: nothing new inside the window either.
    out = io.StringIO()
    call_command("send_course_reminders", "--assigned", stdout=out)
    assert Reminder.objects.count() == 2 and "0 reminder" in out.getvalue()
    Reminder.objects.update(sent_at=timezone.now() - dt.timedelta(days=20))
    call_command("send_course_reminders", stdout=out)
    assert Reminder.objects.count() == 3  # Dũng again; Hùng only with --assigned
    assert len(mail.outbox) == 3


def test_unread_reminders_and_marking_one_read(world):
    made = reminders.send_reminders(user=SYSTEM, course=world.course)
    [reminder] = made
    person = world.idle_person
    assert list(reminders.unread_reminders(person)) == [reminder]
    assert not reminders.unread_reminders(None).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reminders.reminder_mark_read(user=world.tree.cadre, reminder=reminder)
    from tests.conftest import make_user

    learner = make_user("dung", world.tree.school, "cadre", person=person)
    reminders.reminder_mark_read(user=learner, reminder=reminder)
    assert not reminders.unread_reminders(person).exists()
