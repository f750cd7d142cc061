"""Issue 24 §1: each event of a class's life and of a plan's tells the right people, in
Vietnamese, once — read from what a real SMTP server received (tests/notifications/conftest).

Mê Linh organises the class; the school below it nominates; Nguyễn Văn An has his own account
(a self-service cadre). Learners' notices are mailed at once; officers' nominations and
decisions come in the daily digest (their kinds' defaults)."""

from django.utils import timezone

from accounts.access import SYSTEM
from notifications.delivery import deliver_pending, send_digests
from notifications.models import MailState, Notification
from people.services import person_create
from planning import services as planning
from training.models import Enrolment, TrainingRecord
from training.services import (
    certificate_issue,
    class_set_status,
    enrolment_accept,
    enrolment_nominate,
    enrolment_reject,
    enrolments_decide,
    results_record,
)


def deliver() -> None:
    """The worker's rounds: mail due at once, twice (a second round finds nothing), and the
    digests up to today."""
    deliver_pending()
    deliver_pending()
    send_digests(timezone.localdate())
    send_digests(timezone.localdate())


def nominate(world, person=None) -> Enrolment:
    return enrolment_nominate(
        user=world.school_officer, training_class=world.open_class, person=person or world.nguyen
    )[0]


def test_a_nomination_tells_the_organisers_officers_in_their_daily_digest(smtp, world):
    nominate(world)
    deliver_pending()
    assert smtp.mails == []  # an officer's nominations wait for the digest
    deliver()
    [mail] = smtp.mails
    assert mail.to == ["melinh@congdoan.vn"] and mail.sender == "daotao@congdoan.vn"
    assert mail.subject.startswith("Tổng hợp thông báo đến hết ngày")
    assert "Có người được cử vào lớp “Lớp mở”: Nguyễn Văn An" in mail.body
    assert "Công đoàn Trường THPT Mê Linh cử Nguyễn Văn An đi học lớp “Lớp mở” (ML-OPEN)." in (
        mail.body
    )
    assert "Số người được cử đang chờ xét: 1." in mail.body
    # The school's officer nominated: they are not told what they did.
    assert not Notification.objects.filter(recipient=world.school_officer).exists()


def test_acceptance_is_mailed_to_the_nominee_at_once_and_to_the_nominating_officer_daily(
    smtp, world
):
    enrolment = nominate(world)
    enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    deliver_pending()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Đã được nhận vào lớp “Lớp mở”"
    assert "Bạn đã được nhận vào lớp “Lớp mở”." in mail.body
    assert (
        "do Liên đoàn Lao động huyện Mê Linh tổ chức, từ ngày 10/03/2025 đến ngày 12/03/2025"
        in (mail.body)
    )
    assert "https://daotao.congdoan.vn/notifications/open/?id=" in mail.body
    deliver()
    assert len(smtp.to("an.nguyen@example.vn")) == 1  # once, however many rounds
    [digest] = smtp.to("truong@example.vn")
    assert "Kết quả xét người đơn vị cử đi học lớp “Lớp mở”" in digest.body
    assert "Được nhận: Nguyễn Văn An" in digest.body
    # The organiser's officer decided: told nothing of it (only of the nomination).
    told = Notification.objects.filter(
        recipient=world.melinh_officer, url=f"/training/classes/{world.open_class.pk}/"
    )
    assert [n.kind for n in told] == ["nomination_received"]


def test_a_full_class_puts_the_nominee_on_the_waiting_list_with_their_place(smtp, world):
    others = [
        person_create(
            user=SYSTEM, unit=world.school, family_name="Vũ", given_name=name, gender="male"
        )
        for name in ("Lan", "Minh")
    ]
    for person in others:
        enrolment_accept(user=world.melinh_officer, enrolment=nominate(world, person))
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Vào danh sách chờ của lớp “Lớp mở”"
    assert "Lớp đã đủ chỗ: bạn đứng thứ 1 trong danh sách chờ." in mail.body
    [digest] = smtp.to("truong@example.vn")
    assert "Được nhận: Vũ Lan" in digest.body and "Được nhận: Vũ Minh" in digest.body
    assert "Vào danh sách chờ: Nguyễn Văn An (thứ tự 1)" in digest.body


