"""A person's own data (Decree 13/2023/NĐ-CP): a self-service account sees everything the
system holds about its person, in full, and downloads it as a ZIP (a workbook and a JSON
file) which is logged; nothing about anyone else, and nothing the rest of the system keeps
from the person (an unpublished evaluation, a pool entry not yet published)."""

import datetime as dt
import io
import json
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from cadrework import evaluations
from cadrework import services as cadrework
from cadrework.models import Notice
from elearning import quizzes
from elearning import services as elearning
from elearning.models import (
    Assignment,
    CourseEnrolment,
    LessonProgress,
    QuizAttempt,
    Reminder,
)
from privacy.models import Action, PersonalDataAccess, Source
from privacy.services import access_log
from tests.conftest import make_user
from training.models import Enrolment
from training.services import feedback_submit

ME = "/privacy/me/"
EXPORT = "/privacy/me/export/"
OTHERS = (
    "Trần Thị Bình",
    "Lê Văn Cường",
    "0987000111",
    "tran@congdoan.vn",
    "Chưa công bố 2023",
    "Ứng viên chưa công bố",
    "Đánh giá của Bình",
)


@pytest.fixture
def mine(tree):
    """Nguyễn Văn An (the `cadre` persona) with a row in every kind of data, and Trần Thị
    Bình with some of the same, which An must never see."""
    t = tree
    nguyen = t.nguyen
    nguyen.phone, nguyen.email, nguyen.address = "0912345678", "an@congdoan.vn", "Số 5 Mê Linh"
    nguyen.save()
    t.tran.phone, t.tran.email = "0987000111", "tran@congdoan.vn"
    t.tran.save()
    enrolment = Enrolment.objects.get(person=nguyen, training_class=t.ml_class)
    feedback_submit(
        user=t.cadre,
        enrolment=enrolment,
        content=5,
        lecturers=4,
        organisation=4,
        usefulness=5,
        comment="Lớp học bổ ích",
    )
    # Evaluations: one published, one not.
    published = evaluations.evaluation_save(
        user=t.melinh_officer,
        person=nguyen,
        year=2024,
        rating="good",
        votes_good=7,
        self_assessment="Tự đánh giá 2024",
    )
    evaluations.evaluation_publish(user=t.melinh_officer, evaluation=published)
    evaluations.evaluation_save(
        user=t.melinh_officer,
        person=nguyen,
        year=2023,
        rating="excellent",
        self_assessment="Chưa công bố 2023",
    )
    theirs = evaluations.evaluation_save(
        user=t.hanoi_officer,
        person=t.tran,
        year=2024,
        rating="completed",
        self_assessment="Đánh giá của Bình",
    )
    evaluations.evaluation_publish(user=t.hanoi_officer, evaluation=theirs)
    # Pools: an entry in a published review (which tells him), one in an unpublished review.
    chair = cadrework.pool_create(
        user=t.melinh_officer, unit=t.school, term=t.term_school, post="vice_chair"
    )
    review = cadrework.review_open(
        user=t.melinh_officer, pool=chair, year=2024, held_on=dt.date(2024, 12, 1)
    )
    cadrework.entry_add(
        user=t.melinh_officer,
        pool=chair,
        person=nguyen,
        reason="Quy hoạch nhiệm kỳ",
        on=dt.date(2024, 12, 1),
        review=review,
    )
    cadrework.review_publish(user=t.melinh_officer, review=review)
    other = cadrework.pool_create(
        user=t.melinh_officer, unit=t.school, term=t.term_school, post="standing"
    )
    draft = cadrework.review_open(
        user=t.melinh_officer, pool=other, year=2025, held_on=dt.date(2025, 12, 1)
    )
    cadrework.entry_add(
        user=t.melinh_officer,
        pool=other,
        person=nguyen,
        reason="Ứng viên chưa công bố",
        on=dt.date(2025, 12, 1),
        review=draft,
    )
    # Online learning.
    course = elearning.course_save(
        user=t.melinh_officer,
        organiser=t.melinh,
        code="ONL-ML",
        title="Kỹ năng thương lượng",
        hours=8,
        topics=[t.topic],
    )
    module = elearning.module_save(user=t.melinh_officer, course=course, title="Bài 1")
    text = elearning.lesson_save(
        user=t.melinh_officer,
        module=module,
        title="Đọc tài liệu",
        kind="text",
        body="<p>Nội dung</p>",
    )
    quiz = elearning.lesson_save(
        user=t.melinh_officer, module=module, title="Kiểm tra cuối", kind="quiz", question_count=1
    )
    quizzes.question_save(
        user=t.melinh_officer,
        course=course,
        text="Câu hỏi?",
        multiple=False,
        choices=[("Đúng", True), ("Sai", False)],
    )
    elearning.course_publish(user=t.melinh_officer, course=course)
    Assignment.objects.create(course=course, person=nguyen)
    learning = CourseEnrolment.objects.create(course=course, person=nguyen)
    LessonProgress.objects.create(enrolment=learning, lesson=text, percent=60, position_seconds=0)
    QuizAttempt.objects.create(enrolment=learning, lesson=quiz, score_percent=80, passed=True)
    Reminder.objects.create(
        course=course, person=nguyen, enrolment=learning, text="Nhắc học Kỹ năng thương lượng"
    )
    Reminder.objects.create(course=course, person=t.tran, text="Nhắc Bình học")
    Notice.objects.create(person=t.tran, text="Thông báo riêng cho Bình")
    # Accesses: a full view of his data and an export covering Hà Nội are his to know; a
    # view of Bình's data and an export of Ninh Thuận are not.
    access_log(
        user=t.hanoi_officer, action=Action.VIEW_FULL, source=Source.PERSON_PAGE, person=nguyen
    )
    access_log(
        user=t.hanoi_officer, action=Action.EXPORT, source=Source.PEOPLE_LIST, unit=t.hanoi, count=2
    )
    access_log(
        user=t.melinh_officer, action=Action.VIEW_FULL, source=Source.PERSON_PAGE, person=t.tran
    )
    access_log(user=t.nt_officer, action=Action.EXPORT, source=Source.CHAIRS, unit=t.ninhthuan)
    return t


