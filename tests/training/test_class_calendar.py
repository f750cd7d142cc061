"""Issue 24 §3: "Every class (and each of its sessions) as an .ics attached to the acceptance
mail"; acceptance: "The .ics files and the feed validate (the icalendar package parses them;
times in Asia/Ho_Chi_Minh)".

The class's file is read as a calendar app reads it: parsed by the icalendar package, its
raw lines checked against RFC 5545 (75 octets, CRLF, no property a name could start). The
acceptance mail is read from a real SMTP server (tests/notifications/conftest.py)."""

import datetime as dt
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import UserRole
from notifications.delivery import deliver_pending, send_digests
from notifications.models import Notification
from notifications.services import ATTACHMENTS_MAX_BYTES, notify
from tests.conftest import make_user
from tests.notifications import conftest as mail
from tests.training.test_class_life import open_class  # noqa: F401 (a fixture of `world`)
from training.models import ClassSession, TrainingClass
from training.services import (
    class_set_status,
    class_update,
    enrolment_accept,
    enrolment_nominate,
    enrolment_reject,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
world = mail.world  # Mê Linh's open class, a school officer who nominates, An's account


def ics_of(client, training_class) -> bytes:
    response = client.get(f"/training/classes/{training_class.pk}/calendar.ics")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    return data.split(b"\r\n")[:-1]


@pytest.fixture
def sessions(tree):
    """Mê Linh's 2024 class in two sessions, the first 08:00–11:30 on 1 April (local time)."""
    first = ClassSession.objects.create(
        training_class=tree.ml_class,
        date=dt.date(2024, 4, 1),
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 30),
        venue="Hội trường tầng 2",
        topic=tree.topic,
    )
    second = ClassSession.objects.create(
        training_class=tree.ml_class,
        date=dt.date(2024, 4, 2),
        starts_at=dt.time(13, 30),
        ends_at=dt.time(17, 0),
    )
    return [first, second]


def test_a_session_at_eight_local_time_is_at_eight_in_ho_chi_minh_city(client, tree, sessions):
    client.force_login(tree.melinh_officer)
    data = ics_of(client, tree.ml_class)
    calendar = Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Ho_Chi_Minh"
    first, second = events(data)
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert first["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert start == dt.datetime(2024, 4, 1, 8, 0, tzinfo=HCM)
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 4, 1, 1, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2024, 4, 1, 11, 30, tzinfo=HCM)
    assert str(first["SUMMARY"]) == f"{tree.ml_class.name} — {tree.topic.name}"
    assert str(first["LOCATION"]) == "Hội trường tầng 2"
    assert second.decoded("DTSTART") == dt.datetime(2024, 4, 2, 13, 30, tzinfo=HCM)
    assert str(second["SUMMARY"]) == tree.ml_class.name
    # The class's venue where the session names none (the class has none either here).
    assert "LOCATION" not in second or str(second["LOCATION"]) == tree.ml_class.venue
    assert [str(e["UID"]) for e in (first, second)] == [
        f"class-{tree.ml_class.pk}-session-{s.pk}@127.0.0.1" for s in sessions
    ]
    description = str(first["DESCRIPTION"])
    assert "Buổi 1/2" in description and "Mã lớp: ML-2024-01" in description
    assert tree.melinh.name in description
    assert f"http://testserver/training/classes/{tree.ml_class.pk}/" in description
    assert first["SEQUENCE"] >= 0 and first.decoded("DTSTAMP").tzinfo is not None


def test_the_same_session_keeps_its_uid_in_every_file(client, tree, sessions):
    """A calendar that has the event updates it instead of adding it twice."""
    client.force_login(tree.melinh_officer)
    once = [str(e["UID"]) for e in events(ics_of(client, tree.ml_class))]
    ClassSession.objects.filter(pk=sessions[0].pk).update(starts_at=dt.time(7, 30))
    again = events(ics_of(client, tree.ml_class))
    assert [str(e["UID"]) for e in again] == once
    assert again[0].decoded("DTSTART") == dt.datetime(2024, 4, 1, 7, 30, tzinfo=HCM)


def test_a_class_without_sessions_is_one_all_day_event_over_its_days(client, tree):
    """DTEND of an all-day event is the day after the last (RFC 5545, exclusive)."""
    client.force_login(tree.melinh_officer)
    data = ics_of(client, tree.ml_class)
    assert not Calendar.from_ical(data).walk("VTIMEZONE")  # no time, no zone needed
    [event] = events(data)
    assert event.decoded("DTSTART") == dt.date(2024, 4, 1)
    assert event.decoded("DTEND") == dt.date(2024, 4, 4)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert str(event["UID"]) == f"class-{tree.ml_class.pk}@127.0.0.1"
    assert str(event["SUMMARY"]) == "Bồi dưỡng nghiệp vụ công đoàn cơ sở 2024"


