"""Sessions of a class and check-in (issue 24 §4): "A class has sessions (date, time, place,
lecturer, topic). Attendance is taken per session — by the officer in a grid, or by the learner
scanning a QR code shown in the room on their phone (logged in as themselves; the code changes
every minute, so a photo sent to a friend does not work; it works for the session's time window
only). The attendance percentage on the record is computed from the sessions; lecturers' hours
come from the sessions they taught." """

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.access import SYSTEM
from accounts.models import UserRole
from lib.dates import today
from people.services import person_create
from tests import snapshot
from tests.conftest import make_user
from training import sessions
from training.attendance import attendance_percentages, percent
from training.models import (
    ClassCorrection,
    ClassLecturer,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Topic,
)
from training.services import (
    class_create,
    class_lecturer_add,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    lecturer_save,
    results_record,
)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment of local time (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))


def build_world(tree) -> SimpleNamespace:
    """A Hà Nội class from yesterday to five days on, running, with two accepted learners
    (Nguyễn Văn An of Mê Linh, who has a self-service account, and Trần Thị Bình of Đông
    Anh, given one), one only nominated and one on the waiting list; two lecturers of Hà
    Nội and one typed in with 8 hours before the class had sessions; three sessions: today
    08:00–11:00 and 13:30–17:00 with the first lecturer, tomorrow 08:00–11:30 with the second."""
    w = SimpleNamespace()
    day = today()
    w.day = day
    w.c = class_create(
        user=SYSTEM,
        organiser=tree.hanoi,
        topics=[tree.topic],
        code="HN-BUOI-01",
        name="Kỹ năng chủ tịch công đoàn cơ sở",
        start_date=day - dt.timedelta(days=1),
        end_date=day + dt.timedelta(days=5),
        venue="Hội trường LĐLĐ Hà Nội",
        hours=16,
        capacity=3,
    )
    class_set_status(user=SYSTEM, training_class=w.c, status="open")
    people = [tree.nguyen, tree.tran]
    for name in ("Hà", "Lan"):
        people.append(
            person_create(
                user=SYSTEM,
                unit=tree.school,
                family_name="Phạm",
                middle_name="Thu",
                given_name=name,
                gender="female",
                birth_date=dt.date(1990, 1, 1),
            )
        )
    enrolments = [
        enrolment_nominate(user=tree.hanoi_officer, training_class=w.c, person=p)[0] for p in people
    ]
    for e in enrolments[:2]:
        enrolment_accept(user=SYSTEM, enrolment=e)
    w.an, w.binh, w.nominated, w.waiting = enrolments
    class_set_status(user=SYSTEM, training_class=w.c, status="running")
    # Left undecided and on the waiting list (running closes the list: set here, as data).
    for e, status in ((w.nominated, "nominated"), (w.waiting, EnrolmentStatus.WAITLISTED)):
        Enrolment.objects.filter(pk=e.pk).update(status=status)
    w.binh_user = make_user("binh", tree.factory, UserRole.CADRE, person=tree.tran)
    w.ha_user = make_user("ha", tree.school, UserRole.CADRE, person=people[2])
    w.lan_user = make_user("lan", tree.school, UserRole.CADRE, person=people[3])
    lecturers = []
    for given in ("Giảng", "Dạy", "Cũ"):
        person = person_create(
            user=SYSTEM,
            unit=tree.hanoi,
            family_name="Đỗ",
            middle_name="Văn",
            given_name=given,
            gender="male",
            birth_date=dt.date(1970, 1, 1),
        )
        lecturers.append(
            lecturer_save(user=SYSTEM, person=person, kind="part_time", topics=[tree.topic])
        )
    w.l1, w.l2, w.typed = lecturers
    class_lecturer_add(user=SYSTEM, training_class=w.c, lecturer=w.typed, hours=8)
    w.a = sessions.session_save(
        user=tree.hanoi_officer,
        training_class=w.c,
        date=day,
        starts_at=dt.time(8),
        ends_at=dt.time(11),
        lecturer=w.l1,
        topic=tree.topic,
    )
    w.b = sessions.session_save(
        user=tree.hanoi_officer,
        training_class=w.c,
        date=day,
        starts_at=dt.time(13, 30),
        ends_at=dt.time(17),
        lecturer=w.l1,
    )
    w.tomorrow = sessions.session_save(
        user=tree.hanoi_officer,
        training_class=w.c,
        date=day + dt.timedelta(days=1),
        starts_at=dt.time(8),
        ends_at=dt.time(11, 30),
        venue="Phòng 201",
        lecturer=w.l2,
    )
    return w


