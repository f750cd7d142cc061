"""Training that expires (issue 24 §5): "A programme or topic can carry a validity (e.g. OSH
refreshers …); a record past its validity no longer counts, the person is told before it
lapses … Certificates show their validity; `/verify/` says "hết hiệu lực" after it."

The rule (training.validity): valid through the day before the same calendar day N months
later; where that month has no such day, through its last day."""

import calendar
import datetime as dt

import pypdfium2
import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from elearning.services import complete_if_done
from lib.dates import today
from notifications.models import Notification
from people.services import person_create
from tests.imports.helpers import import_file, xlsx_bytes
from tests.notifications.conftest import smtp, smtp_down, world  # noqa: F401  (fixtures)
from tests.training.test_class_life import open_class  # noqa: F401  (the fixture)
from training.lapsing import tell_lapsing
from training.models import Programme, Topic, TrainingRecord
from training.services import (
    certificate_issue,
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    external_record_create,
    results_record,
)
from training.validity import expires_on, valid_through

D = dt.date


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "months", "last_day"),
    [
        (D(2025, 3, 15), 12, D(2026, 3, 14)),  # the day before the same day a year later
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # February has no 31st: all of it counts
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # … in a leap year too
        (D(2024, 1, 29), 1, D(2024, 2, 28)),
        (D(2025, 1, 29), 1, D(2025, 2, 28)),  # no 29/02/2025: its month's last day
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day's year ends on 28/02
        (D(2024, 2, 29), 48, D(2028, 2, 28)),  # and four years on, the day before 29/02
        (D(2023, 3, 1), 12, D(2024, 2, 29)),  # the 1st: the previous month's last day
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 14)),  # across the year's end
        (D(2025, 12, 1), 1, D(2025, 12, 31)),
        (D(2025, 6, 10), 24, D(2027, 6, 9)),
    ],
)
def test_a_validity_runs_through_the_day_before_the_same_day_n_months_later(
    completed, months, last_day
):
    assert valid_through(completed, months) == last_day


def test_a_later_completion_never_expires_earlier_and_lapses_on_the_same_day_n_months_on():
    """Over three years, day by day: a record stops counting on the same calendar day N
    months later, or on the 1st of the month after when that month is too short; and a
    record completed later never expires earlier."""
    for months in (1, 12, 24):
        day, previous = D(2023, 1, 1), D.min
        while day <= D(2025, 12, 31):
            lapses = valid_through(day, months) + dt.timedelta(days=1)
            year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
            if day.day <= calendar.monthrange(year, month + 1)[1]:
                assert lapses == D(year, month + 1, day.day), (day, months)
            else:
                assert lapses.day == 1 and (lapses - dt.timedelta(days=1)).month == month + 1
            assert lapses > previous >= D.min
            previous, day = lapses - dt.timedelta(days=1), day + dt.timedelta(days=1)


def test_a_validity_of_no_months_is_refused():
    with pytest.raises(ValueError):
        valid_through(D(2025, 1, 1), 0)


def test_the_shortest_validity_of_the_programme_and_the_topics_counts():
    osh = Topic(code="osh", validity_months=24)
    law = Topic(code="labour_law", validity_months=None)
    refresher = Programme(name="Huấn luyện lại", validity_months=12)
    day = D(2025, 5, 20)
    assert expires_on(day, None, [law]) is None  # nothing carries a validity
    assert expires_on(day, Programme(name="Khung"), [law]) is None
    assert expires_on(day, None, [law, osh]) == D(2027, 5, 19)
    assert expires_on(day, refresher, [law, osh]) == D(2026, 5, 19)
    assert expires_on(day, Programme(name="Dài", validity_months=36), [osh]) == D(2027, 5, 19)


# --- records made: classes, outside training, imports, online courses -----------------------


@pytest.fixture
def osh(db):
    topic = Topic.objects.get(code="osh")
    topic.validity_months = 24
    topic.save()
    return topic


def _class(tree, topics, programme=None, code="ML-OSH"):
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=topics,
        programme=programme,
        code=code,
        name="Huấn luyện an toàn, vệ sinh lao động",
        start_date=D(2025, 3, 10),
        end_date=D(2025, 3, 12),
        hours=16,
        capacity=10,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    return c


