"""Progress files (lib.progress) written by several threads of one process at once.

Security review, concurrency finding 3: "concurrent commits in one process (the progress file
is named by process id only)". `report()` wrote through a temporary file named
`<key>.<pid>.tmp`: two threads of one process (a threaded server, a worker with several
threads) reporting the same key wrote the same temporary file, so one thread's rename failed
(FileNotFoundError, an import stopped) or a reader saw half of a file."""

import json
import threading

import pytest

from lib import progress

KEY = "import-1"
WRITERS = 8
REPORTS = 300


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_threads_reporting_the_same_key_at_once_never_fail_nor_show_half_a_file(settings):
    progress.report(KEY, 0, REPORTS, "read")
    path = progress._path(KEY)
    barrier = threading.Barrier(WRITERS + 1)
    writing = threading.Event()
    errors, seen = [], []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for done in range(REPORTS):
                progress.report(KEY, done, REPORTS, f"writer {n}")
        except Exception as e:  # noqa: BLE001 — reported below, a thread cannot fail the test
            errors.append(repr(e))

    def read() -> None:
        barrier.wait(timeout=30)
        while writing.is_set():
            text = path.read_text()
            try:
                seen.append(json.loads(text))
            except ValueError:
                errors.append(f"half a file: {text!r}")

    writing.set()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    writing.clear()
    reader.join(timeout=60)
    assert errors == []
    assert seen and all(set(s) == {"done", "total", "stage"} for s in seen)
    assert progress.read(KEY)["total"] == REPORTS
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_a_report_is_read_back_with_its_percentage():
    """What the fix of finding 3 must keep: a report reads back, a cleared key reads empty."""
    progress.report(KEY, 25, 200, "check")
    assert progress.read(KEY) == {"done": 25, "total": 200, "stage": "check", "percent": 12}
    progress.clear(KEY)
    assert progress.read(KEY)["percent"] == 0