@pytest.fixture
def world(tree):
    return snapshot.shared("class_sessions", lambda: build_world(tree))


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- the schedule ---------------------------------------------------------------------------


def test_a_session_falls_within_the_class_and_ends_after_it_starts(tree, world):
    officer = tree.hanoi_officer
    with pytest.raises(ValidationError) as refused:
        sessions.session_save(
            user=officer,
            training_class=world.c,
            date=world.c.end_date + dt.timedelta(days=1),
            starts_at=dt.time(8),
            ends_at=dt.time(7),
        )
    errors = errors_of(refused)
    assert errors["date"] == [
        f"Lớp học diễn ra từ {world.c.start_date:%d/%m/%Y} đến {world.c.end_date:%d/%m/%Y}: "
        "hãy chọn một ngày trong khoảng đó."
    ]
    assert errors["ends_at"] == ["Buổi học phải kết thúc sau giờ bắt đầu."]
    # The last day of the class is inside it; a session ending as another starts is no overlap.
    last = sessions.session_save(
        user=officer,
        training_class=world.c,
        date=world.c.end_date,
        starts_at=dt.time(7),
        ends_at=dt.time(8),
    )
    assert last.pk
    after = sessions.session_save(
        user=officer,
        training_class=world.c,
        date=world.day,
        starts_at=dt.time(11),
        ends_at=dt.time(12),
    )
    assert after.pk


def test_two_sessions_of_a_class_may_not_overlap(tree, world):
    with pytest.raises(ValidationError) as refused:
        sessions.session_save(
            user=tree.hanoi_officer,
            training_class=world.c,
            date=world.day,
            starts_at=dt.time(10, 59),
            ends_at=dt.time(12),
        )
    assert errors_of(refused)["starts_at"] == [
        f"Lớp đã có một buổi học vào giờ đó: {world.day:%d/%m/%Y} 08:00–11:00."
    ]
    # Moving a session onto its own time is not an overlap with itself.
    moved = sessions.session_save(
        user=tree.hanoi_officer,
        training_class=world.c,
        session=world.a,
        date=world.day,
        starts_at=dt.time(7, 30),
        ends_at=dt.time(11),
        lecturer=world.l1,
    )
    assert (moved.starts_at, ClassSession.objects.filter(training_class=world.c).count()) == (
        dt.time(7, 30),
        3,
    )


def test_a_lecturer_teaches_one_session_at_a_time_and_comes_from_the_class_or_the_unit(tree, world):
    other = class_create(
        user=SYSTEM,
        organiser=tree.hanoi,
        topics=[tree.topic],
        code="HN-KHAC",
        name="Lớp khác cùng ngày",
        start_date=world.day,
        end_date=world.day,
        hours=4,
        capacity=10,
    )
    with pytest.raises(ValidationError) as refused:
        sessions.session_save(
            user=tree.hanoi_officer,
            training_class=other,
            date=world.day,
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            lecturer=world.l1,
        )
    assert errors_of(refused)["lecturer"] == [
        "Giảng viên này đang dạy lớp “Kỹ năng chủ tịch công đoàn cơ sở” vào giờ đó "
        f"({world.day:%d/%m/%Y} 08:00–11:00)."
    ]
    ninh_thuan = lecturer_save(user=SYSTEM, person=tree.le, kind="part_time", topics=[])
    other_topic = Topic.objects.exclude(pk=tree.topic.pk).first()
    with pytest.raises(ValidationError) as refused:
        sessions.session_save(
            user=tree.hanoi_officer,
            training_class=other,
            date=world.day,
            starts_at=dt.time(9),
            ends_at=dt.time(10),
            lecturer=ninh_thuan,
            topic=other_topic,
        )
    assert errors_of(refused) == {
        "lecturer": ["Hãy chọn một giảng viên của lớp hoặc của đơn vị mình."],
        "topic": ["Hãy chọn một trong các chuyên đề của lớp."],
    }


