"""Issue 22, goal 6: on SQLite (the embedded default) the background worker survives a
database another connection holds for a while.

One writer holds an SQLite database at a time. A page waits 20 s for the lock, then fails
with "database is locked"; the worker used to do the same and exit in the middle of its
job, so a long import written by a page stopped every report and import queued behind it.
Here an import is committed by a page inside a transaction held longer than this
environment's page timeout (set to half a second so that the test is quick), while a report
waits for the worker: the worker waits for the lock instead of dying, then builds the report;
the import and the report both end, and the worker was never started again."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction

from imports.models import ImportJob, ImportStatus
from people.models import Person
from reports.models import ReportJob
from reports.tasks import report_job_create
from tests.imports.helpers import (
    DATABASE_TASKS,
    ROOT,
    children,
    upload,
    worker_env,
    xlsx_bytes,
)

PEOPLE = 300
PAGE_BUSY_TIMEOUT = "0.5"  # this environment's pages give up on a lock after half a second


def people_file() -> bytes:
    return xlsx_bytes(
        [["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị"]]
        + [
            [f"Khoá Văn Ghi {i:04d}", f"01/01/{1960 + i % 40}", "Nam", "HN-ML-01"]
            for i in range(PEOPLE)
        ]
    )


def opened_database(pid: int, name: str) -> bool:
    """Whether the process has the database file open (it is about to read the queue)."""
    try:
        return any(
            os.readlink(f"/proc/{pid}/fd/{fd}") == name for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_a_long_import_and_builds_the_report_queued_behind_it(
    client, tree, settings, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("one writer at a time is SQLite's; PostgreSQL locks rows")
    settings.TASKS = DATABASE_TASKS
    settings.IMPORTS_INLINE_BYTES = 10_000_000  # the import runs in the page
    client.force_login(tree.melinh_officer)
    response = client.post(
        "/imports/", {"kind": "people", "file": upload(people_file(), "ds.xlsx")}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.CHECKED and job.can_commit, job.problems
    report = report_job_create(
        user=tree.melinh_officer,
        unit=tree.melinh,
        kind="structure",
        fmt="xlsx",
        params={"on": "2024-06-01"},
    )
    assert report.status == ReportJob.Status.QUEUED

    env = worker_env(settings, SQLITE_BUSY_TIMEOUT=PAGE_BUSY_TIMEOUT)
    log = tmp_path / "run_worker.log"
    name = connection.settings_dict["NAME"]
    supervisor = None
    try:
        with transaction.atomic():
            # The page's import takes the write lock and keeps it to the end of the transaction.
            assert client.post(f"/imports/{job.pk}/commit/").status_code == 302
            supervisor = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
                cwd=ROOT,
                env=env,
                stdout=log.open("ab"),
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 60
            while not ((worker := children(supervisor.pid)) and opened_database(worker[0], name)):
                assert supervisor.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the worker never opened the database"
                time.sleep(0.05)
            # Held well past the page timeout while the worker asks for the queue.
            time.sleep(4 * float(PAGE_BUSY_TIMEOUT) + 1)
            assert ReportJob.objects.get(pk=report.pk).status == ReportJob.Status.QUEUED
        deadline = time.monotonic() + 90
        while ReportJob.objects.get(pk=report.pk).status in (
            ReportJob.Status.QUEUED,
            ReportJob.Status.RUNNING,
        ):
            assert supervisor.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert ReportJob.objects.get(pk=report.pk).status == ReportJob.Status.DONE, log.read_text()
        assert children(supervisor.pid) == worker, log.read_text()
        assert "the worker stopped" not in log.read_text()
    finally:
        if supervisor is not None:
            supervisor.terminate()
            assert supervisor.wait(timeout=30) == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.filter(family_name="Khoá").count() == PEOPLE
