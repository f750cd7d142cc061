"""Issue 24 §1 and §6: a class changed or cancelled tells those in it; a seat freed by a
withdrawal, a rejection or a larger class goes to the first on the waiting list and tells
them — unless the organiser turned that off for the class. Read from what a real SMTP server
received (tests/notifications/conftest). Mê Linh's open class has 2 seats."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification
from tests.notifications.test_events import deliver, nominate
from training.models import EnrolmentStatus
from training.selectors import classes_and_attendances
from training.services import (
    class_set_status,
    class_update,
    enrolment_accept,
    enrolment_reject,
    enrolment_withdraw,
)


def full_class(world):
    """Hoa and Trâm seated, Nguyễn Văn An (who has an account) first on the waiting list."""
    seated = [nominate(world, world.hoa), nominate(world, world.tram)]
    for enrolment in seated:
        enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    waiting = nominate(world)
    enrolment_accept(user=world.melinh_officer, enrolment=waiting)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.WAITLISTED
    return seated, waiting


def test_a_withdrawal_by_the_nominating_unit_gives_the_seat_to_the_first_waiting(smtp, world):
    seated, waiting = full_class(world)
    deliver()
    smtp.mails.clear()
    withdrawn = enrolment_withdraw(
        user=world.school_officer, enrolment=seated[0], reason="Ốm dài ngày"
    )
    assert withdrawn.status == EnrolmentStatus.WITHDRAWN
    assert [e.pk for e in withdrawn.promoted] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ACCEPTED
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Đã được nhận vào lớp “Lớp mở” từ danh sách chờ"


def test_a_class_that_fills_seats_by_hand_promotes_no_one(smtp, world):
    world.open_class.auto_promote = False
    world.open_class.save()
    seated, waiting = full_class(world)
    rejected = enrolment_reject(user=world.melinh_officer, enrolment=seated[0], reason="Trùng lịch")
    assert rejected.promoted == []
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.WAITLISTED
    withdrawn = enrolment_withdraw(user=world.school_officer, enrolment=seated[1])
    assert withdrawn.promoted == []
    # The organiser chooses: accepting the one waiting now seats them.
    assert enrolment_accept(user=world.melinh_officer, enrolment=waiting).status == "accepted"


def test_a_larger_class_takes_the_waiting_list_in_order(world):
    _, waiting = full_class(world)
    c = world.open_class
    class_update(user=world.melinh_officer, training_class=c, capacity=3)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ACCEPTED


def test_a_withdrawal_is_for_the_nominating_unit_or_the_organiser_and_before_the_class_runs(
    world,
):
    seated, _ = full_class(world)
    with pytest.raises(ValidationError, match="Chỉ đơn vị cử hoặc đơn vị tổ chức"):
        enrolment_withdraw(user=world.nt_officer, enrolment=seated[0])
    with pytest.raises(ValidationError, match="không được thay đổi|không thể|Vai trò"):
        enrolment_withdraw(user=world.inspector, enrolment=seated[0])  # read-only role
    enrolment_withdraw(user=world.melinh_officer, enrolment=seated[0])  # the organiser may
    with pytest.raises(ValidationError, match="không còn trong lớp"):
        enrolment_withdraw(user=world.school_officer, enrolment=seated[0])
    class_set_status(user=world.melinh_officer, training_class=world.open_class, status="running")
    with pytest.raises(ValidationError, match="trước khi lớp bắt đầu"):
        enrolment_withdraw(user=world.school_officer, enrolment=seated[1])


def test_new_dates_and_venue_are_told_to_those_accepted_and_waiting(smtp, world):
    full_class(world)
    deliver()
    smtp.mails.clear()
    c = world.open_class
    class_update(
        user=world.melinh_officer,
        training_class=c,
        start_date=dt.date(2025, 3, 17),
        end_date=dt.date(2025, 3, 19),
        venue="Hội trường LĐLĐ huyện",
    )
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")  # waiting, and told
    assert mail.subject == "Lớp “Lớp mở” có thay đổi"
    assert "ngày bắt đầu: 10/03/2025 → 17/03/2025" in mail.body
    assert "ngày kết thúc: 12/03/2025 → 19/03/2025" in mail.body
    assert "địa điểm: — → Hội trường LĐLĐ huyện" in mail.body
    # A change of what nobody plans their days by (the name) tells no one.
    smtp.mails.clear()
    class_update(user=world.melinh_officer, training_class=c, name="Lớp mở (đổi tên)")
    deliver()
    assert smtp.mails == []


def test_a_cancelled_class_tells_everyone_in_it_why_and_counts_nowhere(smtp, world):
    seated, _ = full_class(world)
    deliver()
    smtp.mails.clear()
    c = world.open_class
    with pytest.raises(ValidationError, match="lý do hủy lớp"):
        class_set_status(user=world.melinh_officer, training_class=c, status="cancelled")
    class_set_status(
        user=world.melinh_officer,
        training_class=c,
        status="cancelled",
        reason="Không bố trí được giảng viên",
    )
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")  # one mail: not also "the waiting list closed"
    assert mail.subject == "Lớp “Lớp mở” bị hủy"
    assert "Đơn vị tổ chức đã hủy lớp “Lớp mở” (ML-OPEN) dự kiến học từ ngày 10/03/2025." in (
        mail.body
    )
    assert "Không bố trí được giảng viên" in mail.body
    assert Notification.objects.filter(kind="class_cancelled").count() == 1  # Hoa, Trâm: no account
    classes, attendances = classes_and_attendances(
        unit=world.melinh, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert c not in classes and not attendances.filter(training_class=c).exists()
    with pytest.raises(ValidationError, match="đã bị hủy"):
        class_update(user=world.melinh_officer, training_class=c, venue="X")
    with pytest.raises(ValidationError):
        class_set_status(user=world.melinh_officer, training_class=c, status="open")


def test_the_class_page_cancels_with_a_reason_and_withdraws(client, world):
    seated, _ = full_class(world)
    client.force_login(world.melinh_officer)
    page = client.get(f"/training/classes/{world.open_class.pk}/").content.decode()
    assert 'id="cancel-class"' in page and "Rút khỏi lớp" in page
    response = client.post(f"/training/enrolments/{seated[0].pk}/withdraw/", follow=True)
    assert "Đã rút Đặng Hoa khỏi lớp." in response.content.decode()
    assert "Nguyễn Văn An" in response.content.decode()
    response = client.post(
        f"/training/classes/{world.open_class.pk}/status/",
        {"status": "cancelled", "reason": "Thiếu kinh phí"},
        follow=True,
    )
    world.open_class.refresh_from_db()
    assert world.open_class.status == "cancelled"
    assert "Đã hủy" in response.content.decode()