@pytest.mark.parametrize("who", ["nt_officer", "melinh_officer", "inspector", "cadre"])
def test_only_who_may_change_the_class_changes_its_sessions(client, tree, world, who):
    """Another province, a district below the organiser, a read-only inspector and a
    self-service cadre: neither the service nor the pages let them."""
    user = getattr(tree, who)
    with pytest.raises(ValidationError):
        sessions.session_save(
            user=user,
            training_class=world.c,
            date=world.day,
            starts_at=dt.time(18),
            ends_at=dt.time(19),
        )
    with pytest.raises(ValidationError):
        sessions.session_delete(user=user, session=world.a)
    with pytest.raises(ValidationError):
        sessions.attendance_take(
            user=user,
            session=world.a,
            shown={world.an.pk},
            present={world.an.pk},
            now=at(world.day, 9),
        )
    client.force_login(user)
    base = f"/training/classes/{world.c.pk}/sessions"
    for url in (
        f"{base}/new/",
        f"{base}/{world.a.pk}/edit/",
        f"{base}/{world.a.pk}/delete/",
        f"{base}/{world.a.pk}/attendance/",
        f"{base}/{world.a.pk}/qr/",
        f"{base}/{world.a.pk}/qr/code/",
    ):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"date": f"{world.day:%d/%m/%Y}"}).status_code in (403, 404)
    assert ClassSession.objects.filter(training_class=world.c).count() == 3
    assert not SessionAttendance.objects.exists()


def test_a_closed_class_changes_its_sessions_only_as_a_logged_correction(tree, world):
    """Closed classes are read-only except corrections by the organiser, which are logged."""
    from training.models import ClassStatus

    type(world.c).objects.filter(pk=world.c.pk).update(status=ClassStatus.CLOSED)
    world.c.refresh_from_db()
    sessions.session_save(
        user=tree.hanoi_officer,
        training_class=world.c,
        date=world.day,
        starts_at=dt.time(18),
        ends_at=dt.time(20),
    )
    assert "session +" in ClassCorrection.objects.get(training_class=world.c).what
    with pytest.raises(ValidationError, match="Lớp đã kết thúc"):
        sessions.session_delete(user=tree.admin, session=world.a)  # above: not the organiser


