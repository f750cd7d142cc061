"""Progress made offline and sent later (issue 25 §3): "progress made offline is sent when the
phone is back online, and the server decides what counts (quizzes stay online, marked on the
server)". The endpoint /elearning/learn/sync/ applies each event through the same service as
the lesson page's reports, refuses what cannot be true, and answers a key sent twice the same
way without applying it twice. Also the app's manifest, service worker and offline page."""

import datetime as dt
import json
import struct
import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from elearning import offline, services
from elearning.models import CourseEnrolment, LessonProgress, OfflineEvent
from tests.elearning.test_learn import make_learn_world, video_bytes

SYNC = "/elearning/learn/sync/"


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def mp4(seconds: int, version: int = 0) -> bytes:
    """A small MP4 whose movie header says it lasts `seconds` (timescale 1000), its media
    before its header as many encoders write it."""
    if version == 1:
        mvhd = b"\x01\x00\x00\x00" + struct.pack(">QQIQ", 0, 0, 1000, seconds * 1000)
    else:
        mvhd = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, seconds * 1000)
    return (
        box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2")
        + box(b"mdat", b"\x00" * 5000)
        + box(b"moov", box(b"mvhd", mvhd + b"\x00" * 80))
    )


@pytest.fixture
def world(tree, settings, tmp_path):
    """make_learn_world's course, its video now a real 10-minute MP4; an optional video whose
    length cannot be read and an optional quiz added; Nguyễn Văn An enrolled two hours ago;
    Lê (Ninh Thuận) enrolled in Ninh Thuận's course."""
    settings.MEDIA_ROOT = tmp_path
    w = make_learn_world(tree)
    officer = tree.melinh_officer
    w.video = services.lesson_save(
        user=officer,
        module=w.video.module,
        lesson=w.video,
        file=ContentFile(mp4(600), name="bai-giang-10-phut.mp4"),
    )
    w.unknown = services.lesson_save(
        user=officer,
        module=w.video.module,
        title="Phim tư liệu",
        rank=5,
        kind="video",
        required=False,
        file=ContentFile(video_bytes(4000), name="tu-lieu.mp4"),
    )
    w.quiz = services.lesson_save(
        user=officer,
        module=w.video.module,
        title="Kiểm tra",
        rank=6,
        kind="quiz",
        required=False,
        question_count=1,
    )
    w.enrolment = services.enrol(user=w.cadre, course=w.course)
    CourseEnrolment.objects.filter(pk=w.enrolment.pk).update(
        enrolled_at=timezone.now() - dt.timedelta(hours=2)
    )
    w.enrolment.refresh_from_db()
    w.le_enrolment = services.enrol(user=w.le_user, course=w.nt_course)
    return w


def event(lesson, percent=100, position=0, at=None, key=None) -> dict:
    at = at or timezone.now() - dt.timedelta(minutes=10)
    return {
        "key": key or str(uuid.uuid4()),
        "lesson": lesson if isinstance(lesson, int) else lesson.pk,
        "percent": percent,
        "position": position,
        "at": at.isoformat(),
    }


