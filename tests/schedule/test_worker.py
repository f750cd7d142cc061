"""Issue 24 §2: "the worker started by `make run` and `make serve` runs them on a schedule kept
in the database". `manage.py run_worker`, started for real on this test's database, runs the
jobs that are due beside its db_worker, and leaves alone a job whose period has had its run —
the schedule it finds in the database, not a run at every start."""

import datetime as dt
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from schedule import registry, runner
from schedule.models import ScheduledJob
from tests.imports.helpers import ROOT, children, worker_env


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_jobs_due_and_only_those(settings, tmp_path):
    now = timezone.now()
    runner.plan(registry.jobs(), now)
    # Planned for tomorrow (its period had its run, by another server or before a restart):
    # the worker leaves it alone.
    later = now + dt.timedelta(days=1)
    ScheduledJob.objects.filter(code="imports.fail_stale").update(due_at=later)
    log = tmp_path / "run_worker.log"
    supervisor = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.5", "--schedule-every", "1"],
        cwd=ROOT,
        env=worker_env(settings),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while ScheduledJob.objects.get(code="notifications.deliver").last_status != "ok":
            assert supervisor.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert len(children(supervisor.pid)) == 1  # db_worker: the jobs run in threads
    finally:
        supervisor.terminate()
        assert supervisor.wait(timeout=30) == 0, log.read_text()
    deliver = ScheduledJob.objects.get(code="notifications.deliver")
    assert deliver.last_summary.startswith("Đã gửi 0 thông báo qua thư"), deliver.last_summary
    assert deliver.due_at > deliver.last_started_at >= now
    skipped = ScheduledJob.objects.get(code="imports.fail_stale")
    assert skipped.last_started_at is None and skipped.due_at == later
