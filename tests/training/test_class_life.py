"""The life of a class through its pages and services, and the bad input each step refuses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from tests.conftest import make_unit, make_user
from training.models import ClassCorrection, Enrolment, Feedback, TrainingClass, TrainingRecord
from training.services import (
    certificate_issue,
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    feedback_submit,
    results_record,
)

CLASS = {
    "code": "ML-2025-01",
    "name": "Kỹ năng thương lượng tập thể",
    "organiser": "HN-ML",
    "kind": "refresher",
    "form": "on_site",
    "start_date": "10/03/2025",
    "end_date": "12/03/2025",
    "venue": "Hội trường LĐLĐ huyện Mê Linh",
    "hours": "24",
    "capacity": "2",
    "audience": "part_time",
    "target_group": "Chủ tịch CĐCS",
    "budget_planned": "45000000",
    "funding_source": "union",
}


@pytest.fixture
def open_class(tree):
    c = class_create(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="ML-OPEN",
        name="Lớp mở",
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 12),
        hours=16,
        capacity=2,
    )
    class_set_status(user=tree.melinh_officer, training_class=c, status="open")
    return c


def test_a_district_officer_creates_a_class_through_the_page(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post("/training/classes/new/", {**CLASS, "topics": [tree.topic.pk]})
    c = TrainingClass.objects.get(code="ML-2025-01")
    assert response.status_code == 302
    assert c.organiser == tree.melinh and c.start_date == dt.date(2025, 3, 10)
    assert list(c.topics.all()) == [tree.topic] and c.status == "planned"


def test_a_class_ending_before_it_starts_is_refused(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/training/classes/new/", {**CLASS, "end_date": "09/03/2025", "topics": [tree.topic.pk]}
    )
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not TrainingClass.objects.filter(code="ML-2025-01").exists()


def test_nominating_someone_outside_the_nominating_units_subtree_is_refused(tree, open_class):
    school_officer = make_user("school", tree.school)
    with pytest.raises(ValidationError) as e:
        enrolment_nominate(user=school_officer, training_class=open_class, person=tree.tran)
    assert "không thuộc đơn vị của bạn" in e.value.message_dict["person"][0]
    assert not Enrolment.objects.filter(training_class=open_class).exists()


def test_nominating_through_the_page_only_finds_people_of_ones_own_subtree(
    client, tree, open_class
):
    client.force_login(tree.melinh_officer)
    body = client.get(f"/training/classes/{open_class.pk}/candidates/", {"q": "tran"}).content
    assert "Trần Thị Bình" not in body.decode()
    response = client.post(f"/training/classes/{open_class.pk}/nominate/", {"person": tree.tran.pk})
    assert response.status_code == 302
    assert not Enrolment.objects.filter(training_class=open_class).exists()


def test_a_person_appears_once_per_class(tree, open_class):
    enrolment_nominate(user=tree.melinh_officer, training_class=open_class, person=tree.nguyen)
    with pytest.raises(ValidationError) as e:
        enrolment_nominate(user=tree.melinh_officer, training_class=open_class, person=tree.nguyen)
    assert "đã được cử tham gia lớp này" in e.value.message_dict["person"][0]
    assert Enrolment.objects.filter(training_class=open_class).count() == 1


def test_no_nominations_once_the_class_runs(tree, open_class):
    class_set_status(user=tree.melinh_officer, training_class=open_class, status="running")
    with pytest.raises(ValidationError):
        enrolment_nominate(user=tree.melinh_officer, training_class=open_class, person=tree.nguyen)


def test_another_province_cannot_nominate_unless_invited(tree, open_class):
    with pytest.raises(ValidationError):
        enrolment_nominate(user=tree.nt_officer, training_class=open_class, person=tree.le)
    open_class.invited_units.add(tree.ninhthuan)
    enrolment, _ = enrolment_nominate(
        user=tree.nt_officer, training_class=open_class, person=tree.le
    )
    assert enrolment.nominating_unit == tree.ninhthuan


def test_results_on_a_planned_class_are_refused(tree):
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="P1",
        name="Kế hoạch",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 1, 2),
        hours=8,
        capacity=5,
    )
    class_set_status(user=SYSTEM, training_class=c, status="open")
    enrolment, _ = enrolment_nominate(
        user=tree.melinh_officer, training_class=c, person=tree.nguyen
    )
    enrolment = enrolment_accept(user=SYSTEM, enrolment=enrolment)
    class_set_status(user=SYSTEM, training_class=c, status="planned")
    with pytest.raises(ValidationError) as e:
        results_record(
            user=tree.melinh_officer,
            enrolment=enrolment,
            attendance_percent=100,
            score=8,
            passed=True,
        )
    assert e.value.messages == ["Chỉ được nhập kết quả khi lớp đã bắt đầu học."]
    enrolment.refresh_from_db()
    assert enrolment.passed is None and not TrainingRecord.objects.filter(enrolment=enrolment)


def test_the_status_flow_cannot_skip_steps(tree):
    c = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code="S1",
        name="Luồng",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 1, 2),
        hours=8,
        capacity=5,
    )
    with pytest.raises(ValidationError):
        class_set_status(user=SYSTEM, training_class=c, status="closed")
    assert TrainingClass.objects.get(pk=c.pk).status == "planned"


def test_an_unknown_status_is_refused_in_vietnamese(tree):
    with pytest.raises(ValidationError) as refused:
        class_set_status(user=SYSTEM, training_class=tree.ml_class, status="archived")
    message = refused.value.message_dict["status"][0]
    assert "archived không phải là một trong các lựa chọn" in message
    assert TrainingClass.objects.get(pk=tree.ml_class.pk).status == tree.ml_class.status


def test_acceptance_beyond_capacity_goes_to_the_waiting_list(tree, open_class):
    people = [tree.nguyen]
    for i in range(2):
        from people.services import person_create

        people.append(
            person_create(
                user=SYSTEM,
                unit=tree.school,
                family_name="Hoàng",
                given_name=f"Minh{i}",
                gender="male",
            )
        )
    statuses = []
    for person in people:
        enrolment, _ = enrolment_nominate(
            user=tree.melinh_officer, training_class=open_class, person=person
        )
        statuses.append(enrolment_accept(user=tree.melinh_officer, enrolment=enrolment).status)
    assert statuses == ["accepted", "accepted", "waitlisted"]


def test_passing_writes_a_record_and_a_certificate_number_is_unique(tree):
    record = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    certificate_issue(user=tree.melinh_officer, record=record, number="00007")
    assert record.certificate_year == 2024
    other = _second_passed_record(tree)
    with pytest.raises(ValidationError) as e:
        certificate_issue(user=tree.melinh_officer, record=other, number="00007")
    assert "đã được" in e.value.message_dict["certificate_number"][0]
    other.refresh_from_db()
    assert other.certificate_number == ""
    certificate_issue(user=tree.melinh_officer, record=other)
    assert other.certificate_number == "00008"


def _second_passed_record(tree):
    from people.services import person_create

    person = person_create(
        user=SYSTEM, unit=tree.school, family_name="Đinh", given_name="Lan", gender="female"
    )
    enrolment = Enrolment.objects.create(
        training_class=tree.ml_class, person=person, nominating_unit=tree.melinh, status="accepted"
    )
    results_record(
        user=tree.melinh_officer, enrolment=enrolment, attendance_percent=90, score=7, passed=True
    )
    return TrainingRecord.objects.get(enrolment=enrolment)


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_1_to_5_is_refused(tree, rating):
    enrolment = Enrolment.objects.get(training_class=tree.ml_class, person=tree.nguyen)
    with pytest.raises(ValidationError) as e:
        feedback_submit(
            user=tree.cadre,
            enrolment=enrolment,
            content=rating,
            lecturers=4,
            organisation=4,
            usefulness=4,
        )
    assert e.value.message_dict["content"] == ["Điểm đánh giá từ 1 đến 5."]
    assert not Feedback.objects.exists()


def test_a_learner_gives_feedback_once_through_the_page(client, tree):
    enrolment = Enrolment.objects.get(training_class=tree.ml_class, person=tree.nguyen)
    client.force_login(tree.cadre)
    data = {"content": 5, "lecturers": 4, "organisation": 4, "usefulness": 5, "comment": "Hay"}
    assert client.post(f"/training/enrolments/{enrolment.pk}/feedback/", data).status_code == 302
    response = client.post(f"/training/enrolments/{enrolment.pk}/feedback/", data)
    assert response.status_code == 200 and Feedback.objects.count() == 1
    response = client.post(f"/training/enrolments/{enrolment.pk}/feedback/", {**data, "content": 9})
    assert Feedback.objects.count() == 1
    client.force_login(tree.melinh_officer)
    body = client.get(f"/training/classes/{tree.ml_class.pk}/").content.decode()
    assert "5,0" in body and "4,0" in body  # averages, Vietnamese decimal comma


def test_closed_classes_are_corrected_only_by_their_organiser_and_logged(tree):
    enrolment = Enrolment.objects.get(training_class=tree.ml_class, person=tree.nguyen)
    class_set_status(user=SYSTEM, training_class=tree.ml_class, status="closed")
    with pytest.raises(ValidationError):
        results_record(
            user=tree.hanoi_officer,
            enrolment=enrolment,
            attendance_percent=80,
            score=6,
            passed=True,
        )
    results_record(
        user=tree.melinh_officer, enrolment=enrolment, attendance_percent=80, score=6, passed=True
    )
    assert ClassCorrection.objects.filter(training_class=tree.ml_class).count() == 1


def test_the_verification_page_shows_only_the_allowed_fields(client, tree):
    record = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    certificate_issue(user=SYSTEM, record=record)
    body = client.get(f"/verify/{record.verification_code}/").content.decode()
    assert "Nguyễn Văn An" in body and tree.ml_class.name in body and "Mê Linh" in body
    assert tree.nguyen.citizen_id not in body and "01/05/1980" not in body


def test_an_unnumbered_certificate_cannot_be_verified(client, tree):
    record = TrainingRecord.objects.get(enrolment__training_class=tree.ml_class)
    assert client.get(f"/verify/{record.verification_code}/").status_code == 404


def test_external_training_is_entered_with_a_scan(client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tree.hanoi_officer)
    scan = SimpleUploadedFile("bang.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/training/people/{tree.tran.pk}/records/new/",
        {
            "title": "Trung cấp lý luận chính trị",
            "topics": [tree.topic.pk],
            "hours": 480,
            "completed_on": "30/06/2022",
            "form": "in_service",
            "scan": scan,
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(person=tree.tran)
    assert record.hours == 480 and record.scan.name.endswith(".pdf")
    record.scan.delete()


def test_a_new_unit_can_organise_classes(tree):
    unit = make_unit("HN-ML-09", "Công đoàn xã Tiền Phong", "grassroots", tree.melinh)
    c = class_create(
        user=tree.melinh_officer,
        organiser=unit,
        topics=[tree.topic],
        code="T9",
        name="Tổ",
        start_date=dt.date(2025, 5, 1),
        end_date=dt.date(2025, 5, 1),
        hours=4,
        capacity=10,
    )
    assert c.organiser == unit


def test_an_organiser_invites_a_unit_of_another_province_through_the_page(client, tree):
    client.force_login(tree.melinh_officer)
    client.post(
        "/training/classes/new/",
        {**CLASS, "topics": [tree.topic.pk], "invited_units": "NT-PR", "co_organisers": "HN-DA"},
    )
    c = TrainingClass.objects.get(code="ML-2025-01")
    assert list(c.invited_units.all()) == [tree.phanrang]
    assert list(c.co_organisers.all()) == [tree.donganh]
    client.force_login(tree.nt_officer)
    assert client.get(f"/training/classes/{c.pk}/").status_code == 404  # the province above
    phanrang_officer = make_user("phanrang", tree.phanrang)
    client.force_login(phanrang_officer)
    assert client.get(f"/training/classes/{c.pk}/").status_code == 200


def test_unknown_unit_codes_are_named_and_nothing_is_written(client, tree):
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/training/classes/new/",
        {**CLASS, "topics": [tree.topic.pk], "invited_units": "NT-PR, XX-99"},
    )
    assert "XX-99" in response.content.decode()
    assert not TrainingClass.objects.filter(code="ML-2025-01").exists()
