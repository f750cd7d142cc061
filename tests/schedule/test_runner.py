"""Issue 24 §2: "Recurring jobs … run without cron: the worker … runs them on a schedule kept in
the database, each at most once per period even with several workers"; a daily job waits for
its hour in Viet Nam's time; a job that fails is recorded with its message, stops nothing and
runs again the next period."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext_lazy

from schedule import registry, runner
from schedule.models import ScheduledJob
from schedule.registry import Job
from tests.schedule.conftest import Calls, local

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)


def job(code: str, body, every=MINUTE, at=None) -> Job:
    return Job(code=code, label=gettext_lazy("A test job"), every=every, run=body, at=at)


def state(code: str) -> ScheduledJob:
    return ScheduledJob.objects.get(code=code)


@pytest.mark.django_db
def test_a_job_runs_once_in_its_period_and_again_in_the_next(only):
    body = Calls("12 thư đã gửi")
    only(job("test.minute", body))
    first = runner.run_due(local(2026, 12, 7, 10, 0, 5))
    assert [(run.code, run.status, run.summary) for run in first] == [
        ("test.minute", "ok", "12 thư đã gửi")
    ]
    assert runner.run_due(local(2026, 12, 7, 10, 0, 59)) == []
    assert len(body.calls) == 1
    row = state("test.minute")
    assert row.due_at == local(2026, 12, 7, 10, 1)
    assert row.last_started_at == local(2026, 12, 7, 10, 0, 5)
    assert row.last_finished_at >= row.last_started_at
    assert row.last_duration is not None and row.running_since is None

    second = runner.run_due(local(2026, 12, 7, 10, 1))
    assert [run.code for run in second] == ["test.minute"]
    # `previous`: when the last successful run started (None the first time).
    assert body.calls == [
        (None, local(2026, 12, 7, 10, 0, 5)),
        (local(2026, 12, 7, 10, 0, 5), local(2026, 12, 7, 10, 1)),
    ]


@pytest.mark.django_db
def test_periods_are_aligned_on_the_clock_not_on_the_last_run(only):
    only(job("test.five", Calls(), every=5 * MINUTE))
    runner.run_due(local(2026, 12, 7, 10, 2, 30))
    assert state("test.five").due_at == local(2026, 12, 7, 10, 5)
    assert runner.run_due(local(2026, 12, 7, 10, 4, 59)) == []
    assert len(runner.run_due(local(2026, 12, 7, 10, 5))) == 1
    # A worker down for an hour: one run for the periods missed, not one per period.
    assert len(runner.run_due(local(2026, 12, 7, 11, 7))) == 1
    assert runner.run_due(local(2026, 12, 7, 11, 8)) == []
    assert state("test.five").due_at == local(2026, 12, 7, 11, 10)


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_hour_in_viet_nam(only):
    body = Calls()
    only(job("test.daily", body, every=DAY, at=dt.time(1, 0)))
    assert runner.run_due(local(2026, 12, 7, 0, 30)) == []  # met first at 00:30: not yet
    assert state("test.daily").due_at == local(2026, 12, 7, 1, 0)
    assert runner.run_due(local(2026, 12, 7, 0, 59, 59)) == []
    # 01:00 in Hà Nội is 18:00 UTC the day before.
    utc_one_am = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)
    assert [run.code for run in runner.run_due(utc_one_am)] == ["test.daily"]
    assert state("test.daily").due_at == local(2026, 12, 8, 1, 0)
    assert runner.run_due(local(2026, 12, 7, 23, 59)) == []
    assert runner.run_due(local(2026, 12, 8, 0, 59)) == []
    assert len(runner.run_due(local(2026, 12, 8, 1, 0, 30))) == 1
    assert body.calls[1] == (local(2026, 12, 7, 1, 0), local(2026, 12, 8, 1, 0, 30))


@pytest.mark.django_db
def test_a_daily_job_met_after_its_hour_runs_that_day_at_once(only):
    only(job("test.daily", Calls(), every=DAY, at=dt.time(7, 0)))
    assert len(runner.run_due(local(2026, 12, 7, 15, 0))) == 1
    assert state("test.daily").due_at == local(2026, 12, 8, 7, 0)


@pytest.mark.django_db
def test_a_failing_job_is_recorded_stops_no_other_and_runs_next_period(only):
    failing = Calls(error=ConnectionRefusedError("Máy chủ thư không trả lời"))
    fine = Calls("3 đã xong")
    only(job("test.a_failing", failing), job("test.b_fine", fine))
    runs = runner.run_due(local(2026, 12, 7, 10, 0))
    assert [(run.code, run.status) for run in runs] == [
        ("test.a_failing", "failed"),
        ("test.b_fine", "ok"),
    ]
    row = state("test.a_failing")
    assert row.last_status == ScheduledJob.Status.FAILED
    assert row.last_summary == row.last_error == "Máy chủ thư không trả lời"
    assert row.last_ok_at is None and row.running_since is None
    assert state("test.b_fine").last_summary == "3 đã xong"
    assert runner.run_due(local(2026, 12, 7, 10, 0, 30)) == []  # not again in its period

    failing.error = None
    runs = runner.run_due(local(2026, 12, 7, 10, 1))
    assert [(run.code, run.status) for run in runs] == [
        ("test.a_failing", "ok"),
        ("test.b_fine", "ok"),
    ]
    row = state("test.a_failing")
    assert row.last_status == "ok" and row.last_failed_at == local(2026, 12, 7, 10, 0)
    # The first successful run had none before it: `previous` is still None.
    assert failing.calls[-1] == (None, local(2026, 12, 7, 10, 1))


@pytest.mark.django_db
def test_a_job_failing_in_the_database_rolls_back_nothing_of_another(only):
    """PostgreSQL aborts a transaction on an error: without a savepoint of its own, the job
    after it could not even record its run."""

    def duplicate(previous, now) -> str:
        ScheduledJob.objects.create(code="test.b_fine", period="60s", due_at=now)
        return "unreachable"

    only(job("test.a_bad_write", duplicate), job("test.b_fine", Calls("ok")))
    runs = runner.run_due(local(2026, 12, 7, 10, 0))
    assert [(run.code, run.status) for run in runs] == [
        ("test.a_bad_write", "failed"),
        ("test.b_fine", "ok"),
    ]
    assert state("test.a_bad_write").last_status == "failed"
    assert ScheduledJob.objects.filter(code="test.b_fine").count() == 1


@pytest.mark.django_db
def test_a_changed_period_plans_the_job_again_from_its_last_run(only):
    only(job("test.changing", Calls(), every=DAY, at=dt.time(1, 0)))
    runner.run_due(local(2026, 12, 7, 1, 0))
    only(job("test.changing", Calls(), every=DAY, at=dt.time(0, 30)))
    # Today's run happened at 01:00: moved to 00:30, the job waits for tomorrow's.
    assert runner.run_due(local(2026, 12, 7, 2, 30)) == []
    assert state("test.changing").due_at == local(2026, 12, 8, 0, 30)
    only(job("test.changing", Calls(), every=MINUTE))
    assert len(runner.run_due(local(2026, 12, 7, 2, 31))) == 1


@pytest.mark.django_db
def test_run_schedule_runs_what_is_due_and_forces_one_job(only, capsys):
    body = Calls("xong")
    only(job("test.weekly", body, every=7 * DAY))
    call_command("run_schedule")  # due at once: met for the first time
    call_command("run_schedule")  # not again this week
    assert len(body.calls) == 1
    assert "test.weekly: ok" in capsys.readouterr().out
    call_command("run_schedule", job="test.weekly")  # forced: runs, due or not
    assert len(body.calls) == 2
    due = state("test.weekly").due_at
    call_command("run_schedule")
    assert "Nothing due." in capsys.readouterr().out
    assert len(body.calls) == 2 and state("test.weekly").due_at == due  # its plan stays
    with pytest.raises(CommandError, match="no job 'test.nothing'"):
        call_command("run_schedule", job="test.nothing")
    body.error = RuntimeError("hỏng")
    with pytest.raises(CommandError, match="failed: test.weekly"):
        call_command("run_schedule", job="test.weekly")
    assert state("test.weekly").last_error == "hỏng"


@pytest.mark.django_db
def test_a_forced_run_waits_for_a_run_in_progress(only):
    body = Calls()
    only(job("test.busy", body))
    now = timezone.now()
    runner.plan(registry.jobs(), now)
    ScheduledJob.objects.filter(code="test.busy").update(running_since=now, alive_at=now)
    assert runner.run_now("test.busy", now + MINUTE) is None
    with pytest.raises(CommandError, match="running in another worker"):
        call_command("run_schedule", job="test.busy")
    assert body.calls == []
    # Once its runner has been silent for runner.STALE, the run is taken as lost.
    assert runner.run_now("test.busy", now + runner.STALE + dt.timedelta(seconds=1))
    assert len(body.calls) == 1


def test_one_code_is_one_job():
    body = Calls()
    first = job("test.twice", body)
    saved = dict(registry._JOBS)
    try:
        registry.register(first)
        registry.register(job("test.twice", body))  # the same job again: harmless
        assert [j for j in registry.jobs() if j.code == "test.twice"] == [first]
        with pytest.raises(ValueError, match="test.twice"):
            registry.register(job("test.twice", Calls()))
    finally:
        registry._JOBS.clear()
        registry._JOBS.update(saved)


@pytest.mark.parametrize(
    "bad",
    [
        dict(code="", every=MINUTE),
        dict(code="x" * 101, every=MINUTE),
        dict(code="test.zero", every=dt.timedelta(0)),
        dict(code="test.hourly_at", every=dt.timedelta(hours=1), at=dt.time(1, 0)),
    ],
)
def test_a_job_that_cannot_be_scheduled_is_refused_at_registration(bad):
    with pytest.raises(ValueError):
        Job(label=gettext_lazy("A test job"), run=Calls(), **bad)


def test_the_apps_register_their_jobs():
    every = {j.code: (j.every, j.at) for j in registry.jobs()}
    assert every["notifications.deliver"] == (MINUTE, None)
    assert every["imports.fail_stale"] == (5 * MINUTE, None)
    assert every["targets.keep_yesterday"] == (DAY, dt.time(1, 0))
    assert every["elearning.reminders"] == (DAY, dt.time(7, 0))
