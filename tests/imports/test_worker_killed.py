"""Issue 9, acceptance 6: killing the worker in the middle of an import leaves the database
unchanged and the job marked failed and re-runnable.

A real `manage.py db_worker` process commits a participants file of 6,000 rows on
this test's database (a transactional test, so the worker's own connection sees the fixture
data; SQLite through its file, PostgreSQL through the test database's name). It is killed
with SIGKILL once the progress file says it has begun writing rows inside the commit's
transaction; the row counts of every table an import writes are then unchanged, the job page
shows the job failed once its heartbeat is stale, and "Run again" queues the same file, which
a new worker imports: every row exactly once."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from imports.models import ImportJob, ImportStatus
from imports.pipeline import progress_key
from imports.services import STOPPED
from lib import progress
from people.models import Person
from tests.imports.helpers import (
    DATABASE_TASKS,
    ROOT,
    counts,
    upload,
    worker_env,
    xlsx_bytes,
)
from training.models import Enrolment, TrainingRecord

ROWS = 6_000  # progress is told every 500 rows: the kill lands with most still to write
HEADER = [
    "Mã lớp",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã đơn vị",
    "Tỷ lệ tham dự (%)",
    "Điểm",
    "Kết quả",
]


def participants_file(rows: int) -> bytes:
    return xlsx_bytes(
        [HEADER]
        + [
            [
                "ML-2024-01",
                f"Đoàn Văn Học {i:05d}",
                dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                "Nam",
                "HN-ML-01",
                100,
                "8,5",
                "Đạt",
            ]
            for i in range(rows)
        ]
    )


def start_worker(settings, log: Path) -> subprocess.Popen:
    env = worker_env(settings)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def run_worker(settings, log: Path) -> None:
    """A worker that runs what is queued and stops."""
    worker = start_worker(settings, log)
    assert worker.wait(timeout=60) == 0, log.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_commit_writes_nothing_and_the_job_runs_again(
    client, tree, settings, tmp_path
):
    settings.IMPORTS_INLINE_BYTES = 0  # every file goes to the worker
    settings.TASKS = DATABASE_TASKS
    log = tmp_path / "worker.log"
    tree.ml_class.capacity = ROWS + 10
    tree.ml_class.save()
    client.force_login(tree.melinh_officer)
    client.post(
        "/imports/",
        {"kind": "participants", "file": upload(participants_file(ROWS), "hoc-vien.xlsx")},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    run_worker(settings, log)  # the check
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems

    before = counts()
    client.post(f"/imports/{job.pk}/commit/")
    worker = start_worker(settings, log)
    key, seen_running, deadline = progress_key(job), False, time.monotonic() + 60
    try:
        while True:
            assert worker.poll() is None, (
                "the worker ended before it was killed: " + log.read_text()
            )
            assert time.monotonic() < deadline, log.read_text()
            state = progress.read(key)
            if state["stage"] in ("read", "parse", "check") and not seen_running:
                # Alive and beating: opening the page does not fail the job.
                page = client.get(f"/imports/{job.pk}/").content.decode()
                assert 'id="progress"' in page and 'id="rerun"' not in page
                seen_running = True
            if state["stage"] == "write" and state["done"] >= 1:
                break  # people already inserted, inside the commit's transaction
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    assert worker.returncode == -signal.SIGKILL and seen_running

    assert counts() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING  # nobody has noticed yet

    settings.IMPORTS_STALE_SECONDS = 0.5  # the heartbeat has stopped: wait it out
    while progress.age(key) < 0.6:
        time.sleep(0.1)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.commit_requested
    assert gettext(STOPPED) in page and 'id="rerun"' in page and 'id="progress"' not in page
    assert counts() == before

    client.post(f"/imports/{job.pk}/rerun/")
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.commit_requested
    run_worker(settings, log)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.problems
    after = counts()
    assert after["Person"] == before["Person"] + ROWS
    assert after["Enrolment"] == before["Enrolment"] + ROWS
    assert after["TrainingRecord"] == before["TrainingRecord"] + ROWS
    learners = Person.objects.filter(family_name="Đoàn")  # nobody of that name before
    names = learners.values("middle_name", "given_name").distinct()
    assert learners.count() == names.count() == ROWS
    assert (
        Enrolment.objects.filter(training_class=tree.ml_class, person__in=learners).count() == ROWS
    )
    assert TrainingRecord.objects.filter(person__in=learners).count() == ROWS


# -- the sweep, the page and "Run again" without a real process ------------------------------


def _job(tree, status, *, commit_requested=False) -> ImportJob:
    job = ImportJob(
        kind="participants",
        user=tree.melinh_officer,
        unit=tree.melinh,
        filename="hoc-vien.xlsx",
        status=status,
        commit_requested=commit_requested,
    )
    job.file.save("hoc-vien.xlsx", upload(participants_file(3)), save=False)
    job.save()
    return job


def test_the_command_fails_only_running_jobs_that_stopped_beating(tree, settings):
    settings.IMPORTS_STALE_SECONDS = 60
    dead = _job(tree, ImportStatus.COMMITTING, commit_requested=True)  # no progress file
    old = _job(tree, ImportStatus.CHECKING)
    progress.report(progress_key(old), 10, 100, "parse")
    stamp = time.time() - 61
    os.utime(Path(settings.MEDIA_ROOT) / "progress" / f"{progress_key(old)}.json", (stamp, stamp))
    alive = _job(tree, ImportStatus.COMMITTING, commit_requested=True)
    progress.report(progress_key(alive), 10, 100, "parse")
    waiting = _job(tree, ImportStatus.QUEUED)
    done = _job(tree, ImportStatus.DONE)

    call_command("fail_stale_jobs", verbosity=0)

    status = dict(ImportJob.objects.values_list("pk", "status"))
    assert status == {
        dead.pk: "failed",
        old.pk: "failed",
        alive.pk: "committing",
        waiting.pk: "queued",
        done.pk: "done",
    }
    dead.refresh_from_db()
    assert dead.problems[0]["message"] == gettext(STOPPED) and dead.commit_requested
    assert progress.age(progress_key(old)) is None  # its stale file is gone


def test_run_again_repeats_the_step_that_died_and_only_for_a_failed_job(client, tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(tree.melinh_officer)
    before = counts()
    checking = _job(tree, ImportStatus.CHECKING)  # died during the check: no file
    assert 'id="rerun"' in client.get(f"/imports/{checking.pk}/").content.decode()
    client.post(f"/imports/{checking.pk}/rerun/")
    checking.refresh_from_db()
    assert checking.status == ImportStatus.CHECKED and checking.can_commit
    assert counts() == before  # a check writes nothing
    client.post(f"/imports/{checking.pk}/rerun/")  # refused: it has not failed
    checking.refresh_from_db()
    assert checking.status == ImportStatus.CHECKED

    committing = _job(tree, ImportStatus.COMMITTING, commit_requested=True)
    client.get(f"/imports/{committing.pk}/progress/")  # the poll notices too
    committing.refresh_from_db()
    assert committing.status == ImportStatus.FAILED
    client.post(f"/imports/{committing.pk}/rerun/")
    committing.refresh_from_db()
    assert committing.status == ImportStatus.DONE, committing.problems
    assert counts()["Enrolment"] == before["Enrolment"] + 3
