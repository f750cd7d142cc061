"""Issue 24 §3: "a personal calendar feed per user (classes they attend, teach or organise;
deadlines of their plans and surveys) by a secret URL that can be revoked; it opens in Google
Calendar, Outlook and phones"; acceptance: "The .ics files and the feed validate (the
icalendar package parses them; times in Asia/Ho_Chi_Minh)".

Personas: Nguyễn Văn An, a grassroots chair on self-service who attends Mê Linh's classes;
Phạm Văn Giảng, Hà Nội's part-time lecturer; Mê Linh's training officer, who organises and
answers to Hà Nội for plans and surveys; Ninh Thuận's officer, an outsider."""

import datetime as dt
import hashlib
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.access import SYSTEM
from accounts.models import UserRole
from calendars.models import CalendarFeed
from calendars.services import feed_renew
from people.services import person_create
from planning.models import Plan, PlanDeadline, Survey
from tests import snapshot
from tests.conftest import make_user
from training.models import ClassSession, Enrolment, TrainingClass
from training.services import class_create, class_lecturer_add, lecturer_save

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _class(tree, code, organiser, first, days=2, **extra) -> TrainingClass:
    return class_create(
        user=SYSTEM,
        organiser=organiser,
        topics=[tree.topic],
        code=code,
        name=f"Lớp {code}",
        start_date=first,
        end_date=first + dt.timedelta(days=days),
        hours=16,
        capacity=30,
        **extra,
    )


def _enrol(training_class, person, unit, status) -> None:
    # The decision itself is training's (tests/training); here only its outcome counts.
    Enrolment.objects.create(
        training_class=training_class, person=person, nominating_unit=unit, status=status
    )


def build(tree) -> SimpleNamespace:
    w = SimpleNamespace(tree=tree)
    today = w.today = timezone.localdate()
    day = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    w.soon = _class(tree, "ML-SOON", tree.melinh, day(30), venue="Hội trường Mê Linh")
    w.first_session = ClassSession.objects.create(
        training_class=w.soon, date=day(30), starts_at=dt.time(8), ends_at=dt.time(11, 30)
    )
    w.second_session = ClassSession.objects.create(
        training_class=w.soon, date=day(31), starts_at=dt.time(13, 30), ends_at=dt.time(17)
    )
    w.refused = _class(tree, "ML-REFUSED", tree.melinh, day(60))
    w.hanoi_class = _class(tree, "HN-WAIT", tree.hanoi, day(90))
    w.too_far = _class(tree, "ML-FAR", tree.melinh, day(800))
    w.too_old = _class(tree, "ML-OLD", tree.melinh, day(-400))
    w.shared = _class(tree, "DA-CO", tree.donganh, day(45), co_organisers=[tree.melinh])
    w.taught = _class(tree, "HN-TAUGHT", tree.hanoi, day(10))
    school = tree.school
    _enrol(w.soon, tree.nguyen, school, "accepted")
    _enrol(w.soon, tree.tran, tree.factory, "accepted")  # another learner: never named
    _enrol(w.refused, tree.nguyen, school, "rejected")
    _enrol(w.hanoi_class, tree.nguyen, school, "waitlisted")
    _enrol(w.too_far, tree.nguyen, school, "accepted")
    _enrol(w.too_old, tree.nguyen, school, "accepted")
    w.giang = person_create(
        user=SYSTEM,
        unit=tree.hanoi,
        family_name="Phạm",
        middle_name="Văn",
        given_name="Giảng",
        gender="male",
    )
    lecturer = lecturer_save(user=SYSTEM, person=w.giang, kind="part_time", topics=[tree.topic])
    class_lecturer_add(user=SYSTEM, training_class=w.taught, lecturer=lecturer, hours=8)
    ClassSession.objects.filter(pk=w.second_session.pk).update(lecturer=lecturer)
    w.lecturer = make_user("giang", tree.hanoi, UserRole.LECTURER, person=w.giang)
    year = today.year + 1
    w.due = PlanDeadline.objects.create(unit=tree.hanoi, year=year, due_on=day(20))
    w.set_below = PlanDeadline.objects.create(unit=tree.melinh, year=year, due_on=day(40))
    PlanDeadline.objects.create(unit=tree.ninhthuan, year=year, due_on=day(21))
    # A plan already sent up: its deadline is no longer the officer's to meet.
    PlanDeadline.objects.create(unit=tree.hanoi, year=year + 1, due_on=day(200))
    Plan.objects.create(unit=tree.melinh, year=year + 1, status="submitted")
    w.answer = Survey.objects.create(
        unit=tree.hanoi, year=year, title="Nhu cầu; năm, sau", deadline=day(15)
    )
    w.own_survey = Survey.objects.create(
        unit=tree.melinh, year=year, title="Khảo sát Mê Linh", deadline=day(25)
    )
    Survey.objects.create(
        unit=tree.hanoi, year=year, title="Đã đóng", deadline=day(16), closed=True
    )
    Survey.objects.create(unit=tree.ninhthuan, year=year, title="Ninh Thuận", deadline=day(17))
    return w


