"""Issue 24 §2: the recurring jobs the apps register — "digests, … reminders, stale-job
cleanup, yesterday's snapshot kept" — each run through the scheduler as the worker runs it
(schedule.runner), with the summary the page shows."""

import datetime as dt

import pytest
from django.utils import timezone

from elearning.models import Reminder
from imports.models import ImportJob, ImportStatus
from notifications.models import MailState, Notification
from schedule import registry, runner
from targets.models import Snapshot
from tests.elearning.test_manage import world  # noqa: F401 (a fixture)
from tests.notifications.conftest import smtp, smtp_down  # noqa: F401 (fixtures)
from tests.schedule.conftest import local


def run(code: str, now: dt.datetime | None = None) -> runner.Run:
    done = runner.run_now(code, now)
    assert done is not None and done.ok, done
    return done


@pytest.mark.django_db
def test_the_mail_round_sends_what_is_left_to_a_real_server(tree, smtp):  # noqa: F811
    tree.hanoi_officer.email = "hanoi@congdoan.vn"
    tree.hanoi_officer.save()
    left = Notification.objects.create(
        recipient=tree.hanoi_officer, kind="enrolment_accepted", subject="Còn chờ gửi", body="…"
    )
    done = run("notifications.deliver")
    assert [mail.subject for mail in smtp.to("hanoi@congdoan.vn")] == ["Còn chờ gửi"]
    assert done.summary.startswith("Đã gửi 1 thông báo qua thư, 0 lỗi")
    left.refresh_from_db()
    assert left.mail_state == MailState.SENT


@pytest.mark.django_db
def test_yesterdays_figures_are_made_complete_at_one_in_the_morning(tree, only):
    only(registry.get("targets.keep_yesterday"))
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    one_am = local(today.year, today.month, today.day, 1, 0)
    assert runner.run_due(one_am - dt.timedelta(minutes=1)) == []
    [done] = runner.run_due(one_am)
    assert done.ok, done.summary
    assert done.summary == f"Số liệu ngày {yesterday:%d/%m/%Y} đã đầy đủ"
    snapshot = Snapshot.objects.get(as_of=yesterday)
    assert snapshot.status == Snapshot.Status.DONE
    # Computed while its day still ran (today's figures, kept current all day): computed
    # again once the day is over, since a window may have closed at its end.
    Snapshot.objects.filter(pk=snapshot.pk).update(
        finished_at=local(yesterday.year, yesterday.month, yesterday.day, 16, 0)
    )
    run("targets.keep_yesterday")
    again = Snapshot.objects.get(as_of=yesterday)
    assert again.revision == snapshot.revision + 1 and again.status == Snapshot.Status.DONE
    # Complete: kept as it is.
    run("targets.keep_yesterday")
    assert Snapshot.objects.get(as_of=yesterday).revision == again.revision


@pytest.mark.django_db
def test_a_large_tree_leaves_yesterdays_figures_to_the_worker(tree, settings):
    settings.TARGETS_INLINE_UNITS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    done = run("targets.keep_yesterday")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert done.summary == f"Số liệu ngày {yesterday:%d/%m/%Y} đang được tiến trình nền tính"
    assert Snapshot.objects.get(as_of=yesterday).status == Snapshot.Status.QUEUED


@pytest.mark.django_db
def test_the_course_reminders_go_out_daily_from_seven(world, only):  # noqa: F811
    only(registry.get("elearning.reminders"))
    today = timezone.localdate()
    seven = local(today.year, today.month, today.day, 7, 0)
    runner.plan(registry.jobs(), seven - dt.timedelta(hours=1))
    assert runner.run_due(seven - dt.timedelta(seconds=1)) == []
    [done] = runner.run_due(seven)
    # The learner enrolled who never started, and the one assigned who has not enrolled.
    assert {r.person_id for r in Reminder.objects.all()} == {
        world.idle_person.pk,
        world.assigned.pk,
    }
    assert done.summary == "2 lời nhắc cho 1 khóa học đã công bố"


@pytest.mark.django_db
def test_imports_whose_worker_died_are_marked_failed(tree):
    """An import in progress whose progress file never moved: its worker is gone."""
    lost = ImportJob.objects.create(
        kind="people",
        user=tree.hanoi_officer,
        unit=tree.hanoi,
        filename="ds.xlsx",
        status=ImportStatus.COMMITTING,
    )
    done = run("imports.fail_stale")
    assert done.summary == "1 lần nhập dữ liệu mất tiến trình nền: đã đánh dấu lỗi"
    lost.refresh_from_db()
    assert lost.status == ImportStatus.FAILED
    assert run("imports.fail_stale").summary.startswith("0 lần")
