"""The learners' pages: obligations with the courses meeting them, enrolling, the course and
lesson pages, progress reported by the page (text at 100%, video from 90%, a PDF once opened,
an embedded video self-declared), resuming, and completion writing the online record with
its certificate, which meets the target at once."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.models import UserRole
from elearning import services
from elearning.models import (
    Choice,
    CourseEnrolment,
    LessonProgress,
    Question,
    QuizAttempt,
)
from lib.dates import today
from targets.engine import Status, person_obligations
from targets.models import Target
from tests.conftest import make_user
from training.models import Topic, TrainingRecord
from units.services import unit_set_figures

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"  # what an MP4 file begins with


def video_bytes(size: int) -> bytes:
    """An MP4 file's first bytes (uploads are checked by content), then bytes whose value
    tells their position (mod 251): any slice can be checked exactly."""
    return (MP4_HEAD + bytes(range(251)) * (size // 251 + 1))[:size]


def make_learn_world(tree, video_size: int = 64 * 1024) -> SimpleNamespace:
    """Nguyễn Văn An (self-service account `tree.cadre`) chairs a 300-member school union, so
    T-003-4c applies to him; his 2024 class record is withdrawn, so he owes it. Mê Linh
    publishes a course on general union work (meets it: text, PDF, video required, an
    embedded video optional); Hà Nội one on office IT (open to him, meets nothing); Ninh Thuận
    one that is not open to him."""
    w = SimpleNamespace(tree=tree)
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2020, 1, 1), member_count=300
    )
    TrainingRecord.objects.filter(person=tree.nguyen).update(valid=False)
    general = Topic.objects.get(code="union_general")
    it = Topic.objects.get(code="it")
    w.target = Target.objects.get(code="T-003-4c")
    w.course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-OL-01",
        title="Nghiệp vụ công đoàn cơ sở (trực tuyến)",
        hours=16,
        topics=[general],
    )
    m1 = services.module_save(user=tree.melinh_officer, course=w.course, title="Phần 1", rank=1)
    m2 = services.module_save(user=tree.melinh_officer, course=w.course, title="Phần 2", rank=2)
    w.text = services.lesson_save(
        user=tree.melinh_officer,
        module=m1,
        title="Bài 1",
        rank=1,
        kind="text",
        body="<p>Công đoàn cơ sở</p><script>x()</script>",
    )
    w.pdf = services.lesson_save(
        user=tree.melinh_officer,
        module=m1,
        title="Tài liệu",
        rank=2,
        kind="pdf",
        file=ContentFile(PDF, name="tai-lieu.pdf"),
    )
    w.data = video_bytes(video_size)
    w.video = services.lesson_save(
        user=tree.melinh_officer,
        module=m2,
        title="Bài giảng",
        rank=1,
        kind="video",
        file=ContentFile(w.data, name="bai-giang.mp4"),
    )
    w.embed = services.lesson_save(
        user=tree.melinh_officer,
        module=m2,
        title="Xem thêm",
        rank=2,
        kind="embed",
        required=False,
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    services.course_publish(user=tree.melinh_officer, course=w.course)
    w.other = services.course_save(
        user=tree.hanoi_officer,
        organiser=tree.hanoi,
        code="HN-OL-01",
        title="Tin học văn phòng",
        hours=8,
        topics=[it],
    )
    mo = services.module_save(user=tree.hanoi_officer, course=w.other, title="Phần 1")
    services.lesson_save(
        user=tree.hanoi_officer, module=mo, title="Word", kind="text", body="<p>Word</p>"
    )
    services.course_publish(user=tree.hanoi_officer, course=w.other)
    w.nt_course = services.course_save(
        user=tree.nt_officer,
        organiser=tree.ninhthuan,
        code="NT-OL-01",
        title="Công đoàn Ninh Thuận trực tuyến",
        hours=16,
        topics=[general],
    )
    mn = services.module_save(user=tree.nt_officer, course=w.nt_course, title="Phần 1")
    w.nt_lesson = services.lesson_save(
        user=tree.nt_officer,
        module=mn,
        title="Bài NT",
        kind="video",
        file=ContentFile(video_bytes(1000), name="nt.mp4"),
    )
    services.course_publish(user=tree.nt_officer, course=w.nt_course)
    w.cadre = tree.cadre
    w.le_user = make_user("le.cadre", tree.nt_grassroots, UserRole.CADRE, person=tree.le)
    return w


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_learn_world(tree)


def enrolled(world, client):
    client.force_login(world.cadre)
    response = client.post(reverse("elearning:learn_enrol", args=[world.course.pk]))
    assert response.status_code == 302
    return CourseEnrolment.objects.get(course=world.course, person=world.tree.nguyen)


def report(client, lesson, percent, position=0):
    return client.post(
        reverse("elearning:learn_progress", args=[lesson.pk]),
        {"percent": percent, "position": position},
    )


def progress(enrolment, lesson):
    return LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()


def test_learn_page_lists_the_obligation_and_the_course_meeting_it(world, client):
    obligations = {o.target.code: o.status for o in person_obligations(world.tree.nguyen, today())}
    assert obligations["T-003-4c"] == Status.DUE
    client.force_login(world.cadre)
    response = client.get(reverse("elearning:learn"))
    assert response.status_code == 200
    html = response.content.decode()
    block = re.search(r'data-target="T-003-4c">(.*?)</div>', html, re.S).group(1)
    assert world.course.title in block and world.other.title not in block
    assert reverse("elearning:learn_enrol", args=[world.course.pk]) in block
    others = html.split('id="learn-others"')[1]
    assert world.other.title in others and world.course.title not in others
    assert world.nt_course.title not in html
    # The nav offers the page to anyone linked to a person.
    assert f'href="{reverse("elearning:learn")}"' in html


def test_account_without_person_is_told_so(world, client):
    client.force_login(world.tree.hanoi_officer)
    response = client.get(reverse("elearning:learn"))
    assert response.status_code == 200 and world.course.title not in response.content.decode()
    assert f'href="{reverse("elearning:learn")}"' not in response.content.decode()
    assert client.get(reverse("elearning:learn_course", args=[world.course.pk])).status_code == 404


def test_anonymous_goes_to_login(world, client):
    for url in (
        reverse("elearning:learn"),
        reverse("elearning:learn_course", args=[world.course.pk]),
        reverse("elearning:learn_lesson", args=[world.text.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_enrol_then_the_course_page_shows_progress(world, client):
    client.force_login(world.cadre)
    page = client.get(reverse("elearning:learn_course", args=[world.course.pk]))
    assert page.status_code == 200
    assert reverse("elearning:learn_enrol", args=[world.course.pk]) in page.content.decode()
    enrolment = enrolled(world, client)
    again = client.post(reverse("elearning:learn_enrol", args=[world.course.pk]))
    assert (
        again.status_code == 302
        and CourseEnrolment.objects.filter(person=world.tree.nguyen).count() == 1
    )
    html = client.get(reverse("elearning:learn_course", args=[world.course.pk])).content.decode()
    for lesson in (world.text, world.pdf, world.video, world.embed):
        assert reverse("elearning:learn_lesson", args=[lesson.pk]) in html
    assert 'aria-valuenow="0"' in html
    assert report(client, world.text, 100).json()["done"] is True
    html = client.get(reverse("elearning:learn_course", args=[world.course.pk])).content.decode()
    assert f'data-lesson="{world.text.pk}" class="done"' in html
    assert 'aria-valuenow="33"' in html  # 1 of 3 required lessons
    # The learn page lists the course under "my courses" with a link to the next lesson to
    # do (the text they read is done).
    html = client.get(reverse("elearning:learn")).content.decode()
    mine = html.split('id="learn-enrolled"')[1].split("</section>")[0]
    assert world.course.title in mine and "33%" in mine
    assert reverse("elearning:learn_lesson", args=[world.pdf.pk]) in mine
    assert enrolment.pk


def test_courses_not_open_are_not_found(world, client):
    client.force_login(world.cadre)
    for name, pk in (
        ("learn_course", world.nt_course.pk),
        ("learn_lesson", world.nt_lesson.pk),
        ("learn_progress", world.nt_lesson.pk),
    ):
        url = reverse(f"elearning:{name}", args=[pk])
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"percent": 100}).status_code == 404
    response = client.post(reverse("elearning:learn_enrol", args=[world.nt_course.pk]))
    assert response.status_code == 404
    assert not CourseEnrolment.objects.exists()


def test_a_draft_course_is_not_open(world, client):
    services.course_publish(user=world.tree.melinh_officer, course=world.course, published=False)
    client.force_login(world.cadre)
    assert client.get(reverse("elearning:learn_course", args=[world.course.pk])).status_code == 404


def test_lesson_page_before_enrolling_leads_to_the_course(world, client):
    client.force_login(world.cadre)
    response = client.get(reverse("elearning:learn_lesson", args=[world.text.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("elearning:learn_course", args=[world.course.pk])
    assert (
        client.post(
            reverse("elearning:learn_progress", args=[world.text.pk]), {"percent": 100}
        ).status_code
        == 404
    )


def test_text_is_done_at_100_not_before(world, client):
    enrolment = enrolled(world, client)
    page = client.get(reverse("elearning:learn_lesson", args=[world.text.pk]))
    html = page.content.decode()
    assert "<p>Công đoàn cơ sở</p>" in html and "x()" not in html  # sanitised HTML
    assert reverse("elearning:learn_progress", args=[world.text.pk]) in html
    assert "elearning/lesson.js" in html
    answer = report(client, world.text, 99).json()
    assert answer["percent"] == 99 and answer["done"] is False
    assert progress(enrolment, world.text).done_at is None
    answer = report(client, world.text, 100).json()
    assert answer["done"] is True and progress(enrolment, world.text).done_at is not None
    # Reporting less afterwards never undoes it.
    assert report(client, world.text, 10).json() | {"position": 0} == answer | {"position": 0}


def test_video_is_done_from_90_percent_and_resumes(world, client):
    enrolment = enrolled(world, client)
    html = client.get(reverse("elearning:learn_lesson", args=[world.video.pk])).content.decode()
    assert f'src="{reverse("elearning:learn_file", args=[world.video.pk])}"' in html
    assert 'data-position="0"' in html
    answer = report(client, world.video, 89, 125).json()
    assert (answer["percent"], answer["position"], answer["done"]) == (89, 125, False)
    record = progress(enrolment, world.video)
    assert record.position_seconds == 125 and record.done_at is None
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == world.video.pk
    html = client.get(reverse("elearning:learn_lesson", args=[world.video.pk])).content.decode()
    assert 'data-position="125"' in html and 'data-percent="89"' in html
    # The learn page's "continue" goes to the video, where they stopped.
    html = client.get(reverse("elearning:learn")).content.decode()
    mine = html.split('id="learn-enrolled"')[1].split("</section>")[0]
    assert reverse("elearning:learn_lesson", args=[world.video.pk]) in mine
    answer = report(client, world.video, 90, 140).json()
    assert answer["done"] is True and progress(enrolment, world.video).position_seconds == 140
    # Once it is done, "continue" goes to the first required lesson not done: the text.
    html = client.get(reverse("elearning:learn")).content.decode()
    mine = html.split('id="learn-enrolled"')[1].split("</section>")[0]
    assert reverse("elearning:learn_lesson", args=[world.text.pk]) in mine


def test_pdf_is_done_once_opened(world, client):
    enrolment = enrolled(world, client)
    assert progress(enrolment, world.pdf) is None
    html = client.get(reverse("elearning:learn_lesson", args=[world.pdf.pk])).content.decode()
    file_url = reverse("elearning:learn_file", args=[world.pdf.pk])
    assert f'<iframe class="learn-pdf" src="{file_url}"' in html
    assert f'href="{file_url}?download=1"' in html
    assert progress(enrolment, world.pdf).done_at is not None
    response = client.get(file_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the page embeds it
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_embedded_video_is_self_declared(world, client):
    enrolment = enrolled(world, client)
    html = client.get(reverse("elearning:learn_lesson", args=[world.embed.pk])).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'id="lesson-watched"' in html
    assert report(client, world.embed, 100).json()["done"] is True
    assert progress(enrolment, world.embed).done_at is not None


def test_bad_progress_reports_change_nothing(world, client):
    enrolment = enrolled(world, client)
    for data in (
        {"percent": 101},
        {"percent": -1},
        {"percent": "abc"},
        {},
        {"percent": 50, "position": "x"},
        {"percent": 50, "position": -3},
    ):
        response = client.post(reverse("elearning:learn_progress", args=[world.video.pk]), data)
        assert response.status_code == 422, data
        assert response.json()["errors"]
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    assert client.get(reverse("elearning:learn_progress", args=[world.video.pk])).status_code == 405


def test_progress_of_another_person_is_refused(world, client):
    enrolment = enrolled(world, client)
    with pytest.raises(ValidationError):
        services.progress_report(
            user=world.le_user, enrolment=enrolment, lesson=world.text, percent=100
        )
    with pytest.raises(ValidationError):  # an officer is not the learner either
        services.progress_report(
            user=world.tree.melinh_officer, enrolment=enrolment, lesson=world.text, percent=100
        )
    # Through the page, another person reaches only their own enrolment: none here.
    other = make_user("tran.cadre", world.tree.factory, UserRole.CADRE, person=world.tree.tran)
    client.force_login(other)
    assert report(client, world.text, 100).status_code == 404
    # Mê Linh's course is not open to her (Đông Anh): not found.
    assert client.get(reverse("elearning:learn_lesson", args=[world.text.pk])).status_code == 404
    assert not LessonProgress.objects.exists()


def test_completion_writes_the_record_certificate_and_meets_the_target(world, client):
    enrolment = enrolled(world, client)
    report(client, world.text, 100)
    client.get(reverse("elearning:learn_lesson", args=[world.pdf.pk]))
    enrolment.refresh_from_db()
    assert (
        enrolment.completed_at is None
        and not TrainingRecord.objects.filter(person=world.tree.nguyen, valid=True).exists()
    )
    answer = report(client, world.video, 95, 300).json()
    assert answer["completed"] is True  # the optional embedded video is not needed
    enrolment.refresh_from_db()
    record = enrolment.record
    assert enrolment.completed_at and record.form == "online" and record.hours == 16
    assert list(record.topics.values_list("code", flat=True)) == ["union_general"]
    assert record.organiser == world.tree.melinh and record.certificate_number
    certificate = reverse("training:certificate", args=[record.pk])
    assert answer["certificate_url"] == certificate
    # Reporting again writes no second record.
    report(client, world.video, 100, 310)
    assert TrainingRecord.objects.filter(person=world.tree.nguyen, valid=True).count() == 1
    # The target is met at once, with that record.
    met = {o.target.code: o for o in person_obligations(world.tree.nguyen, today())}
    assert met["T-003-4c"].status == Status.MET and met["T-003-4c"].record == record
    # The course page links to the certificate, which the learner may open.
    html = client.get(reverse("elearning:learn_course", args=[world.course.pk])).content.decode()
    assert certificate in html and 'id="course-completed"' in html
    page = client.get(certificate)
    assert page.status_code == 200 and record.certificate_number in page.content.decode()
    # The learn page no longer lists the obligation as owed.
    html = client.get(reverse("elearning:learn")).content.decode()
    assert 'data-target="T-003-4c"' not in html and certificate in html


def test_quiz_lesson_shows_its_rules_and_past_attempts(world, client):
    tree = world.tree
    module = world.course.modules.last()
    question = Question.objects.create(course=world.course, text="Công đoàn là gì?")
    Choice.objects.create(question=question, text="Tổ chức của người lao động", correct=True)
    Choice.objects.create(question=question, text="Doanh nghiệp")
    quiz = services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Kiểm tra",
        rank=9,
        kind="quiz",
        question_count=1,
        pass_percent=80,
        max_attempts=2,
        time_limit_minutes=15,
    )
    enrolment = enrolled(world, client)
    QuizAttempt.objects.create(
        enrolment=enrolment,
        lesson=quiz,
        drawn=[],
        submitted_at=world.course.created_at,
        score_percent=Decimal("50.00"),
        passed=False,
    )
    html = client.get(reverse("elearning:learn_lesson", args=[quiz.pk])).content.decode()
    assert "80%" in html and "15" in html and "50%" in html
    assert 'class="learn-attempts"' in html and html.count("<tr><td>") == 1
    start = reverse("elearning:quiz_start", args=[quiz.pk])
    assert f'action="{start}"' in html  # one attempt left
    # An attempt under way: the page leads back to it rather than starting another.
    running = QuizAttempt.objects.create(
        enrolment=enrolment,
        lesson=quiz,
        drawn=[],
        deadline_at=timezone.now() + dt.timedelta(minutes=5),
    )
    html = client.get(reverse("elearning:learn_lesson", args=[quiz.pk])).content.decode()
    assert reverse("elearning:quiz_attempt", args=[running.key]) in html
    assert f'action="{start}"' not in html
    running.delete()
    QuizAttempt.objects.create(
        enrolment=enrolment,
        lesson=quiz,
        drawn=[],
        submitted_at=world.course.created_at,
        score_percent=Decimal("100.00"),
        passed=True,
    )
    html = client.get(reverse("elearning:learn_lesson", args=[quiz.pk])).content.decode()
    assert html.count("<tr><td>") == 2 and f'action="{start}"' not in html
    # A passed quiz counts as done on the course page, and the page reports no progress.
    assert "data-progress-url" not in html
    html = client.get(reverse("elearning:learn_course", args=[world.course.pk])).content.decode()
    assert f'data-lesson="{quiz.pk}" class="done"' in html


def test_previous_and_next_lessons(world, client):
    enrolled(world, client)
    html = client.get(reverse("elearning:learn_lesson", args=[world.pdf.pk])).content.decode()
    assert f'rel="prev" href="{reverse("elearning:learn_lesson", args=[world.text.pk])}"' in html
    assert f'rel="next" href="{reverse("elearning:learn_lesson", args=[world.video.pk])}"' in html
    html = client.get(reverse("elearning:learn_lesson", args=[world.embed.pk])).content.decode()
    nav = html.split('class="learn-nav"')[1]
    assert 'rel="next"' not in nav  # the last lesson leads back to the course
    assert reverse("elearning:learn_course", args=[world.course.pk]) in nav


def test_learn_page_queries_are_bounded(world, client, django_assert_max_num_queries):
    enrolment = enrolled(world, client)
    report(client, world.text, 100)
    services.enrol(user=world.cadre, course=world.other)
    assert enrolment.pk
    with django_assert_max_num_queries(40):
        assert client.get(reverse("elearning:learn")).status_code == 200
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("elearning:learn_course", args=[world.course.pk])).status_code == 200
        )


def test_start_and_continue_skip_an_optional_handout_and_what_is_done(world, client):
    """Issue 23 §8: "“Học tiếp” sends the learner to the optional PDF first". The PDF of
    Phần 1 is made optional and put first; "Start" opens the first required lesson, and
    "Continue" the next required one not done, whatever was visited last."""
    from elearning.models import Lesson

    Lesson.objects.filter(pk=world.pdf.pk).update(required=False, rank=0)
    client.force_login(world.cadre)
    course_url = reverse("elearning:learn_course", args=[world.course.pk])

    def button(url):
        html = client.get(url).content.decode()
        return re.search(r'<a class="button" href="(/elearning/learn/lessons/\d+/)">', html)[1]

    enrolment = enrolled(world, client)
    assert button(course_url) == reverse("elearning:learn_lesson", args=[world.text.pk])
    report(client, world.text, 100)
    client.get(reverse("elearning:learn_lesson", args=[world.pdf.pk]))  # visited, optional
    enrolment.refresh_from_db()
    video = reverse("elearning:learn_lesson", args=[world.video.pk])
    assert button(course_url) == video
    html = client.get(reverse("elearning:learn")).content.decode()
    assert video in html.split('id="learn-enrolled"')[1].split("</section>")[0]


def test_a_lesson_links_to_the_lessons_before_and_after_it_by_that_name(world, client):
    """Issue 23 §8: "lessons show “Trang sau” wrongly" — the next lesson, not a next page."""
    enrolled(world, client)
    html = client.get(reverse("elearning:learn_lesson", args=[world.pdf.pk])).content.decode()
    before = re.search(r'rel="prev" href="([^"]+)">‹ ([^<]+)</a>', html)
    after = re.search(r'rel="next" href="([^"]+)">([^<]+) ›</a>', html)
    assert before[1] == reverse("elearning:learn_lesson", args=[world.text.pk])
    assert after[1] == reverse("elearning:learn_lesson", args=[world.video.pk])
    assert (before[2], after[2]) == ("Bài trước", "Bài tiếp theo")
    assert "Trang sau" not in html and "Trang trước" not in html