def test_the_officer_adds_edits_and_removes_a_session_from_the_class_page(client, tree, world):
    client.force_login(tree.hanoi_officer)
    page = client.get(f"/training/classes/{world.c.pk}/").content.decode()
    assert f'hx-get="/training/classes/{world.c.pk}/sessions/"' in page
    section = client.get(f"/training/classes/{world.c.pk}/sessions/", HTTP_HX_REQUEST="true")
    text = section.content.decode()
    assert "Phòng 201" in text and "Thêm buổi học" in text and "<html" not in text
    # A new session starts from the day after the last one, at its times and place.
    form = client.get(f"/training/classes/{world.c.pk}/sessions/new/").content.decode()
    for value in (f"{world.day + dt.timedelta(days=2):%d/%m/%Y}", "08:00", "11:30", "Phòng 201"):
        assert f'value="{value}"' in form, value
    response = client.post(
        f"/training/classes/{world.c.pk}/sessions/new/",
        {
            "date": f"{world.day + dt.timedelta(days=2):%d/%m/%Y}",
            "starts_at": "7h30",
            "ends_at": "11:00",
            "venue": "Phòng 305",
            "lecturer": world.l2.pk,
            "topic": tree.topic.pk,
        },
    )
    assert response.status_code == 302
    added = ClassSession.objects.get(venue="Phòng 305")
    assert (added.starts_at, added.ends_at) == (dt.time(7, 30), dt.time(11))
    refused = client.post(
        f"/training/classes/{world.c.pk}/sessions/{added.pk}/edit/",
        {"date": "31/02/2026", "starts_at": "25:00", "ends_at": "11:00"},
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "Chưa lưu" in body
    ask = client.get(f"/training/classes/{world.c.pk}/sessions/{added.pk}/delete/")
    assert ask.status_code == 200
    assert (
        client.post(f"/training/classes/{world.c.pk}/sessions/{added.pk}/delete/").status_code
        == 302
    )
    assert not ClassSession.objects.filter(pk=added.pk).exists()


# --- attendance and its figures ---------------------------------------------------------------


def code_at(session, moment) -> str:
    return sessions.checkin_code(session.pk, sessions.minute_of(moment))


def test_the_attendance_grid_saves_every_row_or_none(client, tree, world):
    now = at(world.day, 9)
    with pytest.raises(ValidationError, match="Chỉ đánh dấu học viên đã được tiếp nhận"):
        sessions.attendance_take(
            user=tree.hanoi_officer,
            session=world.a,
            shown={world.an.pk, world.binh.pk, world.nominated.pk},
            present={world.an.pk, world.nominated.pk},
            now=now,
        )
    assert not SessionAttendance.objects.exists()
    changed = sessions.attendance_take(
        user=tree.hanoi_officer,
        session=world.a,
        shown={world.an.pk, world.binh.pk},
        present={world.binh.pk},
        now=now,
    )
    assert changed == 2
    assert dict(
        SessionAttendance.objects.filter(session=world.a).values_list("enrolment", "present")
    ) == {world.an.pk: False, world.binh.pk: True}
    # Saving the same again changes nothing.
    assert (
        sessions.attendance_take(
            user=tree.hanoi_officer,
            session=world.a,
            shown={world.an.pk, world.binh.pk},
            present={world.binh.pk},
            now=now,
        )
        == 0
    )


def test_attendance_is_not_taken_before_a_session_begins(tree, world):
    with pytest.raises(ValidationError, match="Buổi học chưa bắt đầu"):
        sessions.attendance_take(
            user=tree.hanoi_officer,
            session=world.tomorrow,
            shown={world.an.pk},
            present={world.an.pk},
            now=at(world.day, 23),
        )


def test_the_grid_page_ticks_the_qr_check_ins_and_says_so(
    client, tree, world, django_assert_max_num_queries
):
    # The page takes attendance at the clock's time: a session of the class's first day
    # (yesterday) has begun whatever the hour the suite runs at.
    yesterday = world.c.start_date
    session = sessions.session_save(
        user=tree.hanoi_officer,
        training_class=world.c,
        date=yesterday,
        starts_at=dt.time(8),
        ends_at=dt.time(11),
        lecturer=world.l1,
    )
    sessions.checkin(
        user=tree.cadre,
        session=session,
        code=code_at(session, at(yesterday, 8, 5)),
        now=at(yesterday, 8, 5),
    )
    client.force_login(tree.hanoi_officer)
    url = f"/training/classes/{world.c.pk}/sessions/{session.pk}/attendance/"
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert re.search(rf'name="present" value="{world.an.pk}"[^>]* checked', page)
    assert not re.search(rf'name="present" value="{world.binh.pk}"[^>]* checked', page)
    assert "Đã quét mã QR lúc 08:05" in page
    assert "Phạm Thu Hà" not in page  # only nominated: not on the list
    # The officer ticks Bình as well and leaves An ticked: An still checked in by QR.
    response = client.post(
        url, {"shown": [world.an.pk, world.binh.pk], "present": [world.an.pk, world.binh.pk]}
    )
    assert response.status_code == 302
    marks = {a.enrolment_id: a.how for a in SessionAttendance.objects.filter(session=session)}
    assert marks == {world.an.pk: "qr", world.binh.pk: "officer"}


def test_the_attendance_percentage_comes_from_the_sessions_and_fills_the_results(
    client, tree, world
):
    """Sessions present out of all the class's sessions, each counted as it is planned; the
    results grid shows it, and a record keeps it whatever was typed."""
    sessions.attendance_take(
        user=tree.hanoi_officer,
        session=world.a,
        shown={world.an.pk, world.binh.pk},
        present={world.an.pk, world.binh.pk},
        now=at(world.day, 9),
    )
    sessions.attendance_take(
        user=tree.hanoi_officer,
        session=world.b,
        shown={world.an.pk, world.binh.pk},
        present={world.an.pk},
        now=at(world.day, 14),
    )
    assert attendance_percentages(world.c) == {world.an.pk: 67, world.binh.pk: 33}
    stored = dict(
        Enrolment.objects.filter(training_class=world.c, status="accepted").values_list(
            "pk", "attendance_percent"
        )
    )
    assert stored == {world.an.pk: 67, world.binh.pk: 33}
    client.force_login(tree.hanoi_officer)
    grid = client.get(f"/training/classes/{world.c.pk}/results/").content.decode()
    assert re.search(rf'name="{world.an.pk}-attendance_percent" value="67"[^>]*readonly', grid)
    assert "Tỷ lệ chuyên cần lấy từ các buổi học" in grid
    saved = results_record(
        user=tree.hanoi_officer, enrolment=world.an, attendance_percent=100, score=8, passed=True
    )
    assert saved.attendance_percent == 67
    # A session removed: two of two for An, one of two for Bình.
    sessions.session_delete(user=tree.hanoi_officer, session=world.tomorrow)
    assert attendance_percentages(world.c) == {world.an.pk: 100, world.binh.pk: 50}
    assert Enrolment.objects.get(pk=world.binh.pk).attendance_percent == 50


def test_without_sessions_the_officer_types_the_attendance(client, tree):
    """Tree's Mê Linh class has no sessions: its 100% was typed, and stays."""
    enrolment = Enrolment.objects.get(training_class=tree.ml_class)
    assert attendance_percentages(tree.ml_class) == {}
    saved = results_record(
        user=tree.melinh_officer, enrolment=enrolment, attendance_percent=85, score=9, passed=True
    )
    assert saved.attendance_percent == 85
    client.force_login(tree.melinh_officer)
    grid = client.get(f"/training/classes/{tree.ml_class.pk}/results/").content.decode()
    assert "readonly" not in grid
    # Its first session would start on its first day.
    form = client.get(f"/training/classes/{tree.ml_class.pk}/sessions/new/").content.decode()
    assert 'value="01/04/2024"' in form


def test_lecturers_hours_come_from_the_sessions_they_taught(tree, world):
    """3 h and 3 h 30 make 6 h 30, counted 7; 3 h 30 counts 4; the lecturer typed in with 8
    hours teaches none of the sessions: none."""
    hours = dict(
        ClassLecturer.objects.filter(training_class=world.c).values_list("lecturer", "hours")
    )
    assert hours == {world.l1.pk: 7, world.l2.pk: 4, world.typed.pk: 0}
    sessions.session_delete(user=tree.hanoi_officer, session=world.b)
    assert ClassLecturer.objects.get(training_class=world.c, lecturer=world.l1).hours == 3
    assert [sessions.whole_hours(m) for m in (0, 20, 29, 30, 89, 90, 390)] == [0, 1, 1, 1, 1, 2, 7]
    assert [percent(p, n) for p, n in ((0, 3), (1, 3), (2, 3), (1, 2), (3, 3))] == [
        0,
        33,
        67,
        50,
        100,
    ]


# --- check-in -------------------------------------------------------------------------------


def test_a_learner_checks_in_with_the_code_of_the_minute(tree, world):
    now = at(world.day, 8, 10, 30)
    mark = sessions.checkin(user=tree.cadre, session=world.a, code=code_at(world.a, now), now=now)
    assert (mark.present, mark.how, mark.enrolment_id) == (True, "qr", world.an.pk)
    assert Enrolment.objects.get(pk=world.an.pk).attendance_percent == 33


def test_the_code_of_the_minute_before_is_still_good_but_not_of_two_minutes_ago(tree, world):
    now = at(world.day, 9, 0, 5)
    with pytest.raises(sessions.Refused) as refused:
        sessions.checkin(
            user=tree.cadre,
            session=world.a,
            code=code_at(world.a, now - dt.timedelta(minutes=2)),
            now=now,
        )
    assert refused.value.message.startswith("Mã đã hết hạn")
    mark = sessions.checkin(
        user=w_user(world, "binh"),
        session=world.a,
        code=code_at(world.a, now - dt.timedelta(minutes=1)),
        now=now,
    )
    assert mark.present


def w_user(world, name):
    return getattr(world, f"{name}_user")


def test_a_code_of_another_session_or_forged_is_refused(tree, world):
    now = at(world.day, 14)
    forged = code_at(world.b, now)
    minute, mac = forged.split("-")
    for code in (
        code_at(world.a, now),  # the morning's code, in the afternoon's address
        f"{minute}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        f"{int(minute) + 1}-{mac}",
        "",
        "abc",
        "٣٣٣-x",
        f"{minute}-é",
        "9" * 40 + "-" + mac,
    ):
        with pytest.raises(sessions.Refused) as refused:
            sessions.checkin(user=tree.cadre, session=world.b, code=code, now=now)
        assert refused.value.message.startswith("Mã điểm danh không hợp lệ"), code
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        ((7, 29, 59), False),  # more than 30 minutes before it starts
        ((7, 30, 0), True),
        ((11, 0, 0), True),
        ((11, 0, 1), False),  # over
    ],
)
def test_a_code_works_in_the_sessions_window_only(tree, world, moment, accepted):
    now = at(world.day, *moment)
    code = code_at(world.a, now)
    if accepted:
        assert sessions.checkin(user=tree.cadre, session=world.a, code=code, now=now).present
    else:
        with pytest.raises(sessions.Refused) as refused:
            sessions.checkin(user=tree.cadre, session=world.a, code=code, now=now)
        assert refused.value.message == (
            f"Buổi học này chỉ điểm danh từ 07:30 đến 11:00 ngày {world.day:%d/%m/%Y}."
        )


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("ha", "Đề cử của bạn vào lớp này chưa được tiếp nhận (Được cử)"),
        ("lan", "Đề cử của bạn vào lớp này chưa được tiếp nhận (Danh sách chờ)"),
        ("le", "Bạn không có tên trong danh sách học viên của lớp này."),
        ("officer", "Bạn không có tên trong danh sách học viên của lớp này."),
    ],
)
def test_only_accepted_participants_check_in(tree, world, who, says):
    users = {
        "ha": world.ha_user,
        "lan": world.lan_user,
        "le": make_user("le", tree.nt_grassroots, UserRole.CADRE, person=tree.le),
        "officer": tree.hanoi_officer,
    }
    now = at(world.day, 9)
    with pytest.raises(sessions.Refused) as refused:
        sessions.checkin(user=users[who], session=world.a, code=code_at(world.a, now), now=now)
    assert refused.value.message.startswith(says) and refused.value.status == 403


