"""Issue 19, "invariants the data keeps": "A class can be set 'Đang học' and then 'Đã kết thúc'
before its first day, and its certificates numbered before it ends." — "A class's status
follows its dates; certificates only once it has ended."

A class runs from its first day (start_date) and may be closed from its last (end_date); a
certificate of a class is numbered from its last day. The boundaries are the days themselves."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.access import SYSTEM
from lib.dates import today
from training.models import ClassStatus, TrainingRecord
from training.services import (
    certificate_issue,
    class_create,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    results_record,
)

pytestmark = pytest.mark.django_db


def make_class(tree, start: dt.date, end: dt.date, code: str = "ML-2026-09"):
    training_class = class_create(
        user=SYSTEM,
        organiser=tree.melinh,
        topics=[tree.topic],
        code=code,
        name="Kỹ năng thương lượng tập thể",
        start_date=start,
        end_date=end,
        hours=16,
        capacity=10,
    )
    class_set_status(user=SYSTEM, training_class=training_class, status="open")
    return training_class


def test_a_class_cannot_run_before_its_first_day_through_the_page(tree, client):
    day = today()
    training_class = make_class(tree, day + dt.timedelta(days=1), day + dt.timedelta(days=3))
    client.force_login(tree.melinh_officer)
    response = client.post(
        f"/training/classes/{training_class.pk}/status/", {"status": "running"}, follow=True
    )
    training_class.refresh_from_db()
    assert training_class.status == ClassStatus.OPEN
    start = f"{training_class.start_date:%d/%m/%Y}"
    assert (
        f"Lớp bắt đầu ngày {start}: chưa thể chuyển sang đang học trước ngày đó."
        in response.content.decode()
    )


def test_on_its_first_day_it_runs_and_before_its_last_it_cannot_close(tree):
    day = today()
    training_class = make_class(tree, day, day + dt.timedelta(days=1))
    class_set_status(user=SYSTEM, training_class=training_class, status="running")
    with pytest.raises(ValidationError) as refused:
        class_set_status(user=SYSTEM, training_class=training_class, status="closed")
    end = f"{training_class.end_date:%d/%m/%Y}"
    assert refused.value.message_dict["status"] == [
        f"Lớp kết thúc ngày {end}: chưa thể đóng lớp trước ngày đó."
    ]
    training_class.refresh_from_db()
    assert training_class.status == ClassStatus.RUNNING


def test_on_its_last_day_it_closes(tree):
    day = today()
    training_class = make_class(tree, day - dt.timedelta(days=2), day)
    class_set_status(user=SYSTEM, training_class=training_class, status="running")
    class_set_status(user=SYSTEM, training_class=training_class, status="closed")
    assert training_class.status == ClassStatus.CLOSED


def test_a_certificate_is_numbered_from_the_last_day_of_its_class_not_before(tree, client):
    day = today()
    ending = make_class(tree, day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    enrolment, _ = enrolment_nominate(
        user=tree.melinh_officer, training_class=ending, person=tree.nguyen
    )
    enrolment_accept(user=SYSTEM, enrolment=enrolment)
    class_set_status(user=SYSTEM, training_class=ending, status="running")
    results_record(user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=8, passed=True)
    record = TrainingRecord.objects.get(enrolment=enrolment)
    client.force_login(tree.melinh_officer)
    response = client.post(f"/training/records/{record.pk}/certificate/", follow=True)
    record.refresh_from_db()
    assert record.certificate_number == ""
    end = f"{ending.end_date:%d/%m/%Y}"
    assert f"Chỉ cấp số chứng chỉ khi lớp đã kết thúc (ngày {end})." in response.content.decode()
    # A class that ended on its last day: numbered.
    ended = make_class(tree, day - dt.timedelta(days=2), day, code="ML-2026-10")
    enrolment, _ = enrolment_nominate(
        user=tree.melinh_officer, training_class=ended, person=tree.nguyen
    )
    enrolment_accept(user=SYSTEM, enrolment=enrolment)
    class_set_status(user=SYSTEM, training_class=ended, status="running")
    results_record(user=SYSTEM, enrolment=enrolment, attendance_percent=100, score=8, passed=True)
    record = certificate_issue(
        user=tree.melinh_officer, record=TrainingRecord.objects.get(enrolment=enrolment)
    )
    assert record.certificate_number == "00001"
