"""Issue 18, finding 1: "One small spreadsheet stops the whole service. A 1.6 KB .xlsx with
'Họ và tên' in A1 and a second cell at XFD1048576, uploaded to any import as any officer,
makes the spreadsheet reader try to allocate ~512 GiB and the process aborts (SIGABRT, not an
exception)". Before the fix each of these tests killed the pytest process itself (the inline
check) or the worker; now the file costs a copy of the process and the officer reads a
Vietnamese message naming the limit."""

import base64
import os
import signal
import subprocess
import sys
import time
import zipfile
from io import BytesIO

import pytest
import xlsxwriter

from imports.models import ImportJob, ImportStatus
from lib import sandbox
from tests.imports.helpers import (
    DATABASE_TASKS,
    ROOT,
    children,
    upload,
    worker_env,
    xlsx_bytes,
)
from tests.imports.test_worker_killed import run_worker

PEOPLE_HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị"]


def far_cell_file(padding: int = 0) -> bytes:
    """The reported file: a header in A1 and one more cell at XFD1048576 (padded with a
    long text in B1 when a larger file is wanted)."""
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "Họ và tên")
    for column in range(1, 1 + padding // 24_000):  # random text: it does not compress
        sheet.write(0, column, base64.b64encode(os.urandom(24_000)).decode())
    sheet.write(1048575, 16383, "x")
    book.close()
    return buffer.getvalue()


def check(client, data: bytes, name: str = "danh-sach.xlsx") -> ImportJob:
    response = client.post("/imports/", {"kind": "people", "file": upload(data, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def only_message(job: ImportJob) -> str:
    assert job.status in (ImportStatus.CHECKED, ImportStatus.FAILED)
    assert [p["row"] for p in job.problems] == [None], job.problems
    return job.problems[0]["message"]


@pytest.mark.django_db
def test_a_cell_at_xfd1048576_is_refused_in_the_request_naming_the_memory_limit(client, tree):
    client.force_login(tree.melinh_officer)
    data = far_cell_file()
    assert len(data) < 100_000  # checked in the request, as in the report
    job = check(client, data)
    message = only_message(job)
    assert "giới hạn 1.024 MB bộ nhớ" in message and "XFD1048576" in message
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "giới hạn 1.024 MB bộ nhớ" in page
    # The process that served it is alive and serves the next file as before.
    good = xlsx_bytes([PEOPLE_HEADER, ["Lê Văn Một", "01/01/1980", "Nam", "HN-ML-01"]])
    assert check(client, good).rows_total == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_file_past_the_inline_size_ends_its_job_not_the_worker(
    client, tree, settings, tmp_path
):
    settings.TASKS = DATABASE_TASKS
    settings.IMPORTS_INLINE_BYTES = 100_000  # the default (the suite's is larger)
    data = far_cell_file(padding=120_000)
    assert len(data) > settings.IMPORTS_INLINE_BYTES  # goes to the background worker
    client.force_login(tree.melinh_officer)
    job = check(client, data)
    assert job.status == ImportStatus.QUEUED
    run_worker(settings, tmp_path / "worker.log")  # exits 0: it lived through the file
    job.refresh_from_db()
    assert "giới hạn 1.024 MB bộ nhớ" in only_message(job)


@pytest.mark.django_db
def test_a_sheet_over_the_cell_limit_is_refused_naming_the_sheet_and_the_limit(
    client, tree, settings
):
    settings.SPREADSHEET_MAX_CELLS = 1_000
    client.force_login(tree.melinh_officer)
    rows = [PEOPLE_HEADER + [f"Cột {n}" for n in range(16)]] + [
        ["Lê Văn Một", "01/01/1980", "Nam", "HN-ML-01"] + [""] * 15 + ["x"]
    ] * 60
    message = only_message(check(client, xlsx_bytes(rows)))
    assert message == (
        "Trang tính “Danh sách” trải trên 61 hàng × 20 cột, vượt quá giới hạn "
        "1.000 ô: hãy xoá các hàng và cột trống phía sau bảng (hoặc chép bảng "
        "sang một tệp mới) rồi tải lên lại."
    )


@pytest.mark.django_db
def test_a_workbook_declaring_a_huge_unpacked_size_is_refused_before_reading(
    client, tree, settings
):
    settings.SPREADSHEET_UNPACKED_MB = 2
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
    client.force_login(tree.melinh_officer)
    message = only_message(check(client, buffer.getvalue()))
    assert "vượt quá giới hạn 2 MB" in message


@pytest.mark.django_db
def test_reading_past_the_time_limit_is_stopped_naming_the_limit(
    client, tree, settings, monkeypatch
):
    """The wall-clock limit is the copy's CPU limit plus 5 s; a reader stuck waiting (on
    nothing, spending no CPU) is stopped by the wall clock."""
    from lib import spreadsheets

    settings.SPREADSHEET_SECONDS = 1
    monkeypatch.setattr(spreadsheets, "_read_table", lambda *args: time.sleep(60))
    client.force_login(tree.melinh_officer)
    started = time.monotonic()
    message = only_message(check(client, xlsx_bytes([PEOPLE_HEADER])))
    assert time.monotonic() - started < 20
    assert message.startswith("Việc đọc tệp vượt quá giới hạn 1 giây")


def test_the_sandbox_stops_a_copy_that_spins_or_allocates_beyond_its_limits():
    def spin():
        while True:
            pass

    def allocate():
        return len(bytearray(3 * 1024 * 1024 * 1024))

    with pytest.raises(sandbox.LimitExceeded) as exceeded:
        sandbox.run_limited(spin, memory_bytes=256 << 20, cpu_seconds=1, wall_seconds=30)
    assert exceeded.value.what == "time"
    with pytest.raises(sandbox.LimitExceeded) as exceeded:
        sandbox.run_limited(allocate, memory_bytes=256 << 20, cpu_seconds=10, wall_seconds=30)
    assert exceeded.value.what == "memory"
    assert (
        sandbox.run_limited(sum, [1, 2, 3], memory_bytes=256 << 20, cpu_seconds=10, wall_seconds=30)
        == 6
    )


def test_the_parent_refuses_anything_but_plain_data_from_the_copy():
    """A copy subverted by a hostile file could write any pickle: only plain data and dates
    are rebuilt."""
    import pickle

    with pytest.raises(pickle.UnpicklingError):
        sandbox.safe_loads(pickle.dumps(("ok", os.system)))
    value = ("ok", [{"a": __import__("datetime").date(2026, 7, 1)}])
    assert sandbox.safe_loads(pickle.dumps(value)) == value


@pytest.mark.django_db(transaction=True)
def test_run_worker_starts_a_dead_worker_again_and_stops_with_it(client, tree, settings, tmp_path):
    """`make run` and `make serve` run the worker under `manage.py run_worker`."""
    settings.TASKS = DATABASE_TASKS
    settings.IMPORTS_INLINE_BYTES = 0
    env = worker_env(settings)
    log = tmp_path / "run_worker.log"
    supervisor = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--restart-delay", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    client.force_login(tree.melinh_officer)

    def wait_for(condition, what):
        deadline = time.monotonic() + 60
        while not (found := condition()):
            assert supervisor.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"{what}\n{log.read_text()}"
            time.sleep(0.1)
        return found

    def checked(job):
        job.refresh_from_db()
        return job.status == ImportStatus.CHECKED

    try:
        first = wait_for(lambda: children(supervisor.pid), "no worker started")[0]
        os.kill(first, signal.SIGKILL)
        wait_for(
            lambda: children(supervisor.pid) and children(supervisor.pid)[0] != first,
            "the worker was not started again",
        )
        job = check(
            client, xlsx_bytes([PEOPLE_HEADER, ["Lê Văn Một", "01/01/1980", "Nam", "HN-ML-01"]])
        )
        wait_for(lambda: checked(job), "the new worker did not run the import")
        assert job.rows_total == 1
        assert "run_worker: the worker stopped (status -9)" in log.read_text()
    finally:
        worker = children(supervisor.pid)
        supervisor.terminate()
        assert supervisor.wait(timeout=30) == 0
    for pid in worker:  # the supervisor stopped its worker before leaving
        assert (
            not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
        )


class _Payload:
    """What a hostile pickle does when loaded: create a file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.django_db
def test_a_planted_cache_file_is_read_as_data_never_run(client, tree, tmp_path):
    """The check keeps the file's table for the commit under media/imports/cache/; a pickle
    planted there (a restored backup carries media/) is refused and the file read again."""
    import pickle

    from imports.pipeline import CACHE_VERSION, _cache_path

    client.force_login(tree.melinh_officer)
    good = xlsx_bytes([PEOPLE_HEADER, ["Lê Văn Một", "01/01/1980", "Nam", "HN-ML-01"]])
    job = check(client, good)
    assert job.can_commit, job.problems
    marker = tmp_path / "ran"
    stamp = (CACHE_VERSION, job.file.name, job.file.size, job.kind)
    _cache_path(job).write_bytes(pickle.dumps((stamp, _Payload(str(marker)))))
    client.post(f"/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.problems
    assert not marker.exists()


@pytest.mark.django_db
def test_a_date_beyond_the_years_pages_can_ask_about_is_refused_on_its_row(client, tree):
    """A date of year 9999 (an Excel serial of 2958465) was stored, and every figure as of a
    day after it broke; dates keep to 01/01/1900–31/12/2100 in imports as in pages."""
    client.force_login(tree.melinh_officer)
    header = PEOPLE_HEADER
    rows = [
        header,
        ["Lê Văn Một", 2958465, "Nam", "HN-ML-01"],
        ["Lê Văn Hai", "01/01/2101", "Nam", "HN-ML-01"],
        ["Lê Văn Ba", "31/12/2100", "Nam", "HN-ML-01"],
    ]
    job = check(client, xlsx_bytes(rows))
    assert {(p["row"], p["message"]) for p in job.problems} == {
        (2, "Hãy nhập ngày từ 01/01/1900 đến 31/12/2100."),
        (3, "Hãy nhập ngày từ 01/01/1900 đến 31/12/2100."),
    }