@pytest.fixture
def world(tree):
    return snapshot.shared("calendar_feeds", lambda: build(tree))


def feed_of(client, user) -> tuple[bytes, list]:
    token = feed_renew(user=user)
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]  # one person's: no shared cache keeps it
    calendar = Calendar.from_ical(response.content)
    return response.content, list(calendar.walk("VEVENT"))


def uids(events) -> set[str]:
    return {str(e["UID"]).split("@")[0] for e in events}


def test_a_learner_gets_the_classes_they_were_accepted_to_and_no_others(client, world):
    t = world.tree
    data, events = feed_of(client, t.cadre)
    assert uids(events) == {
        f"class-{world.soon.pk}-session-{world.first_session.pk}",
        f"class-{world.soon.pk}-session-{world.second_session.pk}",
    }
    first = next(e for e in events if str(e["UID"]).endswith(f"{world.first_session.pk}@127.0.0.1"))
    start = world.today + dt.timedelta(days=30)
    assert first.decoded("DTSTART") == dt.datetime.combine(start, dt.time(8), tzinfo=HCM)
    assert first["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert first.decoded("DTEND") == dt.datetime.combine(start, dt.time(11, 30), tzinfo=HCM)
    assert str(first["LOCATION"]) == "Hội trường Mê Linh"
    assert "Buổi 1/2" in str(first["DESCRIPTION"])
    # No one's name: not the other learner's, not the lecturer's; not even the owner's.
    text = data.decode()
    for name in ("Trần", "Bình", "Giảng", "Nguyễn Văn An"):
        assert name not in text


def test_a_lecturer_gets_the_classes_they_teach_and_only_their_own_sessions(client, world):
    _data, events = feed_of(client, world.lecturer)
    assert uids(events) == {
        f"class-{world.taught.pk}",  # taught, without sessions: its days
        f"class-{world.soon.pk}-session-{world.second_session.pk}",  # their one session
    }
    taught = next(e for e in events if str(e["UID"]).startswith(f"class-{world.taught.pk}@"))
    assert taught.decoded("DTSTART") == world.today + dt.timedelta(days=10)
    assert taught.decoded("DTEND") == world.today + dt.timedelta(days=13)
    session = next(e for e in events if e is not taught)
    assert "Buổi" not in str(session["DESCRIPTION"])  # not "1 of 1": one of theirs


def test_an_officer_gets_their_units_classes_and_the_deadlines_they_work_to(client, world):
    t = world.tree
    _data, events = feed_of(client, t.melinh_officer)
    year = world.today.year + 1
    assert uids(events) == {
        f"class-{world.soon.pk}-session-{world.first_session.pk}",
        f"class-{world.soon.pk}-session-{world.second_session.pk}",
        f"class-{world.refused.pk}",
        f"class-{world.shared.pk}",  # co-organised
        f"plan-deadline-{world.due.pk}",
        f"plan-deadline-{world.set_below.pk}",
        f"survey-{world.answer.pk}",
        f"survey-{world.own_survey.pk}",
    }
    by_uid = {str(e["UID"]).split("@")[0]: e for e in events}
    due = by_uid[f"plan-deadline-{world.due.pk}"]
    assert str(due["SUMMARY"]) == f"Hạn nộp kế hoạch đào tạo năm {year}"
    assert due.decoded("DTSTART") == world.today + dt.timedelta(days=20)
    assert due.decoded("DTEND") == world.today + dt.timedelta(days=21)
    assert str(due["TRANSP"]) == "TRANSPARENT"  # a deadline leaves the day free
    assert f"Nộp lên {t.hanoi.name}" in str(due["DESCRIPTION"])
    below = by_uid[f"plan-deadline-{world.set_below.pk}"]
    assert str(below["SUMMARY"]) == f"Hạn các đơn vị trực thuộc nộp kế hoạch đào tạo năm {year}"
    survey = by_uid[f"survey-{world.answer.pk}"]
    assert str(survey["SUMMARY"]) == "Hạn trả lời khảo sát nhu cầu đào tạo “Nhu cầu; năm, sau”"
    assert str(survey["URL"]).endswith(f"/planning/surveys/{world.answer.pk}/")
    own = by_uid[f"survey-{world.own_survey.pk}"]
    assert str(own["SUMMARY"]) == "Hết hạn khảo sát nhu cầu đào tạo “Khảo sát Mê Linh”"


def test_hanois_officer_gets_hanois_classes_not_mê_linhs(client, world):
    _data, events = feed_of(client, world.tree.hanoi_officer)
    assert {f"class-{world.hanoi_class.pk}", f"class-{world.taught.pk}"} <= uids(events)
    assert not [u for u in uids(events) if u.startswith(f"class-{world.soon.pk}")]


def test_the_feed_holds_a_year_back_to_two_years_ahead_in_a_few_queries(
    client, world, django_assert_max_num_queries
):
    token = feed_renew(user=world.tree.melinh_officer)
    with django_assert_max_num_queries(12):
        response = client.get(f"/calendar/feed/{token}.ics")
    found = uids(Calendar.from_ical(response.content).walk("VEVENT"))
    assert f"class-{world.too_far.pk}" not in found and f"class-{world.too_old.pk}" not in found


def test_a_revoked_replaced_unknown_or_malformed_token_is_not_found(client, world):
    t = world.tree
    old = feed_renew(user=t.cadre)
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 200
    new = feed_renew(user=t.cadre)
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404  # replaced
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200
    client.force_login(t.cadre)
    client.post("/calendar/", {"action": "revoke"})
    client.logout()
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 404  # revoked
    unknown = "A" * 43
    for token in (unknown, "short", new[:-1] + "%2F", "' OR 1=1 --"):
        assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_a_deactivated_account_has_no_feed(client, world):
    t = world.tree
    token = feed_renew(user=t.cadre)
    t.cadre.is_active = False
    t.cadre.save()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_whoever_is_signed_in_a_feed_shows_its_owners_calendar_only(client, world):
    """The access middleware lets the feed through for every role (a calendar app sends no
    session, and a signed-in browser may open it too), and what it shows is the token's."""
    t = world.tree
    token = feed_renew(user=t.cadre)
    for viewer in (t.nt_officer, world.lecturer, t.melinh_officer):
        client.force_login(viewer)
        response = client.get(f"/calendar/feed/{token}.ics")
        assert response.status_code == 200
        found = uids(Calendar.from_ical(response.content).walk("VEVENT"))
        assert found == {
            f"class-{world.soon.pk}-session-{world.first_session.pk}",
            f"class-{world.soon.pk}-session-{world.second_session.pk}",
        }, viewer


def test_the_link_is_shown_once_and_only_its_hash_is_kept(client, world):
    t = world.tree
    client.force_login(t.cadre)
    page = client.get("/calendar/").content.decode()
    assert "Lịch của tôi" in page and "Bạn chưa có liên kết lịch." in page
    page = client.post("/calendar/", {"action": "renew"}).content.decode()
    [token] = re.findall(r"http://testserver/calendar/feed/([A-Za-z0-9_-]{43})\.ics", page)
    assert f"webcal://testserver/calendar/feed/{token}.ics" in page
    assert "calendar.google.com" in page and "chỉ hiện một lần" in page
    feed = CalendarFeed.objects.get(user=t.cadre)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(CalendarFeed.objects.values_list()))
    again = client.get("/calendar/").content.decode()
    assert token not in again and "Tạo liên kết mới" in again and "Thu hồi" in again
    client.logout()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 200
    assert CalendarFeed.objects.get(user=t.cadre).last_read_at is not None


def test_the_page_lists_what_is_coming_up(client, world):
    client.force_login(world.tree.melinh_officer)
    page = client.get("/calendar/").content.decode()
    soon = (world.today + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    assert soon in page and f"Hạn nộp kế hoạch đào tạo năm {world.today.year + 1}" in page
    assert "08:00–11:30" in page


def test_the_page_is_for_signed_in_users_and_the_menu_leads_to_it(client, world):
    assert client.get("/calendar/").status_code == 302
    client.force_login(world.tree.cadre)
    assert 'href="/calendar/"' in client.get("/me/").content.decode()