def _passed(tree, c, *people):
    """The people nominated by Mê Linh, accepted and passed: their records, in that order."""
    enrolments = []
    for person in people:
        enrolment, _ = enrolment_nominate(user=tree.melinh_officer, training_class=c, person=person)
        enrolment_accept(user=SYSTEM, enrolment=enrolment)
        enrolments.append(enrolment)
    class_set_status(user=SYSTEM, training_class=c, status="running")
    for enrolment in enrolments:
        results_record(
            user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=9, passed=True
        )
    found = [TrainingRecord.objects.get(enrolment=e) for e in enrolments]
    return found[0] if len(found) == 1 else found


def test_a_class_record_expires_by_the_shortest_of_its_programme_and_topics(tree, osh):
    programme = Programme.objects.create(name="Huấn luyện ATVSLĐ định kỳ", validity_months=12)
    record = _passed(tree, _class(tree, [osh, tree.topic], programme), tree.nguyen)
    assert record.expires_on == D(2026, 3, 11)  # completed 12/03/2025, 12 months
    plain = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    assert plain.expires_on is None  # union_general carries no validity


def test_a_changed_validity_leaves_the_signed_certificate_as_printed(tree, osh):
    colleague = person_create(
        user=SYSTEM, unit=tree.school, family_name="Đỗ", given_name="Mai", gender="female"
    )
    signed, unsigned = _passed(tree, _class(tree, [osh]), tree.nguyen, colleague)
    assert signed.expires_on == unsigned.expires_on == D(2027, 3, 11)
    certificate_issue(user=SYSTEM, record=signed)
    osh.validity_months = 12
    osh.save()
    untouched = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    assert untouched.expires_on is None  # a validity given later rewrites no record
    # The results saved again (a corrected score): the signed certificate's day stands, a
    # record not yet signed follows its class.
    for record in (signed, unsigned):
        results_record(
            user=SYSTEM, enrolment=record.enrolment, attendance_percent=100, score=8, passed=True
        )
        record.refresh_from_db()
    assert (signed.expires_on, unsigned.expires_on) == (D(2027, 3, 11), D(2026, 3, 11))


def test_outside_training_takes_its_topics_validity_or_the_day_its_certificate_states(
    client, tree, osh
):
    client.force_login(tree.melinh_officer)
    url = f"/training/people/{tree.nguyen.pk}/records/new/"
    form = {
        "title": "Huấn luyện an toàn, vệ sinh lao động",
        "topics": [osh.pk],
        "hours": "16",
        "completed_on": "05/06/2025",
        "form": "on_site",
    }
    assert client.post(url, form).status_code == 302
    computed = TrainingRecord.objects.get(person=tree.nguyen, completed_on=D(2025, 6, 5))
    assert computed.expires_on == D(2027, 6, 4)
    stated = {**form, "completed_on": "06/06/2025", "expires_on": "31/12/2026"}
    assert client.post(url, stated).status_code == 302
    assert TrainingRecord.objects.get(completed_on=D(2025, 6, 6)).expires_on == D(2026, 12, 31)
    # A day before the training itself is refused, on the field, in Vietnamese.
    refused = client.post(url, {**form, "completed_on": "07/06/2025", "expires_on": "01/06/2025"})
    assert refused.status_code == 200
    assert "Ngày hết hiệu lực không thể trước ngày hoàn thành khóa học." in refused.content.decode()
    assert not TrainingRecord.objects.filter(completed_on=D(2025, 6, 7)).exists()
    # The programme chosen counts too, as the shortest.
    programme = Programme.objects.create(name="Bồi dưỡng ngắn hạn", validity_months=6)
    record = external_record_create(
        user=SYSTEM,
        person=tree.nguyen,
        title="Bồi dưỡng ngắn hạn",
        topics=[tree.topic],
        hours=8,
        completed_on=D(2025, 8, 31),
        form="on_site",
        programme=programme,
    )
    assert record.expires_on == D(2026, 2, 28)