def test_a_freed_seat_promotes_the_first_waiting_and_tells_them(smtp, world):
    seated = [nominate(world, world.hoa), nominate(world, world.tram)]
    for enrolment in seated:
        enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver()
    smtp.mails.clear()
    enrolment_reject(user=world.melinh_officer, enrolment=seated[0], reason="Trùng lịch công tác")
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Đã được nhận vào lớp “Lớp mở” từ danh sách chờ"
    assert "Lớp đã có chỗ trống: bạn đã được nhận vào lớp “Lớp mở”." in mail.body
    [digest] = smtp.to("truong@example.vn")
    assert "Không được nhận: Đặng Hoa (lý do: Trùng lịch công tác)" in digest.body
    assert "Được nhận từ danh sách chờ: Nguyễn Văn An" in digest.body


def test_a_rejection_tells_the_nominee_the_reason(smtp, world):
    enrolment_reject(
        user=world.melinh_officer, enrolment=nominate(world), reason="Chưa đủ điều kiện"
    )
    deliver_pending()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Không được nhận vào lớp “Lớp mở”"
    assert "Việc cử bạn đi học lớp “Lớp mở” (ML-OPEN) không được chấp nhận." in mail.body
    assert "Lý do: Chưa đủ điều kiện" in mail.body


def test_the_waiting_list_closing_with_the_class_tells_each_one_why(smtp, world):
    for person in (world.hoa, world.tram):
        enrolment_accept(user=world.melinh_officer, enrolment=nominate(world, person))
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver()
    smtp.mails.clear()
    class_set_status(user=world.melinh_officer, training_class=world.open_class, status="running")
    deliver()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Không được nhận vào lớp “Lớp mở”"
    assert "Lý do: Danh sách chờ đã đóng" in mail.body, mail.body
    [digest] = smtp.to("truong@example.vn")
    assert "Không được nhận: Nguyễn Văn An (lý do: Danh sách chờ đã đóng" in digest.body


def test_one_decision_on_many_tells_each_nominee_and_the_officer_once(smtp, world):
    enrolments = [nominate(world), nominate(world, world.hoa), nominate(world, world.tram)]
    enrolments_decide(
        user=world.melinh_officer,
        training_class=world.open_class,
        enrolments=enrolments,
        decision="accept",
    )
    deliver()
    assert [m.subject for m in smtp.to("an.nguyen@example.vn")] == ["Đã được nhận vào lớp “Lớp mở”"]
    [digest] = smtp.to("truong@example.vn")
    assert digest.body.count("Kết quả xét người đơn vị cử đi học") == 1
    assert "Được nhận: Nguyễn Văn An, Đặng Hoa" in digest.body
    assert "Vào danh sách chờ: Vũ Thị Trâm (thứ tự 1)" in digest.body


def test_results_and_the_certificate_are_mailed_to_the_learner(smtp, world):
    enrolment = nominate(world)
    enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    class_set_status(user=world.melinh_officer, training_class=world.open_class, status="running")
    values = {"attendance_percent": 100, "score": "8.5", "passed": True}
    results_record(user=world.melinh_officer, enrolment=enrolment, **values)
    results_record(user=world.melinh_officer, enrolment=enrolment, **values)  # saved twice
    record = TrainingRecord.objects.get(enrolment=enrolment)
    certificate_issue(user=world.melinh_officer, record=record)
    deliver()
    subjects = [m.subject for m in smtp.to("an.nguyen@example.vn")]
    assert subjects == [
        "Đã được nhận vào lớp “Lớp mở”",
        "Kết quả học tập lớp “Lớp mở”",
        "Đã cấp giấy chứng nhận số 00001",
    ]
    results, certificate = smtp.to("an.nguyen@example.vn")[1:]
    assert "tham dự 100%, điểm 8,5, đạt." in results.body
    assert "Khóa học đã được ghi vào quá trình đào tạo của bạn." in results.body
    assert "Giấy chứng nhận số 00001 lớp “Lớp mở” của bạn đã được" in certificate.body
    assert f"cấp ngày {timezone.localdate():%d/%m/%Y}" in certificate.body