def sections_of(response) -> dict:
    return {s.key: s for s in response.context["sections"]}


def test_the_page_shows_everything_about_the_person_in_full(client, mine):
    client.force_login(mine.cadre)
    response = client.get(ME)
    assert response.status_code == 200
    body = response.content.decode()
    for value in (
        "Nguyễn Văn An",
        "001080000001",
        "0912345678",
        "an@congdoan.vn",
        "Số 5 Mê Linh",
        "cadre",
        "Chủ tịch",
        mine.ml_class.name,
        "Lớp học bổ ích",
        "Tự đánh giá 2024",
        "Quy hoạch nhiệm kỳ",
        "Kỹ năng thương lượng",
        "Đọc tài liệu",
        "Kiểm tra cuối",
        "Nhắc học Kỹ năng thương lượng",
        "hanoi",
        "Dữ liệu cá nhân của tôi",
    ):
        assert value in body, value
    for value in OTHERS:
        assert value not in body, value
    sections = sections_of(response)
    assert len(sections["evaluations"].rows) == 1
    assert len(sections["pools"].rows) == 1
    # The published review and the published evaluation told him; Bình's notice is hers.
    assert len(sections["notices"].rows) == 2
    assert len(sections["teaching"].rows) == 1 and len(sections["lecturer"].rows) == 1
    assert [r[3] for r in sections["accesses"].rows] == [
        "Danh sách cán bộ, đoàn viên",
        "Trang hồ sơ cá nhân",
    ]
    # The change history of his record (as its own page shows it, contacts masked), without
    # the pool entries (the unpublished one is in OTHERS, checked above).
    history = sections["history"].rows
    assert any(row[2] == "Sửa" and "Điện thoại: — → •••••••678" in row[4] for row in history)
    assert not any("quy hoạch" in row[3].lower() for row in history)


def test_the_page_says_why_unpublished_evaluations_and_pool_entries_are_not_shown(client, mine):
    client.force_login(mine.cadre)
    body = client.get(ME).content.decode()
    assert "Kết quả đánh giá chỉ hiện khi đơn vị phê duyệt đã công bố." in body
    assert "chỉ hiện khi kết quả rà soát quy hoạch đã được công bố" in body


def test_viewing_ones_own_data_is_not_logged(client, mine):
    before = PersonalDataAccess.objects.count()
    client.force_login(mine.cadre)
    client.get(ME)
    assert PersonalDataAccess.objects.count() == before