def send(client, *events, raw=None):
    body = raw if raw is not None else json.dumps({"events": list(events)})
    return client.post(SYNC, body, content_type="application/json")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_progress_made_offline_counts_and_completes_the_course(world):
    """Read the text, opened the PDF and watched 95% of the video offline: each counts, and
    the course completes with its record and certificate, as online."""
    client = signed_in(world.cadre)
    answers = results(
        send(
            client,
            event(world.text, 100, at=timezone.now() - dt.timedelta(minutes=50)),
            event(world.pdf, 100, at=timezone.now() - dt.timedelta(minutes=40)),
            event(world.video, 95, 570, at=timezone.now() - dt.timedelta(minutes=5)),
        )
    )
    assert [a["accepted"] for a in answers] == [True, True, True]
    assert answers[-1]["done"] and answers[-1]["completed"]
    done = LessonProgress.objects.filter(enrolment=world.enrolment, done_at__isnull=False)
    assert set(done.values_list("lesson_id", flat=True)) == {
        world.text.pk,
        world.pdf.pk,
        world.video.pk,
    }
    assert (
        LessonProgress.objects.get(enrolment=world.enrolment, lesson=world.video).position_seconds
        == 570
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.completed_at is not None and world.enrolment.record is not None
    assert world.enrolment.record.certificate_number


def test_part_of_a_text_is_progress_not_done(world):
    answers = results(send(signed_in(world.cadre), event(world.text, 60)))
    assert answers[0]["accepted"] and not answers[0]["done"]
    record = LessonProgress.objects.get(enrolment=world.enrolment, lesson=world.text)
    assert record.percent == 60 and record.done_at is None


def test_a_key_sent_again_changes_nothing_and_gets_the_same_answer(world):
    client = signed_in(world.cadre)
    first = event(world.text, 40)
    assert results(send(client, first))[0]["accepted"]
    LessonProgress.objects.filter(lesson=world.text).update(percent=10)  # moved since
    again = results(send(client, first))[0]
    assert again["accepted"] and again["again"]
    assert LessonProgress.objects.get(lesson=world.text).percent == 10  # not applied twice
    refused = event(world.quiz, 100)
    assert results(send(client, refused))[0]["reason"] == "quiz"
    assert results(send(client, refused))[0]["reason"] == "quiz"
    assert OfflineEvent.objects.filter(person=world.tree.nguyen).count() == 2


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("quiz", "quiz"),
        ("embed", "embed"),
        ("future", "future"),
        ("before_enrolment", "before_enrolment"),
        ("past_the_end", "past_the_end"),
        ("too_fast", "too_fast"),
        ("unknown_length", "unknown_length"),
        ("course_not_enrolled", "not_enrolled"),
        ("another_persons_course", "not_enrolled"),
        ("no_lesson", "no_lesson"),
    ],
)
def test_what_cannot_count_is_refused_with_the_reason(world, case, reason):
    now = timezone.now()
    other_lesson = world.other.modules.get().lessons.get()
    sent = {
        "quiz": event(world.quiz, 100),
        "embed": event(world.embed, 100),
        "future": event(world.text, 100, at=now + dt.timedelta(hours=1)),
        "before_enrolment": event(world.text, 100, at=now - dt.timedelta(hours=3)),
        "past_the_end": event(world.video, 50, 700),
        # 95% of ten minutes, reported a minute after enrolling: at double speed 4'45".
        "too_fast": event(
            world.video, 95, 570, at=world.enrolment.enrolled_at + dt.timedelta(minutes=1)
        ),
        "unknown_length": event(world.unknown, 100, 30),
        "course_not_enrolled": event(other_lesson, 100),
        "another_persons_course": event(world.nt_lesson, 100, 1),
        "no_lesson": event(10**9, 100),
    }[case]
    with_lang = signed_in(world.cadre)
    answer = results(send(with_lang, sent))[0]
    assert (answer["accepted"], answer["reason"]) == (False, reason)
    assert answer["message"] == offline.reasons()[reason]
    assert not LessonProgress.objects.filter(lesson_id=sent["lesson"]).exists()


def test_a_refusal_is_said_in_vietnamese(world):
    client = signed_in(world.cadre)
    answer = results(send(client, event(world.quiz, 100)))[0]
    assert answer["message"] == "Bài kiểm tra chỉ làm trực tuyến: bài làm được chấm trên máy chủ."


def test_watching_in_time_counts_from_what_the_server_knew(world):
    """The share newly watched must fit the time since the last report the server had, at
    double speed: 100% of ten minutes a minute after a report of 20% is not possible (needs
    240 s); 50% four minutes after it is (needs 90 s)."""
    client = signed_in(world.cadre)
    services.report_progress(world.cadre, world.video, 20, 120)
    known = LessonProgress.objects.get(lesson=world.video).updated_at
    early = event(world.video, 100, 600, at=known + dt.timedelta(minutes=1))
    assert results(send(client, early))[0]["reason"] == "too_fast"
    later = event(world.video, 50, 300, at=known + dt.timedelta(minutes=4))
    assert results(send(client, later))[0]["accepted"]
    assert LessonProgress.objects.get(lesson=world.video).percent == 50


def test_another_persons_enrolment_is_never_touched(world):
    services.report_progress(world.le_user, world.nt_lesson, 5, 1)
    answer = results(send(signed_in(world.cadre), event(world.nt_lesson, 100)))[0]
    assert answer["reason"] == "not_enrolled"
    assert LessonProgress.objects.get(enrolment=world.le_enrolment).percent == 5


