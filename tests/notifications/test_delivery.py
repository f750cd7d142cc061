"""Issue 24 §1: the inbox always has the notice; mail follows the user's choice, is sent once,
survives a mail server that is down, and nothing leaves for a change that was rolled back —
against a real SMTP server (tests/notifications/conftest)."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from notifications.delivery import backoff, deliver_due, deliver_pending, send_digests
from notifications.models import MailState, Notification, Preference
from notifications.services import notify, preferences_save
from tests.notifications.test_events import nominate
from training.services import enrolment_accept, enrolment_reject

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def tell(users, subject="Thông báo thử", url="/me/") -> list[Notification]:
    return notify(
        recipients=users, kind="enrolment_accepted", subject=subject, body="Nội dung", url=url
    )


def test_a_user_without_an_address_gets_the_inbox_row_and_no_mail(smtp, world):
    world.cadre.email = ""
    world.cadre.save()
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    # This class's: the shared data's own classes told him of an acceptance before.
    [notice] = Notification.objects.filter(
        recipient=world.cadre,
        kind="enrolment_accepted",
        url=f"/training/classes/{world.open_class.pk}/",
    )
    assert notice.subject == "Đã được nhận vào lớp “Lớp mở”"
    assert notice.mail_state == MailState.NO_ADDRESS and notice.read_at is None
    assert smtp.mails == []


def test_the_address_on_the_persons_record_serves_when_the_account_has_none(smtp, world):
    world.cadre.email = ""
    world.cadre.save()
    world.nguyen.email = "an.chutich@example.vn"
    world.nguyen.save()
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    assert [m.subject for m in smtp.to("an.chutich@example.vn")] == [
        "Đã được nhận vào lớp “Lớp mở”"
    ]


def test_inbox_only_sends_no_mail(smtp, world):
    preferences_save(user=world.cadre, choices={"enrolment_accepted": ("inbox", "immediate")})
    enrolment_accept(user=world.melinh_officer, enrolment=nominate(world))
    deliver_pending()
    send_digests(timezone.localdate())
    assert smtp.to("an.nguyen@example.vn") == []
    assert smtp.to("melinh@congdoan.vn") and smtp.to("truong@example.vn")  # the officers'
    notice = Notification.objects.filter(recipient=world.cadre).latest("pk")
    assert notice.kind == "enrolment_accepted" and notice.mail_state == MailState.NOT_WANTED


def test_a_digest_gathers_the_days_notices_in_one_mail(smtp, world):
    for kind in ("enrolment_accepted", "enrolment_rejected"):
        preferences_save(user=world.cadre, choices={kind: ("mail", "digest")})
    enrolment = nominate(world)
    enrolment_accept(user=world.melinh_officer, enrolment=enrolment)
    enrolment_reject(user=world.melinh_officer, enrolment=enrolment, reason="Đổi người khác")
    deliver_pending()
    assert smtp.to("an.nguyen@example.vn") == []
    send_digests(timezone.localdate() - dt.timedelta(days=1))  # the day before: not yet theirs
    assert smtp.to("an.nguyen@example.vn") == []
    send_digests(timezone.localdate())
    send_digests(timezone.localdate())
    [digest] = smtp.to("an.nguyen@example.vn")
    assert digest.subject == (
        f"Tổng hợp thông báo đến hết ngày {timezone.localdate():%d/%m/%Y}: 2 thông báo"
    )
    assert "1. Đã được nhận vào lớp “Lớp mở”" in digest.body
    assert "2. Không được nhận vào lớp “Lớp mở”" in digest.body
    assert "Lý do: Đổi người khác" in digest.body


def test_the_worker_sends_yesterdays_digests_from_the_digest_hour(smtp, world, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    preferences_save(user=world.cadre, choices={"enrolment_accepted": ("mail", "digest")})
    [notice] = tell([world.cadre])
    made = timezone.make_aware(dt.datetime(2026, 12, 1, 15, 0))
    Notification.objects.filter(pk=notice.pk).update(created_at=made)
    deliver_due(now=made + dt.timedelta(hours=2))  # the same day: tomorrow's digest
    deliver_due(now=timezone.make_aware(dt.datetime(2026, 12, 2, 6, 59)))
    assert smtp.mails == []
    deliver_due(now=timezone.make_aware(dt.datetime(2026, 12, 2, 7, 0)))
    deliver_due(now=timezone.make_aware(dt.datetime(2026, 12, 2, 7, 1)))
    assert [m.subject for m in smtp.mails] == [
        "Tổng hợp thông báo đến hết ngày 01/12/2026: 1 thông báo"
    ]


def test_preferences_choose_per_kind_and_keep_no_row_for_a_default(world):
    preferences_save(
        user=world.cadre,
        choices={
            "enrolment_accepted": ("mail", "immediate"),  # the default
            "results_recorded": ("inbox", "immediate"),
        },
    )
    assert list(Preference.objects.filter(user=world.cadre).values_list("kind", "channel")) == [
        ("results_recorded", "inbox")
    ]


def test_a_mail_server_down_loses_nothing_and_the_notice_goes_once_it_is_up(smtp_down, world):
    [notice] = tell([world.cadre])
    start = timezone.now()
    done = deliver_pending(now=start)
    notice.refresh_from_db()
    assert (done.sent, done.failed) == (0, 1)
    assert notice.mail_state == MailState.PENDING and notice.attempts == 1
    assert "Connection refused" in notice.last_error or "ConnectionRefused" in notice.last_error
    assert notice.next_attempt_at == start + backoff(1)
    # The inbox has it meanwhile.
    assert Notification.objects.filter(pk=notice.pk, read_at__isnull=True).exists()
    smtp_down.start()
    deliver_pending(now=start + dt.timedelta(seconds=30))  # too soon: waits for its turn
    assert smtp_down.received.mails == []
    deliver_pending(now=start + backoff(1))
    deliver_pending(now=start + backoff(1) + dt.timedelta(minutes=5))
    notice.refresh_from_db()
    assert notice.mail_state == MailState.SENT and notice.attempts == 2
    assert [m.subject for m in smtp_down.received.mails] == ["Thông báo thử"]


def test_mail_given_up_on_after_the_last_attempt_can_be_queued_again(smtp_down, world, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    [notice] = tell([world.cadre])
    now = timezone.now()
    for _ in range(5):
        deliver_pending(now=now)
        now += dt.timedelta(hours=7)
    notice.refresh_from_db()
    assert notice.mail_state == MailState.FAILED and notice.attempts == 3
    smtp_down.start()
    call_command("deliver_notifications", "--retry-failed", stdout=open("/dev/null", "w"))
    notice.refresh_from_db()
    assert notice.mail_state == MailState.SENT
    assert len(smtp_down.received.mails) == 1


def test_a_claim_of_a_worker_that_died_lapses_and_the_mail_goes(smtp, world):
    [notice] = tell([world.cadre])
    Notification.objects.filter(pk=notice.pk).update(
        mail_state=MailState.SENDING, claim="dead", next_attempt_at=timezone.now()
    )
    deliver_pending(now=timezone.now() - dt.timedelta(seconds=1))
    assert smtp.mails == []  # still the other worker's
    deliver_pending()
    assert len(smtp.mails) == 1


def test_mail_leaves_once_the_change_commits_and_not_for_one_rolled_back(
    smtp, world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                tell([world.cadre], subject="Thay đổi bị hủy")
                raise RuntimeError("the change fails after the notice was written")
        assert not Notification.objects.filter(subject="Thay đổi bị hủy").exists()
        tell([world.cadre], subject="Thay đổi được lưu")
        assert smtp.mails == []  # not before the commit
    # After the commit the worker's task (run inline here) mailed it, no round needed.
    assert [m.subject for m in smtp.mails] == ["Thay đổi được lưu"]
    deliver_pending()
    assert len(smtp.mails) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_mail_each_notice_once(tree, smtp):
    """Two workers at the same moment over the same pending rows, on a slow server: each row
    is taken by one of them (PostgreSQL row locks; SQLite's one writer)."""
    users = []
    for n in range(6):
        user = tree.cadre.__class__.objects.create_user(
            username=f"hv{n}", email=f"hv{n}@example.vn", unit=tree.school, role="cadre"
        )
        users.append(user)
    tell(users)
    smtp.delay = 0.05
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(deliver_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in results) == 6, results
    assert sorted(to for m in smtp.mails for to in m.to) == sorted(u.email for u in users)
    assert set(
        Notification.objects.filter(recipient__in=users).values_list("mail_state", flat=True)
    ) == {MailState.SENT}


def test_the_deliver_command_reports_what_it_sent(smtp, world, capsys):
    tell([world.cadre])
    call_command("deliver_notifications")
    assert "sent 1, failed 0" in capsys.readouterr().out
    assert len(smtp.mails) == 1