def test_a_second_check_in_says_when_the_first_was(tree, world):
    first = at(world.day, 8, 2)
    sessions.checkin(user=tree.cadre, session=world.a, code=code_at(world.a, first), now=first)
    later = at(world.day, 8, 40)
    for code in (code_at(world.a, first), code_at(world.a, later)):
        with pytest.raises(sessions.Refused) as refused:
            sessions.checkin(user=tree.cadre, session=world.a, code=code, now=later)
        assert refused.value.message == (
            f"Bạn đã điểm danh buổi này lúc 08:02 {world.day:%d/%m/%Y}."
        )
    assert SessionAttendance.objects.get(session=world.a).at == first


def test_a_learner_marked_absent_who_arrives_late_checks_in(tree, world):
    sessions.attendance_take(
        user=tree.hanoi_officer,
        session=world.a,
        shown={world.an.pk},
        present=set(),
        now=at(world.day, 8, 15),
    )
    now = at(world.day, 9, 45)
    mark = sessions.checkin(user=tree.cadre, session=world.a, code=code_at(world.a, now), now=now)
    assert (mark.present, mark.how) == (True, "qr")


def test_a_code_scanned_before_logging_in_counts_for_a_while(tree, world):
    """Typing a password on a phone takes time: the scan counts up to 10 minutes after it was
    made, in the browser that made it — not a code scanned longer ago."""
    scanned = at(world.day, 8, 20)
    code = code_at(world.a, scanned)
    with pytest.raises(sessions.Refused):
        sessions.checkin(
            user=tree.cadre,
            session=world.a,
            code=code,
            now=scanned + dt.timedelta(minutes=11),
            scanned_at=scanned,
        )
    mark = sessions.checkin(
        user=tree.cadre,
        session=world.a,
        code=code,
        now=scanned + dt.timedelta(minutes=9),
        scanned_at=scanned,
    )
    assert mark.present


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def now_session(world):
    """A session of the class around the real clock (the pages read the time themselves)."""
    now = timezone.localtime()
    start = max(dt.time(0), (now - dt.timedelta(hours=1)).time()) if now.hour else dt.time(0)
    return ClassSession.objects.create(
        training_class=world.c, date=now.date(), starts_at=start, ends_at=dt.time(23, 59, 59)
    )