@pytest.mark.parametrize(
    "bad",
    [
        {"lesson": 1, "percent": 100, "at": "2026-01-01T00:00:00+07:00"},  # no key
        {"key": "k" * 100, "lesson": 1, "percent": 100, "at": "2026-01-01T00:00:00+07:00"},
        {"key": "abcdefgh", "lesson": "1", "percent": 100, "at": "2026-01-01T00:00:00+07:00"},
        {"key": "abcdefgh", "lesson": 1, "percent": 101, "at": "2026-01-01T00:00:00+07:00"},
        {"key": "abcdefgh", "lesson": 1, "percent": True, "at": "2026-01-01T00:00:00+07:00"},
        {
            "key": "abcdefgh",
            "lesson": 1,
            "percent": 50,
            "position": -1,
            "at": "2026-01-01T00:00:00+07:00",
        },
        {"key": "abcdefgh", "lesson": 1, "percent": 50, "at": "2026-01-01T00:00:00"},  # no zone
        {"key": "abcdefgh", "lesson": 1, "percent": 50, "at": "hôm qua"},
        "not an object",
    ],
)
def test_a_malformed_event_is_refused_alone(world, bad):
    good = event(world.text, 100)
    answers = results(send(signed_in(world.cadre), bad, good))
    assert answers[0]["accepted"] is False and answers[0]["reason"] == "malformed"
    assert answers[1]["accepted"] is True


def test_the_body_is_bounded_and_must_be_json(world):
    client = signed_in(world.cadre)
    many = [event(world.text, 1) for _ in range(offline.MAX_EVENTS + 1)]
    assert send(client, *many).status_code == 413
    assert (
        send(
            client, raw=json.dumps({"events": [], "pad": "x" * offline.MAX_BODY_BYTES})
        ).status_code
        == 413
    )
    assert send(client, raw="{not json").status_code == 400
    assert send(client, raw=json.dumps({"events": {"a": 1}})).status_code == 400
    assert send(client, raw=json.dumps([1, 2])).status_code == 400
    assert client.get(SYNC).status_code == 405
    assert not LessonProgress.objects.exists()


def test_only_the_signed_in_learner_with_the_token_may_send(world):
    anonymous = Client()
    response = send(anonymous, event(world.text))
    assert response.status_code == 302 and "/login/" in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.cadre)
    assert send(strict, event(world.text)).status_code == 403
    strict.get(reverse("elearning:learn_lesson", args=[world.text.pk]))  # sets the cookie
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        SYNC,
        json.dumps({"events": [event(world.text, 30)]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert results(response)[0]["accepted"]


@pytest.mark.parametrize("version", [0, 1])
def test_a_videos_length_is_read_from_its_file(world, version):
    lesson = services.lesson_save(
        user=world.tree.melinh_officer,
        module=world.video.module,
        lesson=world.video,
        file=ContentFile(mp4(125, version), name="v.mp4"),
    )
    assert offline.video_seconds(lesson) == 125
    assert offline.video_seconds(world.unknown) is None


# --- the app ----------------------------------------------------------------------------------


def test_the_manifest_names_the_app_and_opens_on_ones_page(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Đào tạo cán bộ công đoàn"
    assert (data["start_url"], data["scope"], data["display"]) == ("/me/", "/", "standalone")
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    source = response.content.decode()
    assert "/*SHELL*/" not in source and "/*VERSION*/" not in source
    assert "/static/css/app.css" in source and '"/offline/"' in source
    assert client.get("/offline/").status_code == 200


def test_pages_link_the_app_and_ones_own_pages_are_private(world):
    client = signed_in(world.cadre)
    page = client.get("/me/")
    html = page.content.decode()
    assert 'rel="manifest"' in html and 'id="pwa"' in html and 'data-served="network"' in html
    assert "private" in page["Cache-Control"]
    lesson = client.get(reverse("elearning:learn_lesson", args=[world.text.pk]))
    assert "private" in lesson["Cache-Control"]
    assert "Lưu để đọc ngoại tuyến" in lesson.content.decode()
    quiz = client.get(reverse("elearning:learn_lesson", args=[world.quiz.pk])).content.decode()
    assert "Lưu để đọc ngoại tuyến" not in quiz and "không lưu để làm ngoại tuyến" in quiz