def test_a_planned_class_is_tentative_and_a_cancelled_one_says_so(client, tree, sessions):
    """A calendar that has the class already shows it called off, session by session."""
    client.force_login(tree.melinh_officer)
    assert {str(e["STATUS"]) for e in events(ics_of(client, tree.ml_class))} == {"CONFIRMED"}
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(status="planned")
    assert {str(e["STATUS"]) for e in events(ics_of(client, tree.ml_class))} == {"TENTATIVE"}
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(status="cancelled")
    cancelled = events(ics_of(client, tree.ml_class))
    assert {str(e["STATUS"]) for e in cancelled} == {"CANCELLED"}
    assert str(cancelled[1]["SUMMARY"]) == f"Đã hủy: {tree.ml_class.name}"


def test_the_download_is_named_after_the_class_code(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.get(f"/training/classes/{tree.ml_class.pk}/calendar.ics")
    assert response["Content-Disposition"] == 'attachment; filename="lop-ML-2024-01.ics"'


HOSTILE = (
    "Lớp A, B; C\\D\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:Khác\nEND:VEVENT\n"
    + "Bồi dưỡng nghiệp vụ công đoàn cơ sở " * 6
)


def test_hostile_names_stay_one_property_and_come_back_as_typed(client, tree, sessions):
    """Names are typed by users: a line break with a property after it, commas, semicolons,
    a backslash, and 200 Vietnamese characters folded at 75 octets."""
    TrainingClass.objects.filter(pk=tree.ml_class.pk).update(
        name=HOSTILE[:255], venue="Nhà văn hóa; số 5, đường Mê Linh\nLOCATION:x"
    )
    ClassSession.objects.filter(pk=sessions[1].pk).update(venue="Phòng 1,2;3")
    client.force_login(tree.melinh_officer)
    data = ics_of(client, tree.ml_class)
    lines = physical_lines(data)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no letter's bytes cut apart by a fold
    assert [line for line in lines if line == b"BEGIN:VEVENT"] == [b"BEGIN:VEVENT"] * 2
    assert not [line for line in lines if line.startswith((b"UID:evil", b"LOCATION:x"))]
    first, second = events(data)
    one_line = " ".join(HOSTILE[:255].split())
    assert str(second["SUMMARY"]) == one_line
    assert str(first["SUMMARY"]).startswith(one_line + " — ")
    assert str(second["LOCATION"]) == "Phòng 1,2;3"
    assert [str(e["UID"]) for e in (first, second)] == [
        f"class-{tree.ml_class.pk}-session-{s.pk}@127.0.0.1" for s in sessions
    ]
    assert len(str(second["SUMMARY"])) > 200


def test_a_hostile_organiser_name_stays_in_the_description(client, tree):
    from units.models import Unit

    Unit.objects.filter(pk=tree.melinh.pk).update(name="Mê Linh\nDTSTART:19990101")
    client.force_login(tree.melinh_officer)
    data = ics_of(client, tree.ml_class)
    [event] = events(data)
    assert event.decoded("DTSTART") == dt.date(2024, 4, 1)
    assert "Mê Linh DTSTART:19990101" in str(event["DESCRIPTION"])


def test_a_learner_gets_their_class_and_nobody_gets_a_class_they_may_not_open(client, tree):
    client.force_login(tree.cadre)  # Nguyễn Văn An attends Mê Linh's class
    assert events(ics_of(client, tree.ml_class))
    for user in (tree.cadre, tree.nt_officer):
        client.force_login(user)
        other = tree.nt_class if user == tree.cadre else tree.ml_class
        assert client.get(f"/training/classes/{other.pk}/calendar.ics").status_code == 404
    client.logout()
    response = client.get(f"/training/classes/{tree.ml_class.pk}/calendar.ics")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_class_page_offers_its_calendar(client, tree):
    client.force_login(tree.melinh_officer)
    page = client.get(f"/training/classes/{tree.ml_class.pk}/").content.decode()
    assert f'href="/training/classes/{tree.ml_class.pk}/calendar.ics"' in page
    assert "Thêm vào lịch (.ics)" in page


# --- the acceptance mail ------------------------------------------------------------------


class Received:
    """What the SMTP server received, as whole messages (their attachments too)."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def mailbox():
    server = mail.Server(mail.free_port())
    server.received = Received()
    with mail.smtp_settings(server.port):
        server.start()
        yield server.received
    server.stop()


def calendars_in(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def nominate(world, person=None):
    return enrolment_nominate(
        user=world.school_officer, training_class=world.open_class, person=person or world.nguyen
    )[0]


def test_the_acceptance_mail_carries_the_class_calendar(mailbox, world):
    ClassSession.objects.create(
        training_class=world.open_class,
        date=dt.date(2025, 3, 10),
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 30),
    )
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    [message] = mailbox.to("an.nguyen@example.vn")
    assert str(message["Subject"]).strip() == "Đã được nhận vào lớp “Lớp mở”"
    [(name, content)] = calendars_in(message)
    assert name == "lop-ML-OPEN.ics"
    [event] = events(content)
    assert event.decoded("DTSTART") == dt.datetime(2025, 3, 10, 8, 0, tzinfo=HCM)
    assert str(event["SUMMARY"]) == "Lớp mở"
    # The link in the file leads to the site the mail names, in Vietnamese.
    assert "https://daotao.congdoan.vn/training/classes/" in str(event["DESCRIPTION"])
    assert "Mã lớp: ML-OPEN" in str(event["DESCRIPTION"])
    # Mailed: the notice keeps no file (the inbox never showed one).
    [notice] = Notification.objects.filter(
        recipient=world.cadre,
        kind="enrolment_accepted",
        url=f"/training/classes/{world.open_class.pk}/",
    )
    assert notice.attachments == [] and notice.mail_state == "sent"


def test_a_promotion_from_the_waiting_list_carries_it_too_and_a_waiting_place_does_not(
    mailbox, world
):
    seated = [nominate(world, world.hoa), nominate(world, world.tram)]
    for enrolment in seated:
        enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    [waiting] = mailbox.to("an.nguyen@example.vn")
    assert "danh sách chờ" in str(waiting["Subject"]) and not calendars_in(waiting)
    enrolment_reject(user=world.melinh_officer, enrolment=seated[0], reason="Trùng lịch")
    deliver_pending()
    _, promoted = mailbox.to("an.nguyen@example.vn")
    assert str(promoted["Subject"]).strip() == "Đã được nhận vào lớp “Lớp mở” từ danh sách chờ"
    [(_name, content)] = calendars_in(promoted)
    [event] = events(content)
    assert event.decoded("DTSTART") == dt.date(2025, 3, 10)
    assert event.decoded("DTEND") == dt.date(2025, 3, 13)


def test_a_daily_digest_carries_the_calendar_of_each_notice_once(mailbox, world):
    """Who reads their notices once a day still gets each class's file, once."""
    from notifications.services import preferences_save

    preferences_save(user=world.cadre, choices={"enrolment_accepted": ("mail", "digest")})
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    assert not mailbox.to("an.nguyen@example.vn")
    send_digests(timezone.localdate())
    [digest] = mailbox.to("an.nguyen@example.vn")
    [(name, content)] = calendars_in(digest)
    assert name == "lop-ML-OPEN.ics" and events(content)


def test_an_attachment_too_heavy_to_mail_is_left_out_and_the_notice_goes(tree):
    user = make_user("nang", tree.school, UserRole.CADRE, email="nang@example.vn")
    heavy = {
        "name": "a.ics",
        "content_type": "text/calendar",
        "content": "x" * ATTACHMENTS_MAX_BYTES,
    }
    light = {"name": "b.ics", "content_type": "text/calendar", "content": "BEGIN:VCALENDAR"}
    [notice] = notify(
        recipients=[user],
        kind="enrolment_accepted",
        subject="s",
        body="b",
        attachments=[light, heavy],
    )
    assert [a["name"] for a in notice.attachments] == ["b.ics"]


def test_an_attachment_is_text_of_a_text_type(tree):
    user = make_user("nhi", tree.school, UserRole.CADRE, email="nhi@example.vn")
    for bad in (
        {"name": "a.exe", "content_type": "application/x-msdownload", "content": "MZ"},
        {"name": "a.ics", "content_type": "text/calendar\r\nBcc: x@y", "content": "x"},
        {"name": "a.ics", "content_type": "text/calendar", "content": b"bytes"},
    ):
        with pytest.raises(ValueError):
            notify(
                recipients=[user],
                kind="enrolment_accepted",
                subject="s",
                body="b",
                attachments=[bad],
            )


def test_a_notice_that_is_not_mailed_keeps_no_file(tree):
    user = make_user("khong", tree.school, UserRole.CADRE)  # no address anywhere
    [notice] = notify(
        recipients=[user],
        kind="enrolment_accepted",
        subject="s",
        body="b",
        attachments=[{"name": "a.ics", "content_type": "text/calendar", "content": "x"}],
    )
    assert notice.mail_state == "no_address" and notice.attachments == []


def test_a_changed_or_cancelled_class_mails_its_calendar_again_under_the_same_uid(mailbox, world):
    """The event a learner imported moves with the class, and is called off with it."""
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    [accepted] = calendars_in(mailbox.to("an.nguyen@example.vn")[0])
    uid = Calendar.from_ical(accepted[1]).walk("VEVENT")[0]["UID"]
    class_update(user=world.melinh_officer, training_class=world.open_class, venue="Hội trường mới")
    class_set_status(
        user=world.melinh_officer,
        training_class=world.open_class,
        status="cancelled",
        reason="Thiếu giảng viên",
    )
    deliver_pending()
    changed, cancelled = (
        Calendar.from_ical(calendars_in(m)[0][1]).walk("VEVENT")[0]
        for m in mailbox.to("an.nguyen@example.vn")[1:]
    )
    assert changed["UID"] == cancelled["UID"] == uid
    assert str(changed["LOCATION"]) == "Hội trường mới"
    assert cancelled["STATUS"] == "CANCELLED"