def test_a_nominee_without_an_account_tells_only_the_officers(smtp, world):
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world, world.hoa))
    deliver()
    assert [m.to for m in smtp.mails] == [["melinh@congdoan.vn"], ["truong@example.vn"]]


def plan_with_a_line(world):
    plan = planning.plan_create(user=world.melinh_officer, unit=world.melinh, year=2027)
    planning.line_save(
        user=world.melinh_officer,
        plan=plan,
        name="Bồi dưỡng chủ tịch CĐCS",
        topic=world.topic,
        target_group="full_time",
        classes=1,
        trainees=40,
    )
    return plan


def test_a_plan_submitted_returned_and_approved_tells_the_unit_that_must_act(smtp, world):
    world.hanoi_officer.email = "hanoi@congdoan.vn"
    world.hanoi_officer.save()
    plan = plan_with_a_line(world)
    planning.plan_submit(user=world.melinh_officer, plan=plan)
    deliver_pending()
    [submitted] = smtp.to("hanoi@congdoan.vn")
    assert submitted.subject == "Liên đoàn Lao động huyện Mê Linh gửi kế hoạch đào tạo năm 2027"
    assert "hãy phê duyệt, hoặc trả lại kèm ý kiến" in submitted.body
    assert "/notifications/open/?id=" in submitted.body

    planning.plan_return(user=world.hanoi_officer, plan=plan, comment="Bổ sung kinh phí lớp 1")
    deliver_pending()
    [returned] = smtp.to("melinh@congdoan.vn")
    assert returned.subject == (
        "Kế hoạch đào tạo năm 2027 bị Liên đoàn Lao động thành phố Hà Nội trả lại"
    )
    assert "Ý kiến: Bổ sung kinh phí lớp 1" in returned.body

    planning.plan_submit(user=world.melinh_officer, plan=plan)
    planning.plan_approve(user=world.hanoi_officer, plan=plan)
    deliver()
    assert [m.subject for m in smtp.to("melinh@congdoan.vn")][1:] == [
        "Kế hoạch đào tạo năm 2027 đã được Liên đoàn Lao động thành phố Hà Nội phê duyệt"
    ]
    assert len(smtp.to("hanoi@congdoan.vn")) == 2  # submitted twice, told twice
    # Each mailed once, none left.
    plans = Notification.objects.filter(kind__startswith="plan_")
    assert [n.mail_state for n in plans] == [MailState.SENT] * 4


def test_a_notice_is_written_again_in_the_readers_language(world):
    from django.utils import translation

    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    notice = Notification.objects.get(
        recipient=world.cadre, url=f"/training/classes/{world.open_class.pk}/"
    )
    assert notice.subject == "Đã được nhận vào lớp “Lớp mở”"  # as mailed: the system's language
    with translation.override("en"):
        subject, body = notice.text()
    assert subject == "Accepted into the class “Lớp mở”"
    assert "runs from 10/03/2025 to 12/03/2025" in body


def test_a_decision_made_again_tells_no_one_again(smtp, world):
    enrolment = nominate(world)
    enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    enrolment_accept(user=world.melinh_officer, enrolment=enrolment)  # a second click
    deliver()
    assert len(smtp.to("an.nguyen@example.vn")) == 1
    [digest] = smtp.to("truong@example.vn")
    assert digest.body.count("Được nhận: Nguyễn Văn An") == 1
