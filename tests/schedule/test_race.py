"""Issue 24, acceptance: "The scheduler runs each job once per period with two workers racing
(PostgreSQL), and survives a worker restart."

Real worker processes (tests/schedule/racer.py: Django set up on this test's database, the
runner a worker uses) started at one barrier run the same jobs: each job runs exactly once,
whichever wins its claim. A worker killed with SIGKILL in the middle of a run leaves it
claimed: no worker takes it again until its runner has been silent for runner.STALE, then the
next worker does, and records it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from schedule import runner
from schedule.models import ScheduledJob
from tests.imports.helpers import ROOT, worker_env
from tests.schedule.conftest import local

JOBS = 8


def racer(settings, log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.schedule.racer", "--log", str(log), *args],
        cwd=ROOT,
        env=worker_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_ready(process: subprocess.Popen) -> None:
    line = process.stdout.readline()
    assert line.strip() == "ready", line + process.stdout.read()


def runs_in(log: Path) -> Counter:
    lines = log.read_text().splitlines() if log.exists() else []
    return Counter(line.split()[0] for line in lines if line.endswith(" start"))


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_run_each_job_once(settings, tmp_path):
    log, go = tmp_path / "runs.log", tmp_path / "go"
    now = local(2026, 12, 7, 10, 0, 0).isoformat()
    args = ("--go", str(go), "--jobs", str(JOBS), "--sleep", "0.2", "--now", now)
    workers = [racer(settings, log, *args) for _ in range(2)]
    try:
        for worker in workers:
            wait_ready(worker)
        go.touch()  # both start at once
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [w.returncode for w in workers] == [0, 0], outputs
    ran = [int(out.split()[-1]) for out in outputs]
    assert runs_in(log) == {f"test.race.{i:02d}": 1 for i in range(JOBS)}, (ran, log.read_text())
    assert sum(ran) == JOBS
    rows = ScheduledJob.objects.filter(code__startswith="test.race.")
    assert rows.count() == JOBS
    assert {(r.last_status, r.due_at, r.running_since) for r in rows} == {
        ("ok", local(2026, 12, 7, 10, 1), None)
    }
    # Their period had its run: a third worker, later in it, finds nothing to do.
    third = racer(
        settings, log, "--jobs", str(JOBS), "--now", local(2026, 12, 7, 10, 0, 50).isoformat()
    )
    assert third.communicate(timeout=60)[0].split()[-1] == "0"
    assert sum(runs_in(log).values()) == JOBS


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_taken_again_once_its_run_is_stale(settings, tmp_path):
    log = tmp_path / "runs.log"
    start = local(2026, 12, 7, 10, 0, 0)
    daily = str(24 * 3600)  # its next period is tomorrow: only a lost run can run it again
    hanging = racer(settings, log, "--every", daily, "--sleep", "300", "--now", start.isoformat())
    try:
        wait_ready(hanging)
        deadline = time.monotonic() + 60
        while not runs_in(log):
            assert hanging.poll() is None, hanging.stdout.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(hanging.pid, signal.SIGKILL)  # mid-run
        hanging.wait(timeout=30)
    finally:
        hanging.kill()
    row = ScheduledJob.objects.get(code="test.race.00")
    assert row.running_since == start and row.last_status == ""

    def restarted(after: dt.timedelta) -> str:
        worker = racer(settings, log, "--every", daily, "--now", (start + after).isoformat())
        return worker.communicate(timeout=60)[0].split()[-1]

    assert restarted(runner.STALE - dt.timedelta(seconds=1)) == "0"  # maybe still running
    assert restarted(runner.STALE + dt.timedelta(seconds=1)) == "1"  # lost: taken again
    assert runs_in(log) == {"test.race.00": 2}
    row.refresh_from_db()
    assert row.last_status == "ok" and row.running_since is None
    assert row.last_started_at == start + runner.STALE + dt.timedelta(seconds=1)
    assert restarted(runner.STALE + dt.timedelta(minutes=1)) == "0"  # and once only