def download(client, user) -> tuple[dict, list[str], dict[str, list[list]]]:
    client.force_login(user)
    response = client.get(EXPORT, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="du-lieu-ca-nhan-{user.person_id}.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["du-lieu-ca-nhan.json", "du-lieu-ca-nhan.xlsx"]
        data = json.loads(archive.read("du-lieu-ca-nhan.json"))
        book = CalamineWorkbook.from_filelike(io.BytesIO(archive.read("du-lieu-ca-nhan.xlsx")))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    return data, book.sheet_names, sheets


def test_the_download_holds_the_same_data_as_json_and_as_a_workbook(client, mine):
    data, names, sheets = download(client, mine.cadre)
    assert data["Họ và tên"] == "Nguyễn Văn An"
    profile = {row["Thông tin"]: row["Giá trị"] for row in data["Hồ sơ"]}
    assert profile["Số CCCD"] == "001080000001" and profile["Điện thoại"] == "0912345678"
    assert profile["Ngày sinh"] == "1980-05-01"
    [evaluation] = data["Đánh giá, xếp loại"]
    assert evaluation["Tự đánh giá"] == "Tự đánh giá 2024"
    [enrolment] = data["Lớp học"]
    assert enrolment["Mã lớp"] == "ML-2024-01" and enrolment["Điểm"] == 9.0
    assert data["Các lần làm bài kiểm tra"][0]["Điểm (%)"] == 80.0
    text = json.dumps(data, ensure_ascii=False)
    for value in OTHERS:
        assert value not in text, value
    assert len(names) == len(data) - 2  # a sheet per section
    assert names[0] == "1. Hồ sơ"
    cells = str(sheets)
    assert "001080000001" in cells and "Kỹ năng thương lượng" in cells
    for value in OTHERS:
        assert value not in cells, value
    profile_sheet = sheets["1. Hồ sơ"]
    assert ["Số CCCD", "001080000001"] in profile_sheet


def test_the_download_is_logged_as_the_persons_own_export(client, mine):
    download(client, mine.cadre)
    entry = PersonalDataAccess.objects.get(action=Action.OWN_EXPORT)
    assert (entry.user, entry.person, entry.source, entry.count) == (
        mine.cadre,
        mine.nguyen,
        Source.OWN_DATA,
        1,
    )
    assert entry.remote_addr == "198.51.100.4"
    # ... and the next download lists it among the accesses.
    data, _names, _sheets = download(client, mine.cadre)
    actions = [row["Hành động"] for row in data["Ai đã xem hoặc xuất dữ liệu của bạn"]]
    assert "Tự xuất dữ liệu của mình" in actions


def test_an_officer_linked_to_a_person_gets_their_own_data_too(client, mine):
    officer = make_user("an_officer", mine.school, person=mine.nguyen)
    client.force_login(officer)
    assert "001080000001" in client.get(ME).content.decode()


@pytest.mark.parametrize("url", [ME, EXPORT])
def test_an_account_without_a_person_is_told_so(client, tree, url):
    client.force_login(tree.hanoi_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert "people/no_person.html" in [t.name for t in response.templates]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("url", [ME, EXPORT])
def test_it_needs_a_login(client, tree, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_costs_the_same_queries_however_much_data(
    client, mine, django_assert_max_num_queries
):
    client.force_login(mine.cadre)
    client.get(ME)
    with django_assert_max_num_queries(40) as few:
        client.get(ME)
    for n in range(15):
        access_log(
            user=mine.hanoi_officer,
            action=Action.VIEW_FULL,
            source=Source.PERSON_PAGE,
            person=mine.nguyen,
        )
        Notice.objects.create(person=mine.nguyen, text=f"Thông báo {n}")
    with django_assert_max_num_queries(len(few)):
        client.get(ME)


def test_the_sessions_he_attended_or_taught_are_his_and_anothers_are_not(client, mine):
    """Issue 24 §4's attendance per session is data about the person too."""
    from training.models import CheckIn, ClassSession, Lecturer, SessionAttendance

    mine_enrolment = Enrolment.objects.get(person=mine.nguyen, training_class=mine.ml_class)
    session = ClassSession.objects.create(
        training_class=mine.ml_class,
        date=mine.ml_class.start_date,
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 30),
        lecturer=Lecturer.objects.get(person=mine.nguyen),
    )
    SessionAttendance.objects.create(session=session, enrolment=mine_enrolment, how=CheckIn.QR)
    for other in Enrolment.objects.filter(training_class=mine.ml_class).exclude(person=mine.nguyen):
        SessionAttendance.objects.create(session=session, enrolment=other, present=False)
    client.force_login(mine.cadre)
    rows = sections_of(client.get(ME))["sessions"].rows
    assert sorted(row[3] for row in rows) == ["Có mặt", "Giảng dạy"]
    assert [row[4] for row in rows if row[3] == "Có mặt"] == ["Tự điểm danh bằng mã QR"]