def test_an_imported_pass_expires_as_the_class_says(tree, osh, django_capture_on_commit_callbacks):
    c = _class(tree, [osh], code="ML-OSH-IMP")
    class_set_status(user=SYSTEM, training_class=c, status="running")
    header = ["Mã lớp", "Họ và tên", "Ngày sinh", "Số CCCD", "Mã đơn vị", "Kết quả"]
    data = xlsx_bytes(
        [header, [c.code, "Trần Thị Bình", tree.tran.birth_date, "", "HN-DA-01", "Đạt"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_file(tree.hanoi_officer, "participants", data)
    assert job.status == "done", job.problems
    assert TrainingRecord.objects.get(training_class=c, person=tree.tran).expires_on == D(
        2027, 3, 11
    )


def test_an_online_course_completed_expires_as_its_topics_say(tree, osh):
    from elearning.models import Course, CourseEnrolment

    course = Course.objects.create(
        code="ATVSLD", title="An toàn, vệ sinh lao động", organiser=tree.melinh, hours=8
    )
    course.topics.set([osh])
    enrolment = CourseEnrolment.objects.create(course=course, person=tree.nguyen)
    assert complete_if_done(enrolment)  # a course without required lessons is done at once
    assert enrolment.record.expires_on == valid_through(today(), 24)


# --- certificates and the public check ------------------------------------------------------


@pytest.fixture
def signed(tree, osh):
    """Nguyễn Văn An's OSH certificate, valid through 11/03/2027."""
    record = _passed(tree, _class(tree, [osh]), tree.nguyen)
    return certificate_issue(user=SYSTEM, record=record)


def test_the_certificate_states_its_validity_in_the_pdf_and_on_the_page(client, tree, signed):
    client.force_login(tree.melinh_officer)
    pdf = client.get(f"/training/records/{signed.pk}/certificate.pdf")
    assert pdf.status_code == 200
    [page] = pypdfium2.PdfDocument(
        b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    )
    assert "Có giá trị đến ngày 11/03/2027" in page.get_textpage().get_text_range()
    body = client.get(f"/training/records/{signed.pk}/certificate/").content.decode()
    assert 'id="certificate-validity">Có giá trị đến ngày 11/03/2027<' in body
    # Training that does not expire says nothing of it.
    plain = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    certificate_issue(user=SYSTEM, record=plain)
    assert (
        "Có giá trị đến"
        not in client.get(f"/training/records/{plain.pk}/certificate/").content.decode()
    )


def test_verify_says_until_when_it_is_valid_and_that_it_has_expired_after(client, signed):
    url = f"/verify/{signed.verification_code}/"
    assert "Còn hiệu lực đến ngày 11/03/2027" in client.get(url).content.decode()
    TrainingRecord.objects.filter(pk=signed.pk).update(expires_on=today())
    last_day = client.get(url).content.decode()  # its last valid day: still valid
    assert f"Còn hiệu lực đến ngày {today():%d/%m/%Y}" in last_day
    yesterday = today() - dt.timedelta(days=1)
    TrainingRecord.objects.filter(pk=signed.pk).update(expires_on=yesterday)
    expired = client.get(url)
    assert expired.status_code == 200
    assert f"Hết hiệu lực (có giá trị đến ngày {yesterday:%d/%m/%Y})" in expired.content.decode()
    unknown = client.get("/verify/00000000-0000-4000-8000-000000000000/")
    assert unknown.status_code == 404 and "không hợp lệ" in unknown.content.decode().lower()


def test_the_profile_shows_each_records_validity_and_marks_the_expired(client, tree, signed):
    client.force_login(tree.cadre)
    on_time = client.get("/me/", {"on": "11/03/2027"}).content.decode()
    row = on_time[on_time.index(f'id="record-{signed.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "11/03/2027" in row and "Hết hiệu lực" not in row
    later = client.get("/me/", {"on": "12/03/2027"}).content.decode()
    row = later[later.index(f'id="record-{signed.pk}"') :]
    assert "Hết hiệu lực" in row[: row.index("</tr>")]


# --- told before it lapses -----------------------------------------------------------------


def _at(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0)))


def test_the_person_is_mailed_once_thirty_days_before_it_lapses(smtp, world, osh):  # noqa: F811
    from notifications.delivery import deliver_pending

    day = today()
    lapsing = external_record_create(
        user=SYSTEM,
        person=world.nguyen,
        title="Huấn luyện an toàn, vệ sinh lao động",
        topics=[osh],
        hours=16,
        completed_on=day - dt.timedelta(days=300),
        form="on_site",
        expires_on=day + dt.timedelta(days=30),
    )
    later = external_record_create(  # 31 days: tomorrow's run tells it
        user=SYSTEM,
        person=world.nguyen,
        title="Sơ cấp cứu",
        topics=[world.topic],
        programme=Programme.objects.create(name="Sơ cấp cứu", validity_months=12),
        hours=8,
        completed_on=day - dt.timedelta(days=300),
        form="on_site",
        expires_on=day + dt.timedelta(days=31),
    )
    external_record_create(  # Đặng Hoa has no account: nobody to tell
        user=SYSTEM,
        person=world.hoa,
        title="Huấn luyện an toàn, vệ sinh lao động",
        topics=[osh],
        hours=16,
        completed_on=day - dt.timedelta(days=300),
        form="on_site",
        expires_on=day + dt.timedelta(days=30),
    )
    summary = tell_lapsing(_at(day - dt.timedelta(days=1)), _at(day))
    assert summary == "Đã báo 1 quá trình đào tạo sắp hết hiệu lực cho 1 người."
    deliver_pending()
    [mail] = smtp.to("an.nguyen@example.vn")
    expires = f"{lapsing.expires_on:%d/%m/%Y}"
    title = "Huấn luyện an toàn, vệ sinh lao động"
    assert mail.subject == (
        f"Khóa đào tạo “{title}” của bạn có giá trị đến ngày {expires}: hãy học bồi dưỡng lại"
    )
    assert f"có hiệu lực đến ngày {expires}" in mail.body
    [notice] = Notification.objects.filter(recipient=world.cadre, kind="training_lapsing")
    assert notice.url == f"/me/#record-{lapsing.pk}"  # the person's own profile, at its row
    # The same window again (a worker restarted mid-run): not told twice.
    tell_lapsing(_at(day - dt.timedelta(days=1)), _at(day))
    # The next day's run tells the next record only.
    tell_lapsing(_at(day), _at(day + dt.timedelta(days=1)))
    deliver_pending()
    mails = smtp.to("an.nguyen@example.vn")
    assert len(mails) == 2 and "Sơ cấp cứu" in mails[1].subject
    assert f"{later.expires_on:%d/%m/%Y}" in mails[1].subject


def test_training_renewed_in_time_is_not_told(smtp, world, osh):  # noqa: F811
    day = today()
    for completed, expires in ((300, 30), (5, 700)):
        external_record_create(
            user=SYSTEM,
            person=world.nguyen,
            title=f"Huấn luyện an toàn, vệ sinh lao động ({completed})",
            topics=[osh],
            hours=16,
            completed_on=day - dt.timedelta(days=completed),
            form="on_site",
            expires_on=day + dt.timedelta(days=expires),
        )
    assert tell_lapsing(_at(day - dt.timedelta(days=1)), _at(day)) == (
        "Đã báo 0 quá trình đào tạo sắp hết hiệu lực cho 0 người."
    )


def test_a_bad_expiry_is_refused_by_the_service(tree):
    with pytest.raises(ValidationError) as error:
        external_record_create(
            user=SYSTEM,
            person=tree.nguyen,
            title="Khoá học",
            topics=[tree.topic],
            hours=8,
            completed_on=D(2025, 6, 1),
            form="on_site",
            expires_on=D(2025, 5, 31),
        )
    assert "expires_on" in error.value.message_dict


def test_the_api_records_and_reads_the_day_a_certificate_states(tree, osh):
    from tests.api import ApiClient, fields_of

    api = ApiClient(tree.melinh_officer)
    record = {
        "person": tree.nguyen.pk,
        "title": "Huấn luyện an toàn, vệ sinh lao động",
        "topics": ["osh"],
        "hours": 16,
        "completed_on": "2025-06-05",
    }
    computed = api.post("/records", record)
    assert computed.status_code == 201, computed.content
    assert computed.json()["expires_on"] == "2027-06-04"  # the topic's 24 months
    stated = api.post(
        "/records", {**record, "completed_on": "2025-06-06", "expires_on": "2026-12-31"}
    )
    assert stated.json()["expires_on"] == "2026-12-31"
    assert api.get(f"/records/{stated.json()['id']}").json()["expires_on"] == "2026-12-31"
    refused = api.post(
        "/records", {**record, "completed_on": "2025-06-07", "expires_on": "2025-06-01"}
    )
    assert refused.status_code == 422 and fields_of(refused) == {"expires_on"}
