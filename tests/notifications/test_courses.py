"""Issue 24 §1: "course assigned and reminders" — told through the notifications to a learner
who has an account (inbox, and mail as they chose); one without an account is still reminded
by mail at the address on their record, as before. Read from a real SMTP server."""

import datetime as dt

import pytest
from django.utils import timezone

from elearning import reminders, services
from notifications.delivery import deliver_pending
from notifications.models import Notification
from training.models import Topic


@pytest.fixture
def course(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = world.melinh_officer
    course = services.course_save(
        user=user,
        organiser=world.melinh,
        code="ML-OL-01",
        title="Kỹ năng công đoàn cơ sở",
        description="",
        hours=4,
        topics=[Topic.objects.get(code="union_general")],
        programme=None,
        open_to_subtree=True,
        audience_roles=[],
    )
    module = services.module_save(user=user, course=course, title="Phần 1", rank=1)
    services.lesson_save(
        user=user, module=module, title="Bài 1", rank=1, kind="text", body="<p>Bài học</p>"
    )
    return course


def test_a_course_assigned_is_told_to_the_learner_once_it_can_be_started(smtp, world, course):
    services.assignments_add(user=world.melinh_officer, course=course, people=[world.nguyen])
    assert not Notification.objects.filter(kind="course_assigned").exists()  # still a draft
    services.course_publish(user=world.melinh_officer, course=course)
    services.course_publish(user=world.melinh_officer, course=course, published=False)
    services.course_publish(user=world.melinh_officer, course=course)  # again: told once
    deliver_pending()
    [mail] = smtp.to("an.nguyen@example.vn")
    assert mail.subject == "Được giao khóa học trực tuyến “Kỹ năng công đoàn cơ sở”"
    assert "Liên đoàn Lao động huyện Mê Linh đã giao cho bạn khóa học trực tuyến" in mail.body
    services.assignments_add(user=world.melinh_officer, course=course, people=[world.hoa])
    deliver_pending()
    assert len(smtp.mails) == 1  # Hoa has no account to tell


def test_reminders_go_through_the_notifications_and_by_mail_to_those_without_accounts(
    smtp, world, course
):
    services.course_publish(user=world.melinh_officer, course=course)
    world.hoa.email = "hoa@example.vn"
    world.hoa.save()
    services.assignments_add(
        user=world.melinh_officer, course=course, people=[world.nguyen, world.hoa]
    )
    deliver_pending()
    smtp.mails.clear()
    made = reminders.send_reminders(
        user=world.melinh_officer,
        course=course,
        include_assigned=True,
        now=timezone.now() + dt.timedelta(days=1),
    )
    assert {r.person_id for r in made} == {world.nguyen.pk, world.hoa.pk}
    deliver_pending()
    [own] = smtp.to("an.nguyen@example.vn")
    assert own.subject == "Nhắc học: khóa học trực tuyến “Kỹ năng công đoàn cơ sở”"
    assert "/notifications/open/?id=" in own.body
    [direct] = smtp.to("hoa@example.vn")
    assert "Kỹ năng công đoàn cơ sở" in direct.subject
    assert Notification.objects.filter(kind="course_reminder").count() == 1