def test_the_qr_screen_shows_this_minutes_code(client, tree, world, now_session):
    client.force_login(tree.hanoi_officer)
    base = f"/training/classes/{world.c.pk}/sessions/{now_session.pk}/qr/"
    page = client.get(base).content.decode()
    assert "<svg" in page and 'src="/static/js/checkin-qr.js"' in page
    url = re.search(r'data-url="([^"]+)"', page).group(1)
    code = url.rstrip("/").rsplit("/", 1)[1]
    assert url.startswith(f"http://testserver/training/checkin/{now_session.pk}/")
    assert sessions.code_minute(now_session.pk, code) is not None
    fragment = client.get(base + "code/")
    assert fragment["Cache-Control"] == "no-store" and "<html" not in fragment.content.decode()
    closed = client.get(f"/training/classes/{world.c.pk}/sessions/{world.tomorrow.pk}/qr/")
    assert 'id="checkin-qr"' not in closed.content.decode()
    assert 'id="qr-closed"' in closed.content.decode()


def test_the_check_in_page_logs_in_first_and_comes_back(client, tree, world, now_session):
    code, _seconds = sessions.current_code(now_session)
    url = f"/training/checkin/{now_session.pk}/{code}/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    client.force_login(tree.cadre)
    page = client.get(url)
    assert page.status_code == 200 and "Đã điểm danh" in page.content.decode()
    again = client.get(url).content.decode()
    assert "Bạn đã điểm danh buổi này lúc" in again
    assert client.post(url).status_code == 405


def test_the_check_in_page_refuses_plainly(client, tree, world, now_session):
    client.force_login(tree.cadre)
    stale = sessions.checkin_code(now_session.pk, sessions.minute_of(timezone.now()) - 5)
    response = client.get(f"/training/checkin/{now_session.pk}/{stale}/")
    assert response.status_code == 400
    assert "Mã đã hết hạn" in response.content.decode()
    assert client.get(f"/training/checkin/{now_session.pk}/x/").status_code == 400
    assert client.get(f"/training/checkin/999999/{stale}/").status_code == 404
    # A visitor not signed in with a bad code is told at once, not sent to log in.
    client.logout()
    response = client.get(f"/training/checkin/{now_session.pk}/{stale}/")
    assert response.status_code == 400 and "Mã đã hết hạn" in response.content.decode()


def test_ones_own_profile_lists_the_sessions_to_come(client, tree, world):
    client.force_login(tree.cadre)
    profile = client.get("/me/").content.decode()
    assert f'hx-get="/training/people/{tree.nguyen.pk}/sessions/"' in profile
    panel = client.get(f"/training/people/{tree.nguyen.pk}/sessions/").content.decode()
    assert "Lịch học sắp tới" in panel and "Phòng 201" in panel
    assert f"{world.tomorrow.date:%d/%m/%Y}, 08:00–11:30" in panel
    # Someone else's: not for a self-service cadre; an officer of their subtree sees them.
    assert client.get(f"/training/people/{tree.tran.pk}/sessions/").status_code in (403, 404)
    client.force_login(tree.nt_officer)
    assert client.get(f"/training/people/{tree.nguyen.pk}/sessions/").status_code == 404
    # A part-time lecturer of Hà Nội reads their own people only.
    lecturer = make_user("giangvien", tree.hanoi, UserRole.LECTURER, person=world.l2.person)
    client.force_login(lecturer)
    assert client.get(f"/training/people/{tree.nguyen.pk}/sessions/").status_code == 404
    own = client.get(f"/training/people/{world.l2.person_id}/sessions/").content.decode()
    assert "bạn giảng dạy" in own
    client.force_login(tree.hanoi_officer)
    assert (
        "Phòng 201" in client.get(f"/training/people/{tree.nguyen.pk}/sessions/").content.decode()
    )
    # A lecturer sees the sessions they teach.
    lecturer_view = sessions.upcoming_sessions(world.l2.person_id)
    assert [(s.pk, s.teaching) for s in lecturer_view] == [(world.tomorrow.pk, True)]


def test_a_cancelled_class_takes_no_sessions_nor_check_ins_and_says_so(client, tree, world):
    type(world.c).objects.filter(pk=world.c.pk).update(status="cancelled")
    world.c.refresh_from_db()
    with pytest.raises(ValidationError, match="Lớp học đã bị hủy."):
        sessions.session_save(
            user=tree.hanoi_officer,
            training_class=world.c,
            date=world.day,
            starts_at=dt.time(18),
            ends_at=dt.time(19),
        )
    now = at(world.day, 9)
    with pytest.raises(sessions.Refused, match="Lớp học đã bị hủy."):
        sessions.checkin(user=tree.cadre, session=world.a, code=code_at(world.a, now), now=now)
    client.force_login(tree.cadre)
    panel = client.get(f"/training/people/{tree.nguyen.pk}/sessions/").content.decode()
    assert "Phòng 201" in panel and "Lớp học đã bị hủy." in panel
